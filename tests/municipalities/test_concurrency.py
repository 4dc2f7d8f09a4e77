"""Two buyers of one municipality record the same adoption at the same moment: the database's
unique constraint lets exactly one win; the other gets a clear field error, not a 500."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client

from municipalities import adoptions
from municipalities.models import Adoption, AdoptionStageChange
from tests.factories import buyer_user
from tests.problems import errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BODY = {
    "municipality": "GM0344",
    "innovation": "slimme-lantaarnpalen",
    "stage": "pilot",
    "started_on": "2024-01-15",
    "evidence_reference": "TenderNed 402918",
}


def _in_thread(target, results, index, barrier):
    def run():
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as error:  # recorded for the assertion, not swallowed
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    return threading.Thread(target=run)


def test_concurrent_api_posts_create_exactly_one_adoption(buyer, municipality, innovation):
    colleague = buyer_user(municipality, username="inkoper2")
    clients = []
    for user in [buyer, colleague]:
        client = Client()
        # force_login: django-axes refuses an authenticate() without a request.
        client.force_login(user)
        clients.append(client)
    results = [None, None]
    barrier = threading.Barrier(2)
    threads = [
        _in_thread(
            lambda c=client: c.post("/api/v1/adoptions", BODY, content_type="application/json"),
            results,
            index,
            barrier,
        )
        for index, client in enumerate(clients)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in results)
    loser = next(response for response in results if response.status_code == 422)
    assert statuses == [201, 422]
    assert list(errors(loser)) == ["innovation"]
    # The stage history starts when a reviewer verifies (DESIGN.md, Adoption changes).
    assert (Adoption.objects.count(), AdoptionStageChange.objects.count()) == (1, 0)


def test_second_insert_waits_for_the_first_and_then_loses(buyer, municipality, innovation):
    """Deterministic interleaving: the first transaction has inserted but not committed
    when the second inserts; the second blocks on the unique index, then gets the error."""
    colleague = buyer_user(municipality, username="inkoper2")
    first_inserted = threading.Event()
    results = [None, None]

    def first():
        try:
            with transaction.atomic():
                results[0] = _record(buyer, municipality, innovation)
                first_inserted.set()
                # Give the second thread time to reach its INSERT and block on the index.
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def second():
        try:
            first_inserted.wait(timeout=10)
            results[1] = _record(colleague, municipality, innovation)
        except ValidationError as error:
            results[1] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(results[0], Adoption)
    assert isinstance(results[1], ValidationError)
    assert list(results[1].message_dict) == ["innovation"]
    assert list(Adoption.objects.values_list("claimed_by", flat=True)) == [buyer.pk]


def _record(user, municipality, innovation):
    return adoptions.adoption_record(
        user=user,
        municipality=municipality,
        innovation=innovation,
        stage="pilot",
        started_on=datetime.date(2024, 1, 15),
    )
