"""The pages of training funds: what each school owes and paid (with a school's statements,
budget figures and spending), a statement with its payments, PDF and workbook, the budget report
against the required shares, the book subsidy lists, and the year's rules. Thin: services write,
selectors read, access decides."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.finance import access, exports, selectors, services
from peixun.finance.forms import BudgetForm, PaidForm, PaymentForm, SpendingForm, StatementForm, YearForm
from peixun.finance.models import SchoolBudget, Spending, school_year_label
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Org

LIST_LIMIT = 300


def _year(request, default: int) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default


def _this_year() -> int:
    return timezone.localdate().year


def _this_school_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


@login_required
@require_GET
def overview(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    schools = access.schools_in_scope(request.user)
    rows = selectors.balances(schools)
    owed = sum((row.owed for row in rows), selectors.ZERO)
    paid = sum((row.paid for row in rows), selectors.ZERO)
    context = {
        "rows": rows[:LIST_LIMIT],
        "count": len(rows),
        "owed": owed,
        "paid": paid,
        "balance": owed - paid,
        "can_policy": access.may(request.user, access.POLICY),
        "can_import": access.may(request.user, access.BUDGET),
        "year": _this_year(),
    }
    return render(request, "finance/overview.html", context)


@login_required
@require_GET
def overview_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    rows = selectors.balances(access.schools_in_scope(request.user))
    return download(exports.balances(rows), "各校培训费.xlsx")


def _school_context(request: SignedInRequest, school: Org, year: int, **forms) -> dict:
    user = request.user
    statements = list(selectors.balances(Org.objects.filter(pk=school.pk)))
    return {
        "school": school,
        "year": year,
        "balance": statements[0],
        "statements": [
            selectors.statement_view(statement)
            for statement in access.statements_in_scope(user).filter(school=school).select_related("school")
        ],
        "budgets": SchoolBudget.objects.filter(school=school).order_by("-year")[:5],
        "spending": Spending.objects.filter(school=school, year=year),
        "can_manage": access.may(user, access.MANAGE, school.path),
        "can_budget": access.may(user, access.BUDGET, school.path),
        "statement_form": forms.get("statement_form")
        or StatementForm(initial={"period_from": date(year, 1, 1), "period_to": date(year, 12, 31)}),
        "budget_form": forms.get("budget_form") or _budget_form(school, year),
        "spending_form": forms.get("spending_form") or SpendingForm(initial={"year": year}),
    }


def _budget_form(school: Org, year: int) -> BudgetForm:
    budget = SchoolBudget.objects.filter(school=school, year=year).first()
    initial: dict[str, object] = {"year": year}
    if budget:
        initial.update(teacher_pay=budget.teacher_pay, public_funds=budget.public_funds)
    return BudgetForm(initial=initial)


@login_required
@require_GET
def school_page(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    school = access.access_school(request.user, pk)
    year = _year(request, _this_year())
    return render(request, "finance/school.html", _school_context(request, school, year))


@login_required
@require_POST
def statement_new(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    school = access.access_school(request.user, pk, access.MANAGE)
    form = StatementForm(request.POST)
    if not form.is_valid():
        context = _school_context(request, school, _this_year(), statement_form=form)
        return render(request, "finance/school.html", context, status=400)
    try:
        statement = services.issue_statement(
            school=school,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("finance:school", pk)
    messages.success(request, _("Statement issued. Download it as PDF for the school."))
    return redirect("finance:statement", statement.pk)


@login_required
@require_POST
def budget_save(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.BUDGET)
    school = access.access_school(request.user, pk, access.BUDGET)
    form = BudgetForm(request.POST)
    if not form.is_valid():
        context = _school_context(request, school, _this_year(), budget_form=form)
        return render(request, "finance/school.html", context, status=400)
    year = form.cleaned_data["year"]
    services.save_budget(
        school=school,
        year=year,
        teacher_pay=form.cleaned_data["teacher_pay"],
        public_funds=form.cleaned_data["public_funds"],
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Budget figures saved."))
    return redirect(f"{reverse('finance:school', args=[pk])}?year={year}")


@login_required
@require_POST
def spending_add(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.BUDGET)
    school = access.access_school(request.user, pk, access.BUDGET)
    form = SpendingForm(request.POST)
    if not form.is_valid():
        context = _school_context(request, school, _this_year(), spending_form=form)
        return render(request, "finance/school.html", context, status=400)
    data = form.cleaned_data
    services.record_spending(
        school=school,
        year=data["year"],
        kind=data["kind"],
        amount=data["amount"],
        spent_on=data["spent_on"],
        note=data["note"],
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Spending recorded."))
    return redirect(f"{reverse('finance:school', args=[pk])}?year={data['year']}")


def _statement_context(request: SignedInRequest, pk: int, form: PaymentForm | None = None) -> dict:
    access.require_perm(request, access.VIEW)
    statement = access.access_statement(request.user, pk)
    can_pay = access.may(request.user, access.MANAGE, statement.org_path)
    return {
        "view": selectors.statement_view(statement),
        "can_pay": can_pay,
        "form": form or PaymentForm(initial={"paid_on": timezone.localdate()}),
    }


@login_required
@require_GET
def statement(request: SignedInRequest, pk: int) -> HttpResponse:
    return render(request, "finance/statement.html", _statement_context(request, pk))


def _filename(view: selectors.StatementView, ext: str) -> str:
    statement = view.statement
    return f"培训费缴费通知单-{statement.school.name}-{format_date_zh(statement.period_to)}.{ext}"


@login_required
@require_GET
def statement_export(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    view = selectors.statement_view(access.access_statement(request.user, pk))
    return download(exports.statement_xlsx(view), _filename(view, "xlsx"))


@login_required
@require_GET
def statement_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    view = selectors.statement_view(access.access_statement(request.user, pk))
    issuer = view.statement.created_by.get_full_name() if view.statement.created_by else ""
    return download(exports.statement_pdf(view, issuer=issuer), _filename(view, "pdf"), "application/pdf")


@login_required
@require_POST
def payment(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.MANAGE)
    statement_obj = access.access_statement(request.user, pk, access.MANAGE)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/statement.html", _statement_context(request, pk, form), status=400)
    data = form.cleaned_data
    try:
        services.record_payment(
            statement=statement_obj,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            confirm_overpayment=data["confirm_overpayment"],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return render(request, "finance/statement.html", _statement_context(request, pk, form), status=400)
    messages.success(request, _("Payment recorded."))
    return redirect("finance:statement", pk)


def _report(request: SignedInRequest) -> tuple[int, list, list]:
    access.require_perm(request, access.VIEW)
    year = _year(request, _this_year())
    rows = selectors.budget_rows(access.schools_in_scope(request.user), year)
    return year, rows, selectors.district_rows(rows, year)


@login_required
@require_GET
def report(request: SignedInRequest) -> HttpResponse:
    year, rows, districts = _report(request)
    context = {
        "year": year,
        "policy": selectors.finance_year(year),
        "rows": rows[:LIST_LIMIT],
        "count": len(rows),
        "districts": districts,
        "short": sum(1 for row in rows if row.short),
        "unknown": sum(1 for row in rows if not row.known),
        "can_policy": access.may(request.user, access.POLICY),
    }
    return render(request, "finance/report.html", context)


@login_required
@require_GET
def report_export(request: SignedInRequest) -> HttpResponse:
    year, rows, districts = _report(request)
    return download(exports.budget_report(rows, districts, year), f"培训经费达标情况-{year}.xlsx")


@login_required
@require_GET
def subsidy_list(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    year = _year(request, _this_school_year())
    schools = access.schools_in_scope(request.user)
    rows = list(selectors.subsidies(schools, year)[:LIST_LIMIT])
    context = {
        "year": year,
        "label": school_year_label(year),
        "amount": selectors.finance_year(year).book_subsidy,
        "rows": rows,
        "count": selectors.subsidies(schools, year).count(),
        "unpaid": selectors.subsidies(schools, year).filter(paid_on__isnull=True).count(),
        "schools": access.schools_in_scope(request.user, access.BUDGET).order_by("path")[:LIST_LIMIT],
        "paid_form": PaidForm(initial={"paid_on": timezone.localdate()}),
        "can_policy": access.may(request.user, access.POLICY),
    }
    return render(request, "finance/subsidies.html", context)


@login_required
@require_GET
def subsidy_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    year = _year(request, _this_school_year())
    rows = list(selectors.subsidies(access.schools_in_scope(request.user), year))
    return download(exports.subsidies(rows, year), f"图书补贴-{school_year_label(year)}.xlsx")


def _subsidy_school(request: SignedInRequest) -> tuple[Org, int]:
    access.require_perm(request, access.BUDGET)
    raw_school, raw_year = request.POST.get("school", ""), request.POST.get("year", "")
    if not raw_school.isdigit() or not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
        raise Http404
    return access.access_school(request.user, int(raw_school), access.BUDGET), int(raw_year)


def _subsidies_url(year: int) -> str:
    return f"{reverse('finance:subsidies')}?year={year}"


@login_required
@require_POST
def subsidy_generate(request: SignedInRequest) -> HttpResponse:
    school, year = _subsidy_school(request)
    created = services.generate_subsidies(school=school, year=year, actor=request.user, request=request)
    if created:
        messages.success(request, _("%(count)s teachers added to the list.") % {"count": created})
    else:
        messages.info(
            request, _("Every active teacher of this school is already on the list: nothing added.")
        )
    return redirect(_subsidies_url(year))


@login_required
@require_POST
def subsidy_paid(request: SignedInRequest) -> HttpResponse:
    school, year = _subsidy_school(request)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the subsidies were paid."))
        return redirect(_subsidies_url(year))
    rows = selectors.subsidies(Org.objects.filter(pk=school.pk), year)
    count = services.mark_subsidies_paid(
        school=school, rows=rows, paid_on=form.cleaned_data["paid_on"], actor=request.user, request=request
    )
    messages.success(request, _("%(count)s subsidies marked paid.") % {"count": count})
    return redirect(_subsidies_url(year))


@login_required
@require_http_methods(["GET", "POST"])
def year_rules(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.POLICY)
    year = _year(request, _this_year())
    policy = selectors.finance_year(year)
    initial = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    form = YearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_year(year=year, data=form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("Saved. Reports and new subsidy lists of the year use these figures."))
        return redirect(f"{reverse('finance:year')}?year={year}")
    return render(request, "finance/year.html", {"form": form, "year": year, "saved": policy.pk is not None})
