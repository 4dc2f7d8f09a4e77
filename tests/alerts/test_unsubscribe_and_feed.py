"""The one-click unsubscribe (RFC 8058) without logging in, bad links changing nothing,
and the public Atom feed that carries no personal data."""

import datetime
from xml.etree import ElementTree

import pytest
from django.core import signing
from django.http import QueryDict
from django.urls import reverse

from alerts import notifications, searches, unsubscribe
from alerts.enums import Channel, Kind
from alerts.models import AlertSettings, SavedSearch
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def search(buyer):
    return searches.saved_search_create(
        user=buyer, query=QueryDict("domain=energy"), name="Zon voor Utrecht", frequency="daily"
    )


def test_the_link_shows_what_it_stops_and_a_get_changes_nothing(client, search):
    response = client.get(unsubscribe.search_url(search))

    assert response.status_code == 200
    assert "Zon voor Utrecht" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "daily"


def test_one_click_post_stops_the_digest_without_logging_in(client, search):
    response = client.post(
        unsubscribe.search_url(search),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    search.refresh_from_db()
    assert search.frequency == "none"


def test_the_notification_link_turns_mails_off_and_keeps_the_portal(client, buyer):
    notifications.alert_settings_update(user=buyer, channels={Kind.NEW_CHALLENGE: "off"})

    client.post(unsubscribe.notifications_url(buyer))

    channels = notifications.channels_for(buyer)
    assert channels[Kind.NEW_ADOPTER] == Channel.PORTAL
    assert channels[Kind.NEW_CHALLENGE] == Channel.OFF


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-3] + "abc",  # a changed signature
        lambda token: token.split(":")[0] + ":x:y",
        lambda token: "nonsense",
        lambda token: signing.dumps(["search", 999, 1], salt=unsubscribe.SALT),  # gone
        lambda token: signing.dumps(["search", 1, 1], salt="another-salt"),  # forged
    ],
)
def test_a_bad_link_gets_a_clear_page_and_changes_nothing(client, search, damage):
    token = unsubscribe.search_url(search).rstrip("/").rsplit("/", 1)[1]

    response = client.post(reverse("alerts:unsubscribe", args=[damage(token)]))

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "daily"
    assert not AlertSettings.objects.exists()


def test_an_expired_link_says_so_and_changes_nothing(client, search, monkeypatch):
    url = unsubscribe.search_url(search)
    monkeypatch.setattr(unsubscribe, "MAX_AGE", datetime.timedelta(seconds=-1))

    response = client.post(url)

    assert response.status_code == 400
    assert "This unsubscribe link has expired. Nothing was changed." in response.content.decode()
    search.refresh_from_db()
    assert search.frequency == "daily"


def test_the_feed_lists_the_search_and_names_no_person(client, search, buyer):
    InnovationFactory(title="Zonnedak", domains=["energy"])
    InnovationFactory(title="Deelfiets", domains=["mobility"])

    response = client.get(reverse("alerts:feed", args=[search.feed_id]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in feed.findall("a:entry/a:title", ns)] == ["Zonnedak"]
    for personal in (buyer.username, buyer.email, "Zon voor Utrecht", str(buyer.pk) + "/"):
        assert personal not in body


def test_the_feed_of_a_search_with_words(client, buyer):
    worded = searches.saved_search_create(
        user=buyer, query=QueryDict("q=zonnedak&domain=energy"), name="Zon", frequency="daily"
    )
    InnovationFactory(title="Zonnedak", domains=["energy"])
    InnovationFactory(title="Zonnedak op school", domains=["mobility"])

    response = client.get(reverse("alerts:feed", args=[worded.feed_id]))

    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in feed.findall("a:entry/a:title", ns)] == ["Zonnedak"]


def test_the_feed_id_is_unguessable_and_unknown_ones_are_404(client, search):
    assert len(search.feed_id) >= 22
    assert SavedSearch.objects.filter(feed_id=search.feed_id).count() == 1
    assert client.get(reverse("alerts:feed", args=["x" * 22])).status_code == 404
