"""Writes of surveys: templates, opening a survey, a trainee's answers (once: the unique
Respondent row, in the same transaction as the anonymous Response), reminders through the notices,
the bureau's threshold and its written overrides. Each is audited in its transaction (an answer's
audit row names the survey, never the answers)."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse

from peixun.accounts.models import User
from peixun.audit import events
from peixun.delivery.models import Lesson
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Org, Person
from peixun.surveys import selectors
from peixun.surveys.exceptions import (
    AlreadyAnsweredError,
    AnswersMissingError,
    EmptyTemplateError,
    NotTraineeError,
    SurveyClosedError,
    TrainerRequiredError,
)
from peixun.surveys.models import (
    EligibilityOverride,
    ItemKind,
    Respondent,
    Response,
    Subject,
    Survey,
    SurveyTemplate,
    TemplateItem,
)
from peixun.surveys.rules import satisfaction
from peixun.training.models import Project
from peixun.training.services import notify


@transaction.atomic
def save_template(
    *,
    template: SurveyTemplate | None,
    org: Org,
    fields: dict,
    items: list[dict],
    actor: User,
    request: HttpRequest | None = None,
) -> SurveyTemplate:
    """Create or change a template and replace its items (each checked by the form)."""
    created = template is None
    if template is None:
        template = SurveyTemplate(org=org, created_by=actor)
    template.name = fields["name"]
    template.subject = fields["subject"]
    template.top_choices = [code for code in satisfaction.LIKERT if code in fields["top_choices"]]
    template.save()
    template.items.all().delete()
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                template=template,
                order=index,
                kind=item["kind"],
                text=item["text"],
                options=list(item.get("options") or []),
                required=bool(item.get("required", True)),
            )
            for index, item in enumerate(items)
        ]
    )
    events.record(
        action="survey_template_saved",
        actor=actor,
        target=template,
        org_path=org.path,
        request=request,
        changes={"name": template.name, "items": len(items), "created": created},
    )
    return template


@transaction.atomic
def open_survey(
    *,
    project: Project,
    template: SurveyTemplate,
    opens_on: date,
    closes_on: date,
    actor: User | None,
    trainer: Person | None = None,
    trainer_name: str = "",
    lesson: Lesson | None = None,
    request: HttpRequest | None = None,
) -> Survey:
    """Open a survey of `project` from `template` (its items copied in)."""
    items = [
        {
            "id": item.pk,
            "kind": item.kind,
            "text": item.text,
            "options": item.options,
            "required": item.required,
        }
        for item in template.items.all()
    ]
    if not items:
        raise EmptyTemplateError
    subject = template.subject
    if lesson is not None:
        subject = Subject.LESSON
        trainer_name = trainer_name or lesson.trainer
    if subject != Subject.PROJECT and not (trainer or trainer_name):
        raise TrainerRequiredError
    if trainer is not None:
        trainer_name = trainer.name
    about = f"{trainer_name}（{lesson.topic}）" if lesson is not None else trainer_name
    survey = Survey.objects.create(
        project=project,
        template=template,
        title=f"{project.title}·{about}" if about else project.title,
        subject=subject if subject != Subject.PROJECT or not trainer_name else Subject.TRAINER,
        trainer=trainer,
        trainer_name=trainer_name,
        lesson=lesson,
        items=items,
        top_choices=list(template.top_choices),
        year=project.year,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    events.record(
        action="survey_opened",
        actor=actor,
        target=survey,
        org_path=project.organiser.path,
        request=request,
        changes={
            "project": project.title,
            "dates": f"{format_date_zh(opens_on)}—{format_date_zh(closes_on)}",
            **({"trainer": trainer_name} if trainer_name else {}),
        },
    )
    return survey


def clean_answers(survey: Survey, raw: dict) -> dict:
    """The answers kept: each item's code, options or text, checked against the survey's items."""
    answers: dict[str, object] = {}
    missing = []
    for item in survey.items:
        key = str(item["id"])
        value = raw.get(key)
        kind = item["kind"]
        if kind == ItemKind.LIKERT:
            value = value if value in satisfaction.LIKERT else None
        elif kind == ItemKind.SINGLE:
            value = value if value in (item.get("options") or []) else None
        elif kind == ItemKind.MULTI:
            chosen = value if isinstance(value, list) else []
            value = [o for o in (item.get("options") or []) if o in chosen] or None
        else:
            value = str(value or "").strip()[:1000] or None
        if value is None:
            if item.get("required") and kind != ItemKind.TEXT:
                missing.append(item["text"])
            continue
        answers[key] = value
    if missing:
        raise AnswersMissingError(missing="、".join(missing))
    return answers


def submit(
    *, survey: Survey, person: Person, raw: dict, actor: User | None, request: HttpRequest | None = None
) -> None:
    """A trainee's answers: once per trainee (the unique Respondent row says so, under any rush)."""
    if not selectors.is_open(survey):
        raise SurveyClosedError(
            opens=format_date_zh(survey.opens_on), closes=format_date_zh(survey.closes_on)
        )
    if not selectors.expected(survey).filter(person_id=person.pk).exists():
        raise NotTraineeError
    answers = clean_answers(survey, raw)
    try:
        with transaction.atomic():
            Respondent.objects.create(survey=survey, person=person)
            Response.objects.create(survey=survey, answers=answers)
            events.record(
                action="survey_answered",
                actor=actor,
                target=survey,
                org_path=person.org.path if person.org_id else "",
                request=request,
            )
    except IntegrityError:
        raise AlreadyAnsweredError from None


@transaction.atomic
def remind(*, survey: Survey, actor: User, request: HttpRequest | None = None) -> int:
    """A notice to every expected trainee with an account who has not answered yet."""
    people = selectors.not_answered_people(survey)
    user_ids = list(User.objects.filter(person_id__in=people, is_active=True).values_list("pk", flat=True))
    sent = notify.send(
        notify.exclude(user_ids, actor),
        "survey_reminder",
        project=survey.project,
        url=reverse("surveys:answer", args=[survey.pk]),
        closes=format_date_zh(survey.closes_on),
    )
    events.record(
        action="survey_reminded",
        actor=actor,
        target=survey,
        org_path=survey.project.organiser.path,
        request=request,
        changes={"reminded": sent},
    )
    return sent


@transaction.atomic
def save_threshold(*, threshold: Decimal, actor: User, request: HttpRequest | None = None) -> None:
    row = selectors.settings_row()
    before = row.threshold
    row.threshold = threshold
    row.updated_by = actor
    row.save()
    events.record(
        action="survey_settings_saved",
        actor=actor,
        target=row,
        request=request,
        changes={"threshold": [str(before), str(threshold)]},
    )


@transaction.atomic
def grant_override(
    *,
    kind: str,
    year: int,
    reason: str,
    actor: User,
    person: Person | None = None,
    project_type: str = "",
    request: HttpRequest | None = None,
) -> EligibilityOverride:
    """The bureau lets a trainer (or a project type) train in `year` despite last year's rate."""
    override = EligibilityOverride.objects.create(
        kind=kind,
        person=person,
        project_type=project_type,
        year=year,
        reason=reason.strip(),
        created_by=actor,
    )
    events.record(
        action="eligibility_overridden",
        actor=actor,
        target=override,
        org_path=person.org.path if person is not None and person.org_id else "",
        request=request,
        changes={
            "year": year,
            "reason": override.reason,
            **({"person": person.name} if person is not None else {}),
            **({"project_type": project_type} if project_type else {}),
        },
    )
    return override
