"""Sign-in, sign-out and password pages, and the management of accounts: the list (with export),
an account's page with its role grants, granting and withdrawing roles, resetting a password, and
creating the accounts of teachers who have none.

Management is for bureau admins over their own subtree (`accounts.manage`); a school coordinator
may create the accounts of their own school's teachers (`accounts.provision`).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts import selectors, services
from peixun.accounts.backends import RESIDENT_ID, find_user
from peixun.accounts.forms import GrantForm, LoginForm, ProvisionForm
from peixun.core.pagination import CappedPaginator
from peixun.lib import idnumbers
from peixun.orgs.access import access_account, access_grant, access_org, has_perm, path_in_scope, require_perm
from peixun.orgs.models import GrantRole, Org
from peixun.orgs.selectors import org_choices

# Up to this many accounts are created while the page waits (~0.1 s each); more go to the queue.
PROVISION_INLINE_LIMIT = 20


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

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
    from peixun.lib.xlsx import Sheet, write_workbook

    header = (
        _("Username"),
        _("Name"),
        _("Organisation"),
        _("Roles"),
        _("Last sign-in (Beijing time)"),
        _("Must change password"),
        pgettext("account", "Active"),
    )
    rows = [
        (
            account.username,
            account.person.name if account.person_id else "",
            account.person.org.name if account.person_id else "",
            "、".join(f"{grant.get_role_display()}（{grant.org.name}）" for grant in account.grants.all()),
            account.last_login,  # an Excel date-time in local time (peixun.lib.xlsx)
            _("Yes") if account.must_change_password else _("No"),
            _("Yes") if account.is_active else _("No"),
        )
        for account in accounts
    ]
    content = write_workbook([Sheet(_("Accounts"), header, rows, column_widths=[16, 10, 20, 40, 18, 10, 8])])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="accounts-{stamp}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_list(request: HttpRequest) -> HttpResponse:
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
    }
    return render(request, "accounts/account_list.html", context)


def _detail_context(request: HttpRequest, account, **extra) -> dict:
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
        **extra,
    }


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    return render(request, "accounts/account_detail.html", _detail_context(request, account))


@login_required
@require_POST
def account_grant(request: HttpRequest, pk: int) -> HttpResponse:
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
    org = access_org(request.user, org_pk, perm="accounts.manage")
    services.grant_role(
        actor=request.user, user=account, role=form.cleaned_data["role"], org=org, request=request
    )
    messages.success(request, _("The role has been granted."))
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def account_withdraw(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
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
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a temporary password and show it once, on this response only (never stored or redirected)."""
    require_perm(request, "accounts.manage")
    account = access_account(request.user, pk)
    password = services.reset_password(actor=request.user, user=account, request=request)
    context = _detail_context(request, account, temporary_password=password)
    return render(request, "accounts/account_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def provision(request: HttpRequest) -> HttpResponse:
    """Create accounts for the teachers of an org who have none (school coordinators: their school)."""
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
            created = services.provision_teacher_accounts(people=people, actor=request.user, request=request)
            messages.success(
                request,
                ngettext(
                    "Created %(count)d account for %(org)s.",
                    "Created %(count)d accounts for %(org)s.",
                    created,
                )
                % {"count": created, "org": org.name},
            )
        else:
            from peixun.accounts.tasks import provision_teacher_accounts_task

            provision_teacher_accounts_task.enqueue(org_id=org.pk, actor_id=request.user.pk)
            messages.info(
                request,
                _(
                    "Creating accounts for %(count)d teachers of %(org)s in the background. "
                    "They appear in a few minutes; reload this page to see them."
                )
                % {"count": count, "org": org.name},
            )
        return redirect("accounts:provision")

    context = {
        "orgs": _org_options(org_choices(request.user, perm="accounts.provision")),
        "can_manage": has_perm(request.user, "accounts.manage"),
    }
    return render(request, "accounts/account_provision.html", context)
