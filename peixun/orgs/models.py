"""The organisation tree, the people in it, and the role grants that give accounts access to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.core.fields import CodeListField
from peixun.core.vault import vault
from peixun.lib import idnumbers

PATH_SEGMENT = "{:08d}/"
SEGMENT_LENGTH = len(PATH_SEGMENT.format(0))


def ancestor_paths(path: str) -> list[str]:
    """The paths of an org path's ancestors and of itself, root first."""
    return [path[:end] for end in range(SEGMENT_LENGTH, len(path) + 1, SEGMENT_LENGTH)]


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    SCHOOL = "school", _("School")
    INSTITUTION = "institution", _("Training institution")
    UNIT = "unit", _("Other unit")


class Org(models.Model):
    """An Org is one node of the region's tree: a bureau's province, city, county or town, a school,
    a training institution or another employer of teachers.

    `path` is the materialised path of primary keys from the root ("00000001/00000007/"), so a
    subtree is one indexed prefix match (`path__startswith`) at any size.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=False, editable=False, default="")
    # A rural school (农村学校), for the degree targets of rural teachers (RULES G8); the bureau sets it.
    rural = models.BooleanField(_("rural"), default=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' under any collation;
            # other databases ignore opclasses.
            models.Index(fields=["path"], name="org_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="org_parent_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def own_path(self) -> str:
        parent_path = self.parent.path if self.parent is not None else ""
        return parent_path + PATH_SEGMENT.format(self.pk)

    def is_within(self, other: "Org") -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> models.QuerySet["Org"]:
        ids = [int(segment) for segment in self.path.split("/") if segment]
        return Org.objects.filter(pk__in=ids).order_by("depth")

    def subtree(self) -> models.QuerySet["Org"]:
        return Org.objects.filter(path__startswith=self.path)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Hong Kong/Macao resident permit")
    TAIWAN = "taiwan", _("Taiwan resident permit")
    OTHER = "other", _("Other document")


class Section(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Vocational")


class Title(models.TextChoices):
    PROFESSOR = "professor", _("Professor-level senior")
    SENIOR = "senior", _("Senior")
    FIRST = "first", _("First grade")
    SECOND = "second", _("Second grade")
    THIRD = "third", _("Third grade")
    NONE = "none", _("No title")


class PersonRole(models.TextChoices):
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    BACKBONE = "backbone", _("Backbone teacher")
    SUBJECT_LEADER = "subject_leader", _("Subject leader")
    MASTER = "master", _("Master teacher")
    SPECIAL_GRADE = "special_grade", _("Special-grade teacher")
    TRAINER = "trainer", _("Trainer")
    CADRE = "cadre", _("Cadre")
    PRINCIPAL = "principal", _("Principal")
    TUTOR = "tutor", _("Tutor")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    AWAY = "away", _("Away from post")
    LEFT = "left", _("Left")


class Person(models.Model):
    """A Person is one teacher or staff member on a region's roster, employed by one Org.

    The ID number is sensitive: it is stored only encrypted (`id_number_encrypted`), found through
    a keyed hash (`id_hash`), and shown masked (`id_masked`) unless a role may reveal it. `id_tail`
    (the last four characters, already visible in the mask) serves the search by last digits.
    """

    name = models.CharField(_("full name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=50, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(
        _("document type"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number_encrypted = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("document number"), max_length=40, editable=False)
    id_tail = models.CharField(max_length=4, editable=False)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Indexed by person_org_pinyin_idx, which starts with it.
    org = models.ForeignKey(
        Org, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="people", db_index=False
    )
    section = models.CharField(_("section"), max_length=16, choices=Section.choices, blank=True)
    subjects = CodeListField(_("subjects"), max_length=200, blank=True, default=list)
    title = models.CharField(_("title"), max_length=16, choices=Title.choices, default=Title.NONE)
    roles = CodeListField(_("roles"), max_length=200, blank=True, default=list)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    teacher_cert_no = models.CharField(_("teacher certificate number"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "id"]
        # Plain b-tree indexes only: searches are equalities and ranges (ADR 0007), so PostgreSQL's
        # extra "_like" pattern indexes that unique=True/db_index=True add would only slow imports.
        indexes = [
            models.Index(fields=["org", "name_pinyin", "id"], name="person_org_pinyin_idx"),
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin_idx"),
            models.Index(fields=["name_initials"], name="person_initials_idx"),
            models.Index(fields=["name"], name="person_name_idx"),
            models.Index(fields=["id_tail"], name="person_id_tail_idx"),
            models.Index(fields=["mobile"], name="person_mobile_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique")]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, id_type: str, number: str) -> None:
        """Store a normalised ID number encrypted, with its lookup hash, mask and tail."""
        box = vault()
        self.id_type = id_type
        self.id_number_encrypted = box.encrypt(number)
        self.id_hash = box.lookup_hash(id_type, number)
        self.id_masked = idnumbers.mask(number)
        self.id_tail = number[-4:]

    def reveal_id_number(self) -> str:
        """The full ID number. Callers audit the reveal (peixun.orgs.services.reveal_id_number)."""
        return vault().decrypt(self.id_number_encrypted)


class GrantRole(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    CENTRE_STAFF = "centre_staff", _("Training centre staff")
    SCHOOL_COORDINATOR = "school_coordinator", _("School coordinator")
    TUTOR = "tutor", _("Tutor")
    TEACHER = "teacher", _("Teacher")


class RoleGrant(models.Model):
    """A RoleGrant gives an account one role over one org subtree: what it may do is defined by
    the role in peixun.orgs.access, and where, by the org."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=24, choices=GrantRole.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="grants"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"
