"""The pages of competitions: the list, a competition's page (stages, groups, items, entries,
exemptions), its rules, each stage's quotas, nominations, draw and results, the judge's scoring
page, the awards with 公示 and objections, and the public pages that verify a draw and an award.
Thin: services write, selectors read, access decides."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.accounts.models import User
from peixun.certificates import throttle
from peixun.certificates.rules import numbers
from peixun.competitions import access, documents, exports, scoresheet, selectors, services
from peixun.competitions.forms import (
    CreateForm,
    DeadlineForm,
    EnterForm,
    ExemptionForm,
    ItemForm,
    ObjectionForm,
    ReasonForm,
    RulesForm,
)
from peixun.competitions.models import (
    Award,
    AwardStatus,
    Competition,
    CompetitionStatus,
    Group,
    Item,
    Judge,
    Objection,
    Place,
    Rounding,
    Score,
    Stage,
    StageKind,
    StageStatus,
    Way,
)
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.lib import uploads
from peixun.orgs.models import Org, OrgKind

LIST_LIMIT = 500


def _run(request: HttpRequest, call, success: str) -> bool:
    try:
        call()
    except DomainError as error:
        refuse(request, error)
        return False
    messages.success(request, success)
    return True


@login_required
@require_GET
def competition_list(request: SignedInRequest) -> HttpResponse:
    rows = list(access.competitions_in_scope(request.user).select_related("organiser")[:LIST_LIMIT])
    can_create = access.may(request.user, access.MANAGE)
    form = None
    if can_create:
        form = CreateForm(
            organisers=access.orgs_in_scope(request.user, access.MANAGE).filter(
                kind__in=[OrgKind.COUNTY, OrgKind.CITY]
            ),
            initial={"year": timezone.localdate().year},
        )
    return render(request, "competitions/list.html", {"rows": rows, "form": form})


@login_required
@require_POST
def create(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    organisers = access.orgs_in_scope(request.user, access.MANAGE).filter(
        kind__in=[OrgKind.COUNTY, OrgKind.CITY]
    )
    form = CreateForm(request.POST, organisers=organisers)
    if not form.is_valid():
        messages.error(request, _("Give the competition a name, a year and an organiser."))
        return redirect("competitions:list")
    competition = services.create_competition(
        organiser=form.cleaned_data["organiser"],
        name=form.cleaned_data["name"],
        year=form.cleaned_data["year"],
        actor=request.user,
        request=request,
    )
    messages.success(
        request, _("Created from the standard template: check its rules, then enter the teachers.")
    )
    return redirect("competitions:detail", competition.pk)


def _schools(user, competition: Competition):
    """The schools whose teachers the user enters: their own (coordinator) or the organiser's."""
    paths = access.scope_paths(user, access.SCHOOL)
    if access.manages(user, competition):
        paths = [competition.org_path]
    return Org.objects.filter(
        access.path_q(paths, "path"), kind=OrgKind.SCHOOL, path__startswith=competition.org_path
    )


@login_required
@require_GET
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    user = request.user
    manages = access.manages(user, competition)
    schools = _schools(user, competition)
    looks_after = manages or schools.exists()
    entries = (
        list(
            selectors.entries(competition).filter(pk__in=access.entries_in_scope(user, competition))[
                :LIST_LIMIT
            ]
        )
        if looks_after
        else []
    )
    people = (
        access.people_in_scope(user)
        .filter(org__in=schools, status="active")
        .exclude(competition_entries__competition=competition)
    )
    enter_form = (
        EnterForm(people=people, subjects=competition.subjects)
        if looks_after and competition.status == CompetitionStatus.OPEN
        else None
    )
    exemptions = selectors.exemptions(competition)
    if not manages:
        exemptions = exemptions.filter(access.path_q(access.scope_paths(user, access.SCHOOL), "org_path"))
    mine = None
    my_exemption = None
    if user.person_id:
        mine = competition.entries.filter(person_id=user.person_id).select_related("group").first()
        my_exemption = competition.exemptions.filter(person_id=user.person_id).first()
    context = {
        "c": competition,
        "manages": manages,
        "looks_after": looks_after,
        "stages": competition.stages.prefetch_related("items"),
        "groups": competition.groups.all(),
        "counts": selectors.stage_counts(competition),
        "entries": entries,
        "enter_form": enter_form,
        "exemptions": list(exemptions[:LIST_LIMIT]) if looks_after else [],
        "mine": mine,
        "my_exemption": my_exemption,
        "can_ask_exemption": bool(user.person_id) and mine is None and my_exemption is None,
        "item_form": ItemForm() if schools.exists() and not manages else None,
        "own_schools": list(schools[:20]) if not manages else [],
    }
    return render(request, "competitions/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_managed_competition(request.user, pk)
    schools = Org.objects.filter(path__startswith=competition.org_path, kind=OrgKind.SCHOOL)
    form = RulesForm(request.POST or None, instance=competition, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in services.FIELDS}
        competition.refresh_from_db()
        services.save_rules(
            competition=competition,
            data=data,
            seat_schools=form.cleaned_data["seat_schools"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Saved. Entries, quotas and awards from now on follow these rules."))
        return redirect("competitions:detail", pk)
    return render(request, "competitions/rules.html", {"c": competition, "form": form})


@login_required
@require_POST
def enter(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    schools = _schools(request.user, competition)
    if not schools.exists():
        raise access.out_of_scope(request.user, "competition", pk)
    form = EnterForm(
        request.POST,
        people=access.people_in_scope(request.user).filter(org__in=schools),
        subjects=competition.subjects,
    )
    if not form.is_valid():
        messages.error(request, _("Choose a teacher of your school and one subject."))
        return redirect("competitions:detail", pk)
    _run(
        request,
        lambda: services.enter(
            competition=competition,
            person=form.cleaned_data["person"],
            subject=form.cleaned_data["subject"],
            actor=request.user,
            request=request,
        ),
        _("Entered."),
    )
    return redirect("competitions:detail", pk)


@login_required
@require_GET
def entries_export(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    rows = selectors.entries(competition).filter(pk__in=access.entries_in_scope(request.user, competition))
    return download(exports.entries(rows), "参赛教师.xlsx")


@login_required
@require_POST
def add_item(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    school = Org.objects.filter(pk=request.POST.get("school") or 0).first()
    if school is None or not any(
        school.path.startswith(p) for p in access.scope_paths(request.user, access.SCHOOL)
    ):
        raise access.out_of_scope(request.user, "competition", pk)
    form = ItemForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.add_school_item(
                stage=competition.stages.get(number=1),
                school=school,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
                actor=request.user,
                request=request,
            ),
            _("Item added to your school's round."),
        )
    else:
        messages.error(request, _("Give the item a name and a weight between 1 and 100."))
    return redirect("competitions:detail", pk)


@login_required
@require_http_methods(["GET", "POST"])
def exempt(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    person = request.user.person
    if person is None:
        raise Http404
    form = ExemptionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            lambda: services.request_exemption(
                competition=competition,
                person=person,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                evidence=form.evidence,
                actor=request.user,
                request=request,
            ),
            _("Sent to your school; the bureau decides after it."),
        )
        if done:
            return redirect("competitions:detail", pk)
    return render(request, "competitions/exempt.html", {"c": competition, "form": form})


@login_required
@require_POST
def exemption_review(request: SignedInRequest, pk: int, step: str) -> HttpResponse:
    exemption = access.access_exemption(request.user, pk)
    if step == "school":
        allowed = access.reviews_at_school(request.user, exemption)
    elif step == "bureau":
        allowed = access.manages(request.user, exemption.competition)
    else:
        raise Http404
    if not allowed:
        raise access.out_of_scope(request.user, "exemption", pk)
    _run(
        request,
        lambda: services.review_exemption(
            exemption=exemption,
            step=step,
            approve=request.POST.get("decision") == "approve",
            actor=request.user,
            request=request,
        ),
        _("Decision saved."),
    )
    return redirect("competitions:detail", exemption.competition_id)


@login_required
@require_GET
def exemption_evidence(request: SignedInRequest, pk: int) -> HttpResponse:
    exemption = access.access_exemption(request.user, pk)
    if not exemption.evidence_kind:
        raise Http404
    return download(
        bytes(exemption.evidence), exemption.evidence_name, uploads.CONTENT_TYPES[exemption.evidence_kind]
    )


def _stage_context(request: SignedInRequest, stage: Stage) -> dict:
    competition = stage.competition
    user = request.user
    manages = access.manages(user, competition)
    quotas = services.quotas(stage) if stage.number > 1 else {}
    units = Org.objects.in_bulk(list(quotas))
    school_paths = access.scope_paths(user, access.SCHOOL)
    places = list(selectors.places(stage)[:LIST_LIMIT])
    nominable: list[Place] = []
    if stage.number > 1 and stage.status == StageStatus.OPEN:
        here = set(stage.places.values_list("entry_id", flat=True))
        before = selectors.places(services.previous(stage)).exclude(entry_id__in=here)
        if not manages:
            before = before.filter(
                access.path_q(school_paths if stage.kind != StageKind.FINAL else [], "entry__org_path")
            )
        nominable = list(before[:LIST_LIMIT])
    nominated: dict[int, int] = {}
    schools = list(stage.places.filter(way=Way.NOMINATED).values_list("entry__school_id", flat=True))
    unit_map = services.units(stage, schools)
    for school in schools:
        nominated[unit_map[school]] = nominated.get(unit_map[school], 0) + 1
    return {
        "stage": stage,
        "c": competition,
        "manages": manages,
        "quotas": [(units.get(unit), q, nominated.get(unit, 0)) for unit, q in quotas.items()],
        "quota_total": sum(q.places for q in quotas.values()),
        "rounding": Rounding(competition.rounding).label,
        "rate": competition.final_rate if stage.kind == StageKind.FINAL else competition.second_rate,
        "places": places,
        "nominable": nominable,
        "items": stage.items.all(),
        "groups": competition.groups.all(),
        "judges": Judge.objects.filter(item__stage=stage).select_related("item", "group", "user"),
        "is_judge": stage.items.filter(judges__user=user).exists(),
        "deadline_form": DeadlineForm(initial={"deadline": stage.deadline}) if manages else None,
    }


@login_required
@require_GET
def stage(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = access.access_stage(request.user, pk)
    return render(request, "competitions/stage.html", _stage_context(request, stage_))


@login_required
@require_GET
def stage_export(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = access.access_stage(request.user, pk)
    rows = selectors.places(stage_)
    if not access.manages(request.user, stage_.competition):
        rows = rows.filter(access.path_q(access.school_paths(request.user), "entry__org_path"))
    return download(exports.places(rows), "本轮选手.xlsx")


@login_required
@require_POST
def nominate(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = access.access_stage(request.user, pk)
    entry = access.access_entry(request.user, int(request.POST.get("entry") or 0))
    # The school nominates for the district round; the county's bureau for the final.
    may = access.manages(request.user, stage_.competition) or (
        stage_.kind == StageKind.DISTRICT
        and any(entry.org_path.startswith(p) for p in access.scope_paths(request.user, access.SCHOOL))
    )
    if not may or entry.competition_id != stage_.competition_id:
        raise access.out_of_scope(request.user, "entry", entry.pk)
    _run(
        request,
        lambda: services.nominate(stage=stage_, entry=entry, actor=request.user, request=request),
        _("Nominated."),
    )
    return redirect("competitions:stage", pk)


def _managed_stage(request: SignedInRequest, pk: int) -> Stage:
    stage_ = access.access_stage(request.user, pk)
    if not access.manages(request.user, stage_.competition):
        raise access.out_of_scope(request.user, "stage", pk)
    return stage_


@login_required
@require_POST
def set_deadline(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _managed_stage(request, pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.set_deadline(
            stage=stage_, deadline=form.cleaned_data["deadline"], actor=request.user, request=request
        )
        messages.success(request, _("Deadline saved."))
    else:
        messages.error(request, _("Give the deadline as a date, or leave it empty for none."))
    return redirect("competitions:stage", pk)


@login_required
@require_POST
def publish_draw(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _managed_stage(request, pk)
    _run(
        request,
        lambda: services.publish_draw(
            stage=stage_, seed=request.POST.get("seed", "")[:64], actor=request.user, request=request
        ),
        _(
            "The seed, the drawn places and the candidate list are published. "
            "Run the draw when everyone could see them."
        ),
    )
    return redirect("competitions:stage", pk)


@login_required
@require_POST
def run_draw(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _managed_stage(request, pk)
    _run(
        request,
        lambda: services.run_draw(stage=stage_, actor=request.user, request=request),
        _("Drawn. Anyone can re-run it on the verification page."),
    )
    return redirect("competitions:stage", pk)


@require_GET
def verify_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the published seed and candidates, the stored result and a fresh re-run of it."""
    stage_ = Stage.objects.select_related("competition").filter(pk=pk).first()
    if stage_ is None:
        raise Http404
    check = services.verify_draw(stage_) if stage_.drawn_at else None
    schools = Org.objects.in_bulk({int(unit) for _key, unit in stage_.candidates})
    context = {
        "stage": stage_,
        "c": stage_.competition,
        "candidates": [(key, schools.get(int(unit))) for key, unit in stage_.candidates],
        "quotas": [(schools.get(int(unit)), n) for unit, n in stage_.draw_quotas.items()],
        "check": check,
        "algorithm": services.draw_rules.ALGORITHM,
    }
    return render(request, "competitions/verify_draw.html", context)


@login_required
@require_POST
def assign_judge(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _managed_stage(request, pk)
    item = Item.objects.filter(stage=stage_, pk=request.POST.get("item") or 0).first()
    group = Group.objects.filter(competition=stage_.competition, pk=request.POST.get("group") or 0).first()
    user = User.objects.filter(username=(request.POST.get("username") or "").strip(), is_active=True).first()
    if item is None or group is None or user is None:
        messages.error(
            request, _("Choose an item and a group, and give the judge's user name exactly as they sign in.")
        )
        return redirect("competitions:stage", pk)
    services.assign_judge(item=item, group=group, user=user, actor=request.user, request=request)
    messages.success(request, _("Judge assigned."))
    return redirect("competitions:stage", pk)


@login_required
@require_POST
def results(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _managed_stage(request, pk)
    services.compute_results(stage=stage_)
    messages.success(request, _("Totals and ranks computed from the scores entered so far."))
    return redirect("competitions:stage", pk)


def _judged_stage(request: SignedInRequest, pk: int) -> Stage:
    """A stage the user judges (an item of it assigned to them), or 404."""
    stage_ = access.access_stage(request.user, pk)
    if not Judge.objects.filter(item__stage=stage_, user=request.user).exists():
        raise access.out_of_scope(request.user, "stage", pk)
    return stage_


@login_required
@require_http_methods(["GET", "POST"])
def judge(request: SignedInRequest, pk: int) -> HttpResponse:
    """The judge's page (one column on a phone): their items and groups' competitors, their own
    marks, and the other judges' marks only for what they have already marked themselves."""
    stage_ = _judged_stage(request, pk)
    if request.method == "POST":
        place = (
            Place.objects.filter(stage=stage_, pk=request.POST.get("place") or 0)
            .select_related("entry__person", "stage")
            .first()
        )
        item = Item.objects.filter(stage=stage_, pk=request.POST.get("item") or 0).first()
        try:
            value = Decimal(request.POST.get("value", "").strip())
        except InvalidOperation:
            value = None
        if place is None or item is None or value is None:
            messages.error(request, _("Give a score between 0 and 100."))
        else:
            _run(
                request,
                lambda: services.submit_score(
                    place=place, item=item, value=value, judge=request.user, request=request
                ),
                _("Score saved."),
            )
        return redirect("competitions:judge", pk)
    mine = {
        (s.place_id, s.item_id): s.value
        for s in Score.objects.filter(place__stage=stage_, judge=request.user)
    }
    others: dict[tuple[int, int], list] = {}
    for s in Score.objects.filter(place__stage=stage_).exclude(judge=request.user):
        if (s.place_id, s.item_id) in mine:
            others.setdefault((s.place_id, s.item_id), []).append(s.value)
    rows = [
        {
            "place": place,
            "item": item,
            "mine": mine.get((place.pk, item.pk)),
            "others": others.get((place.pk, item.pk), []),
        }
        for place, item in selectors.judge_rows(stage_, request.user)
    ]
    return render(
        request, "competitions/judge.html", {"stage": stage_, "c": stage_.competition, "rows": rows}
    )


@login_required
@require_GET
def judge_sheet(request: SignedInRequest, pk: int) -> HttpResponse:
    """The judge's score sheet: their competitors and items, the score column empty."""
    stage_ = _judged_stage(request, pk)
    return download(scoresheet.workbook(stage_, request.user), "评分表.xlsx")


SHEET_SALT = "competitions.scoresheet"
SHEET_MAX_AGE = 3600  # seconds a preview may wait for its confirmation


@login_required
@require_POST
def judge_upload(request: SignedInRequest, pk: int) -> HttpResponse:
    """The filled sheet read back into a preview: the marks to write and the refused rows, each
    with its reason. Nothing is written here; the preview's marks travel signed to `judge_apply`."""
    stage_ = _judged_stage(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled score sheet (.xlsx) to upload."))
        return redirect("competitions:judge", pk)
    try:
        preview = scoresheet.read(
            upload.read(scoresheet.MAX_BYTES + 1), upload.name or "", stage=stage_, judge=request.user
        )
    except scoresheet.SheetError as error:
        messages.error(request, error.message)
        return redirect("competitions:judge", pk)
    token = ""
    if preview.ready:
        token = signing.dumps(
            {
                "stage": stage_.pk,
                "user": request.user.pk,
                "marks": [[m.entry_id, m.item_id, str(m.value)] for m in preview.marks],
            },
            salt=SHEET_SALT,
            compress=True,
        )
    context = {"stage": stage_, "c": stage_.competition, "preview": preview, "token": token}
    return render(request, "competitions/judge_import.html", context)


@login_required
@require_POST
def judge_apply(request: SignedInRequest, pk: int) -> HttpResponse:
    stage_ = _judged_stage(request, pk)
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=SHEET_SALT, max_age=SHEET_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired or is not yours: upload the sheet again."))
        return redirect("competitions:judge", pk)
    if payload.get("stage") != stage_.pk or payload.get("user") != request.user.pk:
        messages.error(request, _("This preview has expired or is not yours: upload the sheet again."))
        return redirect("competitions:judge", pk)
    marks = [(int(e), int(i), Decimal(v)) for e, i, v in payload["marks"]]
    try:
        written = services.import_scores(stage=stage_, marks=marks, judge=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Scores from the sheet saved: %(count)s changed.") % {"count": written})
    return redirect("competitions:judge", pk)


@login_required
@require_GET
def awards(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    rows = list(selectors.awards(competition)[:LIST_LIMIT])
    context = {
        "c": competition,
        "manages": access.manages(request.user, competition),
        "rows": rows,
        "units": competition.unit_awards.select_related("org"),
        "objections": Objection.objects.filter(award__competition=competition, decided=False).select_related(
            "award__entry__person"
        )
        if access.manages(request.user, competition)
        else [],
        "objection_form": ObjectionForm(),
        "reason_form": ReasonForm(),
        "schools": Org.objects.filter(path__startswith=competition.org_path, kind=OrgKind.SCHOOL)[
            :LIST_LIMIT
        ],
    }
    return render(request, "competitions/awards.html", context)


@login_required
@require_GET
def awards_export(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_competition(request.user, pk)
    return download(exports.awards(selectors.awards(competition)), "获奖名单.xlsx")


@login_required
@require_POST
def awards_action(request: SignedInRequest, pk: int) -> HttpResponse:
    competition = access.access_managed_competition(request.user, pk)
    action = request.POST.get("action")
    if action == "draft":
        _run(
            request,
            lambda: services.draft_awards(competition=competition, actor=request.user, request=request),
            _("Awards drafted and published for public notice."),
        )
    elif action == "final":
        _run(
            request,
            lambda: services.finalise(competition=competition, actor=request.user, request=request),
            _("Final: the awards are numbered and in the teachers' files."),
        )
    elif action == "organisation":
        org = Org.objects.filter(
            pk=request.POST.get("org") or 0, path__startswith=competition.org_path
        ).first()
        if org is None:
            messages.error(request, _("Choose a school of the competition."))
        else:
            services.grant_organisation_award(
                competition=competition, org=org, actor=request.user, request=request
            )
            messages.success(request, _("Organisation award granted."))
    else:
        raise Http404
    return redirect("competitions:awards", pk)


@login_required
@require_POST
def object_(request: SignedInRequest, pk: int) -> HttpResponse:
    award = Award.objects.filter(pk=pk).select_related("competition", "entry__person").first()
    if award is None:
        raise access.out_of_scope(request.user, "award", pk)
    access.access_competition(request.user, award.competition_id)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.raise_objection(
                award=award, text=form.cleaned_data["text"], actor=request.user, request=request
            ),
            _("Objection recorded; the organiser decides it before the results are final."),
        )
    else:
        messages.error(request, _("Say what the objection is."))
    return redirect("competitions:awards", award.competition_id)


@login_required
@require_POST
def decide(request: SignedInRequest, pk: int) -> HttpResponse:
    objection = (
        Objection.objects.filter(pk=pk).select_related("award__competition", "award__entry__person").first()
    )
    if objection is None:
        raise access.out_of_scope(request.user, "objection", pk)
    access.access_managed_competition(request.user, objection.award.competition_id)
    upheld = request.POST.get("decision") == "uphold"
    _run(
        request,
        lambda: services.decide_objection(
            objection=objection, upheld=upheld, actor=request.user, request=request
        ),
        _("Decision saved."),
    )
    return redirect("competitions:awards", objection.award.competition_id)


@login_required
@require_POST
def disqualify(request: SignedInRequest, pk: int) -> HttpResponse:
    entry = access.access_entry(request.user, pk)
    if not access.manages(request.user, entry.competition):
        raise access.out_of_scope(request.user, "entry", pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.revoke_for_falsification(
                entry=entry, reason=form.cleaned_data["reason"], actor=request.user, request=request
            ),
            _("Disqualified; the award and its certificate are revoked."),
        )
    else:
        messages.error(request, _("Say what was falsified."))
    return redirect("competitions:awards", entry.competition_id)


@require_GET
def verify_award(request: HttpRequest, code: str) -> HttpResponse:
    """Public: an award certificate's page by its unguessable code, like a training certificate's."""
    if not throttle.allowed(request, "verify"):
        return render(request, "competitions/verify_award.html", {"missing": True}, status=429)
    award = None
    if numbers.is_code(code):
        award = (
            Award.objects.filter(code=code)
            .select_related("competition", "entry__person", "entry__school")
            .first()
        )
    if award is None:
        return render(request, "competitions/verify_award.html", {"missing": True}, status=404)
    return render(
        request,
        "competitions/verify_award.html",
        {
            "award": award,
            "revoked": award.status == AwardStatus.REVOKED,
            "may_download": award.status == AwardStatus.FINAL and _may_download(request.user, award),
        },
    )


def _access_award(request: SignedInRequest, pk: int) -> Award:
    """An award's certificate is the organiser's and the winner's to download; 404 for others."""
    award = (
        Award.objects.filter(pk=pk)
        .select_related("competition__organiser", "entry__person", "entry__school", "entry__group")
        .first()
    )
    if award is None:
        raise access.out_of_scope(request.user, "award", pk)
    if not (_may_download(request.user, award)):
        raise access.out_of_scope(request.user, "award", pk)
    return award


def _may_download(user, award: Award) -> bool:
    if not user.is_authenticated:
        return False
    own = user.person_id is not None and user.person_id == award.entry.person_id
    return own or access.manages(user, award.competition)


@login_required
@require_GET
def award_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    """The award certificate: refused, with when and why, once the award was revoked."""
    award = _access_award(request, pk)
    try:
        data = documents.award_pdf(award)
    except DomainError as error:
        refuse(request, error)
        if award.code:
            return redirect("competitions:verify-award", award.code)
        return redirect("competitions:awards", award.competition_id)
    return download(data, f"荣誉证书-{award.number}.pdf", "application/pdf")
