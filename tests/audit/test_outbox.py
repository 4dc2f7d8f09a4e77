"""The outbox (audit.outbox): a failing mail is tried again later each time and gives up
after MAIL_MAX_ATTEMPTS; a given-up mail shows in the admin and in `manage.py health`;
sent and given-up mails are deleted after MAIL_RETENTION_DAYS."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import OutgoingMail
from audit.outbox import prune_outbox, send_pending_mails
from innovations.enums import Status
from innovations.workflow import SUBMIT, innovation_transition
from tests.factories import admin_user, reviewer_user, supplier_user
from tests.innovations.helpers import innovation_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() under the test's control."""

    class Clock:
        # From the real time: model defaults (created_at) read the real clock.
        start = now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


@pytest.fixture
def failing_mail(clock, smtp_down, django_capture_on_commit_callbacks):
    """A submission whose mail to the reviewer fails on its first attempt."""
    innovation = innovation_in(Status.DRAFT)
    reviewer_user(email="r@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        innovation_transition(
            innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
        )
    return OutgoingMail.objects.get()


def _state(outgoing, clock):
    outgoing.refresh_from_db()
    return (
        outgoing.attempts,
        outgoing.next_attempt_at - clock.start,
        outgoing.given_up_at is not None,
    )


def test_outbox_failed_mail_waits_longer_after_each_failure_then_gives_up(
    settings, clock, failing_mail
):
    settings.MAIL_RETRY_DELAY = 600
    settings.MAIL_MAX_ATTEMPTS = 4
    minutes = datetime.timedelta(minutes=1)
    seen = [_state(failing_mail, clock)]
    # Not due before its next attempt, however often send_pending_mails runs.
    clock.advance(minutes=9)
    assert send_pending_mails() == (0, 0)
    for wait in (1, 20, 40):  # up to 10, 30 and 70 minutes after the first attempt
        clock.advance(minutes=wait)
        assert send_pending_mails() == (0, 1)
        seen.append(_state(failing_mail, clock))
    clock.advance(days=30)
    late = send_pending_mails()

    assert seen == [
        (1, 10 * minutes, False),
        (2, 30 * minutes, False),  # 20 minutes after the attempt at 10
        (3, 70 * minutes, False),  # 40 after the one at 30
        (4, 150 * minutes, True),  # the fourth failure gives up
    ]
    assert late == (0, 0)
    assert failing_mail.last_error == "ConnectionRefusedError: SMTP server down"
    assert mail.outbox == []


def test_outbox_mail_is_sent_on_a_later_attempt(settings, clock, failing_mail, monkeypatch):
    monkeypatch.undo()  # the SMTP server is back
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    clock.advance(minutes=11)

    assert send_pending_mails() == (1, 0)
    assert [m.to for m in mail.outbox] == [["r@example.org"]]
    failing_mail.refresh_from_db()
    assert (failing_mail.sent_at, failing_mail.attempts) == (clock.now, 1)


def test_outbox_given_up_mail_shows_in_the_admin_and_can_be_tried_again(
    client, settings, clock, failing_mail, monkeypatch
):
    settings.MAIL_MAX_ATTEMPTS = 1
    # The first failure (in the fixture) counted before the limit was 1: fail once more.
    clock.advance(minutes=11)
    send_pending_mails()
    client.force_login(admin_user())
    changelist = reverse("admin:audit_outgoingmail_changelist")

    listed = client.get(changelist, {"state": "given_up"})
    retried = client.post(
        changelist, {"action": "retry", "_selected_action": [failing_mail.pk]}, follow=True
    )
    monkeypatch.undo()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    clock.advance(minutes=3)
    sent = send_pending_mails()

    assert [m.pk for m in listed.context["cl"].result_list] == [failing_mail.pk]
    assert "SMTP server down" in listed.content.decode()
    assert retried.status_code == 200
    assert sent == (1, 0)
    assert [m.to for m in mail.outbox] == [["r@example.org"]]


def test_outbox_health_command_reports_given_up_mails(settings, clock, failing_mail, capsys):
    settings.MAIL_MAX_ATTEMPTS = 2
    clock.advance(minutes=11)
    send_pending_mails()

    with pytest.raises(SystemExit) as exit_status:
        call_command("health")
    output = capsys.readouterr().out

    assert exit_status.value.code == 2
    assert "mails given up: 1" in output
    assert f"#{failing_mail.pk} innovations.send_status_mail" in output
    assert "after 2 attempts: ConnectionRefusedError: SMTP server down" in output


def test_outbox_prune_deletes_sent_and_given_up_mails_after_the_retention(settings):
    settings.MAIL_RETENTION_DAYS = 30
    now = timezone.now()

    def outgoing(name, **fields):
        return OutgoingMail.objects.create(
            task=name, created_at=now - datetime.timedelta(days=90), **fields
        )

    days = datetime.timedelta(days=1)
    outgoing("sent-long-ago", sent_at=now - 31 * days)
    outgoing("sent-lately", sent_at=now - 29 * days)
    outgoing("given-up-long-ago", given_up_at=now - 31 * days, attempts=8)
    outgoing("given-up-lately", given_up_at=now - 2 * days, attempts=8)
    outgoing("still-due")

    deleted = prune_outbox()

    assert deleted == 2
    assert sorted(OutgoingMail.objects.values_list("task", flat=True)) == [
        "given-up-lately",
        "sent-lately",
        "still-due",
    ]
