"""Two advisers answer one question at the same moment: exactly one answer is stored, the
other adviser gets 409 (on SQLite the same race, interleaved, is in test_desk.py)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from procurement.models import Question

from .conftest import adviser_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_advisers_answering_at_once_one_wins_the_other_gets_409(buyer, routes):
    question = Question.objects.create(asker=buyer, route=routes["sbir"], title="Kan dit met SBIR?")
    clients = []
    for name in ("adviseur1", "adviseur2"):
        client = Client()
        client.force_login(adviser_user(username=name))
        clients.append(client)
    barrier = threading.Barrier(2)
    results = [None, None]

    def answer(index):
        try:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(
                f"/api/v1/questions/{question.pk}/answer",
                {"answer": f"Antwoord {index}"},
                content_type="application/json",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in results)
    winner = next(r for r in results if r.status_code == 200).json()
    question.refresh_from_db()
    assert statuses == [200, 409]
    assert (question.status, question.answer) == ("answered", winner["answer"])
