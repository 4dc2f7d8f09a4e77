from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alerts import dashboard as alerts_dashboard
from core.forms import form_page
from innovations import dashboard as innovations_dashboard
from innovations.access import supplier_for
from innovations.services import supplier_create
from municipalities import dashboard as municipalities_dashboard
from municipalities.enums import MembershipStatus
from municipalities.memberships import MembershipError, membership_request
from procurement import dashboard as procurement_dashboard
from ranking import dashboard as ranking_dashboard

from . import services
from .forms import (
    BuyerSignupForm,
    LoginForm,
    MembershipRequestForm,
    OrganisationForm,
    PasswordResetForm,
    SupplierSignupForm,
)
from .roles import ROLE_LABELS, ROLES, roles_for
from .security import RESET_WINDOW_SECONDS, password_reset_allowed
from .selectors import buyer_membership_of, pending_membership_count

DASHBOARD_APPS = [
    innovations_dashboard,
    municipalities_dashboard,
    procurement_dashboard,
    ranking_dashboard,
    alerts_dashboard,
]
SIGNUP_BACKEND = "django.contrib.auth.backends.ModelBackend"


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
    context = {
        "sections": sections,
        "roles": roles,
        "role_labels": [ROLE_LABELS[role] for role in ROLES if role in roles],
        "supplier": supplier_for(user),
        "membership": membership,
        "can_choose_role": _may_choose_role(user, membership),
        "pending_memberships": pending_membership_count() if user.is_staff else None,
    }
    return render(request, "portal/dashboard.html", context)


def _may_choose_role(user, membership=None) -> bool:
    """A user may ask for a supplier or buyer role once, while holding neither."""
    if membership is None:
        membership = buyer_membership_of(user)
    if membership is not None and membership.status != MembershipStatus.REJECTED:
        return False
    return supplier_for(user) is None


# Service arguments that the sign-up forms name otherwise. Form field names, not a password.
SERVICE_FIELDS = {"password": "password1", "name": "organisation_name"}  # nosec B105


def _already_signed_in(request):
    messages.info(request, _("You are logged in already."))
    return redirect("dashboard")


def _signup(request, form_class, service, *, template: str, welcome) -> HttpResponse:
    """The two sign-up flows: an account with its supplier organisation or with its request
    to buy for a municipality, made by `service` in one transaction; then logged in."""
    if request.user.is_authenticated:
        return _already_signed_in(request)

    def act(form):
        try:
            user = service(**form.account_data(), **form.role_data())
        except IntegrityError:
            raise ValidationError(
                _("This username or e-mail address was just taken. Try again.")
            ) from None
        login(request, user, backend=SIGNUP_BACKEND)
        messages.success(request, welcome(form.cleaned_data))
        return redirect("dashboard")

    form = form_class(request.POST or None, language=get_language())
    return form_page(request, form, act, template=template, field_names=SERVICE_FIELDS)


def signup(request):
    """Sign-up for suppliers: the account and the organisation, then logged in."""
    return _signup(
        request,
        SupplierSignupForm,
        services.supplier_signup,
        template="accounts/signup.html",
        welcome=lambda data: (
            _("Welcome to Koploper! Your organisation %(name)s is registered.")
            % {"name": data["organisation_name"]}
        ),
    )


def buyer_signup(request):
    """Sign-up for municipal staff: an account with a request to join a municipality."""
    return _signup(
        request,
        BuyerSignupForm,
        services.buyer_signup,
        template="accounts/buyer_signup.html",
        welcome=lambda data: _request_sent_message(data["municipality"]),
    )


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
    authentication_form = LoginForm


class PasswordChangeView(InvalidFormIs400, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"


class PasswordResetConfirmView(InvalidFormIs400, auth_views.PasswordResetConfirmView):
    pass


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), with a message on the page it returns to."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))
        return response


class PasswordResetView(InvalidFormIs400, auth_views.PasswordResetView):
    """Django's password reset, with the link on the portal's public address
    (KOPLOPER_BASE_URL, as in every other mail) rather than the request's Host header,
    in the user's own language."""

    form_class = PasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

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
        # As Django's form_valid, which offers no way to set the domain.
        base = urlsplit(settings.KOPLOPER_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
            request=self.request,
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)
