"""The teacher's own pages (made for a phone): my enrolments, and for everyone the inbox of what
waits for them and their notices."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peixun.accounts.http import SignedInRequest
from peixun.training import hooks, selectors
from peixun.training import notices as notice_texts
from peixun.training.access import has_perm
from peixun.training.forms import ExemptionForm
from peixun.training.models import Notice


@login_required
@require_GET
def my_enrolments(request: SignedInRequest) -> HttpResponse:
    person = request.user.person if request.user.person_id else None
    enrolments = list(selectors.my_enrolments(person)) if person else []
    for enrolment in enrolments:
        enrolment.position = selectors.waitlist_position(enrolment)  # type: ignore[attr-defined]  # for the template
        enrolment.open_exemption = next(  # type: ignore[attr-defined]  # for the template
            (x for x in enrolment.exemptions.all() if x.is_open), None
        )
    context = {"person": person, "enrolments": enrolments, "exemption_form": ExemptionForm()}
    return render(request, "training/my_enrolments.html", context)


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    # Sections other apps add (the leave requests to decide): training.hooks.inbox_panels.
    panels = [html for html in hooks.inbox_panels.run(request=request) if html]
    context = {
        "inbox": selectors.inbox(request.user),
        "panels": panels,
        "can_changes": has_perm(request.user, "training.manage")
        or has_perm(request.user, "training.approve"),
    }
    return render(request, "training/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("training:notices")
    items = selectors.notices(request.user)
    for item in items:
        item.text = notice_texts.render(item.kind, item.params)  # type: ignore[attr-defined]  # for the template
    return render(request, "training/notices.html", {"notices": items})
