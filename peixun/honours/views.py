"""The pages of honours: the bureau's selections (quotas, nominations, public notice, objections,
final list), the title holders with their yearly progress and review, the titles due, the honours'
rules; the school's nominations; the teacher's own honours and guidance log; and the public notice
page (no sign-in; names and schools only). Thin: services write, selectors read, access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.honours import access, exports, selectors, services
from peixun.honours.forms import (
    DecisionForm,
    GuidanceForm,
    KindForm,
    NominationForm,
    NoticeForm,
    ObjectionForm,
    QuotaForm,
    SelectionForm,
    TitleReviewForm,
)
from peixun.honours.models import (
    Evidence,
    HonourKind,
    HonourStatus,
    NominationStatus,
    Objection,
    ObjectionStatus,
    SelectionStatus,
)
from peixun.honours.rules import terms
from peixun.lib import uploads
from peixun.orgs.models import Org

LIST_LIMIT = 300


# --- Public notice (no sign-in) ------------------------------------------------------------------


@require_GET
def notices(request) -> HttpResponse:
    return render(request, "honours/notices.html", {"rows": list(selectors.notices()[:50])})


@require_http_methods(["GET", "POST"])
def notice(request, pk: int) -> HttpResponse:
    selection = access.public_selection(pk)
    rows = list(selectors.public_rows(selection))
    today = timezone.localdate()
    start, end = selection.notice_starts_on, selection.notice_ends_on
    open_now = (
        selection.status == SelectionStatus.NOTICE
        and start is not None
        and end is not None
        and start <= today <= end
    )
    form = ObjectionForm(request.POST or None, rows=rows) if open_now else None
    if request.method == "POST":
        if form is None:
            messages.error(
                request, _("The public notice is not open: objections are taken only while it runs.")
            )
            return redirect("honours:notice", pk)
        if form.is_valid():
            nomination = next(row for row in rows if row.pk == form.cleaned_data["nomination"])
            try:
                services.raise_objection(
                    nomination=nomination,
                    text=form.cleaned_data["text"],
                    contact=form.cleaned_data["contact"],
                    request=request,
                )
            except DomainError as error:
                refuse(request, error)
            else:
                messages.success(
                    request, _("Your objection was received. The bureau checks it before the list is final.")
                )
            return redirect("honours:notice", pk)
    return render(
        request, "honours/notice.html", {"s": selection, "rows": rows, "form": form, "open_now": open_now}
    )


# --- Bureau: selections --------------------------------------------------------------------------


def _bureau_orgs(user):
    return Org.objects.filter(path__in=access.scope_paths(user, access.MANAGE)).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def selections(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    services.ensure_default_kinds()
    form = SelectionForm(request.POST or None, orgs=_bureau_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if (
            access.managed_selections(request.user)
            .filter(org=data["org"], family=data["family"], year=data["year"])
            .exists()
        ):
            form.add_error(
                "year",
                _("This bureau already has a selection of these honours for that year: open it below."),
            )
        else:
            selection = services.create_selection(
                org=data["org"],
                family=data["family"],
                year=data["year"],
                name=data["name"],
                nominations_close_on=data["nominations_close_on"],
                actor=request.user,
                request=request,
            )
            messages.success(
                request, _("Selection created with the default quotas: check them, then tell the schools.")
            )
            return redirect("honours:selection", selection.pk)
    rows = list(access.managed_selections(request.user).select_related("org")[:LIST_LIMIT])
    return render(request, "honours/selections.html", {"rows": rows, "form": form})


def _selection_context(request, selection) -> dict:
    rows = list(selectors.nominations(selection))
    objections = list(
        Objection.objects.filter(nomination__selection=selection).select_related(
            "nomination__person", "nomination__kind"
        )
    )
    return {
        "s": selection,
        "rows": rows,
        "quotas": selectors.quota_table(selection),
        "vetoed": selectors.vetoed_people_in([row.person_id for row in rows], selection.year),
        "quota_form": QuotaForm(quotas=selection.quotas.select_related("kind")),
        "notice_form": NoticeForm(),
        "decision_form": DecisionForm(),
        "objections": objections,
        "pending_objections": sum(1 for row in objections if row.status == ObjectionStatus.PENDING),
    }


@login_required
@require_GET
def selection(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_selection(request.user, pk)
    return render(request, "honours/selection.html", _selection_context(request, found))


@login_required
@require_GET
def selection_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_selection(request.user, pk)
    return download(exports.nominations(selectors.nominations(found), found), f"{found.name}.xlsx")


@login_required
@require_POST
def selection_quotas(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_selection(request.user, pk)
    form = QuotaForm(request.POST, quotas=found.quotas.select_related("kind"))
    if not form.is_valid():
        messages.error(request, _("Each quota is a whole number from 0 to 10000."))
        return redirect("honours:selection", pk)
    try:
        services.set_quotas(selection=found, counts=form.counts(), actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Quotas saved."))
    return redirect("honours:selection", pk)


@login_required
@require_POST
def selection_notice(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_selection(request.user, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("honours:selection", pk)
    try:
        services.publish_notice(
            selection=found,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Published: the public notice page lists the accepted nominees."))
    return redirect("honours:selection", pk)


@login_required
@require_POST
def selection_final(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_selection(request.user, pk)
    try:
        services.finalise(selection=found, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("The list is final: the honours are conferred and in the teachers' files.")
        )
    return redirect("honours:selection", pk)


# --- Nominations ---------------------------------------------------------------------------------


@login_required
@require_GET
def nomination(request: SignedInRequest, pk: int) -> HttpResponse:
    found = access.access_nomination(request.user, pk)
    manages = access.manages(request.user, found.selection)
    return render(
        request,
        "honours/nomination.html",
        {
            "n": found,
            "manages": manages,
            "can_review": manages
            and found.status == NominationStatus.SUBMITTED
            and found.selection.status == SelectionStatus.OPEN,
            "can_resubmit": access.nominates_for(request.user, found)
            and found.status == NominationStatus.RETURNED
            and found.selection.status == SelectionStatus.OPEN,
            "vetoed": bool(selectors.vetoed_people_in([found.person_id], found.selection.year)),
            "form": DecisionForm(),
            "objections": found.objections.all() if manages else [],
        },
    )


@login_required
@require_POST
def nomination_review(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_nomination(request.user, pk)
    if not access.manages(request.user, found.selection):
        raise access.out_of_scope(request.user, "nomination", pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.review_nomination(
            nomination=found,
            accept=request.POST.get("decision") == "accept",
            note=form.cleaned_data.get("note", ""),
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("honours:nomination", pk)
    messages.success(request, _("Decision saved."))
    return redirect("honours:selection", found.selection_id)


@login_required
@require_GET
def evidence(request: SignedInRequest, pk: int) -> HttpResponse:
    try:
        found = Evidence.objects.get(pk=pk, nomination__in=access.nominations_in_scope(request.user))
    except Evidence.DoesNotExist:
        raise access.out_of_scope(request.user, "evidence", pk) from None
    return download(
        bytes(found.data), found.name, uploads.CONTENT_TYPES.get(found.kind, "application/octet-stream")
    )


@login_required
@require_POST
def objection_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    try:
        found = Objection.objects.select_related("nomination").get(
            pk=pk, nomination__selection__in=access.managed_selections(request.user)
        )
    except Objection.DoesNotExist:
        raise access.out_of_scope(request.user, "objection", pk) from None
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_objection(
            objection=found,
            uphold=request.POST.get("decision") == "uphold",
            note=form.cleaned_data.get("note", ""),
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Decision saved."))
    return redirect("honours:selection", found.nomination.selection_id)


# --- School --------------------------------------------------------------------------------------


@login_required
@require_GET
def school(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.NOMINATE)
    open_rows = list(access.open_to_school(request.user).select_related("org")[:50])
    mine = list(
        access.school_nominations(request.user)
        .select_related("selection", "kind", "person", "person__org")
        .order_by("-selection__year", "kind__order", "id")[:LIST_LIMIT]
    )
    return render(
        request, "honours/school.html", {"selections": open_rows, "rows": mine, "today": timezone.localdate()}
    )


@login_required
@require_GET
def school_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.NOMINATE)
    rows = access.school_nominations(request.user).select_related(
        "selection", "kind", "person", "person__org"
    )
    return download(exports.nominations(rows), "学校荣誉推荐.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.NOMINATE)
    found = access.access_school_selection(request.user, pk)
    if found.status != SelectionStatus.OPEN or timezone.localdate() > found.nominations_close_on:
        messages.info(request, _("This selection no longer takes nominations."))
        return redirect("honours:school")
    kinds = HonourKind.objects.filter(pk__in=found.quotas.values("kind_id")).order_by("order")
    people = access.people_in_scope(request.user, access.NOMINATE).filter(
        org__path__startswith=found.org.path
    )
    initial = {}
    if request.GET.get("person"):
        initial["person"] = request.GET["person"]
    form = NominationForm(
        request.POST or None, request.FILES or None, people=people, kinds=kinds, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.nominate(
                selection=found,
                person=form.cleaned_data["person"],
                kind=form.cleaned_data["kind"],
                statement=form.cleaned_data["statement"],
                files=form.files_checked,
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Nominated: the bureau reviews it. You can follow it here."))
            return redirect("honours:nomination", created.pk)
    return render(request, "honours/nominate.html", {"s": found, "form": form})


# --- Titles: holders, review, due ----------------------------------------------------------------


def _school_year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = terms.school_year_of(today)
    return year if 2000 <= year <= today.year else terms.school_year_of(today)


def _holder_rows(request):
    year = _school_year(request)
    honours = list(
        selectors.held_titles(access.honours_in_scope(request.user)).order_by(
            "kind__order", "org_path", "id"
        )[:LIST_LIMIT]
    )
    progress = selectors.progress_of(honours, year)
    reviewed = {
        review.honour_id: review for review in selectors.reviews_of([honour.pk for honour in honours], year)
    }
    return year, [(honour, progress[honour.pk], reviewed.get(honour.pk)) for honour in honours]


@login_required
@require_GET
def holders(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    year, rows = _holder_rows(request)
    short = request.GET.get("show") == "short"
    if short:
        rows = [row for row in rows if not row[1].met]
    return render(request, "honours/holders.html", {"year": year, "rows": rows, "short": short})


@login_required
@require_GET
def holders_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    year, rows = _holder_rows(request)
    return download(exports.holders(rows, year), f"名师骨干履职{year}学年.xlsx")


@login_required
@require_GET
def holder(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_honour(request.user, pk)
    year = _school_year(request)
    progress = selectors.progress_of([found], year)[found.pk]
    warned = found.pk in selectors.warned_last_year([found.pk], year)
    return render(
        request,
        "honours/holder.html",
        {
            "h": found,
            "year": year,
            "progress": progress,
            "suggested": terms.suggested_outcome(progress, warned),
            "reviews": found.reviews.select_related("reviewed_by"),
            "reviewed": found.reviews.filter(school_year=year).exists(),
            "form": TitleReviewForm(initial={"outcome": terms.suggested_outcome(progress, warned)}),
            "close_form": DecisionForm(),
            "due": found.status == HonourStatus.ACTIVE
            and terms.is_due(found.ends_on, timezone.localdate(), selectors.DUE_WINDOW_DAYS),
            "guidance": selectors.guidance_of(found.person, year),
        },
    )


@login_required
@require_POST
def holder_review(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_honour(request.user, pk)
    form = TitleReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("honours:holder", pk)
    try:
        services.review_title(
            honour=found,
            school_year=_school_year(request),
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Review saved."))
    return redirect("honours:holder", pk)


@login_required
@require_POST
def holder_close(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    found = access.access_honour(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        result = services.close_term(
            honour=found,
            renew=request.POST.get("decision") == "renew",
            note=form.cleaned_data.get("note", ""),
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("honours:holder", pk)
    messages.success(request, _("Saved."))
    return redirect("honours:holder", result.pk)


@login_required
@require_GET
def due(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    rows = selectors.due(access.honours_in_scope(request.user), timezone.localdate())
    return render(request, "honours/due.html", {"rows": rows, "window": selectors.DUE_WINDOW_DAYS})


@login_required
@require_GET
def due_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    rows = selectors.due(access.honours_in_scope(request.user), timezone.localdate())
    return download(exports.due(rows), "称号到期名单.xlsx")


@login_required
@require_GET
def kinds(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    services.ensure_default_kinds()
    return render(request, "honours/kinds.html", {"rows": HonourKind.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def kind_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    try:
        found = HonourKind.objects.get(pk=pk)
    except HonourKind.DoesNotExist:
        raise Http404 from None
    before = HonourKind.objects.get(pk=pk)
    form = KindForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        services.save_kind(
            kind=before,
            data={field: form.cleaned_data[field] for field in form.Meta.fields},
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Saved. New selections and this year's reviews use it."))
        return redirect("honours:kinds")
    return render(request, "honours/kind_edit.html", {"k": before, "form": form})


# --- Teacher -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: SignedInRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        return render(request, "honours/mine.html", {"linked": False})
    year = terms.school_year_of(timezone.localdate())
    honours = list(selectors.mine(person))
    held = [
        honour for honour in honours if honour.kind.family == "title" and honour.status == HonourStatus.ACTIVE
    ]
    form = GuidanceForm(request.POST or None)
    if request.method == "POST":
        if not held:
            raise Http404
        if form.is_valid():
            services.log_guidance(person=person, actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Guidance logged."))
            return redirect("honours:mine")
    progress = selectors.progress_of(held, year)
    return render(
        request,
        "honours/mine.html",
        {
            "linked": True,
            "year": year,
            "honours": honours,
            "held": [(honour, progress[honour.pk]) for honour in held],
            "form": form,
            "guidance": list(selectors.guidance_of(person, year)),
        },
    )


@login_required
@require_GET
def mine_export(request: SignedInRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        raise Http404
    return download(
        exports.mine(
            list(selectors.mine(person)),
            list(selectors.guidance_of(person, terms.school_year_of(timezone.localdate()))),
        ),
        "我的荣誉与称号.xlsx",
    )
