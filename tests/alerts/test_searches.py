"""Saved searches: checked by the catalogue's own filters, limited per user, kept apart
per user, and their pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from alerts import searches
from alerts.models import SavedSearch
from tests.factories import InnovationFactory, buyer_user, supplier_user

pytestmark = pytest.mark.django_db


def _save(user, query="domain=energy", **kwargs):
    kwargs.setdefault("frequency", "daily")
    return searches.saved_search_create(user=user, query=QueryDict(query), **kwargs)


def test_canonical_query_keeps_known_filters_sorted_without_page_and_order():
    query = QueryDict("route=market-ready&domain=mobility&domain=energy&page=3&ordering=title&q=")

    assert searches.canonical_query(query) == "domain=energy&domain=mobility&route=market-ready"


def test_unknown_filters_are_refused_by_name():
    with pytest.raises(ValidationError) as error:
        searches.canonical_query(QueryDict("domain=energy&colour=red&sort=x"))

    assert error.value.message_dict["query"][0].startswith("Unknown filters: colour, sort.")


def test_invalid_values_are_refused_by_the_catalogues_filters():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        searches.canonical_query(QueryDict("domain=space&maturity_min=12"))

    messages = error.value.message_dict["query"]
    assert len(messages) == 2
    assert messages[0].startswith("Domain: Select a valid choice.")


def test_a_search_finds_what_the_catalogue_finds(buyer):
    energy = InnovationFactory(title="Zonnedak", domains=["energy"])
    InnovationFactory(title="Deelfiets", domains=["mobility"])
    search = _save(buyer, "domain=energy")

    assert [i.pk for i in searches.matching(search)] == [energy.pk]


def test_default_name_describes_the_filters(buyer):
    search = _save(buyer, "q=zonne&domain=energy")

    assert search.name == "“zonne” · Energy"


def test_saving_the_same_search_twice_is_refused(buyer):
    _save(buyer, "domain=energy")

    with pytest.raises(ValidationError) as error:
        _save(buyer, "domain=energy&page=2")

    assert error.value.message_dict == {"query": ["You have saved this search already."]}


def test_a_flood_of_saved_searches_meets_the_limit(buyer, settings):
    for maturity in range(1, 10):
        for route in ("", "market-ready", "needs-development"):
            if SavedSearch.objects.count() < searches.MAX_SAVED_SEARCHES:
                _save(buyer, f"maturity_min={maturity}&route={route}")

    with pytest.raises(ValidationError) as error:
        _save(buyer, "q=zonne")

    assert error.value.messages == [
        "You have 25 saved searches, the most there can be. Delete one you no longer need first."
    ]
    assert SavedSearch.objects.filter(user=buyer).count() == searches.MAX_SAVED_SEARCHES


def test_only_buyers_save_searches(supplier):
    with pytest.raises(PermissionDenied):
        _save(supplier_user(supplier))


def test_the_save_page_shows_the_search_and_saves_it(client, buyer):
    client.force_login(buyer)
    url = reverse("alerts:search_create") + "?domain=energy&route=market-ready&page=2"

    page = client.get(url)
    response = client.post(
        reverse("alerts:search_create"),
        {"query": "domain=energy&route=market-ready", "name": "", "frequency": "weekly"},
    )

    assert page.status_code == 200
    assert "Market-ready" in page.content.decode()
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert (search.user, search.query, search.frequency) == (
        buyer,
        "domain=energy&route=market-ready",
        "weekly",
    )


def test_the_save_page_refuses_unknown_filters_with_400(client, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("alerts:search_create"), {"query": "colour=red", "frequency": "weekly"}
    )

    assert response.status_code == 400
    assert "Unknown filters: colour." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_the_save_page_says_above_the_form_that_the_search_is_saved_already(client, buyer):
    client.force_login(buyer)
    data = {"query": "domain=energy", "name": "", "frequency": "weekly"}
    client.post(reverse("alerts:search_create"), data)

    again = client.post(reverse("alerts:search_create"), data)

    # The service names the hidden `query` field: the page shows it with the form's errors.
    assert again.status_code == 400
    assert again.context["form"].non_field_errors() == ["You have saved this search already."]
    assert "You have saved this search already." in again.content.decode()
    assert SavedSearch.objects.count() == 1


def test_a_buyer_sees_and_changes_only_their_own_searches(client, buyer, municipality):
    own = _save(buyer, "domain=energy", name="Mijn zoekopdracht")
    other = _save(buyer_user(municipality), "domain=care", name="Van een ander")
    client.force_login(buyer)

    listing = client.get(reverse("alerts:searches")).content.decode()
    edit_other = client.get(reverse("alerts:search_edit", args=[other.pk]))
    delete_other = client.post(reverse("alerts:search_delete", args=[other.pk]))
    edit_own = client.post(
        reverse("alerts:search_edit", args=[own.pk]), {"name": "Zon", "frequency": "none"}
    )

    assert "Mijn zoekopdracht" in listing and "Van een ander" not in listing
    assert (edit_other.status_code, delete_other.status_code) == (404, 404)
    assert edit_own.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.frequency) == ("Zon", "none")
    assert SavedSearch.objects.filter(pk=other.pk).exists()


def test_deleting_a_search_asks_first(client, buyer):
    search = _save(buyer, "domain=energy", name="Zon")
    client.force_login(buyer)
    url = reverse("alerts:search_delete", args=[search.pk])

    listing = client.get(reverse("alerts:searches")).content.decode()
    asked = client.get(url)

    assert f'href="{url}"' in listing
    assert asked.status_code == 200
    assert "Delete the saved search" in asked.content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    assert client.post(url).status_code == 302
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_search_list_query_count(client, buyer, django_assert_max_num_queries):
    client.force_login(buyer)
    _save(buyer, "domain=energy")
    with django_assert_max_num_queries(9) as one:
        client.get(reverse("alerts:searches"))
    for route in ("market-ready", "needs-development"):
        _save(buyer, f"route={route}")
        _save(buyer, f"route={route}&domain=care")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("alerts:searches"))


def test_the_save_page_for_a_catalogue_address_with_unknown_filters_is_400(client, buyer):
    client.force_login(buyer)

    response = client.get(reverse("alerts:search_create") + "?domain=energy&colour=red")

    assert response.status_code == 400
    assert "Unknown filters: colour." in response.content.decode()
