"""Sign-in, sign-out and password pages, and the management of accounts: the list (with export),
an account's page with its role grants, granting and withdrawing roles, resetting a password,
creating the accounts of teachers who have none, the teacher accounts not yet activated with new
initial passwords for them, and the one-time slips of those passwords.

Management is for bureau admins over their own subtree (`accounts.manage`); a school coordinator
may create the accounts of their own school's teachers (`accounts.provision`) and hand out new
initial passwords (`accounts.activate`, which the centre and the bureau hold too).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts import selectors, services, slips, twofactor
from peixun.accounts.access import (
    access_account,
    access_grant,
    access_org,
    access_slips,
    has_perm,
    out_of_scope,
    path_in_scope,
    require_perm,
)
from peixun.accounts.backends import RESIDENT_ID, find_user
from peixun.accounts.delivery import password_delivery
from peixun.accounts.forms import GrantForm, LoginForm, ProvisionForm
from peixun.accounts.http import SignedInRequest
from peixun.core.pagination import CappedPaginator
from peixun.core.views import XLSX_TYPE, download
from peixun.lib import idnumbers
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import GrantRole, Org
from peixun.orgs.selectors import org_choices

# Up to this many accounts are created (or given new passwords) while the page waits (~0.1 s
# each); more go to the queue.
PROVISION_INLINE_LIMIT = 20
INACTIVE_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("site:home")

    def get_form(self, form_class=None) -> PasswordChangeForm:
        form = super().get_form(form_class)
        if getattr(self.request.user, "must_change_password", False):
            # At the first sign-in the "old" password is the one on the slip.
            form.fields["old_password"].label = _("Initial password (from your slip)")
        return form

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.change_password(
            user=form.user, password=form.cleaned_data["new_password1"], request=self.request
        )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out on POST (a GET only shows the login page, so a link cannot log anyone out)."""
    if request.method == "POST":
        logout(request)
        messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


# --- Account management ---------------------------------------------------------------------------


def _org_options(orgs: list[Org]) -> list[tuple[int, str]]:
    """(pk, label) for an org picker, indented by depth."""
    top = min((org.depth for org in orgs), default=0)
    return [(org.pk, "\u3000" * (org.depth - top) + org.name) for org in orgs]


def _export(accounts) -> HttpResponse:
    header = (
        _("Username"),
        _("Name"),
        _("Organisation"),
        _("Roles"),
        _("Last sign-in (Beijing time)"),
        _("Status"),
        pgettext("account", "Active"),
    )
    rows = [
        (
            account.username,
            account.person.name if account.person_id else "",
            account.person.org.name if account.person_id else "",
            "、".join(f"{grant.get_role_display()}（{grant.org.name}）" for grant in account.grants.all()),
            # an Excel date-time in local time (peixun.lib.xlsx)
            account.last_login if account.is_activated else None,
            pgettext("account", "Activated")
            if account.is_activated
            else pgettext("account", "Not activated"),
            _("Yes") if account.is_active else _("No"),
        )
        for account in accounts
    ]
    content = write_workbook([Sheet(_("Accounts"), header, rows, column_widths=[16, 10, 20, 40, 18, 10, 8])])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(content, f"accounts-{stamp}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def account_list(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "accounts.manage")
    if request.method == "POST":
        # The search posts so an ID number typed into it never lands in a URL: it opens the account.
        query = request.POST.get("q", "").strip()[:50]
        if RESIDENT_ID.fullmatch(idnumbers.normalize(query)):
            account = find_user(query)
            if account is not None and selectors.accounts(request.user).filter(pk=account.pk).exists():
                return redirect("accounts:detail", pk=account.pk)
            messages.info(request, _("No account in your area belongs to this ID number."))
            return redirect("accounts:list")
        return redirect(
            f"{reverse('accounts:list')}?{urlencode({'q': query})}" if query else reverse("accounts:list")
        )

    query = request.GET.get("q", "").strip()[:50]
    accounts = selectors.accounts(request.user, query)
    if request.GET.get("format") == "xlsx":
        return _export(accounts[: CappedPaginator(accounts, 1).cap])
    paginator = CappedPaginator(accounts, 20)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page": page,
        "paginator": paginator,
        # Other systems' keys (peixun.api) are made by the same administrators: found from here.
        "can_manage_keys": has_perm(request.user, "api.keys"),
    }
    return render(request, "accounts/account_list.html", context)


def _detail_context(request: SignedInRequest, account, **extra) -> dict:
    grants = list(account.grants.select_related("org").order_by("org__path"))
    for grant in grants:
        grant.can_withdraw = grant.user_id != request.user.pk and path_in_scope(
            request.user, "accounts.manage", grant.org.path
        )
    return {
        "account": account,
        "grants": grants,
        "form": extra.pop("form", None) or GrantForm(),
        "org_options": _org_options(org_choices(request.user, perm="accounts.manage", levels=3)),
        "roles": GrantRole.choices,
        "second_factor_required": twofactor.required(account),
        "second_factor_on": twofactor.confirmed_device(account) is not None,
        "is_self": account.pk == request.user.pk,
        **extra,
    }


@login_required
def account_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    return render(request, "accounts/account_detail.html", _detail_context(request, account))


@login_required
@require_POST
def account_grant(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, account, form=form)
        return render(request, "accounts/account_detail.html", context, status=400)
    org_pk = form.cleaned_data.get("org")
    code = (form.cleaned_data.get("org_code") or "").strip()
    if code:
        org_pk = Org.objects.filter(code=code).values_list("pk", flat=True).first() or 0
    # Out of scope answers 404 like a missing org; a grant can only cover the admin's own subtree,
    # so nobody grants a role above their own node.
    org = access_org(request.user, org_pk or 0, perm="accounts.manage")
    services.grant_role(
        actor=request.user, user=account, role=form.cleaned_data["role"], org=org, request=request
    )
    messages.success(request, _("The role has been granted."))
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def account_withdraw(request: SignedInRequest, pk: int, grant_pk: int) -> HttpResponse:
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    grant = access_grant(request.user, account, grant_pk)
    try:
        services.withdraw_grant(actor=request.user, grant=grant, request=request)
    except services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role has been withdrawn."))
    return redirect("accounts:detail", pk=account.pk)


@login_required
@never_cache
@require_POST
def account_reset_password(request: SignedInRequest, pk: int) -> HttpResponse:
    """Set a temporary password and show it once, on this response only (never stored or redirected)."""
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    password = services.reset_password(actor=request.user, user=account, request=request)
    context = _detail_context(request, account, temporary_password=password)
    return render(request, "accounts/account_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def provision(request: SignedInRequest) -> HttpResponse:
    """Create accounts for the teachers of an org who have none (school coordinators: their school),
    then hand the issuer their slips."""
    require_perm(request, "accounts.provision")
    if request.method == "POST":
        form = ProvisionForm(request.POST)
        org_pk = form.cleaned_data["org"] if form.is_valid() else 0
        org = access_org(request.user, org_pk, perm="accounts.provision")
        people = services.people_without_account(org)
        count = people.count()
        if count == 0:
            messages.info(request, _("Every teacher of %(org)s already has an account.") % {"org": org.name})
        elif count <= PROVISION_INLINE_LIMIT:
            issued = services.provision_teacher_accounts(people=people, actor=request.user, request=request)
            messages.success(
                request,
                ngettext(
                    "Created %(count)d account for %(org)s.",
                    "Created %(count)d accounts for %(org)s.",
                    issued.count,
                )
                % {"count": issued.count, "org": org.name},
            )
            if issued.batch is not None:
                return redirect("accounts:slips", pk=issued.batch.pk)
        else:
            from peixun.accounts.tasks import provision_teacher_accounts_task

            provision_teacher_accounts_task.enqueue(org_id=org.pk, actor_id=request.user.pk)
            messages.info(
                request,
                _(
                    "Creating accounts for %(count)d teachers of %(org)s in the background. In a few "
                    "minutes their password slips are ready for you here; reload this page to see them."
                )
                % {"count": count, "org": org.name},
            )
            if has_perm(request.user, "accounts.activate"):
                return redirect("accounts:inactive")
        return redirect("accounts:provision")

    context = {
        "orgs": _org_options(org_choices(request.user, perm="accounts.provision")),
        "can_manage": has_perm(request.user, "accounts.manage"),
        "can_activate": has_perm(request.user, "accounts.activate"),
        "open_slips": list(selectors.open_slips(request.user)),
        "initial_password_days": settings.INITIAL_PASSWORD_DAYS,
        "without_account": selectors.people_without_account_in_scope(request.user).count(),
    }
    return render(request, "accounts/account_provision.html", context)


# --- Activation: accounts not yet activated, new initial passwords and their slips ----------------


@dataclass
class _InactiveFilter:
    """What the list of accounts not yet activated is narrowed to: an org of the user's scope, a
    search (name, pinyin, initials or username) and one account (from a person's page)."""

    org: Org | None = None
    q: str = ""
    account: int | None = None

    def link(self) -> dict[str, object]:
        values = {"org": self.org.pk if self.org else None, "q": self.q, "only": self.account}
        return {key: value for key, value in values.items() if value}


def _inactive_filter(request: SignedInRequest, data) -> tuple[QuerySet, _InactiveFilter]:
    accounts = selectors.inactive_teacher_accounts(request.user)
    chosen = _InactiveFilter(q=(data.get("q") or "").strip()[:50])
    org_pk = (data.get("org") or "").strip()
    if org_pk:
        chosen.org = access_org(
            request.user, int(org_pk) if org_pk.isdigit() else 0, perm="accounts.activate"
        )
        accounts = accounts.filter(person__org__path__startswith=chosen.org.path)
    if chosen.q:
        lowered = chosen.q.lower()
        accounts = accounts.filter(
            Q(person__name__contains=chosen.q)
            | Q(person__name_pinyin__startswith=lowered)
            | Q(person__name_initials__startswith=lowered)
            | Q(username__contains=chosen.q)
        )
    account_pk = (data.get("only") or "").strip()
    if account_pk.isdigit():
        chosen.account = int(account_pk)
        accounts = accounts.filter(pk=chosen.account)
    return accounts, chosen


@login_required
def inactive(request: SignedInRequest) -> HttpResponse:
    """The teacher accounts in scope not yet activated, to give them new initial passwords."""
    require_perm(request, "accounts.activate")
    accounts, chosen = _inactive_filter(request, request.GET)
    paginator = CappedPaginator(accounts, INACTIVE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for account in page.object_list:
        account.expired = account.initial_password_expired() or not account.has_usable_password()
    context = {
        "page": page,
        "paginator": paginator,
        "chosen": chosen,
        "link_query": urlencode(chosen.link()),
        "org_options": _org_options(org_choices(request.user, perm="accounts.activate", levels=3)),
        "can_provision": has_perm(request.user, "accounts.provision"),
        "open_slips": list(selectors.open_slips(request.user)),
        "initial_password_days": settings.INITIAL_PASSWORD_DAYS,
    }
    return render(request, "accounts/account_inactive.html", context)


@login_required
@require_POST
def reset_initial(request: SignedInRequest) -> HttpResponse:
    """New initial passwords for the chosen accounts (or every one the filter shows), then the slips.
    An account outside the user's scope, or already activated, answers 404 and nothing changes."""
    require_perm(request, "accounts.activate")
    accounts, chosen = _inactive_filter(request, request.POST)
    if request.POST.get("all") != "1":
        try:
            ticked = {int(pk) for pk in request.POST.getlist("account")}
        except ValueError:
            raise Http404 from None
        if not ticked:
            messages.error(request, _("Choose the accounts whose initial passwords you want to reset."))
            return redirect(_inactive_url(chosen))
        accounts = accounts.filter(pk__in=ticked)
        if accounts.count() != len(ticked):
            raise Http404
    count = accounts.count()
    if count == 0:
        messages.info(request, _("No teacher account here is waiting to be activated."))
        return redirect(_inactive_url(chosen))
    if count > PROVISION_INLINE_LIMIT:
        from peixun.accounts.tasks import reset_initial_passwords_task

        reset_initial_passwords_task.enqueue(
            account_ids=list(accounts.values_list("pk", flat=True)), actor_id=request.user.pk or 0
        )
        messages.info(
            request,
            _(
                "Resetting the initial passwords of %(count)d accounts in the background. In a few "
                "minutes their slips are ready for you on this page; reload it to see them."
            )
            % {"count": count},
        )
        return redirect(_inactive_url(chosen))
    issued = services.reset_initial_passwords(actor=request.user, accounts=accounts, request=request)
    messages.success(
        request,
        ngettext(
            "A new initial password was issued for %(count)d account.",
            "New initial passwords were issued for %(count)d accounts.",
            issued.count,
        )
        % {"count": issued.count},
    )
    if issued.batch is None:
        return redirect(_inactive_url(chosen))
    return redirect("accounts:slips", pk=issued.batch.pk)


def _inactive_url(chosen: _InactiveFilter) -> str:
    url = reverse("accounts:inactive")
    return f"{url}?{urlencode(chosen.link())}" if chosen.link() else url


@login_required
@never_cache
def slips_page(request: SignedInRequest, pk: str) -> HttpResponse:
    """The issuer's downloads of one batch of slips: a PDF and a workbook per school, each once."""
    batch = access_slips(request.user, pk)
    files = [
        ("pdf", _("Slips to print (PDF)"), "file-earmark-pdf"),
        ("xlsx", _("List (Excel)"), "file-earmark-excel"),
    ]
    schools = [
        {
            **school,
            "files": [
                (kind, label, icon, f"{school['id']}:{kind}" in batch.downloaded)
                for kind, label, icon in files
            ],
        }
        for school in batch.schools
    ]
    context = {
        "batch": batch,
        "schools": schools,
        "can_activate": has_perm(request.user, "accounts.activate"),
    }
    return render(request, "accounts/account_slips.html", context)


@login_required
@never_cache
@require_POST
def slips_download(request: SignedInRequest, pk: str) -> HttpResponse:
    """One school's slips as a PDF or a workbook, given once (a POST: a prefetch or a crawler
    cannot use the download up)."""
    batch = access_slips(request.user, pk)
    org_pk = request.POST.get("org", "")
    kind = request.POST.get("format", "")
    try:
        school, issued = services.take_slips(
            batch=batch,
            org_id=int(org_pk) if org_pk.isdigit() else 0,
            kind=kind,
            actor=request.user,
            request=request,
        )
    except services.SlipsGone as error:
        if error.code == "no_such_file":
            raise Http404 from None
        messages.error(request, error.message)
        return redirect("accounts:slips", pk=batch.pk)
    if not issued:
        messages.info(
            request,
            _(
                "Every account of %(school)s on these slips has been activated "
                "or given another password since."
            )
            % {"school": school["name"]},
        )
        return redirect("accounts:slips", pk=batch.pk)
    stamp = timezone.localtime(batch.created_at).strftime("%Y%m%d-%H%M")
    title = _("Initial password slips")
    if kind == "pdf":
        content = slips.render_pdf(issued, title=f"{title} {school['name']}")
        content_type = "application/pdf"
    else:
        content = slips.render_xlsx(issued, sheet_name=school["name"])
        content_type = XLSX_TYPE
    return download(content, f"{title}-{school['name']}-{stamp}.{kind}", content_type)


# --- Teacher accounts: the school's roster with each teacher's account ---------------------------

ROSTER_PER_PAGE = 50


@dataclass
class _RosterFilter:
    """What the teacher accounts page shows: an org of the user's scope, a search and a filter."""

    org: Org | None = None
    q: str = ""
    show: str = ""

    def link(self, **override) -> dict[str, object]:
        values = {"org": self.org.pk if self.org else None, "q": self.q, "show": self.show, **override}
        return {key: value for key, value in values.items() if value}


def _roster_filter(request: SignedInRequest, data) -> _RosterFilter:
    chosen = _RosterFilter(q=(data.get("q") or "").strip()[:50])
    show = (data.get("show") or "").strip()
    chosen.show = show if show in selectors.ROSTER_FILTERS else ""
    org_pk = (data.get("org") or "").strip()
    if org_pk:
        chosen.org = access_org(
            request.user, int(org_pk) if org_pk.isdigit() else 0, perm="accounts.activate"
        )
    return chosen


def _roster_url(chosen: _RosterFilter) -> str:
    url = reverse("accounts:teachers")
    return f"{url}?{urlencode(chosen.link())}" if chosen.link() else url


@login_required
def teachers(request: SignedInRequest) -> HttpResponse:
    """The teachers of the user's schools with their accounts: who has none (create them), who never
    signed in, who has not yet chosen a password; a new password for any teacher account."""
    require_perm(request, "accounts.activate")
    chosen = _roster_filter(request, request.GET)
    org_path = chosen.org.path if chosen.org else ""
    unfiltered = selectors.teacher_roster(request.user, org_path=org_path, query=chosen.q)
    counts = selectors.roster_counts(unfiltered)
    people = selectors.teacher_roster(request.user, org_path=org_path, query=chosen.q, show=chosen.show)
    paginator = CappedPaginator(people, ROSTER_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    account_ids = [person.user.pk for person in rows if _account_of(person) is not None]
    staff = selectors.staff_account_ids(account_ids)
    can_provision = has_perm(request.user, "accounts.provision")
    for person in rows:
        account = _account_of(person)
        person.account = account
        person.staff_account = account is not None and account.pk in staff
        person.can_reset = account is not None and account.is_active and account.pk not in staff
        person.can_reset = person.can_reset and account.pk != request.user.pk
        person.can_create = (
            account is None
            and can_provision
            and path_in_scope(request.user, "accounts.provision", person.org.path)
        )
    filters = [
        ("", _("All"), counts["all"]),
        ("none", _("No account"), counts["none"]),
        ("never", _("Never signed in"), counts["never"]),
        ("inactive", pgettext("account", "Not activated"), counts["inactive"]),
    ]
    context = {
        "page": page,
        "rows": rows,
        "paginator": paginator,
        "chosen": chosen,
        "counts": counts,
        "filters": [
            (show, label, count, urlencode(chosen.link(show=show)), show == chosen.show)
            for show, label, count in filters
        ],
        "link_query": urlencode(chosen.link()),
        "org_options": _org_options(org_choices(request.user, perm="accounts.activate", levels=3)),
        "can_provision": can_provision,
        "without_account": selectors.people_without_account_in_scope(request.user)
        .filter(org__path__startswith=org_path)
        .count()
        if can_provision
        else 0,
        "open_slips": list(selectors.open_slips(request.user)),
        "initial_password_days": settings.INITIAL_PASSWORD_DAYS,
    }
    return render(request, "accounts/teachers.html", context)


def _account_of(person):
    try:
        return person.user
    except ObjectDoesNotExist:
        return None


@login_required
@require_POST
def teachers_create(request: SignedInRequest) -> HttpResponse:
    """Accounts for one teacher (`person`) or every teacher the page shows without one (`all`),
    then their slips. A person outside the user's scope, or who has an account, answers 404."""
    require_perm(request, "accounts.provision")
    chosen = _roster_filter(request, request.POST)
    people = selectors.people_without_account_in_scope(request.user)
    if chosen.org:
        people = people.filter(org__path__startswith=chosen.org.path)
    if request.POST.get("all") == "1":
        people = people.filter(
            pk__in=selectors.teacher_roster(
                request.user, org_path=chosen.org.path if chosen.org else "", query=chosen.q, show="none"
            ).values("pk")
        )
    else:
        person_pk = request.POST.get("person", "")
        people = people.filter(pk=int(person_pk) if person_pk.isdigit() else 0)
        if not people.exists():
            raise Http404
    count = people.count()
    if count == 0:
        messages.info(request, _("Every teacher here already has an account."))
        return redirect(_roster_url(chosen))
    if count > PROVISION_INLINE_LIMIT:
        from peixun.accounts.tasks import provision_people_accounts_task

        provision_people_accounts_task.enqueue(
            person_ids=list(people.values_list("pk", flat=True)), actor_id=request.user.pk or 0
        )
        messages.info(
            request,
            _(
                "Creating accounts for %(count)d teachers in the background. In a few minutes their "
                "password slips are ready for you on this page; reload it to see them."
            )
            % {"count": count},
        )
        return redirect(_roster_url(chosen))
    issued = services.provision_teacher_accounts(
        people=people.select_related("org"), actor=request.user, request=request
    )
    messages.success(
        request,
        ngettext("Created %(count)d account.", "Created %(count)d accounts.", issued.count)
        % {"count": issued.count},
    )
    return _after_issue(request, issued, chosen)


def _after_issue(request: SignedInRequest, issued: services.Issued, chosen: _RosterFilter) -> HttpResponse:
    if issued.batch is None:
        note = password_delivery().sent_note
        if note and issued.count:
            messages.info(request, note)
        return redirect(_roster_url(chosen))
    return redirect("accounts:slips", pk=issued.batch.pk)


@login_required
@require_POST
def teachers_reset(request: SignedInRequest, pk: int) -> HttpResponse:
    """A new initial password for one teacher account of the user's scope, activated or not (a
    teacher who forgot theirs), handed over on a slip; audited. Out of scope answers 404."""
    require_perm(request, "accounts.activate")
    chosen = _roster_filter(request, request.POST)
    try:
        account = selectors.resettable_teacher_accounts(request.user).get(pk=pk)
    except ObjectDoesNotExist:
        raise out_of_scope(request.user, "account", pk) from None
    issued = services.reset_initial_passwords(
        actor=request.user, accounts=[account], request=request, activated_too=True
    )
    messages.success(
        request,
        _("%(name)s has a new initial password: hand over the slip below.")
        % {"name": account.display_name()},
    )
    return _after_issue(request, issued, chosen)


# --- Second factor (peixun.accounts.twofactor) ------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is passed: `next` when it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _refusal(check: twofactor.Check) -> str:
    if check.outcome is twofactor.Outcome.PAUSED and check.until is not None:
        minutes = max(1, -(-int((check.until - timezone.now()).total_seconds()) // 60))
        return ngettext(
            "Too many wrong codes. Wait %(minutes)d minute and try again, or ask your administrator.",
            "Too many wrong codes. Wait %(minutes)d minutes and try again, or ask your administrator.",
            minutes,
        ) % {"minutes": minutes}
    return _(
        "That code is not right. Type the 6 digits your authenticator app shows now (or one unused "
        "recovery code); each code works once."
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    target = _next_url(request)
    if not twofactor.required(request.user) or twofactor.is_verified(request):
        return redirect(target)
    if twofactor.confirmed_device(request.user) is None:
        return redirect(_with_next("accounts:two-factor-setup", target))
    error = ""
    if request.method == "POST":
        check = twofactor.verify(request=request, user=request.user, code=request.POST.get("code", "")[:40])
        if check.outcome is twofactor.Outcome.RECOVERY_USED:
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; %(count)d is left. Each works once: make new "
                    "ones under Security settings.",
                    "You signed in with a recovery code; %(count)d are left. Each works once: make new "
                    "ones under Security settings.",
                    check.recovery_left,
                )
                % {"count": check.recovery_left},
            )
        if check.ok:
            return redirect(target)
        error = _refusal(check)
    context = {"next": target, "error": error}
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Setting up the authenticator app: a QR code (or the secret typed in), confirmed by a code."""
    target = _next_url(request)
    if not twofactor.required(request.user):
        return redirect("accounts:security")
    if twofactor.confirmed_device(request.user) is not None:
        return redirect("accounts:security" if twofactor.is_verified(request) else "accounts:two-factor")
    device = twofactor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        check, codes = twofactor.confirm_enrolment(
            request=request, user=request.user, code=request.POST.get("code", "")[:40]
        )
        if check.ok:
            request.session[twofactor.FRESH_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(_with_next("accounts:recovery-codes", target))
        error = _refusal(check)
    context = {
        "next": target,
        "error": error,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_base32(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if error else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """The recovery codes just made, shown this once (kept in the session until the user is done)."""
    codes = request.session.get(twofactor.FRESH_CODES_SESSION_KEY)
    if not codes:
        messages.info(
            request, _("Recovery codes are shown only once. To get new ones, generate them again here.")
        )
        return redirect("accounts:security")
    if request.method == "POST":
        del request.session[twofactor.FRESH_CODES_SESSION_KEY]
        return redirect(_next_url(request))
    context = {"codes": [twofactor.grouped(code) for code in codes], "next": _next_url(request)}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@never_cache
def recovery_codes_download(request: SignedInRequest) -> HttpResponse:
    codes = request.session.get(twofactor.FRESH_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:security")
    stamp = timezone.localtime()
    lines = [
        _("Peixun recovery codes for %(username)s") % {"username": request.user.get_username()},
        _("Made on %(date)s. Each code works once, in place of the 6-digit code.")
        % {"date": f"{stamp.year}年{stamp.month}月{stamp.day}日"},
        "",
        *(twofactor.grouped(code) for code in codes),
        "",
    ]
    content = "\r\n".join(lines).encode("utf-8-sig")
    return download(
        content, f"peixun-recovery-codes-{stamp:%Y%m%d}.txt", content_type="text/plain; charset=utf-8"
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security(request: SignedInRequest) -> HttpResponse:
    """安全设置: whether the second factor is on, new recovery codes, and removing it (new phone)."""
    user = request.user
    device = twofactor.confirmed_device(user)
    if request.method == "POST":
        action = request.POST.get("action")
        code = request.POST.get("code", "")[:40]
        if device is None or action not in ("regenerate", "reset"):
            return redirect("accounts:security")
        if action == "regenerate":
            check, codes = twofactor.regenerate_recovery_codes(request=request, user=user, code=code)
            if check.ok:
                request.session[twofactor.FRESH_CODES_SESSION_KEY] = codes
                return redirect(_with_next("accounts:recovery-codes", reverse("accounts:security")))
        else:
            check = twofactor.reset_own(request=request, user=user, code=code)
            if check.ok:
                messages.success(
                    request, _("Two-step verification is removed. Set it up again with your new phone.")
                )
                return redirect("accounts:two-factor-setup")
        messages.error(request, _refusal(check))
        return redirect("accounts:security")
    context = {
        "required": twofactor.required(user),
        "device": device,
        "recovery_left": twofactor.recovery_left(user) if device else 0,
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def account_reset_second_factor(request: SignedInRequest, pk: int) -> HttpResponse:
    """An administrator over the account removes its second factor (a lost phone); audited, with
    the reason. The holder sets it up again at the next sign-in."""
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    reason = request.POST.get("reason", "").strip()[:200]
    if account.pk == request.user.pk:
        messages.error(request, _("Your own two-step verification is changed under Security settings."))
    elif not reason:
        messages.error(
            request, _("Say why two-step verification is reset (e.g. phone lost), then try again.")
        )
    else:
        twofactor.reset_for(actor=request.user, user=account, reason=reason, request=request)
        messages.success(
            request,
            _("Two-step verification of %(username)s is reset: they set it up again at their next sign-in.")
            % {"username": account.get_username()},
        )
    return redirect("accounts:detail", pk=account.pk)
