"""The sign-up pages: one flow for suppliers and for municipal buyers, which answers alike
whether or not the address has an account (portal.signup), and the confirmation link."""

import logging
import math

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_page

from . import services
from .forms import BuyerSignupForm, SupplierSignupForm
from .security import (
    MAIL_WINDOW_SECONDS,
    SIGNUP_SCOPE,
    SIGNUP_WINDOW_SECONDS,
    address_count,
    address_wait,
    client_ip,
    signup_mail_allowed,
    too_many_attempts,
)
from .signup import confirmation_user, signup_confirm, signup_limited_message, signup_start

logger = logging.getLogger("koploper.security")

# Service arguments that the sign-up forms name otherwise. Form field names, not a password.
SERVICE_FIELDS = {"password": "password1", "name": "organisation_name"}  # nosec B105


def _signup(request, form_class, service, *, template: str) -> HttpResponse:
    """The two sign-up flows: a valid form queues the sign-up mail (and, for a free address,
    makes the inactive account with its organisation or its request to buy) and leads to
    the same "check your mail" page either way."""
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in already."))
        return redirect("dashboard")
    if request.method == "POST" and (limited := _signup_limited(request)):
        return limited

    def act(form):
        if not signup_mail_allowed(request, form.cleaned_data["email"]):
            # Counted before the address is looked up: the same answer for every address.
            form.add_error(None, signup_limited_message())
            response = render(request, template, {"form": form}, status=429)
            response["Retry-After"] = str(MAIL_WINDOW_SECONDS)
            return response
        created = signup_start(service=service, account=form.account_data(), role=form.role_data())
        # For the operators (many sign-ups for known addresses: someone probing).
        logger.info(
            "sign-up: new_account=%s ip=%s path=%s", created, client_ip(request), request.path
        )
        return redirect("signup_sent")

    form = form_class(request.POST or None, language=get_language())
    return form_page(request, form, act, template=template, field_names=SERVICE_FIELDS)


def signup(request):
    """Sign-up for suppliers: the account and the organisation, confirmed by mail."""
    return _signup(
        request, SupplierSignupForm, services.supplier_signup, template="accounts/signup.html"
    )


def buyer_signup(request):
    """Sign-up for municipal staff: an account with a request to join a municipality,
    confirmed by mail; an administrator decides on the request."""
    return _signup(
        request, BuyerSignupForm, services.buyer_signup, template="accounts/buyer_signup.html"
    )


def _signup_limited(request):
    """Counts a sign-up attempt of the client address; over SIGNUP_ADDRESS_LIMIT within the
    hour, the 429 page (sign-up answers must not be a cheap way to probe for accounts)."""
    wait = address_wait(request, SIGNUP_SCOPE, limit=settings.SIGNUP_ADDRESS_LIMIT)
    if wait:
        message = _("Too many sign-ups from your network. Try again in %(minutes)s minutes.") % {
            "minutes": math.ceil(wait / 60)
        }
        return too_many_attempts(request, SIGNUP_SCOPE, wait, message)
    address_count(request, SIGNUP_SCOPE, window=SIGNUP_WINDOW_SECONDS)
    return None


@require_safe
def signup_sent(request):
    """The "check your mail" page: the one answer to every sign-up."""
    return render(request, "accounts/signup_sent.html", {"days": settings.SIGNUP_CONFIRM_DAYS})


@require_http_methods(["GET", "HEAD", "POST"])
def signup_confirm_view(request, token: str):
    """The link of the confirmation mail. GET shows a button (mail scanners open links;
    only a person confirms), POST activates the account and leads to the login."""
    user = confirmation_user(token)
    if user is None:
        status = 400 if request.method == "POST" else 200
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=status)
    if request.method == "POST":
        if signup_confirm(user=user):
            logger.info("account confirmed: user=%s ip=%s", user.get_username(), client_ip(request))
        messages.success(request, _("Your e-mail address is confirmed. Log in to start."))
        return redirect("login")
    return render(request, "accounts/signup_confirm.html", {"valid": True, "account": user})
