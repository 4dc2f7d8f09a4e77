"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from .access import is_reviewer, supplier_for


def public_items() -> list[tuple[str, str]]:
    return [("innovations:catalogue", _("Catalogue"))]


def user_items(user) -> list[tuple[str, str]]:
    items = []
    if supplier_for(user) is not None:
        items.append(("innovations:mine", _("My innovations")))
    if is_reviewer(user):
        items.append(("review:queue", _("Review queue")))
    return items
