"""Satisfaction surveys (RULES F1): templates the bureau or centre edits, surveys opened for a
project, a trainer or a lesson, the trainees' answers — kept apart from who answered, so nobody can
join an answer to a person — and the figures that decide next year's eligibility, with the
bureau's written overrides."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.surveys.rules import satisfaction


class Likert(models.TextChoices):
    VERY_SATISFIED = "5", _("Very satisfied")
    SATISFIED = "4", _("Satisfied")
    NEUTRAL = "3", _("Neutral")
    DISSATISFIED = "2", _("Dissatisfied")
    VERY_DISSATISFIED = "1", _("Very dissatisfied")


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Satisfaction (five levels)")
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    TEXT = "text", _("Open answer")


class Subject(models.TextChoices):
    PROJECT = "project", _("The project")
    TRAINER = "trainer", _("A trainer or tutor")
    LESSON = "lesson", _("A lesson")


def default_top() -> list[str]:
    return list(satisfaction.DEFAULT_TOP)


class SurveyTemplate(models.Model):
    """A questionnaire to open surveys from: its items, and which Likert answers count as satisfied
    (default 非常满意 and 满意). Kept by the bureau or centre that made it (`org`)."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("for"), max_length=16, choices=Subject.choices, default=Subject.PROJECT)
    top_choices = models.JSONField(_("answers counted as satisfied"), default=default_top)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.LIKERT)
    text = models.CharField(_("question"), max_length=200)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Survey(models.Model):
    """One survey opened for a project (its end), a trainer or a lesson, from a template whose
    items and satisfied answers are copied in (`items`, `top_choices`): editing the template later
    does not change what was asked. Closes at the end of `closes_on` (Beijing time)."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SurveyTemplate, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("for"), max_length=16, choices=Subject.choices, default=Subject.PROJECT)
    trainer = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trainer_name = models.CharField(_("trainer"), max_length=100, blank=True)
    lesson = models.ForeignKey(
        "delivery.Lesson",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    items = models.JSONField(default=list)  # [{"id", "kind", "text", "options", "required"}]
    top_choices = models.JSONField(default=default_top)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Respondent(models.Model):
    """Who answered a survey — only so nobody answers twice. No answer, no time: an answer cannot
    be joined to a person (Response has a random key and no person)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="survey_answered_once")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.person_id}"


class Response(models.Model):
    """One anonymous set of answers: {item id: code, list of options or text}."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.survey_id)


class SurveySettings(models.Model):
    """The bureau's rule for next year's eligibility (RULES F1): the satisfaction rate under which a
    trainer may not be assigned, nor a project of the same type approved, the year after."""

    threshold = models.DecimalField(
        _("satisfaction threshold (%)"),
        max_digits=4,
        decimal_places=1,
        default=satisfaction.DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.threshold)


class OverrideKind(models.TextChoices):
    TRAINER = "trainer", _("Trainer")
    PROJECT_TYPE = "project_type", _("Project type")


class EligibilityOverride(models.Model):
    """The bureau's written decision that a trainer, or a project type, may train in `year` although
    its satisfaction the year before was under the threshold."""

    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    person = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project_type = models.CharField(_("type"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"

    @property
    def project_type_label(self) -> str:
        from peixun.training.models.choices import ProjectType

        return str(ProjectType(self.project_type).label) if self.project_type in ProjectType.values else ""
