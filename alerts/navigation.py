"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from .access import may_save_searches, may_see_insight


def public_items() -> list[tuple[str, str]]:
    return []


def user_items(user) -> list[tuple[str, str]]:
    items = []
    if may_save_searches(user):
        items.append(("alerts:searches", _("Saved searches")))
    if may_see_insight(user) and not user.is_superuser:
        items.append(("alerts:insight", _("Insight")))
    return items
