"""Dashboard sections this app offers to the signed-in user; portal renders them."""

from django.db.models import Count, Q

from municipalities.access import buyer_municipality

from . import scaleup
from .access import is_adviser, may_ask, visible_questions
from .enums import QuestionStatus
from .models import Question

DUE_SHOWN = 10


def sections(request) -> list[dict]:
    user = request.user
    result = []
    if may_ask(user):
        result.append(
            {
                "template": "procurement/_dashboard_asker.html",
                "questions": list(visible_questions(user).filter(asker=user)[:5]),
            }
        )
    municipality = buyer_municipality(user)
    if municipality is not None:
        due = list(scaleup.pilots_due(municipality=municipality)[: DUE_SHOWN + 1])
        result.append(
            {
                "template": "procurement/_dashboard_pilots.html",
                "pilots": [(adoption, scaleup.due_text(adoption)) for adoption in due[:DUE_SHOWN]],
                "more": len(due) > DUE_SHOWN,
            }
        )
    if is_adviser(user):
        counts = Question.objects.aggregate(
            open=Count("id", filter=Q(status=QuestionStatus.OPEN)),
        )
        result.append({"template": "procurement/_dashboard_adviser.html", "open": counts["open"]})
    return result
