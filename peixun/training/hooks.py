"""What training lets higher apps add to its pages (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, training never imports them). What they do when a project moves is the
lifecycle's hook, peixun.training.lifecycle.

- `inbox_panels(request=…)`: sections of the inbox, each an `InboxPanel` (how many things wait in
  it, and its HTML) or None to show nothing, in order — the leave requests waiting for the user's
  decision, the coursework waiting for the tutor's grade. Their counts go into the inbox's total,
  so the page never says "nothing waits" above a list of things that do.
- `move_confirmation(project=…, action=…)` (first answer): the address of a page where the user
  must confirm a move before it is made, or None to make it at once — delivery: moving to
  assessment while lessons are still ahead.
- `mandatory_exempt(project=…, person_ids=…)`: who of the mandatory audience is excused from it
  by something training does not know, as {person id: why, in words}; the answers are merged —
  recognition: an approved city-level-or-above training, where the project says so (B6). Those
  people are left out of the mandatory enrolment, and its preview says how many and why.
- `trainers_refused(project=…, person_ids=…)`: who of these people may not be assigned to the
  project as a tutor or trainer, as {person id: DomainError saying why and what to do}; the answers
  are merged — surveys: satisfaction under the threshold the year before (RULES F1), unless the
  bureau allowed it. Setting a class's tutor or a project's trainers refuses them; assigning tutors
  automatically passes over them.
- `approval_refused(project=…)` (first answer): a DomainError why the project may not be approved,
  or None — surveys: its type's satisfaction the year before (RULES F1).
- `tutor_candidates(project=…, people=…)` (first answer): the people offered as a class's tutor,
  in the order offered — `people` is training's own list (its audience's subject leaders, backbone
  teachers …); an answer may drop, add and reorder — quality: the trainer pool's subject leaders
  and backbone teachers first (or the holders of a title that ranks as theirs, `held_titles`),
  removed trainers never (RULES C2, F3). None keeps training's list.
- `trainer_suggestions(user=…, project=…)` (answers merged; project None for a new one): names to
  suggest when a project's trainers are typed, each a `TrainerSuggestion` — quality: the pool.
- `held_titles(person_ids=…)`: the titles these people hold elsewhere that count when tutors and
  trainers are ranked, as {person id: `HeldTitle`} — its `code` in the trainer pool's words
  (subject_leader, backbone …, peixun.quality.rules.pool.TITLE_ORDER), its `name` as shown; the
  answers are gathered per person (`titles_held`), the best counting — honours: the 名师/骨干
  programme titles held today (特级教师 and 区名师 as subject leaders, 骨干教师 as backbone; RULES
  C2, E7). The trainer pool ranks by the better of its own title and a held one.
- `class_in_use(cohort=…)` (first answer): why a class may not be removed by a change request
  besides its trainees, in words, or None — delivery: the class has lessons.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from peixun.core.hooks import Hook


@dataclass(frozen=True)
class InboxPanel:
    """A section another app adds to the inbox: what waits in it (`count`, all of them, even when
    the list shows the first few) and the section as HTML; `label` and `anchor` name it in the
    home page's summary of what waits, where `items` may be listed."""

    count: int
    html: SafeString
    label: str = ""
    anchor: str = ""
    items: tuple = ()  # the first few of what waits, for a summary elsewhere (the home page)


@dataclass(frozen=True)
class TrainerSuggestion:
    """A trainer to suggest on the project form: the name, the unit, and a word on why (a title)."""

    name: str
    affiliation: str
    note: str = ""


@dataclass(frozen=True)
class HeldTitle:
    """A title a person holds outside the trainer pool: `code` in the pool's words (subject_leader,
    backbone …), `name` as shown (区名师)."""

    code: str
    name: str


inbox_panels = Hook("training: the inbox")
move_confirmation = Hook("training: a move to confirm first")
mandatory_exempt = Hook("training: who a mandatory audience excuses")
class_in_use = Hook("training: what keeps a class from being removed")
trainers_refused = Hook("training: who may not be assigned as a trainer")
approval_refused = Hook("training: why a project may not be approved")


def refused_trainers(project, person_ids) -> dict:
    """The merged answers of `trainers_refused`."""
    refused: dict = {}
    ids = [pk for pk in person_ids if pk is not None]
    if not ids:
        return refused
    for answer in trainers_refused.run(project=project, person_ids=ids):
        refused.update(answer or {})
    return refused


tutor_candidates = Hook("training: the tutors offered for a class")
trainer_suggestions = Hook("training: trainers suggested on the project form")
held_titles = Hook("training: titles held that rank tutors and trainers")


def titles_held(person_ids) -> dict[int, list[HeldTitle]]:
    """The answers of `held_titles`, gathered per person."""
    held: dict[int, list[HeldTitle]] = {}
    ids = [pk for pk in person_ids if pk is not None]
    if not ids:
        return held
    for answer in held_titles.run(person_ids=ids):
        for pk, title in (answer or {}).items():
            held.setdefault(pk, []).append(title)
    return held
