"""Teaching competitions (教学技能大赛, seed 001 篇5): a competition as data — its stages, groups,
subjects and weighted items — the teachers who enter it, exemptions, each stage's quotas and
reproducible draw, judges and their scores, and the awards with their 公示, objections,
revocations and the prize records that feed later exclusions (RULES B2–B5, B8, D7, D10, E3–E5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peixun.competitions.rules import awards as award_rules
from peixun.competitions.rules import quotas as quota_rules
from peixun.core.choices import Level

# B2: the nine primary subjects of the seed, the default of a new competition.
DEFAULT_SUBJECTS = ["语文", "数学", "英语", "科学", "信息技术", "思想品德", "音乐", "美术", "体育"]


class Rounding(models.TextChoices):
    HALF_UP_MIN_ONE = (
        quota_rules.HALF_UP_MIN_ONE,
        _("Round half up, at least one place for a unit with entrants"),
    )
    HALF_UP = quota_rules.HALF_UP, _("Round half up")
    CEILING = quota_rules.CEILING, _("Round up")
    FLOOR = quota_rules.FLOOR, _("Round down")


class CompetitionStatus(models.TextChoices):
    OPEN = "open", _("Open for entries")
    RUNNING = "running", _("Running")
    NOTICE = "notice", _("Results under public notice")
    FINAL = "final", _("Final")


class Competition(models.Model):
    """A Competition is one teaching-skills contest run by an organiser (a county or a city
    bureau) over its subtree, with every number that governs it kept here as data: the youth
    birth-date line (B3), retirement cut-offs (B4), the exclusion window for earlier first prizes
    (B5), stage rates and the nominated share (E3), award shares (E4)."""

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="competitions"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=CompetitionStatus.choices, default=CompetitionStatus.OPEN
    )
    subjects = models.JSONField(_("subjects"), default=list)
    youth_born_from = models.DateField(_("youth: born on or after"))
    retire_male_cutoff = models.DateField(_("men born on or before this may ask to be excused"))
    retire_female_cutoff = models.DateField(_("women born on or before this may ask to be excused"))
    prize_years = models.PositiveSmallIntegerField(_("years a county-level first prize excludes"), default=5)
    second_rate = models.DecimalField(
        _("round 2 share of round-1 entrants"), max_digits=4, decimal_places=2, default=Decimal("0.30")
    )
    final_rate = models.DecimalField(
        _("final share of round-2 entrants"), max_digits=4, decimal_places=2, default=Decimal("0.10")
    )
    nominated_share = models.DecimalField(
        _("share nominated (the rest drawn)"), max_digits=4, decimal_places=2, default=Decimal("0.60")
    )
    rounding = models.CharField(
        _("rounding"), max_length=24, choices=Rounding.choices, default=Rounding.HALF_UP_MIN_ONE
    )
    first_share = models.DecimalField(
        _("first prize share"), max_digits=4, decimal_places=2, default=Decimal("0.10")
    )
    second_share = models.DecimalField(
        _("second prize share"), max_digits=4, decimal_places=2, default=Decimal("0.20")
    )
    third_share = models.DecimalField(
        _("third prize share"), max_digits=4, decimal_places=2, default=Decimal("0.30")
    )
    team_share = models.DecimalField(
        _("team award: a school's winners share of its entrants"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
    )
    trimmed = models.BooleanField(_("drop the highest and lowest judge's score"), default=False)
    seat_schools = models.ManyToManyField(
        "orgs.Org", verbose_name=_("schools at the district seat (excluded)"), blank=True, related_name="+"
    )
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(second_rate__gte=0, second_rate__lte=1, final_rate__gte=0, final_rate__lte=1),
                name="competition_rates",
            ),
            models.CheckConstraint(
                condition=Q(nominated_share__gte=0, nominated_share__lte=1),
                name="competition_nominated_share",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shares(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.first_share, self.second_share, self.third_share)


class StageKind(models.TextChoices):
    SCHOOL = "school", _("School round")
    DISTRICT = "district", _("District round")
    FINAL = "final", _("Final")


class StageStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PUBLISHED = "published", _("Draw published")
    DRAWN = "drawn", _("Drawn")
    CLOSED = "closed", _("Closed")


class Stage(models.Model):
    """A Stage is one round of a competition (初赛 at the schools, 复赛 by the district, 决赛 by the
    city), with its deadline. From the second on, its competitors are the nominated and the drawn
    of the round before; the draw's seed and candidate list are published before it runs."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=16, choices=StageKind.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StageStatus.choices, default=StageStatus.OPEN
    )
    seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    candidates_digest = models.CharField(max_length=64, blank=True)
    candidates = models.JSONField(default=list, editable=False)  # [[entry id, unit id], …] as published
    draw_quotas = models.JSONField(default=dict, editable=False)  # {unit id: drawn places}
    drawn = models.JSONField(default=list, editable=False)  # entry ids in draw order
    published_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["competition", "number"]
        constraints = [models.UniqueConstraint(fields=["competition", "number"], name="stage_number_unique")]

    def __str__(self) -> str:
        return f"{self.competition} · {self.get_kind_display()}"


class Group(models.Model):
    """A Group (组别) competitors are placed in by section and birth date read from the ID (B3)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=40)
    section = models.CharField(_("section"), max_length=16, blank=True)
    born_from = models.DateField(_("born on or after"), null=True, blank=True)
    born_before = models.DateField(_("born before"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["competition", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """An Item (考核项目) of a stage with its weight in percent (D7); a school may add its own items
    to its round-1 (then `school` is set and only its competitors are scored on it)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=60)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    school = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["stage", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="item_weight_range")
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    ENTERED = "entered", _("Entered")
    DISQUALIFIED = "disqualified", _("Disqualified for falsification")


class Entry(models.Model):
    """An Entry is one teacher's place in a competition in one subject (B8: one per person), with
    the group read from their birth date and the school they compete for."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="competition_entries"
    )
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    subject = models.CharField(_("subject"), max_length=20)
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="entries"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.ENTERED
    )
    reached = models.PositiveSmallIntegerField(_("furthest round"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["competition", "school__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "person"], name="entry_one_subject_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.subject}"


class Way(models.TextChoices):
    ENTERED = "entered", _("Entered")
    NOMINATED = "nominated", _("Nominated")
    DRAWN = "drawn", _("Drawn")


class Place(models.Model):
    """A Place is an entry's part in one stage: how it got there, its total and rank once judged."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="places")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="places")
    way = models.CharField(_("how"), max_length=16, choices=Way.choices)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["stage", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["stage", "entry"], name="place_unique")]

    def __str__(self) -> str:
        return f"{self.stage_id} {self.entry_id}"


class ExemptionReason(models.TextChoices):
    RETIREMENT = "retirement", _("Fewer than five years to retirement")
    HEALTH = "health", _("Health")


class ExemptionStatus(models.TextChoices):
    PENDING_SCHOOL = "pending_school", _("Waiting for the school")
    PENDING_BUREAU = "pending_bureau", _("Waiting for the bureau")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Exemption(models.Model):
    """An Exemption is a teacher's request not to take part (B4), with evidence, approved by the
    school then the bureau."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="exemptions")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    reason = models.CharField(_("reason"), max_length=16, choices=ExemptionReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_kind = models.CharField(max_length=8, blank=True)
    evidence = models.BinaryField(default=b"", editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ExemptionStatus.choices, default=ExemptionStatus.PENDING_SCHOOL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["competition", "person"], name="exemption_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reason}"


class Judge(models.Model):
    """A Judge is an account assigned to score one item of a stage for one group."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="judges")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judging")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "group", "user"], name="judge_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.item_id} {self.group_id}"


class Score(models.Model):
    """A Score is one judge's mark (0–100) for one competitor on one item; once submitted the judge
    may see the others' marks, never before."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "item", "judge"], name="score_unique"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.item_id} {self.value}"


class AwardLevel(models.TextChoices):
    FIRST = award_rules.FIRST, _("First prize")
    SECOND = award_rules.SECOND, _("Second prize")
    THIRD = award_rules.THIRD, _("Third prize")


class AwardStatus(models.TextChoices):
    NOTICE = "notice", _("Under public notice")
    FINAL = "final", _("Final")
    REVOKED = "revoked", _("Revoked")


class Award(models.Model):
    """An Award is an individual prize of a competition: under 公示 first, then final (numbered,
    with a public verification code, like training certificates); revoked for falsification."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="awards")
    level = models.CharField(_("award"), max_length=8, choices=AwardLevel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=AwardStatus.choices, default=AwardStatus.NOTICE
    )
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    code = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["competition", "level", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "entry"], name="award_one_per_entry")]

    def __str__(self) -> str:
        return f"{self.entry} {self.level}"


class UnitAwardKind(models.TextChoices):
    TEAM = "team", _("Excellent team award")
    ORGANISATION = "organisation", _("Organisation award")


class UnitAward(models.Model):
    """A school's team award (by its share of winners) or an organisation award."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="unit_awards")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("award"), max_length=16, choices=UnitAwardKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competition", "org", "kind"], name="unit_award_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind}"


class Objection(models.Model):
    """An objection raised against an award during its 公示, and the bureau's decision."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="objections")
    text = models.CharField(_("objection"), max_length=500)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.BooleanField(default=False)
    upheld = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class PrizeRecord(models.Model):
    """A PrizeRecord (获奖记录) is a prize a teacher holds — from this app's final awards or entered
    by the bureau — shown in the teacher's file and read by the B5 exclusion."""

    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="prize_records")
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    award = models.CharField(_("award"), max_length=8, choices=AwardLevel.choices)
    title = models.CharField(_("competition"), max_length=120)
    source = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.CASCADE, related_name="prize"
    )
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["person", "year"], name="prize_person_year_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.title}"
