"""Dashboard sections this app offers to the signed-in user; portal renders them."""

from django.db.models import Count, Q

from .access import is_adviser, may_ask, visible_questions
from .enums import QuestionStatus
from .models import Question


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
    if is_adviser(user):
        counts = Question.objects.aggregate(
            open=Count("id", filter=Q(status=QuestionStatus.OPEN)),
        )
        result.append({"template": "procurement/_dashboard_adviser.html", "open": counts["open"]})
    return result
