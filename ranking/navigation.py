"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _


def public_items() -> list[tuple[str, str]]:
    return [("ranking:leaderboard", _("Leaderboard"))]


def user_items(user) -> list[tuple[str, str]]:
    return []
