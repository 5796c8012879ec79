"""What honours adds to the apps below it, registered in `HonoursConfig.ready()`:

- the teacher's file (peixun.certificates.hooks.file_sections): their ethics honours and their
  programme titles with terms and yearly reviews;
- tutors and trainers are ranked (peixun.training.hooks.held_titles): the programme titles held
  today, 特级教师 and 区名师 as the pool's subject leaders, 骨干教师 as its backbone teachers (C2);
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peixun.audit import events
from peixun.certificates.hooks import FileSection, file_sections
from peixun.honours import selectors
from peixun.honours.models import Family, Honour
from peixun.lib.dates import format_date_zh
from peixun.training.hooks import HeldTitle, held_titles

FIELD_LABELS = {
    "person": gettext_lazy("Teacher"),
    "honour": gettext_lazy("Honour"),
    "selection": gettext_lazy("Selection"),
    "files": gettext_lazy("Evidence files"),
    "quotas": gettext_lazy("Quotas"),
    "dates": gettext_lazy("Public notice"),
    "conferred": gettext_lazy("Conferred"),
    "outcome": gettext_lazy("Outcome"),
    "school_year": gettext_lazy("School year"),
    "concentrated": gettext_lazy("Concentrated training (hours)"),
    "guidance": gettext_lazy("School-based guidance (hours)"),
    "until": gettext_lazy("Until"),
    "place": gettext_lazy("School or group guided"),
    "term_years": gettext_lazy("Term (years)"),
    "default_quota": gettext_lazy("Default quota"),
    "min_concentrated_hours": gettext_lazy("Concentrated training required (hours)"),
    "min_guidance_hours": gettext_lazy("School-based guidance required (hours)"),
}
# The programme's titles in the trainer pool's words (peixun.quality.rules.pool.TITLE_ORDER): 特级教师
# and 区名师 rank with its subject leaders, 骨干教师 with its backbone teachers (RULES C2, E7). A title
# added or renamed on 荣誉与规则 does not rank tutors until it is named here.
POOL_TITLES = {"特级教师": "subject_leader", "区名师": "subject_leader", "骨干教师": "backbone"}

ACTIONS = (
    "honours_selection_created",
    "honours_quotas_saved",
    "honours_nominated",
    "honours_nomination_reviewed",
    "honours_notice_published",
    "honours_objection_raised",
    "honours_objection_decided",
    "honours_selection_finalised",
    "honours_guidance_logged",
    "honours_title_reviewed",
    "honours_title_renewed",
    "honours_title_ended",
    "honours_kind_saved",
)


def ethics_section(*, person, cycle) -> FileSection | None:
    rows = [
        [honour.kind.name, f"{honour.year}年", format_date_zh(honour.starts_on)]
        for honour in Honour.objects.filter(person=person, kind__family=Family.ETHICS).select_related("kind")
    ]
    if not rows:
        return None
    return FileSection(
        title=_("Ethics honours"), headers=[_("Honour"), _("Year"), _("Conferred on")], rows=rows
    )


def titles_section(*, person, cycle) -> FileSection | None:
    honours = list(
        Honour.objects.filter(person=person, kind__family=Family.TITLE)
        .select_related("kind")
        .prefetch_related("reviews")
        .order_by("starts_on", "id")
    )
    if not honours:
        return None
    rows = [
        [
            honour.kind.name,
            f"{format_date_zh(honour.starts_on)}—{format_date_zh(honour.ends_on) if honour.ends_on else ''}",
            str(honour.get_status_display()),
            "；".join(
                f"{review.school_year}学年{review.get_outcome_display()}" for review in honour.reviews.all()
            ),
        ]
        for honour in honours
    ]
    return FileSection(
        title=_("Programme titles (名师/骨干)"),
        headers=[_("Title"), _("Term"), _("Status"), _("Annual reviews")],
        rows=rows,
    )


def pool_titles(*, person_ids) -> dict[int, HeldTitle]:
    """Each person's highest programme title held today that ranks tutors, in the pool's words."""
    answer: dict[int, HeldTitle] = {}
    for person_id, names in selectors.titles_held_today(person_ids).items():
        ranked = [name for name in names if name in POOL_TITLES]
        if ranked:
            answer[person_id] = HeldTitle(POOL_TITLES[ranked[0]], ranked[0])
    return answer


def register() -> None:
    held_titles.add(pool_titles, order=10, name="honours.titles")
    file_sections.add(ethics_section, order=47, name="honours.ethics")
    file_sections.add(titles_section, order=48, name="honours.titles")
    for action in ACTIONS:
        events.register_field_labels(FIELD_LABELS, action=action)
