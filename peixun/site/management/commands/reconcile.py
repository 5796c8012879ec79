"""`manage.py reconcile`: check the invariants that must hold after any kill, restart or restore
(peixun.site.reconcile) and print each with 通过 or 不通过 and its counts; exit status 1 when one
does not hold. Reads only: safe on a live database, and the last step of a restore drill."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peixun.site.reconcile import SHOWN, reconcile


class Command(BaseCommand):
    help = "Check the data's invariants (places, ledger rollups, certificates, runs, imports)."

    def handle(self, *args, **options):
        failed = 0
        for check in reconcile():
            verdict = pgettext("reconcile", "pass") if check.ok else pgettext("reconcile", "FAIL")
            style = self.style.SUCCESS if check.ok else self.style.ERROR
            self.stdout.write(
                style(
                    _("%(verdict)s  %(name)s: %(checked)s checked, %(broken)s broken")
                    % {
                        "verdict": verdict,
                        "name": check.name,
                        "checked": check.checked,
                        "broken": len(check.broken),
                    }
                )
            )
            for line in check.broken[:SHOWN]:
                self.stdout.write(f"    {line}")
            failed += not check.ok
        if failed:
            self.stderr.write(_("%(count)s invariants do not hold.") % {"count": failed})
            raise SystemExit(1)
        self.stdout.write(_("Every invariant holds."))
