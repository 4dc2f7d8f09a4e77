"""A buyer's private shortlist and comparing two to four innovations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innovations.enums import Status
from municipalities import shortlists
from municipalities.enums import Stage, Verification
from municipalities.models import ShortlistItem
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)

SHORTLIST = "/nl/municipalities/shortlist/"
ADD = "/nl/municipalities/shortlist/add/"
REMOVE = "/nl/municipalities/shortlist/remove/"
COMPARE = "/nl/municipalities/shortlist/compare/"


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _on_list(user):
    return sorted(
        ShortlistItem.objects.filter(user=user).values_list("innovation__slug", flat=True)
    )


@pytest.fixture
def buyer(db):
    return buyer_user()


def test_shortlist_add_puts_an_innovation_on_the_list_once(client, buyer):
    innovation = InnovationFactory(slug="zonnedak", title="Zonnedak")
    client.force_login(buyer)

    first = client.post(f"/en{ADD[3:]}", {"innovation": "zonnedak"}, follow=True)
    second = client.post(f"/en{ADD[3:]}", {"innovation": "zonnedak"}, follow=True)

    assert _on_list(buyer) == ["zonnedak"]
    assert _messages(first) == ["“Zonnedak” is on your shortlist now."]
    assert _messages(second) == ["“Zonnedak” was on your shortlist already."]
    assert second.redirect_chain[-1][0] == f"/en{SHORTLIST[3:]}"
    assert [i.pk for i in second.context["page"].object_list] == [innovation.pk]


def test_shortlist_add_returns_to_the_page_it_came_from(client, buyer):
    InnovationFactory(slug="zonnedak")
    client.force_login(buyer)

    response = client.post(ADD, {"innovation": "zonnedak", "next": "/nl/innovations/?q=zon"})
    offsite = client.post(ADD, {"innovation": "zonnedak", "next": "https://evil.example/"})

    assert response.headers["Location"] == "/nl/innovations/?q=zon"
    assert offsite.headers["Location"] == SHORTLIST


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN])
def test_shortlist_add_refuses_innovations_outside_the_catalogue(client, buyer, status):
    InnovationFactory(slug="niet-publiek", status=status)
    client.force_login(buyer)

    response = client.post(ADD, {"innovation": "niet-publiek"}, follow=True)

    assert _on_list(buyer) == []
    assert len(_messages(response)) == 1


def test_shortlist_add_of_an_unknown_innovation_is_404(client, buyer):
    client.force_login(buyer)

    assert client.post(ADD, {"innovation": "bestaat-niet"}).status_code == 404


def test_shortlist_remove_takes_it_off(client, buyer):
    innovation = InnovationFactory(slug="zonnedak")
    ShortlistItem.objects.create(user=buyer, innovation=innovation)
    client.force_login(buyer)

    response = client.post(REMOVE, {"innovation": "zonnedak"}, follow=True)

    assert _on_list(buyer) == []
    assert response.context["page"].paginator.count == 0
    assert "koploper-empty" in response.content.decode()


def test_shortlist_is_private_to_the_buyer(client, buyer):
    colleague = buyer_user()
    ShortlistItem.objects.create(user=colleague, innovation=InnovationFactory(title="Van collega"))
    mine = InnovationFactory(title="Van mij")
    ShortlistItem.objects.create(user=buyer, innovation=mine)
    client.force_login(buyer)

    response = client.get(SHORTLIST)

    assert list(response.context["page"].object_list) == [mine]
    assert "Van collega" not in response.content.decode()


def test_shortlist_hides_innovations_that_left_the_catalogue(client, buyer):
    withdrawn = InnovationFactory(status=Status.WITHDRAWN)
    ShortlistItem.objects.create(user=buyer, innovation=withdrawn)
    client.force_login(buyer)

    assert list(client.get(SHORTLIST).context["page"].object_list) == []


def test_shortlist_pages_need_a_login(client, db):
    for url in (SHORTLIST, f"{COMPARE}?innovation=a&innovation=b"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/nl/accounts/login/?next=")
    response = client.post(ADD, {"innovation": "a"})
    assert (response.status_code, response.headers["Location"].split("?")[0]) == (
        302,
        "/nl/accounts/login/",
    )


@pytest.mark.parametrize("make_user", [supplier_user, reviewer_user])
def test_shortlist_is_for_buyers_only(client, db, make_user):
    InnovationFactory(slug="zonnedak")
    client.force_login(make_user())

    assert client.get(SHORTLIST).status_code == 403
    assert client.post(ADD, {"innovation": "zonnedak"}).status_code == 403
    assert client.post(REMOVE, {"innovation": "zonnedak"}).status_code == 403
    assert client.get(COMPARE).status_code == 403
    assert ShortlistItem.objects.count() == 0


def test_administrator_keeps_a_shortlist_of_their_own(client, db):
    """DESIGN.md's roles give administrators what buyers may do, the shortlist included."""
    InnovationFactory(slug="zonnedak")
    admin = admin_user()
    client.force_login(admin)

    added = client.post(ADD, {"innovation": "zonnedak"})
    page = client.get(SHORTLIST)

    catalogue = client.get("/nl/innovations/").content.decode()

    assert (added.status_code, page.status_code) == (302, 200)
    assert _on_list(admin) == ["zonnedak"]
    assert f'href="{SHORTLIST}"' in catalogue  # the navigation entry
    assert '<input type="hidden" name="innovation" value="zonnedak">' in catalogue


def test_shortlist_add_and_remove_need_post(client, buyer):
    client.force_login(buyer)

    assert client.get(ADD).status_code == 405
    assert client.get(REMOVE).status_code == 405


def test_shortlist_add_needs_a_csrf_token(buyer):
    from django.test import Client

    InnovationFactory(slug="zonnedak")
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)

    assert client.post(ADD, {"innovation": "zonnedak"}).status_code == 403


def test_shortlist_service_refuses_non_buyers_and_full_lists(db, settings):
    innovation = InnovationFactory()
    with pytest.raises(PermissionDenied):
        shortlists.shortlist_add(user=supplier_user(), innovation=innovation)
    buyer = buyer_user()
    for other in InnovationFactory.create_batch(shortlists.MAX_SHORTLIST):
        ShortlistItem.objects.create(user=buyer, innovation=other)

    with pytest.raises(ValidationError):
        shortlists.shortlist_add(user=buyer, innovation=innovation)


def test_shortlist_button_shows_the_state(client, buyer):
    on_list = InnovationFactory(slug="op-lijst")
    InnovationFactory(slug="niet-op-lijst")
    ShortlistItem.objects.create(user=buyer, innovation=on_list)
    client.force_login(buyer)

    content = client.get("/nl/innovations/").content.decode()

    assert content.count('action="/nl/municipalities/shortlist/remove/"') == 1
    assert content.count('action="/nl/municipalities/shortlist/add/"') == 1


def test_shortlist_is_in_the_buyers_navigation(client, buyer):
    client.force_login(buyer)

    assert 'href="/nl/municipalities/shortlist/"' in client.get("/nl/").content.decode()


# --- Compare ------------------------------------------------------------------------------


def _shortlist(buyer, n):
    innovations = [InnovationFactory(slug=f"innovatie-{i}", title=f"Idee {i}") for i in range(n)]
    for innovation in innovations:
        ShortlistItem.objects.create(user=buyer, innovation=innovation)
    return innovations


def test_compare_shows_the_chosen_innovations_in_order(client, buyer):
    first, second, third = _shortlist(buyer, 3)
    zwolle, gent = MunicipalityFactory.create_batch(2)
    AdoptionFactory(innovation=third, municipality=zwolle, stage=Stage.SCALED)
    AdoptionFactory(innovation=third, municipality=gent, stage=Stage.PILOT)
    AdoptionFactory(
        innovation=first, municipality=gent, verification=Verification.CLAIMED
    )  # not counted
    client.force_login(buyer)

    response = client.get(COMPARE, {"innovation": [third.slug, first.slug]})

    assert response.status_code == 200
    compared = response.context["innovations"]
    assert compared == [third, first]
    assert [(i.adoption_count, [n for _, n in i.stages]) for i in compared] == [
        (2, [1, 0, 1, 0]),
        (0, [0, 0, 0, 0]),
    ]
    content = response.content.decode()
    assert content.count('<th scope="row">') >= 8
    assert second.title not in content


@pytest.mark.parametrize(
    ("count", "message_part"), [(0, "two to four"), (1, "two to four"), (5, "at most 4")]
)
def test_compare_needs_two_to_four(client, buyer, count, message_part):
    innovations = _shortlist(buyer, 5)
    client.force_login(buyer)

    response = client.get(
        "/en/municipalities/shortlist/compare/",
        {"innovation": [i.slug for i in innovations[:count]]},
        follow=True,
    )

    assert response.redirect_chain[-1] == ("/en/municipalities/shortlist/", 302)
    messages = _messages(response)
    assert len(messages) == 1
    assert message_part in messages[0]


def test_compare_only_the_buyers_own_shortlist(client, buyer):
    mine = _shortlist(buyer, 1)[0]
    not_shortlisted = InnovationFactory()
    client.force_login(buyer)

    response = client.get(COMPARE, {"innovation": [mine.slug, not_shortlisted.slug]}, follow=True)

    assert response.redirect_chain[-1][0] == SHORTLIST
    assert len(_messages(response)) == 1


def test_compare_counts_a_repeated_choice_once(client, buyer):
    first, second = _shortlist(buyer, 2)
    client.force_login(buyer)

    response = client.get(COMPARE, {"innovation": [first.slug, first.slug, second.slug]})

    assert response.context["innovations"] == [first, second]


@pytest.mark.parametrize("n", [2, 4])
def test_compare_query_count_does_not_grow_with_items(
    client, buyer, django_assert_max_num_queries, n
):
    innovations = _shortlist(buyer, n)
    for innovation in innovations:
        for municipality in MunicipalityFactory.create_batch(2):
            AdoptionFactory(innovation=innovation, municipality=municipality)
    client.force_login(buyer)

    with django_assert_max_num_queries(12):
        response = client.get(COMPARE, {"innovation": [i.slug for i in innovations]})

    assert len(response.context["innovations"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_shortlist_page_query_count_does_not_grow_with_items(
    client, buyer, django_assert_max_num_queries, n
):
    _shortlist(buyer, n)
    client.force_login(buyer)

    with django_assert_max_num_queries(10):
        response = client.get(SHORTLIST)

    assert response.context["page"].paginator.count == n
