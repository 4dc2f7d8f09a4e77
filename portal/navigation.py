"""Assembles the header navigation from what each app offers, by role."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from innovations import navigation as innovations_nav
from municipalities import navigation as municipalities_nav
from ranking import navigation as ranking_nav

APPS = [innovations_nav, municipalities_nav, ranking_nav]


def _entries(pairs, path):
    entries = []
    for url_name, label in pairs:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        entries.append({"url": url, "label": label, "current": path.startswith(url)})
    return entries


def main_items(request) -> list[dict]:
    pairs = [item for app in APPS for item in app.public_items()]
    return _entries(pairs, request.path)


def user_items(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    pairs = [("dashboard", _("My dashboard"))]
    pairs += [item for app in APPS for item in app.user_items(user)]
    if user.is_staff:
        pairs.append(("admin:index", _("Administration")))
    return _entries(pairs, request.path)
