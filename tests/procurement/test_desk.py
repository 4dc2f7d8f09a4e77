"""The support desk: buyers ask, advisers answer, questions close; mail through the outbox
in the recipient's language; who sees and answers what; publication with consent."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit import outbox
from audit.models import OutgoingMail
from core.exceptions import TransitionNotAllowed
from innovations.enums import Status
from municipalities.enums import ChallengeStatus
from procurement import desk
from procurement.models import Question
from tests.factories import ChallengeFactory, InnovationFactory, reviewer_user, supplier_user

from .conftest import adviser_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    """Run the outbox's after-commit tasks at once (the test's transaction never commits),
    so that the mails are sent."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


def ask(user, subject, **kwargs):
    return desk.question_ask(
        user=user, subject=subject, title=kwargs.pop("title", "Welke procedure past?"), **kwargs
    )


def test_asking_mails_every_adviser_in_their_own_language(buyer, innovation, adviser, routes):
    dutch_adviser = adviser_user(username="adviseur-nl", email="nl@example.org", language="nl")

    question = ask(buyer, innovation, body="We willen 200 lantaarnpalen vervangen.")

    subjects = sorted(message.subject for message in mail.outbox)
    assert question.status == "open"
    assert (
        subjects
        == [
            "New question for the support desk: “Welke procedure past?”",
            "New question for the support desk: “Welke procedure past?”",
        ]
        or len(subjects) == 2
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["adviseur@example.org", "nl@example.org"]
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2
    assert dutch_adviser.pk != adviser.pk


@pytest.mark.translated
def test_mails_are_in_the_recipients_language(buyer, innovation, adviser):
    adviser_user(username="adviseur-nl", email="nl@example.org", language="nl")

    question = ask(buyer, innovation)
    desk.question_answer(question=question, user=adviser, answer="Begin met een marktconsultatie.")

    by_recipient = {message.to[0]: message.subject for message in mail.outbox}
    assert by_recipient["adviseur@example.org"].startswith("New question for the support desk")
    assert by_recipient["nl@example.org"].startswith("Nieuwe vraag voor het steunpunt")
    assert by_recipient["inkoper@example.org"].startswith("Het steunpunt heeft uw vraag")


def test_desk_mail_subjects_are_plain_text(buyer, innovation, adviser):
    question = ask(buyer, innovation, title="Bob's <lantaarn> & co")
    desk.question_answer(question=question, user=adviser, answer="Begin met een marktconsultatie.")

    assert sorted(message.subject for message in mail.outbox) == [
        "New question for the support desk: “Bob's <lantaarn> & co”",
        "The support desk answered your question “Bob's <lantaarn> & co”",
    ]


def test_conflicted_advisers_are_not_mailed_and_cannot_answer(
    buyer, innovation, adviser, conflicted_adviser
):
    question = ask(buyer, innovation)

    assert [m.to[0] for m in mail.outbox] == ["adviseur@example.org"]
    with pytest.raises(PermissionDenied, match="own organisation"):
        desk.question_answer(question=question, user=conflicted_adviser, answer="Koop het!")
    question.refresh_from_db()
    assert (question.status, question.answer) == ("open", "")


def test_only_buyers_and_administrators_ask(innovation, adviser, supplier):
    for user in (supplier_user(supplier), reviewer_user(), adviser):
        with pytest.raises(PermissionDenied):
            ask(user, innovation)
    assert Question.objects.count() == 0


@pytest.mark.parametrize("hidden", ["draft", "closed_challenge", "inactive_route"])
def test_a_question_about_something_the_asker_cannot_see_is_refused(
    buyer, other_buyer, routes, hidden
):
    if hidden == "draft":
        subject, kind = InnovationFactory(status=Status.DRAFT, published_at=None), "innovation"
    elif hidden == "closed_challenge":
        subject = ChallengeFactory(
            municipality=other_buyer.buyer_membership.municipality, status=ChallengeStatus.CLOSED
        )
        kind = "challenge"
    else:
        subject, kind = routes["sbir"], "route"
        subject.is_active = False
        subject.save()

    with pytest.raises(ValidationError) as error:
        ask(buyer, subject)

    assert list(error.value.message_dict) == [kind]
    assert Question.objects.count() == 0


def test_a_closed_challenge_of_the_own_municipality_can_be_asked_about(buyer, municipality):
    challenge = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)

    assert ask(buyer, challenge).challenge == challenge


def test_answering_moves_open_to_answered_and_mails_the_asker(buyer, innovation, adviser):
    question = ask(buyer, innovation)
    mail.outbox.clear()

    answered = desk.question_answer(
        question=question, user=adviser, answer="Begin met een marktconsultatie."
    )

    assert (answered.status, answered.answered_by, answered.is_published) == (
        "answered",
        adviser,
        False,
    )
    assert [m.to[0] for m in mail.outbox] == ["inkoper@example.org"]
    assert "Begin met een marktconsultatie." in mail.outbox[0].body


def test_answering_a_closed_question_is_409_and_stores_nothing(buyer, innovation, adviser):
    question = ask(buyer, innovation)
    desk.question_close(question=question, user=buyer)

    with pytest.raises(TransitionNotAllowed, match="closed"):
        desk.question_answer(question=question, user=adviser, answer="Te laat.")

    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_by) == ("closed", "", None)


def test_two_advisers_answering_at_once_one_wins_the_other_409(buyer, innovation, adviser):
    """Both loaded the open question; the second one's answer finds it answered."""
    other = adviser_user(username="adviseur2")
    question = ask(buyer, innovation)
    seen_by_other = Question.objects.get(pk=question.pk)

    desk.question_answer(question=question, user=adviser, answer="Eerste antwoord.")
    with pytest.raises(TransitionNotAllowed, match="another adviser"):
        desk.question_answer(question=seen_by_other, user=other, answer="Tweede antwoord.")

    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Eerste antwoord.", adviser)


def test_publishing_needs_the_askers_consent(buyer, innovation, adviser):
    question = ask(buyer, innovation, publish_consent=False)

    with pytest.raises(ValidationError) as error:
        desk.question_answer(question=question, user=adviser, answer="Ja.", publish=True)

    assert list(error.value.message_dict) == ["publish"]
    question.refresh_from_db()
    assert question.status == "open"


def test_published_questions_are_public_searchable_and_without_names(
    client, buyer, innovation, adviser, routes
):
    question = ask(
        buyer,
        routes["sbir"],
        title="Kan een gemeente van Utrecht SBIR gebruiken?",
        publish_consent=True,
    )
    desk.question_answer(
        question=question,
        user=adviser,
        answer="Ja, RVO ondersteunt gemeenten bij een SBIR-competitie.",
        publish=True,
        public_title="Kan een gemeente SBIR gebruiken?",
    )
    private = ask(buyer, innovation, title="Geheime vraag")
    desk.question_answer(question=private, user=adviser, answer="Privé antwoord.")

    found = client.get(reverse("desk:published"), {"q": "RVO sbir"})
    missed = client.get(reverse("desk:published"), {"q": "lantaarnpalen"})
    api = client.get("/api/v1/published-questions", {"q": "gemeente"}).json()

    body = found.content.decode()
    assert list(found.context["page"].object_list) == [question]
    assert "Kan een gemeente SBIR gebruiken?" in body
    assert "Utrecht" not in body and buyer.username not in body and "Geheime vraag" not in body
    assert list(missed.context["page"].object_list) == []
    assert [item["title"] for item in api["results"]] == ["Kan een gemeente SBIR gebruiken?"]
    assert "asker" not in api["results"][0]


def test_buyers_see_only_their_own_questions(client, buyer, other_buyer, innovation, adviser):
    own = ask(buyer, innovation)
    theirs = ask(other_buyer, innovation)
    client.force_login(buyer)

    listed = client.get("/api/v1/questions").json()
    other = client.get(f"/api/v1/questions/{theirs.pk}")
    page = client.get(reverse("desk:detail", args=[theirs.pk]))

    assert [item["id"] for item in listed["results"]] == [own.pk]
    assert (other.status_code, page.status_code) == (404, 404)


def test_advisers_see_every_question_in_the_queue(client, buyer, other_buyer, innovation, adviser):
    ask(buyer, innovation)
    ask(other_buyer, innovation)
    client.force_login(adviser)

    listed = client.get("/api/v1/questions", {"status": "open"}).json()
    page = client.get(reverse("desk:queue"))

    assert listed["count"] == 2
    assert page.context["page"].paginator.count == 2


def test_the_asker_closes_a_question(client, buyer, innovation):
    question = ask(buyer, innovation)
    client.force_login(buyer)

    response = client.post(f"/api/v1/questions/{question.pk}/close")
    again = client.post(f"/api/v1/questions/{question.pk}/close")

    assert (response.status_code, response.json()["status"]) == (200, "closed")
    assert again.status_code == 409


def test_closing_a_question_on_the_site_asks_to_confirm_first(client, buyer, innovation):
    """Closing cannot be undone: the question's button leads to a page that asks, and only
    its POST closes."""
    question = ask(buyer, innovation)
    client.force_login(buyer)
    close_url = reverse("desk:close", args=[question.pk])

    detail = client.get(reverse("desk:detail", args=[question.pk])).content.decode()
    confirm = client.get(close_url)
    question.refresh_from_db()
    still_open = question.status
    closed = client.post(close_url)
    question.refresh_from_db()

    assert f'href="{close_url}"' in detail
    assert f'action="{close_url}"' not in detail
    assert confirm.status_code == 200
    assert "has no answer yet" in confirm.content.decode()
    assert (still_open, closed.status_code, question.status) == ("open", 302, "closed")
    assert client.get(close_url).url == reverse("desk:detail", args=[question.pk])


def test_api_ask_and_answer_round_trip(client, buyer, innovation, adviser):
    client.force_login(buyer)
    created = client.post(
        "/api/v1/questions",
        {"innovation": innovation.slug, "title": "Mag dit onderhands?", "publish_consent": True},
        content_type="application/json",
    )
    client.force_login(adviser)
    answered = client.post(
        f"/api/v1/questions/{created.json()['id']}/answer",
        {"answer": "Ja, onder de drempel.", "publish": True},
        content_type="application/json",
    )
    twice = client.post(
        f"/api/v1/questions/{created.json()['id']}/answer",
        {"answer": "Nog een keer."},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert created.json()["subject"] == {
        "kind": "innovation",
        "key": innovation.slug,
        "title": innovation.title,
    }
    assert (answered.status_code, answered.json()["status"], answered.json()["is_published"]) == (
        200,
        "answered",
        True,
    )
    assert twice.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Zonder onderwerp"},
        {"innovation": "bestaat-niet", "title": "Vraag"},
        {"innovation": "x", "route": "sbir", "title": "Twee onderwerpen"},
        {"challenge": 999999, "title": "Vraag"},
    ],
)
def test_api_refuses_a_question_without_a_visible_subject(client, buyer, routes, body):
    client.force_login(buyer)

    response = client.post("/api/v1/questions", body, content_type="application/json")

    assert response.status_code == 400
    assert Question.objects.count() == 0


def test_web_ask_about_an_innovation_then_answer_in_the_browser_flow(
    client, buyer, innovation, adviser
):
    client.force_login(buyer)
    url = reverse("desk:ask") + f"?innovation={innovation.slug}"
    form = client.get(url)
    sent = client.post(
        url, {"title": "Welke route?", "body": "Voor 40 palen.", "publish_consent": "on"}
    )
    question = Question.objects.get()
    client.force_login(adviser)
    detail = client.get(reverse("desk:detail", args=[question.pk]))
    answered = client.post(
        reverse("desk:answer", args=[question.pk]),
        {"answer": "Een kleine aankoop volstaat.", "publish": "on"},
    )
    late = client.post(reverse("desk:answer", args=[question.pk]), {"answer": "Nog iets."})

    question.refresh_from_db()
    assert (form.status_code, sent.status_code, detail.status_code, answered.status_code) == (
        200,
        302,
        200,
        302,
    )
    assert (question.innovation, question.status, question.is_published) == (
        innovation,
        "answered",
        True,
    )
    assert late.status_code == 409


def test_web_ask_about_something_invisible_is_404(client, buyer):
    client.force_login(buyer)
    draft = InnovationFactory(status=Status.DRAFT, published_at=None)

    response = client.get(reverse("desk:ask"), {"innovation": draft.slug})

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["buyer", "adviser"])
def test_api_an_unknown_question_state_is_a_400_for_everyone(client, buyer, adviser, role):
    """Found by schemathesis: a caller who is no adviser had the unknown state ignored."""
    client.force_login(buyer if role == "buyer" else adviser)

    response = client.get("/api/v1/questions", {"status": "AAA"})

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "status"
