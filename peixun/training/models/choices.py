"""The training vocabulary (docs/glossary.md): codes stored in the database and used by the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, CreditClass, Level, Mode
from peixun.training.rules import lifecycle

__all__ = ["Category", "CreditClass", "Level", "Mode"]  # the shared vocabulary, re-exported


class ProjectType(models.TextChoices):
    ALL_STAFF = "all_staff", _("All-staff training")
    BACKBONE = "backbone", _("Backbone teacher training")
    HEAD_TEACHER = "head_teacher", _("Head-teacher training")
    NEW_TEACHER = "new_teacher", _("New-teacher induction")
    DEGREE = "degree", _("Degree upgrading")
    IT_SKILLS = "it_skills", _("IT application skills")
    OUTREACH = "outreach", _("Outreach training")
    SHADOWING = "shadowing", _("Shadowing study")
    OTHER = "other", _("Other")


class FeePayer(models.TextChoices):
    """Who pays the fee per trainee: the school by default, never the teacher unless the project
    says so (RULES F4)."""

    SCHOOL = "school", _("The school")
    ORGANISER = "organiser", _("The organiser (free to schools)")
    TEACHER = "teacher", _("The teacher")


class EnrolmentMode(models.TextChoices):
    SELF = "self", _("Self-enrolment, first come")
    NOMINATION = "nomination", _("Nomination by schools")
    MANDATORY = "mandatory", _("Mandatory for everyone eligible")
    LOTTERY = "lottery", _("Lottery after the window closes")


class ApprovalChain(models.TextChoices):
    NONE = "none", _("No approval")
    SCHOOL = "school", _("School approves")
    SCHOOL_COUNTY = "school_county", _("School, then county approve")


class QuotaMode(models.TextChoices):
    NONE = "none", _("No school quotas")
    MANUAL = "manual", _("Quotas set by hand")
    PROPORTIONAL = "proportional", _("Quotas in proportion to eligible teachers")


class GroupBy(models.TextChoices):
    TOWN = "town", _("Town")
    SCHOOL = "school", _("School")


class ProjectStatus(models.TextChoices):
    DRAFT = lifecycle.DRAFT, _("Draft")
    SUBMITTED = lifecycle.SUBMITTED, _("Submitted")
    APPROVED = lifecycle.APPROVED, _("Approved")
    REJECTED = lifecycle.REJECTED, _("Rejected")
    PUBLISHED = lifecycle.PUBLISHED, _("Published")
    ENROLLING = lifecycle.ENROLLING, _("Enrolling")
    RUNNING = lifecycle.RUNNING, _("Running")
    ASSESSING = lifecycle.ASSESSING, _("Assessing")
    CLOSED = lifecycle.CLOSED, _("Closed")
    ARCHIVED = lifecycle.ARCHIVED, _("Archived")
    CANCELLED = lifecycle.CANCELLED, _("Cancelled")


class EnrolmentStatus(models.TextChoices):
    APPLIED = lifecycle.APPLIED, _("Registered for the lottery")
    PENDING = lifecycle.PENDING, _("Waiting for approval")
    NOMINATED = lifecycle.NOMINATED, _("Nominated, to confirm")
    OFFERED = lifecycle.OFFERED, _("Place offered, to confirm")
    ENROLLED = lifecycle.ENROLLED, _("Enrolled")
    WAITLISTED = lifecycle.WAITLISTED, _("On the waitlist")
    EXEMPTED = lifecycle.EXEMPTED, _("Exempted")
    WITHDRAWN = lifecycle.WITHDRAWN, _("Withdrawn")
    REJECTED = lifecycle.REJECTED, _("Not approved")
    EXPIRED = lifecycle.EXPIRED, _("Offer expired")
    NOT_DRAWN = lifecycle.NOT_DRAWN, _("Not drawn in the lottery")
    CANCELLED = lifecycle.CANCELLED, _("Cancelled")


# The named sets of enrolment statuses (peixun.training.rules.lifecycle), for `from …models import`.
HOLDING = lifecycle.HOLDING
LIVE = lifecycle.LIVE


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolment")
    NOMINATION = "nomination", _("Nomination")
    MANDATORY = "mandatory", _("Mandatory")
    LOTTERY = "lottery", _("Lottery")


class ApprovalStage(models.TextChoices):
    SCHOOL = "school", _("School")
    COUNTY = "county", _("County")


class ExemptionReason(models.TextChoices):
    NEAR_RETIREMENT = "near_retirement", _("Fewer than five years to retirement")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class ExemptionStatus(models.TextChoices):
    PENDING_SCHOOL = "pending_school", _("Waiting for the school")
    PENDING_COUNTY = "pending_county", _("Waiting for the county")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BudgetKind(models.TextChoices):
    EXPERTS = "experts", _("Expert and trainer fees")
    VENUE = "venue", _("Venue")
    MATERIALS = "materials", _("Materials")
    MEALS = "meals", _("Meals and lodging")
    TRAVEL = "travel", _("Travel")
    PLATFORM = "platform", _("Online platform")
    OTHER = "other", _("Other")


class TrainerRole(models.TextChoices):
    TRAINER = "trainer", _("Trainer")
    EXPERT = "expert", _("Subject expert")
    TUTOR = "tutor", _("Tutor")


class PrizeRank(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    OTHER = "other", _("Other award")
