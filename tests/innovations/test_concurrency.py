"""Two reviewers deciding one innovation at the same moment, on PostgreSQL with two real
connections: exactly one decision is recorded, the other gets 409."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from innovations.enums import Status
from innovations.models import Innovation, Review, StatusChange
from innovations.workflow import (
    APPROVE,
    REQUEST_CHANGES,
    TransitionNotAllowed,
    innovation_transition,
)
from tests.factories import reviewer_user

from .helpers import SCORES, ensure_domain_tags, innovation_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _domain_tags(transactional_db):
    ensure_domain_tags()


def _in_threads(*functions):
    """Run each function in its own thread (own database connection), all released at once."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_reviewers_deciding_at_once_through_the_api_one_wins():
    innovation = innovation_in(Status.IN_REVIEW)
    reviewers = [reviewer_user(), reviewer_user()]
    bodies = [
        {"decision": "approve", "scores": SCORES},
        {"decision": "request_changes", "scores": SCORES, "feedback": "Meer bewijs."},
    ]

    def decide(reviewer, body):
        def call():
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(reviewer)
            response = client.post(
                f"/api/v1/review/innovations/{innovation.pk}/decision",
                body,
                content_type="application/json",
            )
            return response.status_code

        return call

    codes = _in_threads(*(decide(r, b) for r, b in zip(reviewers, bodies, strict=True)))

    assert sorted(codes) == [200, 409]
    assert Review.objects.count() == 1
    winner = Review.objects.get()
    expected = Status.APPROVED if winner.decision == "approve" else Status.CHANGES_REQUESTED
    assert Innovation.objects.get(pk=innovation.pk).status == expected
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [
        ("in_review", expected)
    ]


def test_a_decision_waits_for_the_lock_and_then_sees_the_other_decision():
    """Deterministic: the first reviewer holds the row lock mid-decision; the second one's
    decision blocks until the first commits and is then refused."""
    innovation = innovation_in(Status.IN_REVIEW)
    first, second = reviewer_user(), reviewer_user()
    outcome = {}

    def second_decides():
        try:
            innovation_transition(
                innovation=innovation,
                user=second,
                action=REQUEST_CHANGES,
                scores=SCORES,
                feedback="Te duur.",
            )
            outcome["second"] = "recorded"
        except TransitionNotAllowed:
            outcome["second"] = "conflict"
        finally:
            connection.close()

    with transaction.atomic():
        Innovation.objects.select_for_update().get(pk=innovation.pk)
        thread = threading.Thread(target=second_decides)
        thread.start()
        thread.join(timeout=1)
        blocked = thread.is_alive()
        innovation_transition(innovation=innovation, user=first, action=APPROVE, scores=SCORES)
    thread.join(timeout=30)

    assert blocked is True
    assert outcome == {"second": "conflict"}
    assert list(Review.objects.values_list("reviewer", "decision")) == [(first.pk, "approve")]
    assert Innovation.objects.get(pk=innovation.pk).status == Status.APPROVED


def test_two_claims_at_once_one_reviewer_gets_it():
    innovation = innovation_in(Status.SUBMITTED)
    reviewers = [reviewer_user(), reviewer_user()]

    def claim(reviewer):
        def call():
            client = Client()
            client.force_login(reviewer)
            return client.post(f"/api/v1/review/innovations/{innovation.pk}/claim").status_code

        return call

    codes = _in_threads(*(claim(r) for r in reviewers))

    assert sorted(codes) == [200, 409]
    assert Innovation.objects.get(pk=innovation.pk).assigned_reviewer in reviewers
    assert StatusChange.objects.count() == 1


def test_two_reviewers_approving_at_once_with_two_required_both_count(settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.IN_REVIEW)
    reviewers = [reviewer_user(), reviewer_user()]

    def approve(reviewer):
        return lambda: (
            innovation_transition(
                innovation=innovation, user=reviewer, action=APPROVE, scores=SCORES
            ).status
        )

    states = _in_threads(*(approve(r) for r in reviewers))

    assert sorted(states) == [Status.APPROVED, Status.IN_REVIEW]
    assert Innovation.objects.get(pk=innovation.pk).status == Status.APPROVED
    assert Review.objects.count() == 2
