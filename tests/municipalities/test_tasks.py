import datetime
import time

import pytest
from django.core import mail

from municipalities import adoptions, tasks
from municipalities.models import Adoption


def _wait_for_mail(count: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_verification_mail_is_sent_by_a_real_worker_after_commit(
    celery_worker_real, buyer, reviewer, municipality, innovation
):
    adoption = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage="pilot",
        started_on=datetime.date(2024, 1, 15),
    )

    adoptions.adoption_verify(
        user=reviewer, adoption=adoption, decision="reject", note="Welk contract?"
    )
    _wait_for_mail(1)

    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "Welk contract?" in mail.outbox[0].body
    assert f"/nl/municipalities/adoptions/{adoption.pk}/" in mail.outbox[0].body


@pytest.mark.django_db
def test_tasks_return_quietly_when_the_row_is_gone():
    tasks.mail_adoption_decision(adoption_id=999_999)
    tasks.mail_challenge_response(response_id=999_999)

    assert (mail.outbox, Adoption.objects.count()) == ([], 0)


def test_mails_are_in_the_recipients_language(
    buyer, reviewer, municipality, innovation, django_capture_on_commit_callbacks
):
    buyer.language = "en"
    buyer.save(update_fields=["language"])
    adoption = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage="pilot",
        started_on=datetime.date(2024, 1, 15),
    )

    with django_capture_on_commit_callbacks(execute=True):
        adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    assert mail.outbox[0].subject == "Your adoption of “Slimme lantaarnpalen” is verified"
    assert f"/en/municipalities/adoptions/{adoption.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
