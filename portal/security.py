"""Security plumbing: headers on every response, the `koploper.security` log of
authentication and authorisation failures, the login lockout answer, the CSRF failure page,
the limits on password reset and sign-up mails.

The log names the user, the client address and the path; never a password or a token."""

import hashlib
import logging
import math
import re
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter

from .problems import problem_response

logger = logging.getLogger("koploper.security")

LOGGED_STATUSES = {401, 403, 429}


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address the
    nearest of them put into X-Forwarded-For (the same rule as the API throttles)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def _user_label(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    return "-"


class SecurityMiddleware:
    """Permissions-Policy on every response (Django's SecurityMiddleware sends the
    others), and one `koploper.security` record for every 401, 403 and 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if response.status_code in LOGGED_STATUSES:
            logger.warning(
                "access refused: status=%s user=%s ip=%s method=%s path=%s",
                response.status_code,
                _user_label(request),
                client_ip(request),
                request.method,
                request.path,
            )
        return response


def _login_name(credentials: dict | None) -> str:
    credentials = credentials or {}
    return str(credentials.get("username") or credentials.get("email") or "-")[:150]


@receiver(user_login_failed, dispatch_uid="koploper.security.login_failed")
def log_login_failed(sender, credentials=None, request=None, **kwargs):
    logger.warning(
        "login failed: user=%s ip=%s path=%s",
        _login_name(credentials),
        client_ip(request) if request is not None else "-",
        request.path if request is not None else "-",
    )
    if request is not None:
        address_count(request, LOGIN_SCOPE, window=settings.LOGIN_ADDRESS_WINDOW)


# Counts per client address over a fixed window, in the cache (shared by every process).
# Without a working cache nothing is limited: these limits slow attackers down; the
# per-username lockout (django-axes, in the database) stays.
LOGIN_SCOPE = "login-failures"
SIGNUP_SCOPE = "signups"
SIGNUP_WINDOW_SECONDS = 3600


def _address_key(request: HttpRequest, scope: str) -> str:
    return f"address-limit:{scope}:{client_ip(request)}"


def address_count(request: HttpRequest, scope: str, *, window: int) -> None:
    """Count one event of `scope` for the request's client address."""
    key = _address_key(request, scope)
    if cache.add(key, 0, window):
        cache.set(f"{key}:until", time.time() + window, window)
    try:
        cache.incr(key)
    except ValueError:  # the window ended in between: this event starts the next one
        cache.add(key, 1, window)
        cache.set(f"{key}:until", time.time() + window, window)


def address_wait(request: HttpRequest, scope: str, *, limit: int) -> int:
    """Seconds until the request's client address may try `scope` again; 0: now."""
    key = _address_key(request, scope)
    if (cache.get(key) or 0) < limit:
        return 0
    return max(1, math.ceil((cache.get(f"{key}:until") or 0) - time.time()))


def too_many_attempts(request: HttpRequest, scope: str, wait: int, message: str) -> HttpResponse:
    """The 429 page for a client address over a limit, with Retry-After, logged."""
    logger.warning(
        "address limited: scope=%s ip=%s path=%s retry_after=%s",
        scope,
        client_ip(request),
        request.path,
        wait,
    )
    response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


@receiver(user_locked_out, dispatch_uid="koploper.security.locked_out")
def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "login locked out: user=%s ip=%s path=%s",
        str(username or "-")[:150],
        ip_address or "-",
        request.path if request is not None else "-",
    )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: 429, JSON for the API, else a page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed login attempts. Try again in %(minutes)s minutes, or reset your password."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = problem_response(request, 429, message)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def csrf_failure(request, reason=""):
    """The CSRF failure page, in the site's layout (Django's own has inline style)."""
    return render(request, "403_csrf.html", status=403)


RESET_WINDOW_SECONDS = 3600
MAIL_WINDOW_SECONDS = 3600


def mail_allowed(request: HttpRequest, email: str, *, scope: str, limit: int) -> bool:
    """Count a request for a mail of `scope` (password reset, sign-up) against its client
    address and its e-mail address; False once either has had `limit` requests within the
    hour. Counted before anyone looks the address up, so the answer is the same whether or
    not it has an account. (Without a working cache every request is allowed: the limit
    protects mailboxes, not the login.)"""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    allowed = True
    for key in (f"{scope}:ip:{client_ip(request)}", f"{scope}:email:{digest}"):
        cache.add(key, 0, MAIL_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired in between
            count = 1
        # None: the cache is away (see portal.cache).
        allowed = allowed and (count or 0) <= limit
    return allowed


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """PASSWORD_RESET_LIMIT reset mails an hour per client address and per e-mail address."""
    return mail_allowed(request, email, scope="password-reset", limit=settings.PASSWORD_RESET_LIMIT)


def signup_mail_allowed(request: HttpRequest, email: str) -> bool:
    """SIGNUP_MAIL_LIMIT sign-up mails an hour per client address and per e-mail address."""
    return mail_allowed(request, email, scope="signup-mail", limit=settings.SIGNUP_MAIL_LIMIT)


class CredentialsFilter(SafeExceptionReporterFilter):
    """What the debug page and the error mails show of settings and of the request's
    environment. Django hides names with KEY, SECRET, PASS, TOKEN …; a service URL holds its
    password in the value (DATABASE_URL, REDIS_URL, the cache's LOCATION, the broker URL), so
    names with URL, DSN, LOCATION or BROKER are hidden too, and so is the password of any
    value that looks like `scheme://user:password@host`, whatever its name."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|LOCATION|BROKER|CREDENTIAL",
        flags=re.IGNORECASE,
    )
    _userinfo = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", flags=re.IGNORECASE)

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        if type(value) is str:  # not a lazy object that only claims to be one
            value = self._userinfo.sub(
                lambda match: f"{match['scheme']}{self.cleansed_substitute}@", value
            )
        return value
