"""Tasks delivered twice do their work once (in-process; test_worker_killed.py does the same
with real workers that are killed)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import OutgoingMail
from innovations.enums import Status
from innovations.tasks import send_status_mail
from innovations.workflow import SUBMIT, innovation_transition
from municipalities.enums import Stage
from ranking.models import RankingEntry, RankingRun, RunStatus
from ranking.services import PARAMETERS_V1
from ranking.tasks import recompute
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import innovation_in

pytestmark = pytest.mark.django_db


def test_a_mail_task_delivered_twice_sends_one_mail(django_capture_on_commit_callbacks):
    innovation = innovation_in(Status.DRAFT)
    reviewer_user(email="r@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        innovation_transition(
            innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
        )
    due = OutgoingMail.objects.get()

    # The broker delivers the same message again.
    send_status_mail.apply(kwargs={**due.kwargs, "mail_id": due.pk})

    assert [m.to for m in mail.outbox] == [["r@example.org"]]
    due.refresh_from_db()
    assert due.sent_at is not None


def test_a_failed_mail_stays_due_and_is_sent_by_send_pending_mails(
    django_capture_on_commit_callbacks, monkeypatch
):
    innovation = innovation_in(Status.DRAFT)
    reviewer_user(email="r@example.org")

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    # Eager here (no broker), so the task fails inside the enqueueing: logged, not raised.
    with django_capture_on_commit_callbacks(execute=True):
        innovation_transition(
            innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
        )
    monkeypatch.undo()
    assert mail.outbox == []
    due = OutgoingMail.objects.get()
    assert (due.sent_at, due.attempts) == (None, 1)
    # Its next attempt is due after the retry delay (tests/audit/test_outbox.py).
    OutgoingMail.objects.update(next_attempt_at=timezone.now())

    call_command("send_pending_mails", "--older-than", "0", verbosity=0)
    call_command("send_pending_mails", "--older-than", "0", verbosity=0)

    assert [m.to for m in mail.outbox] == [["r@example.org"]]
    assert OutgoingMail.objects.get().sent_at is not None


def _adoptions():
    town = MunicipalityFactory(name="Eersteling")
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(),
        started_on=timezone.localdate(),
        stage=Stage.SCALED,
    )


def test_a_ranking_task_delivered_twice_publishes_one_run():
    _adoptions()

    first = recompute.apply(task_id="nightly-1").get()
    again = recompute.apply(task_id="nightly-1").get()

    assert again == first
    assert list(RankingRun.objects.values_list("pk", "status")) == [(first, RunStatus.PUBLISHED)]
    assert RankingEntry.objects.count() == 1


def test_a_ranking_task_delivered_again_takes_over_its_own_unfinished_run():
    _adoptions()
    now = timezone.now()
    killed = RankingRun.objects.create(
        trigger="nightly",
        reference_date=timezone.localdate(),
        formula_version="v1",
        parameters=PARAMETERS_V1,
        started_at=now,
        lease_expires_at=now + datetime.timedelta(minutes=20),
        task_id="nightly-1",
    )

    run_id = recompute.apply(task_id="nightly-1").get()

    killed.refresh_from_db()
    assert (killed.status, killed.error) == (
        RunStatus.FAILED,
        "Abandoned: its worker stopped; the task was delivered again.",
    )
    assert RankingRun.objects.get(pk=run_id).is_current is True


def test_another_task_still_waits_for_a_live_run():
    _adoptions()
    now = timezone.now()
    RankingRun.objects.create(
        trigger="nightly",
        reference_date=timezone.localdate(),
        formula_version="v1",
        parameters=PARAMETERS_V1,
        started_at=now,
        lease_expires_at=now + datetime.timedelta(minutes=20),
        task_id="nightly-1",
    )

    assert recompute.apply(task_id="nightly-2").get() is None


def test_one_nightly_board_per_date_but_any_number_by_hand():
    _adoptions()

    first = recompute.apply(task_id="beat-1").get()
    second = recompute.apply(task_id="beat-2").get()
    by_hand = recompute.apply(kwargs={"trigger": "admin"}, task_id="admin-1").get()

    assert second == first
    assert by_hand != first
    assert RankingRun.objects.filter(status=RunStatus.PUBLISHED).count() == 2
