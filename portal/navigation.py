"""Assembles the header navigation from what each app offers, by role."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from alerts import navigation as alerts_nav
from innovations import navigation as innovations_nav
from municipalities import navigation as municipalities_nav
from procurement import navigation as procurement_nav
from ranking import navigation as ranking_nav

APPS = [innovations_nav, municipalities_nav, procurement_nav, ranking_nav, alerts_nav]


def _resolve(pairs):
    entries = []
    for url_name, label in pairs:
        try:
            entries.append({"url": reverse(url_name), "label": label, "current": False})
        except NoReverseMatch:
            continue
    return entries


def _user_pairs(user):
    if not user.is_authenticated:
        return []
    pairs = [("dashboard", _("My dashboard"))]
    pairs += [item for app in APPS for item in app.user_items(user)]
    if user.is_staff:
        pairs.append(("admin:index", _("Administration")))
    return pairs


def _navigation(request) -> tuple[list[dict], list[dict]]:
    """Main and user entries; only the entry whose URL is the longest prefix of the
    current path is marked current (so /municipalities/shortlist/ marks one entry)."""
    main = _resolve([item for app in APPS for item in app.public_items()])
    user = _resolve(_user_pairs(request.user))
    matches = [e for e in main + user if request.path.startswith(e["url"])]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["current"] = True
    return main, user


def main_items(request) -> list[dict]:
    return _navigation(request)[0]


def user_items(request) -> list[dict]:
    return _navigation(request)[1]
