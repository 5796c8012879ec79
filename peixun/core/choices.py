"""The shared training vocabulary as Django choices (DESIGN.md "Vocabulary"; docs/glossary.md): the
kinds of hours a project gives and the ledger records. The pure engine uses the same codes
(peixun.policies.rules.codes; a test checks they agree)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    ETHICS_LITERACY = "ethics_literacy", _("Ethics and literacy")
    KNOWLEDGE_SKILLS = "knowledge_skills", _("Knowledge and skills")
    PRACTICE = "practice", _("Practice")


class Level(models.TextChoices):
    # "level" context: 市级 (a level of training), not 市 (a kind of organisation).
    OVERSEAS = "overseas", pgettext_lazy("level", "Overseas")
    NATIONAL = "national", pgettext_lazy("level", "National")
    PROVINCIAL = "provincial", pgettext_lazy("level", "Provincial")
    CITY = "city", pgettext_lazy("level", "City")
    COUNTY = "county", pgettext_lazy("level", "County")
    SCHOOL = "school", pgettext_lazy("level", "School")


class Mode(models.TextChoices):
    CONCENTRATED = "concentrated", _("Concentrated")
    REMOTE = "remote", _("Remote")
    BLENDED = "blended", _("Blended")
    SCHOOL_BASED = "school_based", _("School-based")
    OUTREACH = "outreach", _("Outreach")
    SHADOWING = "shadowing", _("Shadowing")
    SELF_STUDY = "self_study", _("Self-study")


class CreditClass(models.TextChoices):
    A = "A", _("Class A")
    B = "B", _("Class B")
