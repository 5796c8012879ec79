"""The grading queue: the handed-in work a tutor (or the project's staff) still has to score, one
submission after another — the work, the score or the rubric's points, a comment, save and go to
the next. `delivery:grading` lists the queue (optionally one project's or one assignment's);
`delivery:grading-item` grades one submission in it, with previous and next."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.delivery import access, selectors
from peixun.delivery.forms import GradeForm
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.views.common import require_runner

QUEUE_SHOWN = 200


def _filters(request: HttpRequest) -> dict[str, int]:
    found = {}
    for name in ("project", "assignment"):
        value = request.GET.get(name, "")
        if value.isdigit():
            found[name] = int(value)
    return found


def _queue(request: SignedInRequest, filters: dict[str, int]):
    return selectors.grading_queue(
        request.user, project_id=filters.get("project"), assignment_id=filters.get("assignment")
    )


def _with(url: str, filters: dict[str, int]) -> str:
    return f"{url}?{urlencode(filters)}" if filters else url


def _item_url(pk: int, filters: dict[str, int]) -> str:
    return _with(reverse("delivery:grading-item", args=[pk]), filters)


@login_required
@require_http_methods(["GET"])
def grading(request: SignedInRequest) -> HttpResponse:
    require_runner(request)
    filters = _filters(request)
    queue = _queue(request, filters).select_related(
        "assignment__project", "enrolment__person", "enrolment__school", "enrolment__cohort"
    )
    items = list(queue[:QUEUE_SHOWN])
    for item in items:
        item.grade_url = _item_url(item.pk, filters)
    context = {
        "items": items,
        "total": queue.count() if len(items) == QUEUE_SHOWN else len(items),
        "filters": filters,
        "start_url": _item_url(items[0].pk, filters) if items else "",
    }
    return render(request, "delivery/grading_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grading_item(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    submission = access.access_submission(request.user, pk)
    if not access.can_grade(request.user, submission):
        raise Http404
    filters = _filters(request)
    assignment = submission.assignment
    form = GradeForm(request.POST or None, initial={"score": submission.score, "comment": submission.comment})
    points = [request.POST.get(f"points-{index}", "") for index in range(len(assignment.rubric))]
    if request.method == "POST":
        returned = request.POST.get("action") == "return"
        if form.is_valid():
            try:
                coursework_services.grade(
                    submission=submission,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    returned=returned,
                    points=points,
                    actor=request.user,
                    request=request,
                )
            except DomainError as error:
                refuse(request, error)
            else:
                messages.success(
                    request,
                    _("Returned for revision.") if returned else _("The grade was saved."),
                )
                _previous, following, _position, _length = selectors.queue_neighbours(
                    _queue(request, filters), submission
                )
                if following is None:
                    return redirect(_with(reverse("delivery:grading"), filters))
                return redirect(_item_url(following, filters))
        else:
            messages.error(request, _("Give a score between 0 and the maximum."))
    previous, following, position, length = selectors.queue_neighbours(_queue(request, filters), submission)
    given = submission.rubric_points if request.method == "GET" else points
    context = {
        "submission": submission,
        "assignment": assignment,
        "project": assignment.project,
        "form": form,
        "criteria": [
            {
                "index": index,
                "name": item["name"],
                "max": item["max"],
                "given": given[index] if index < len(given) else "",
            }
            for index, item in enumerate(assignment.rubric)
        ],
        "previous_url": _item_url(previous, filters) if previous else "",
        "next_url": _item_url(following, filters) if following else "",
        "position": position,
        "length": length,
        "queue_url": _with(reverse("delivery:grading"), filters),
        "percent": coursework_services.percent(submission),
        "meets_length": coursework_services.meets_length(submission),
    }
    return render(request, "delivery/grading_item.html", context)
