"""The notifications page, the count in the header, marking read, the settings, and the
daily notification mail (one a day at most, sent once)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import mails, notifications
from alerts.enums import Kind
from alerts.models import AlertSettings, Notification
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notify(user, innovation, n=1, kind=Kind.NEW_ADOPTER):
    for i in range(n):
        notifications.notify(
            user_ids=[user.pk],
            kind=kind,
            key=f"test:{innovation.pk}:{i}:{kind}",
            innovation=innovation,
            data={"municipality": f"Gemeente {i}", "stage": "pilot"},
        )


def test_the_header_counts_unread_notifications(client, buyer, innovation):
    _notify(buyer, innovation, 3)
    client.force_login(buyer)

    page = client.get(reverse("home")).content.decode()

    assert 'Notifications <span class="koploper-count">3<span' in page


def test_the_header_count_costs_no_query_once_cached(
    client, buyer, innovation, django_assert_num_queries
):
    _notify(buyer, innovation, 2)
    client.force_login(buyer)
    client.get(reverse("home"))
    with django_assert_num_queries(0):
        assert notifications.unread_count(buyer) == 2


def test_opening_a_notification_marks_it_read_and_goes_to_it(client, buyer, innovation):
    _notify(buyer, innovation, 2)
    client.force_login(buyer)
    first = Notification.objects.order_by("pk").first()

    response = client.get(reverse("alerts:notification_open", args=[first.pk]))

    assert response.headers["Location"] == reverse("innovations:detail", args=[innovation.slug])
    assert notifications.unread_count(buyer) == 1
    assert 'koploper-count">1<' in client.get(reverse("home")).content.decode()


def test_nobody_opens_anothers_notification(client, buyer, innovation):
    _notify(buyer, innovation)
    client.force_login(UserFactory())

    response = client.get(reverse("alerts:notification_open", args=[Notification.objects.get().pk]))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_as_read(client, buyer, innovation):
    _notify(buyer, innovation, 3)
    client.force_login(buyer)

    client.post(reverse("alerts:notifications"))

    assert notifications.unread_count(buyer) == 0


def test_notification_list_query_count(client, buyer, django_assert_max_num_queries):
    client.force_login(buyer)
    _notify(buyer, InnovationFactory())
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("alerts:notifications"))
    for _ in range(5):
        _notify(buyer, InnovationFactory(), 2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("alerts:notifications"))
    assert response.content.decode().count("koploper-notification--unread") == 11


def test_settings_page_saves_a_channel_per_kind(client, buyer):
    client.force_login(buyer)
    page = client.get(reverse("alerts:settings"))
    data = {kind: "mail" for kind in page.context["form"].fields}
    data[Kind.STAGE_CHANGE] = "portal"

    response = client.post(reverse("alerts:settings"), data)

    assert response.status_code == 302
    assert notifications.channels_for(buyer)[Kind.STAGE_CHANGE] == "portal"
    assert Kind.RESPONSE_MARKED not in page.context["form"].fields  # a supplier's kind


def test_settings_refuse_an_unknown_channel(client, buyer):
    client.force_login(buyer)

    response = client.post(reverse("alerts:settings"), {Kind.NEW_ADOPTER: "pigeon"})

    assert response.status_code == 400
    assert not AlertSettings.objects.exists()


def test_the_notification_mail_gathers_a_day_and_comes_once_a_day(
    buyer, innovation, django_capture_on_commit_callbacks
):
    _notify(buyer, innovation, 2)
    notifications.alert_settings_update(user=buyer, channels={Kind.EVALUATION: "portal"})
    _notify(buyer, innovation, 1, kind=Kind.EVALUATION)  # portal only: not mailed
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        first = mails.notification_mails_make(today=today)
        _notify(buyer, InnovationFactory(title="Later"), 1)
        second = mails.notification_mails_make(today=today)

    assert (first, second) == (1, 0)
    [message] = mail.outbox
    assert message.subject == "Koploper: 2 new notifications"
    assert message.body.count("\n- ") == 2
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    with django_capture_on_commit_callbacks(execute=True):
        tomorrow = mails.notification_mails_make(today=today + datetime.timedelta(days=1))
    assert tomorrow == 1
    assert mail.outbox[1].subject == "Koploper: 1 new notification"
    assert "Gemeente 0 uses Later (pilot)." in mail.outbox[1].body


@pytest.mark.translated
def test_the_notification_mail_is_in_the_recipients_language(
    buyer, supplier_member, innovation, django_capture_on_commit_callbacks, settings
):
    settings.KOPLOPER_BASE_URL = "https://koploper.example"
    _notify(buyer, innovation, 1)  # buyer.language == "nl"
    _notify(supplier_member, innovation, 1)  # supplier_member.language == "en"

    with django_capture_on_commit_callbacks(execute=True):
        mails.notification_mails_make(today=timezone.localdate())

    by_recipient = {message.to[0]: message for message in mail.outbox}
    dutch, english = by_recipient["inkoper@example.org"], by_recipient["lev@example.org"]
    assert dutch.subject == "Koploper: 1 nieuwe melding"
    assert "Gemeente 0 gebruikt Slimme lantaarnpalen (pilot)." in dutch.body
    assert "https://koploper.example/nl/innovations/slimme-lantaarnpalen/" in dutch.body
    assert english.subject == "Koploper: 1 new notification"
    assert "Gemeente 0 uses Slimme lantaarnpalen (pilot)." in english.body
    assert dutch.extra_headers["List-Unsubscribe"].startswith(
        "<https://koploper.example/nl/alerts/unsubscribe/"
    )
    assert english.extra_headers["List-Unsubscribe"].startswith(
        "<https://koploper.example/en/alerts/unsubscribe/"
    )
