"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from .access import buyer_municipality


def public_items() -> list[tuple[str, str]]:
    return [("municipalities:list", _("Municipalities"))]


def user_items(user) -> list[tuple[str, str]]:
    items = []
    if buyer_municipality(user) is not None:
        items.append(("municipalities:shortlist", _("My shortlist")))
    return items
