"""What delivery does at the moments of the apps below it, registered in `DeliveryConfig.ready()`:

- a project moves to assessment (peixun.training.lifecycle, "assess" 10): its lessons held are
  closed, everyone unmarked absent; while a lesson is still ahead the move is refused, and the
  project's page asks first (training.hooks.move_confirmation): cancel those lessons, or wait;
- the inbox (peixun.training.hooks): the leave requests waiting for the user's decision, and the
  work handed in by a tutor's trainees waiting for their grade;
- a change request removing a class (peixun.training.hooks.class_in_use): not while the class has
  lessons, which would go with it;
- the import pages (peixun.imports.registry): the outside platform's results, as a file.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peixun.delivery import selectors
from peixun.delivery.imports import apply_outside_file, check_outside_file, outside_template
from peixun.delivery.models import Lesson, LessonStatus
from peixun.delivery.services.attendance import close_all_lessons
from peixun.delivery.services.leave import waiting_for
from peixun.delivery.services.lessons import lessons_ahead
from peixun.imports import registry as imports
from peixun.imports.models import ImportKind
from peixun.training import hooks as training_hooks
from peixun.training import lifecycle
from peixun.training.hooks import InboxPanel
from peixun.training.selectors import INBOX_LIMIT


def close_lessons(*, project, actor, request=None) -> None:
    close_all_lessons(project, actor=actor)


def confirm_assessment(*, project, action) -> str | None:
    """The confirmation page of a move to assessment while lessons are still ahead; else None."""
    if action != "assess" or not lessons_ahead(project).exists():
        return None
    return reverse("delivery:assess", args=[project.pk])


def class_lessons(*, cohort) -> str | None:
    """Why a class with lessons may not be removed: its lessons (and their register) would go."""
    lessons = Lesson.objects.filter(cohort=cohort)
    scheduled = lessons.filter(status=LessonStatus.SCHEDULED).count()
    if scheduled:
        return ngettext(
            "it has %(count)s lesson scheduled: move it to another class on the Lessons tab first",
            "it has %(count)s lessons scheduled: move them to another class on the Lessons tab first",
            scheduled,
        ) % {"count": scheduled}
    if lessons.exists():
        return str(_("it has lessons on record (held or cancelled), so it is kept: rename it instead"))
    return None


# The inbox lists this many of a section; its count says how many there are in all.
INBOX_SHOWN = 50


def leave_to_decide(*, request) -> InboxPanel | None:
    waiting = waiting_for(request.user, limit=INBOX_LIMIT)
    if not waiting:
        return None
    html = render_to_string("delivery/_inbox_leave.html", {"waiting": waiting}, request=request)
    return InboxPanel(len(waiting), html, str(_("Leave requests to decide")), "leave", tuple(waiting))


def work_to_grade(*, request) -> InboxPanel | None:
    """The work handed in by the tutor's trainees and not graded yet, each linked to its page."""
    queryset = selectors.to_grade(request.user)
    shown = list(queryset[:INBOX_SHOWN])
    if not shown:
        return None
    count = len(shown) if len(shown) < INBOX_SHOWN else queryset.count()
    context = {"submissions": shown, "count": count, "more": count - len(shown)}
    html = render_to_string("delivery/_inbox_grade.html", context, request=request)
    return InboxPanel(count, html, str(_("Coursework to grade")), "grade", tuple(shown))


def register() -> None:
    lifecycle.register_step(
        "assess",
        10,
        close_lessons,
        name="delivery.close_lessons",
        does=_("closing the remaining lessons"),
        fix_at=_("the project's Lessons tab"),
    )
    training_hooks.move_confirmation.add(confirm_assessment, order=10, name="delivery.confirm_assessment")
    training_hooks.inbox_panels.add(leave_to_decide, order=10, name="delivery.leave_to_decide")
    training_hooks.inbox_panels.add(work_to_grade, order=20, name="delivery.work_to_grade")
    training_hooks.class_in_use.add(class_lessons, order=10, name="delivery.class_lessons")
    imports.register(
        imports.Importer(
            kind=ImportKind.OUTSIDE,
            perm="delivery.import",
            check=check_outside_file,
            apply=apply_outside_file,
            template=lambda org: outside_template(),
            icon="cloud-download",
            results_url=lambda job: reverse("training:project-list"),
        ),
        order=40,
    )
