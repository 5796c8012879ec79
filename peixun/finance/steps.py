"""What training funds does at the moments of the apps below it, registered in
`FinanceConfig.ready()`: the import pages (the schools' yearly budget figures) and the words of
the fields its audit events record."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.finance.imports import apply_budget_file, budget_template, check_budget_file
from peixun.imports import registry as imports
from peixun.imports.models import ImportKind

FIELD_LABELS = {
    "year": _("Year"),
    "school": _("School"),
    "trainees": _("Trainees"),
    "amount": _("Amount (yuan)"),
    "paid_on": _("Paid on"),
    "reference": _("Reference"),
    "overpayment": _("Overpayment (yuan)"),
    "teacher_pay": _("Teachers' pay incl. performance pay (yuan)"),
    "public_funds": _("Public funds (yuan)"),
    "pay_share": _("Required share of teachers' pay (%)"),
    "public_share": _("Required share of public funds (%)"),
    "book_subsidy": _("Book subsidy per teacher (yuan)"),
    "late_withdrawal_owes": _("A late withdrawal still owes the fee"),
    "note": _("What for"),
    "count": _("Count"),
    "created": _("Created"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "filename": _("File name"),
    "sha256": _("File fingerprint"),
}
ACTIONS = (
    "finance_year_saved",
    "finance_statement_issued",
    "finance_payment_recorded",
    "finance_budget_saved",
    "finance_budget_imported",
    "finance_spending_recorded",
    "finance_subsidies_generated",
    "finance_subsidies_paid",
)


def register() -> None:
    imports.register(
        imports.Importer(
            kind=ImportKind.BUDGETS,
            perm="finance.budget",
            check=check_budget_file,
            apply=apply_budget_file,
            template=lambda org: budget_template(),
            icon="cash-coin",
            results_url=lambda job: reverse("finance:report"),
            subject_label=_("School"),
        ),
        order=80,
    )
    events.register_field_labels(FIELD_LABELS)
    for action in ACTIONS:
        events.register_field_labels(FIELD_LABELS, action=action)
