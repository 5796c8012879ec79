"""What training does at the moments of the apps below it, registered in `TrainingConfig.ready()`:

- a teacher's own hours page (peixun.ledger.hooks): the open trainings they may enrol in whose
  hours would close a gap in their standing.
"""

from django.template.loader import render_to_string

from peixun.ledger import hooks as ledger_hooks
from peixun.training import selectors


def suggestions_panel(*, request, standing) -> str:
    found = selectors.suggestions(request.user, standing)
    if not found:
        return ""
    return render_to_string("training/_suggestions.html", {"suggestions": found}, request=request)


def register() -> None:
    ledger_hooks.my_hours_panels.add(suggestions_panel, order=10, name="training.suggestions")
