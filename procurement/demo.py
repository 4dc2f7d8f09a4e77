"""Demo data of this app, called by `manage.py seed_demo` after the other apps (idempotent):
the shipped procurement routes and thresholds, and at the support desk one published
question with its answer and one open question, asked by the demo buyer `inkoper` and
answered by the demo adviser `adviseur`. Made through the services, like everything."""

from django.contrib.auth import get_user_model
from django.db import transaction

from innovations.models import Innovation

from .desk import question_answer, question_ask
from .models import ProcurementRoute, Question
from .services import routes_load_reference

PUBLISHED = {
    "route": "sbir",
    "title": "Kan een gemeente zelf een SBIR-competitie uitschrijven?",
    "body": "Wij willen een oplossing laten ontwikkelen voor het meten van hittestress in "
    "wijken. Er is nog niets op de markt. Kan onze gemeente SBIR gebruiken, en wie helpt daarbij?",
    "answer": "Ja. SBIR staat open voor alle aanbestedende diensten, ook gemeenten. RVO helpt "
    "bij het opstellen van de oproep (fase 0) en bij de beoordeling door een onafhankelijke "
    "commissie. Reken op een haalbaarheidsfase met meerdere ondernemers en daarna een "
    "ontwikkelfase met de beste; de aankoop van de uiteindelijke oplossing is een aparte "
    "procedure. Begin met een marktconsultatie om te bevestigen dat er nog geen oplossing is.",
    "public_title": "Kan een gemeente zelf een SBIR-competitie uitschrijven?",
    "public_body": "Een gemeente wil een oplossing laten ontwikkelen die nog niet op de markt "
    "is. Kan zij SBIR gebruiken, en wie helpt daarbij?",
}
OPEN = {
    "title": "Mogen we dit eerst als pilot onderhands kopen?",
    "body": "We willen de oplossing een jaar proberen in twee wijken, voor ongeveer € 40.000. "
    "Als het werkt, willen we opschalen naar de hele stad. Welke route past?",
}


@transaction.atomic
def seed(stdout=None) -> None:
    counts = routes_load_reference()
    User = get_user_model()
    buyer = User.objects.filter(username="inkoper").first()
    adviser = User.objects.filter(username="adviseur").first()
    made = 0
    if buyer is not None and adviser is not None:
        route = ProcurementRoute.objects.get(code=PUBLISHED["route"])
        if not Question.objects.filter(asker=buyer, title=PUBLISHED["title"]).exists():
            question = question_ask(
                user=buyer,
                subject=route,
                title=PUBLISHED["title"],
                body=PUBLISHED["body"],
                publish_consent=True,
            )
            question_answer(
                question=question,
                user=adviser,
                answer=PUBLISHED["answer"],
                publish=True,
                public_title=PUBLISHED["public_title"],
                public_body=PUBLISHED["public_body"],
            )
            made += 1
        innovation = Innovation.objects.approved().order_by("published_at", "pk").first()
        if innovation and not Question.objects.filter(asker=buyer, title=OPEN["title"]).exists():
            question_ask(user=buyer, subject=innovation, publish_consent=True, **OPEN)
            made += 1
    if stdout is not None:
        stdout.write(
            f"Procurement routes: {counts['routes_created']} created; "
            f"support desk questions: {made} created."
        )
