import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from alerts import dashboard as alerts_dashboard
from audit.outbox import mail_on_commit
from core.forms import form_page
from innovations import dashboard as innovations_dashboard
from innovations.access import supplier_for
from innovations.services import supplier_create
from municipalities import dashboard as municipalities_dashboard
from municipalities.enums import MembershipStatus
from municipalities.memberships import MembershipError, membership_request
from procurement import dashboard as procurement_dashboard
from ranking import dashboard as ranking_dashboard

from . import tokens
from .forms import (
    LoginForm,
    MembershipRequestForm,
    OrganisationForm,
    PasswordResetForm,
)
from .roles import ROLE_LABELS, ROLES, roles_for
from .security import (
    LOGIN_SCOPE,
    RESET_WINDOW_SECONDS,
    address_wait,
    password_reset_allowed,
    too_many_attempts,
)
from .selectors import buyer_membership_of, pending_membership_count
from .tasks import send_password_reset

DASHBOARD_APPS = [
    innovations_dashboard,
    municipalities_dashboard,
    procurement_dashboard,
    ranking_dashboard,
    alerts_dashboard,
]


def home(request):
    """What Koploper is, with an entry point for each kind of visitor."""
    return render(request, "portal/home.html", {"highlights": ranking_dashboard.home_highlights()})


@login_required
def dashboard(request):
    """The signed-in user's start page, assembled from the sections each app offers,
    after a summary of the user's own account and roles."""
    user = request.user
    sections = [section for app in DASHBOARD_APPS for section in app.sections(request)]
    membership = buyer_membership_of(user)
    roles = roles_for(user)
    api_token = tokens.token_of(user)
    context = {
        "sections": sections,
        "roles": roles,
        "role_labels": [ROLE_LABELS[role] for role in ROLES if role in roles],
        "supplier": supplier_for(user),
        "membership": membership,
        "can_choose_role": _may_choose_role(user, membership),
        "pending_memberships": pending_membership_count() if user.is_staff else None,
        "api_token": api_token,
        "api_token_expires": api_token and tokens.expires_at(api_token),
        "api_token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "portal/dashboard.html", context)


def _may_choose_role(user, membership=None) -> bool:
    """A user may ask for a supplier or buyer role once, while holding neither."""
    if membership is None:
        membership = buyer_membership_of(user)
    if membership is not None and membership.status != MembershipStatus.REJECTED:
        return False
    return supplier_for(user) is None


# Service arguments that the organisation form names otherwise.
SERVICE_FIELDS = {"name": "organisation_name"}


def _request_sent_message(municipality) -> str:
    return _(
        "Your request to join %(municipality)s as a buyer has been sent. An administrator "
        "will check it; until then you can browse the portal."
    ) % {"municipality": municipality.name}


@login_required
def buyer_request(request):
    """A signed-in user without a role asks to join a municipality as its buyer."""
    if not _may_choose_role(request.user):
        messages.info(request, _("Your account already has a role or a pending request."))
        return redirect("dashboard")

    def act(form):
        try:
            membership_request(user=request.user, actor=request.user, **form.membership_data())
        except MembershipError:
            messages.info(request, _("Your account already has a role or a pending request."))
            return redirect("dashboard")
        messages.success(request, _request_sent_message(form.cleaned_data["municipality"]))
        return redirect("dashboard")

    form = MembershipRequestForm(request.POST or None)
    return form_page(request, form, act, template="accounts/buyer_request.html")


@login_required
def supplier_register(request):
    """A signed-in user without a role registers the supplier organisation they work for."""
    if not _may_choose_role(request.user):
        messages.info(request, _("Your account already has a role or a pending request."))
        return redirect("dashboard")

    def act(form):
        data = form.supplier_data()
        try:
            supplier_create(
                name=data["organisation_name"],
                country=data["country"],
                size=data["size"],
                registration_number=data["registration_number"],
                website=data["website"],
                user=request.user,
                actor=request.user,
            )
        except IntegrityError:
            # The one-supplier-per-user constraint: a second submit in another tab.
            messages.info(request, _("Your account already has a role or a pending request."))
            return redirect("dashboard")
        messages.success(
            request,
            _("Your organisation %(name)s is registered.") % {"name": data["organisation_name"]},
        )
        return redirect("dashboard")

    form = OrganisationForm(request.POST or None)
    return form_page(
        request, form, act, template="accounts/supplier_register.html", field_names=SERVICE_FIELDS
    )


class InvalidFormIs400:
    """For Django's form views: a form sent back with errors answers 400, as the
    portal's own forms do."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LoginView(InvalidFormIs400, auth_views.LoginView):
    """Django's login, with a limit on failed logins per client address (any usernames:
    password spraying) on top of django-axes' lockout of one username from one address."""

    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        wait = address_wait(request, LOGIN_SCOPE, limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        if wait:
            message = _(
                "Too many failed login attempts from your network. Try again in %(minutes)s "
                "minutes, or reset your password."
            ) % {"minutes": math.ceil(wait / 60)}
            return too_many_attempts(request, LOGIN_SCOPE, wait, message)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(InvalidFormIs400, auth_views.PasswordChangeView):
    """Django's password change; the new password ends the API token (portal.tokens)."""

    template_name = "accounts/password_change_form.html"

    def form_valid(self, form):
        tokens.revoke(self.request.user, tokens.PASSWORD_CHANGED, self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(InvalidFormIs400, auth_views.PasswordResetConfirmView):
    """Django's password reset; the new password ends the API token (portal.tokens)."""

    def form_valid(self, form):
        tokens.revoke(form.user, tokens.PASSWORD_RESET, self.request)
        return super().form_valid(form)


@login_required
def token_revoke(request):
    """The account page's revoke: GET asks to confirm, POST ends the user's API token."""
    token = tokens.token_of(request.user)
    if request.method == "POST":
        if tokens.revoke(request.user, tokens.ACCOUNT_PAGE, request):
            messages.success(request, _("Your API token is revoked. It no longer works."))
        else:
            messages.info(request, _("You have no API token: there was nothing to revoke."))
        return redirect("dashboard")
    return render(request, "accounts/token_revoke.html", {"api_token": token})


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), with a message on the page it returns to."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))
        return response


class PasswordResetView(InvalidFormIs400, auth_views.PasswordResetView):
    """Django's password reset page; the mail goes through the outbox (portal.tasks), so
    that the answer and its timing are the same whether or not the address has an account.
    The link is on the portal's public address, in the user's own language."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            # The same answer whether or not the address has an account.
            form.add_error(
                None,
                _(
                    "Too many requests for a new password from here or for this address. "
                    "Try again in an hour."
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(RESET_WINDOW_SECONDS)
            return response
        mail_on_commit(send_password_reset, email=form.cleaned_data["email"])
        return redirect(self.get_success_url())


# What search engines may index: the public pages. Accounts, the signed-in areas and the
# administration are left out (they answer only to signed-in users anyway).
ROBOTS_TXT = """User-agent: *
Disallow: /admin/
Disallow: /api/v1/auth/
Disallow: /nl/accounts/
Disallow: /en/accounts/
Disallow: /nl/dashboard/
Disallow: /en/dashboard/
Disallow: /nl/review/
Disallow: /en/review/
Disallow: /nl/alerts/
Disallow: /en/alerts/
Allow: /
"""


@require_safe
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
