"""Dashboard sections this app offers to the signed-in user; portal renders them.

Each section is a dict with "template" (included by portal/dashboard.html) and any
context that template needs."""

from django.utils import timezone

from . import selectors
from .access import buyer_municipality, can_verify_adoptions
from .enums import ChallengeStatus, Verification


def sections(request) -> list[dict]:
    user = request.user
    result = []
    municipality = buyer_municipality(user)
    if municipality is not None:
        result.append(
            {
                "template": "municipalities/_dashboard_buyer.html",
                "municipality": municipality,
                "pending": list(
                    selectors.own_adoptions(municipality).exclude(
                        verification=Verification.VERIFIED
                    )[:20]
                ),
                "challenges": list(
                    selectors.own_challenges(municipality).filter(
                        status=ChallengeStatus.OPEN, deadline__gte=timezone.localdate()
                    )[:20]
                ),
                "like_yours": list(selectors.used_by_similar_municipalities(municipality)),
            }
        )
    if can_verify_adoptions(user):
        result.append(
            {
                "template": "municipalities/_dashboard_reviewer.html",
                "waiting": selectors.verification_queue(user).count(),
            }
        )
    return result
