"""The teacher's own pages (made for a phone): my enrolments, and for everyone the inbox of what
waits for them and their notices."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.pagination import CappedPaginator
from peixun.training import hooks, selectors
from peixun.training import notices as notice_texts
from peixun.training.access import has_perm
from peixun.training.forms import ExemptionForm
from peixun.training.models import Notice

NOTICES_PAGE_SIZE = 30


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
    # Sections other apps add (leave to decide, work to grade): training.hooks.inbox_panels. What
    # they hold counts toward the total, so "nothing waits" shows only when nothing does.
    panels = [panel for panel in hooks.inbox_panels.run(request=request) if panel]
    inbox = selectors.inbox(request.user)
    context = {
        "inbox": inbox,
        "panels": panels,
        "total": inbox.total + sum(panel.count for panel in panels),
        "can_changes": has_perm(request.user, "training.manage")
        or has_perm(request.user, "training.approve"),
    }
    return render(request, "training/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: SignedInRequest) -> HttpResponse:
    """The user's notices, the newest first and the unread ones highlighted; a POST marks them all
    read."""
    if request.method == "POST":
        Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("training:notices")
    paginator = CappedPaginator(selectors.notices_of(request.user), NOTICES_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for item in page.object_list:
        item.text = notice_texts.render(item.kind, item.params)  # for the template
    return render(request, "training/notices.html", {"page": page, "paginator": paginator})


def _own_notice(request: SignedInRequest, pk: int) -> Notice:
    notice = Notice.objects.filter(pk=pk, user=request.user).first()
    if notice is None:  # another account's notice is as missing as one that never was
        raise Http404
    return notice


@login_required
@require_POST
def notice_open(request: SignedInRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go to what it is about (the list, if it points nowhere)."""
    notice = _own_notice(request, pk)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("training:notices")
    return redirect(target)


@login_required
@require_POST
def notice_read(request: SignedInRequest, pk: int) -> HttpResponse:
    """Mark one notice read and stay on the list."""
    Notice.objects.filter(pk=_own_notice(request, pk).pk, read_at__isnull=True).update(read_at=timezone.now())
    page = request.POST.get("page", "")
    url = reverse("training:notices")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)
