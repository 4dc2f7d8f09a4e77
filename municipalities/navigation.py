"""Navigation entries this app offers; portal assembles them (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from .access import buyer_municipality, can_verify_adoptions
from .shortlists import may_shortlist


def public_items() -> list[tuple[str, str]]:
    return [
        ("municipalities:list", _("Municipalities")),
        ("municipalities:challenge_list", _("Challenges")),
    ]


def user_items(user) -> list[tuple[str, str]]:
    items = []
    if buyer_municipality(user) is not None:
        items.append(("municipalities:mine", _("My municipality")))
    if may_shortlist(user):
        items.append(("municipalities:shortlist", _("My shortlist")))
    if can_verify_adoptions(user):
        items.append(("municipalities:verify_queue", _("Verify adoptions")))
    return items
