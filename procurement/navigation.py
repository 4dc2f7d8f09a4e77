"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from .access import is_adviser, may_ask


def public_items() -> list[tuple[str, str]]:
    return [("procurement:routes", _("How to buy")), ("desk:published", _("Questions and answers"))]


def user_items(user) -> list[tuple[str, str]]:
    items = []
    if may_ask(user):
        items.append(("desk:mine", _("My questions")))
    if is_adviser(user):
        items.append(("desk:queue", _("Support desk")))
    return items
