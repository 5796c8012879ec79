"""What competitions adds to the apps below it, registered in `CompetitionsConfig.ready()`:

- the teacher's file (peixun.certificates.hooks.file_sections): their prize records (获奖记录),
  revoked ones marked;
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peixun.audit import events
from peixun.certificates.hooks import FileSection, file_sections
from peixun.competitions.models import AwardLevel, PrizeRecord
from peixun.core.choices import Level

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "year": gettext_lazy("Year"),
    "subject": gettext_lazy("Subject"),
    "group": gettext_lazy("Group"),
    "stage": gettext_lazy("Round"),
    "seed": gettext_lazy("Draw seed"),
    "candidates": gettext_lazy("Candidates"),
    "digest": gettext_lazy("Candidate list fingerprint"),
    "drawn": gettext_lazy("Drawn"),
    "judge": gettext_lazy("Judge"),
    "item": gettext_lazy("Item"),
    "score": gettext_lazy("Score"),
    "awards": gettext_lazy("Awards"),
    "vetoed": gettext_lazy("Left out by an ethics veto"),
    "objection": gettext_lazy("Objection"),
    "upheld": gettext_lazy("Upheld"),
    "organisation": gettext_lazy("Organisation award"),
    "weight": gettext_lazy("Weight"),
}

ACTIONS = (
    "competition_saved",
    "competition_item_added",
    "competition_entered",
    "competition_withdrawn",
    "competition_exemption",
    "competition_nominated",
    "competition_draw_published",
    "competition_drawn",
    "competition_judge_assigned",
    "competition_scored",
    "competition_awards",
    "competition_objection",
    "competition_disqualified",
    "competition_final",
)


def prize_section(*, person, cycle=None) -> FileSection:
    rows = [
        [
            str(record.year),
            record.title,
            str(Level(record.level).label),
            str(AwardLevel(record.award).label) + ("（" + _("revoked") + "）" if record.revoked else ""),
        ]
        for record in PrizeRecord.objects.filter(person=person)
    ]
    return FileSection(
        title=_("Competition prizes"),
        headers=[_("Year"), _("Competition"), _("Level"), _("Award")],
        rows=rows,
        empty=_("No competition prizes."),
    )


def register() -> None:
    file_sections.add(prize_section, order=50, name="competitions.prizes")
    for action in ACTIONS:
        events.register_field_labels(FIELD_LABELS, action=action)
