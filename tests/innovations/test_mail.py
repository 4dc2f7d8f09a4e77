"""Mails of the workflow: who gets which, in their own language; through a real worker."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from innovations.enums import Status
from innovations.models import StatusChange
from innovations.services import supplier_member_add
from innovations.workflow import (
    APPROVE,
    CLAIM,
    REJECT,
    REQUEST_CHANGES,
    SUBMIT,
    WITHDRAW,
    innovation_transition,
)
from tests.factories import SupplierFactory, admin_user, buyer_user, reviewer_user, supplier_user

from .helpers import SCORES, ensure_domain_tags, innovation_in

FIXED = datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC)


def _run(callbacks, fix_date=True):
    """Run the after-commit callbacks, with the history row dated FIXED first."""
    if fix_date:
        StatusChange.objects.update(created_at=FIXED)
    for callback in callbacks:
        callback()


@pytest.mark.django_db
def test_submission_mails_every_reviewer_in_their_language(django_capture_on_commit_callbacks):
    supplier = SupplierFactory(name="Zonnewijzer B.V.")
    innovation = innovation_in(Status.DRAFT, supplier=supplier, title="Slimme lantaarnpaal")
    reviewer_user(username="anouk", email="anouk@example.org", language="nl")
    reviewer_user(username="james", email="james@example.org", language="en")
    member_reviewer = reviewer_user(username="eigen", email="eigen@example.org")
    supplier_member_add(supplier=supplier, user=member_reviewer)
    admin_user(email="admin@example.org")  # superuser without the explicit permission
    buyer_user(email="buyer@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        innovation_transition(innovation=innovation, user=supplier_user(supplier), action=SUBMIT)
    _run(callbacks)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["anouk@example.org", "james@example.org"]
    en = by_recipient["james@example.org"]
    nl = by_recipient["anouk@example.org"]
    assert en.subject == "New innovation to review: Slimme lantaarnpaal"
    assert en.body == (
        "Hello james,\n\n"
        "Zonnewijzer B.V. has submitted “Slimme lantaarnpaal” for review.\n"
        "Submitted on 14 March 2025.\n\n"
        "Claim it in the review queue:\n"
        f"http://127.0.0.1:8000/en/review/{innovation.pk}/\n\n"
        "-- \nKoploper\n"
    )
    assert f"http://127.0.0.1:8000/nl/review/{innovation.pk}/" in nl.body
    assert "14 maart 2025" in nl.body  # Django's own Dutch month names: the mail is in Dutch
    html, mimetype = nl.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="nl">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "subject", "phrase"),
    [
        (
            REQUEST_CHANGES,
            "Changes requested for “Zonnedak”",
            "asks you to change a few things",
        ),
        (REJECT, "“Zonnedak” has not been approved", "The reason:"),
        (APPROVE, "“Zonnedak” is approved and published", "It is now published"),
    ],
)
def test_decision_mails_every_member_of_the_supplier(
    django_capture_on_commit_callbacks, decision, subject, phrase
):
    supplier = SupplierFactory()
    innovation = innovation_in(Status.IN_REVIEW, supplier=supplier, title="Zonnedak")
    supplier_user(supplier, email="a@example.org", language="en")
    supplier_user(supplier, email="b@example.org", language="en")
    supplier_user(email="other@example.org")
    reviewer_user(email="reviewer@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        innovation_transition(
            innovation=innovation,
            user=reviewer_user(),
            action=decision,
            scores=SCORES,
            feedback="Voeg <b>bewijs</b> toe.",
        )
    _run(callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    message = mail.outbox[0]
    assert message.subject == subject
    assert phrase in message.body
    assert "Voeg <b>bewijs</b> toe." in message.body  # plain text, as written
    assert "Voeg &lt;b&gt;bewijs&lt;/b&gt; toe." in message.alternatives[0][0]  # escaped in HTML
    assert f"/en/innovations/supplier/innovations/{innovation.pk}/" in message.body


@pytest.mark.django_db
def test_no_mail_for_claim_withdraw_or_an_approval_short_of_the_required(
    django_capture_on_commit_callbacks, settings
):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    supplier = SupplierFactory()
    member = supplier_user(supplier, email="member@example.org")
    reviewer = reviewer_user(email="r@example.org")
    submitted = innovation_in(Status.SUBMITTED, supplier=supplier)
    approved = innovation_in(Status.APPROVED, supplier=supplier)

    with django_capture_on_commit_callbacks(execute=True):
        innovation_transition(innovation=submitted, user=reviewer, action=CLAIM)
        innovation_transition(innovation=submitted, user=reviewer, action=APPROVE, scores=SCORES)
        innovation_transition(innovation=approved, user=member, action=WITHDRAW)

    assert mail.outbox == []


@pytest.mark.django_db
def test_a_mail_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    innovation = innovation_in(Status.DRAFT)
    reviewer_user(email="r@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        innovation_transition(
            innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
        )
        sent_before_commit = len(mail.outbox)
    _run(callbacks, fix_date=False)

    assert (sent_before_commit, len(mail.outbox)) == (0, 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_submission_mail_is_sent_by_a_real_celery_worker(celery_worker_real):
    ensure_domain_tags()
    innovation = innovation_in(Status.DRAFT, title="Warmtenet in de wijk")
    reviewer_user(username="wendy", email="wendy@example.org", language="en")

    innovation_transition(
        innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
    )

    deadline = timezone.now() + datetime.timedelta(seconds=30)
    while not mail.outbox and timezone.now() < deadline:
        time.sleep(0.1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["wendy@example.org"], "New innovation to review: Warmtenet in de wijk")
    ]
