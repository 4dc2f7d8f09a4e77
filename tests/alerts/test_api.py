"""The alerts API: saved searches, follows, notifications and their settings, and supplier
insight, each for its own role and owner only, under the contract's conventions."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import notifications, searches
from alerts.enums import Kind, Metric
from alerts.insight import aggregate
from alerts.models import Follow, InsightDay, SavedSearch
from innovations.enums import Status
from tests.factories import ChallengeFactory, InnovationFactory, buyer_user, supplier_user
from tests.problems import detail, errors, problem

pytestmark = pytest.mark.django_db

SEARCHES = "/api/v1/saved-searches"
FOLLOWS = "/api/v1/follows"
NOTIFICATIONS = "/api/v1/notifications"
SETTINGS = "/api/v1/notification-settings"


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _notify(user, innovation, n=1):
    for i in range(n):
        notifications.notify(
            user_ids=[user.pk],
            kind=Kind.NEW_ADOPTER,
            key=f"api:{innovation.pk}:{i}",
            innovation=innovation,
            data={"municipality": f"Gemeente {i}", "stage": "pilot"},
        )


# --- Saved searches ---------------------------------------------------------------------------


def test_a_buyer_saves_reads_changes_and_deletes_a_search(api, buyer):
    api.force_authenticate(buyer)

    created = api.post(
        SEARCHES,
        {"filters": {"domain": ["mobility", "energy"], "maturityMin": "6"}, "frequency": "daily"},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    search = SavedSearch.objects.get(user=buyer)
    assert search.query == "domain=energy&domain=mobility&maturity_min=6"
    assert body["filters"] == {"domain": ["energy", "mobility"], "maturityMin": ["6"]}
    assert body["catalogue_url"] == (
        "http://testserver/en/innovations/?domain=energy&domain=mobility&maturity_min=6"
    )
    assert body["feed_url"] == f"http://testserver/en/alerts/searches/feed/{search.feed_id}.atom"
    assert (body["frequency"], body["name"]) == ("daily", search.name)
    assert api.get(SEARCHES).json()["results"] == [body]

    changed = api.patch(f"{SEARCHES}/{search.pk}", {"frequency": "none"}, format="json")
    assert (changed.status_code, changed.json()["frequency"]) == (200, "none")
    assert api.get(f"{SEARCHES}/{search.pk}").json()["frequency"] == "none"

    assert api.delete(f"{SEARCHES}/{search.pk}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_saving_unknown_filters_is_400_naming_them(api, buyer):
    api.force_authenticate(buyer)

    unknown = api.post(SEARCHES, {"filters": {"colour": "red", "domain": "energy"}}, format="json")
    invalid = api.post(SEARCHES, {"filters": {"domain": "weather"}}, format="json")

    assert unknown.status_code == 400
    [reason] = errors(unknown)["filters"]
    assert reason.startswith("Unknown filters: colour. Known filters: ")
    assert "domain, hasAdoptions, maturityMax, maturityMin" in reason
    assert invalid.status_code == 400
    assert list(errors(invalid)) == ["filters"]
    assert "weather" in errors(invalid)["filters"][0]
    assert not SavedSearch.objects.exists()


def test_a_flood_of_saved_searches_is_400_with_the_limit(api, buyer, monkeypatch):
    monkeypatch.setattr(searches, "MAX_SAVED_SEARCHES", 2)
    api.force_authenticate(buyer)
    for route in ("market-ready", "needs-development"):
        api.post(SEARCHES, {"filters": {"route": route}}, format="json")

    third = api.post(SEARCHES, {"filters": {"domain": "energy"}}, format="json")

    assert third.status_code == 400
    assert detail(third).startswith("You have 2 saved searches, the most there can be.")
    assert SavedSearch.objects.count() == 2


def test_saved_searches_are_the_buyers_own(api, buyer, municipality, supplier_member):
    search = searches.saved_search_create(user=buyer, query={"domain": "energy"}, frequency="daily")
    other = buyer_user(municipality)

    assert api.get(SEARCHES).status_code == 401
    api.force_authenticate(supplier_member)
    assert problem(api.get(SEARCHES))["status"] == 403
    api.force_authenticate(other)
    assert api.get(SEARCHES).json()["results"] == []
    for response in (
        api.get(f"{SEARCHES}/{search.pk}"),
        api.patch(f"{SEARCHES}/{search.pk}", {"frequency": "none"}, format="json"),
        api.delete(f"{SEARCHES}/{search.pk}"),
    ):
        assert problem(response)["status"] == 404
    search.refresh_from_db()
    assert search.frequency == "daily"


def test_saved_search_list_query_count(api, buyer, django_assert_max_num_queries):
    api.force_authenticate(buyer)
    searches.saved_search_create(user=buyer, query={"domain": "energy"}, frequency="daily")
    with django_assert_max_num_queries(6):
        assert api.get(SEARCHES).json()["count"] == 1
    for route in ("market-ready", "needs-development"):
        searches.saved_search_create(user=buyer, query={"route": route}, frequency="weekly")
    with django_assert_max_num_queries(6):
        assert api.get(SEARCHES).json()["count"] == 3


# --- Follows ----------------------------------------------------------------------------------


def test_a_buyer_follows_an_innovation_once_and_unfollows(api, buyer, innovation):
    api.force_authenticate(buyer)

    first = api.post(FOLLOWS, {"innovation": innovation.slug}, format="json")
    again = api.post(FOLLOWS, {"innovation": innovation.slug}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["innovation"] == {"slug": innovation.slug, "title": innovation.title}
    assert first.json()["challenge"] is None
    assert api.get(FOLLOWS).json()["results"] == [first.json()]
    assert api.delete(f"{FOLLOWS}/{first.json()['id']}").status_code == 204
    assert not Follow.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN])
def test_following_what_one_cannot_see_is_404(api, buyer, supplier, status):
    hidden = InnovationFactory(supplier=supplier, status=status)
    closed = ChallengeFactory(status="closed")  # of another municipality
    api.force_authenticate(buyer)

    for body in ({"innovation": hidden.slug}, {"innovation": "nothing"}, {"challenge": closed.pk}):
        assert problem(api.post(FOLLOWS, body, format="json"))["status"] == 404
    assert not Follow.objects.exists()


def test_a_supplier_follows_challenges_and_not_innovations(api, supplier_member, innovation):
    challenge = ChallengeFactory()
    api.force_authenticate(supplier_member)

    refused = api.post(FOLLOWS, {"innovation": innovation.slug}, format="json")
    followed = api.post(FOLLOWS, {"challenge": challenge.pk}, format="json")
    both = api.post(FOLLOWS, {"challenge": challenge.pk, "innovation": "x"}, format="json")

    assert problem(refused)["status"] == 403
    assert followed.status_code == 201
    assert followed.json()["challenge"] == {
        "id": challenge.pk,
        "title": challenge.title,
        "municipality": challenge.municipality.name,
    }
    assert both.status_code == 400


def test_follows_are_their_owners_own(api, buyer, municipality, innovation):
    api.force_authenticate(buyer)
    follow_id = api.post(FOLLOWS, {"innovation": innovation.slug}, format="json").json()["id"]
    api.force_authenticate(buyer_user(municipality))

    assert api.get(FOLLOWS).json()["results"] == []
    assert problem(api.get(f"{FOLLOWS}/{follow_id}"))["status"] == 404
    assert problem(api.delete(f"{FOLLOWS}/{follow_id}"))["status"] == 404
    assert Follow.objects.count() == 1


def test_follow_list_query_count(api, buyer, supplier, django_assert_max_num_queries):
    api.force_authenticate(buyer)
    api.post(FOLLOWS, {"innovation": InnovationFactory(supplier=supplier).slug}, format="json")
    with django_assert_max_num_queries(6):
        assert api.get(FOLLOWS).json()["count"] == 1
    for _ in range(3):
        api.post(FOLLOWS, {"innovation": InnovationFactory(supplier=supplier).slug}, format="json")
    api.post(FOLLOWS, {"challenge": ChallengeFactory().pk}, format="json")
    with django_assert_max_num_queries(6):
        assert api.get(FOLLOWS).json()["count"] == 5


# --- Notifications and settings ---------------------------------------------------------------


@pytest.mark.translated
def test_notifications_are_listed_in_the_callers_language_and_marked_read(
    api, buyer, municipality, innovation
):
    _notify(buyer, innovation, 2)
    _notify(buyer_user(municipality), innovation, 1)
    api.force_authenticate(buyer)

    english = api.get(NOTIFICATIONS).json()
    dutch = api.get(NOTIFICATIONS, headers={"accept-language": "nl"}).json()

    assert english["count"] == 2
    first = english["results"][0]
    assert first["message"] == "Gemeente 1 uses Slimme lantaarnpalen (pilot)."
    assert dutch["results"][0]["message"] == "Gemeente 1 gebruikt Slimme lantaarnpalen (pilot)."
    assert first["url"] == "http://testserver/en/innovations/slimme-lantaarnpalen/"
    assert (first["kind"], first["innovation"], first["read_at"]) == (
        "new_adopter",
        innovation.slug,
        None,
    )

    one = api.post(f"{NOTIFICATIONS}/read", {"ids": [first["id"]]}, format="json")
    assert one.json() == {"marked": 1, "unread": 1}
    assert [n["id"] for n in api.get(NOTIFICATIONS, {"unread": "true"}).json()["results"]] == [
        english["results"][1]["id"]
    ]
    assert api.post(f"{NOTIFICATIONS}/read", {"all": True}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }
    assert errors(api.get(NOTIFICATIONS, {"unread": "yes"})) == {"unread": ["Give true or false."]}


def test_marking_anothers_notifications_changes_nothing(api, buyer, municipality, innovation):
    other = buyer_user(municipality)
    _notify(other, innovation, 1)
    theirs = notifications.notifications_of(other).get()
    api.force_authenticate(buyer)

    assert api.post(f"{NOTIFICATIONS}/read", {"ids": [theirs.pk]}, format="json").json() == {
        "marked": 0,
        "unread": 0,
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_list_query_count(api, buyer, supplier, django_assert_max_num_queries):
    api.force_authenticate(buyer)
    _notify(buyer, InnovationFactory(supplier=supplier), 1)
    with django_assert_max_num_queries(5):
        assert api.get(NOTIFICATIONS).json()["count"] == 1
    for _ in range(3):
        _notify(buyer, InnovationFactory(supplier=supplier), 2)
    with django_assert_max_num_queries(5):
        assert api.get(NOTIFICATIONS).json()["count"] == 7


def test_a_supplier_opts_in_to_new_challenges_in_their_domains(api, supplier_member):
    api.force_authenticate(supplier_member)

    before = {row["kind"]: row["channel"] for row in api.get(SETTINGS).json()["channels"]}
    changed = api.patch(
        SETTINGS, {"channels": [{"kind": "new_challenge", "channel": "mail"}]}, format="json"
    )

    assert before == {
        "challenge_deadline": "mail",
        "challenge_closed": "mail",
        "new_challenge": "off",
        "response_marked": "mail",
    }
    assert changed.status_code == 200
    assert {row["kind"]: row["channel"] for row in changed.json()["channels"]}[
        "new_challenge"
    ] == "mail"
    assert notifications.channels_for(supplier_member)[Kind.NEW_CHALLENGE] == "mail"


def test_settings_refuse_kinds_one_cannot_receive_and_unknown_channels(api, buyer):
    api.force_authenticate(buyer)

    foreign = api.patch(
        SETTINGS, {"channels": [{"kind": "response_marked", "channel": "off"}]}, format="json"
    )
    pigeon = api.patch(
        SETTINGS, {"channels": [{"kind": "new_adopter", "channel": "pigeon"}]}, format="json"
    )
    empty = api.patch(SETTINGS, {"channels": []}, format="json")

    assert errors(foreign)["channels"][0].startswith(
        "Not a kind of notification you can receive: response_marked."
    )
    assert list(errors(pigeon)) == ["channels.0.channel"]
    assert empty.status_code == 400
    assert notifications.channels_for(buyer)[Kind.RESPONSE_MARKED] == "mail"


# --- Insight ----------------------------------------------------------------------------------


def test_the_api_gives_the_insight_the_dashboard_shows(api, client, supplier_member, innovation):
    today = timezone.localdate()
    InsightDay.objects.create(innovation=innovation, day=today, metric=Metric.VIEWS, count=42)
    InsightDay.objects.create(innovation=innovation, day=today, metric=Metric.COMPARISONS, count=3)
    aggregate.insight_flush()
    api.force_authenticate(supplier_member)
    client.force_login(supplier_member)

    one = api.get(f"/api/v1/supplier/innovations/{innovation.pk}/insight").json()
    listed = api.get("/api/v1/supplier/insight").json()
    csv = client.get(f"/en/alerts/insight/{innovation.pk}/insight.csv").content.decode()

    assert listed["results"] == [one]
    assert one["innovation"] == {
        "id": innovation.pk,
        "slug": innovation.slug,
        "title": "Slimme lantaarnpalen",
    }
    assert len(one["months"]) == 12
    this_month = one["months"][-1]
    assert this_month == {
        "month": today.strftime("%Y-%m"),
        "views": 42,
        "shortlists": 0,
        "comparisons": 3,
        "suggestions": 0,
        "claims": 0,
        "verifications": 0,
        "followers": 0,
    }
    # The CSV's lines are the API's months.
    assert [
        ",".join([innovation.slug, *(str(v) for v in month.values())]) for month in one["months"]
    ] == csv.splitlines()[1:]


def test_insight_is_the_suppliers_own(api, innovation, supplier, buyer):
    api.force_authenticate(supplier_user())  # another supplier

    assert (
        problem(api.get(f"/api/v1/supplier/innovations/{innovation.pk}/insight"))["status"] == 404
    )
    assert api.get("/api/v1/supplier/insight").json()["results"] == []
    api.force_authenticate(buyer)
    assert problem(api.get("/api/v1/supplier/insight"))["status"] == 403
    api.force_authenticate(None)
    assert problem(api.get("/api/v1/supplier/insight"))["status"] == 401


def test_insight_list_query_count(api, supplier, supplier_member, django_assert_max_num_queries):
    InnovationFactory(supplier=supplier)
    api.force_authenticate(supplier_member)
    api.get("/api/v1/supplier/insight")  # the embedded default's flush, once a minute
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/supplier/insight").json()["count"] == 1
    for _ in range(4):
        InnovationFactory(supplier=supplier)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/supplier/insight").json()["count"] == 5
