"""Following: who may follow what, and what cannot be seen is a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Follow
from innovations.enums import Status
from municipalities.enums import ChallengeStatus
from tests.factories import (
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
    buyer_user,
    reviewer_user,
)

pytestmark = pytest.mark.django_db


def test_a_buyer_follows_and_unfollows_an_innovation(client, buyer, innovation):
    client.force_login(buyer)

    followed = client.post(reverse("alerts:follow"), {"innovation": innovation.slug})
    again = client.post(reverse("alerts:follow"), {"innovation": innovation.slug})
    page = client.get(reverse("innovations:detail", args=[innovation.slug])).content.decode()
    listing = client.get(reverse("alerts:follows")).content.decode()
    client.post(reverse("alerts:unfollow"), {"innovation": innovation.slug})

    assert (followed.status_code, again.status_code) == (302, 302)
    assert "Stop following" in page and innovation.title in listing
    assert not Follow.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN])
def test_following_an_innovation_one_cannot_see_is_404(client, buyer, supplier, status):
    hidden = InnovationFactory(supplier=supplier, status=status, slug="verborgen")
    client.force_login(buyer)

    response = client.post(reverse("alerts:follow"), {"innovation": hidden.slug})

    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_following_an_unknown_thing_is_404(client, buyer):
    client.force_login(buyer)

    assert client.post(reverse("alerts:follow"), {"innovation": "bestaat-niet"}).status_code == 404
    assert client.post(reverse("alerts:follow"), {"challenge": "9999"}).status_code == 404
    assert client.post(reverse("alerts:follow"), {"challenge": "x'"}).status_code == 404


def test_a_closed_challenge_of_another_municipality_cannot_be_followed(
    client, supplier_member, buyer, municipality
):
    closed = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    expired = ChallengeFactory(
        municipality=municipality, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(supplier_member)

    assert client.post(reverse("alerts:follow"), {"challenge": closed.pk}).status_code == 404
    assert client.post(reverse("alerts:follow"), {"challenge": expired.pk}).status_code == 404
    client.force_login(buyer)  # its own municipality's buyer sees it
    assert client.post(reverse("alerts:follow"), {"challenge": closed.pk}).status_code == 302


def test_a_supplier_follows_challenges_but_not_innovations(client, supplier_member, innovation):
    challenge = ChallengeFactory(municipality=MunicipalityFactory())
    client.force_login(supplier_member)

    challenge_follow = client.post(reverse("alerts:follow"), {"challenge": challenge.pk})
    innovation_follow = client.post(reverse("alerts:follow"), {"innovation": innovation.slug})

    assert (challenge_follow.status_code, innovation_follow.status_code) == (302, 403)
    assert list(Follow.objects.values_list("challenge_id", "innovation_id")) == [
        (challenge.pk, None)
    ]


def test_a_reviewer_follows_nothing(client, innovation):
    client.force_login(reviewer_user())

    assert client.post(reverse("alerts:follow"), {"innovation": innovation.slug}).status_code == 403
    assert client.get(reverse("alerts:follows")).status_code == 403


def test_a_buyers_follows_are_their_own(client, buyer, innovation, municipality):
    other = buyer_user(municipality)
    Follow.objects.create(user=other, innovation=innovation)
    client.force_login(buyer)

    listing = client.get(reverse("alerts:follows")).content.decode()
    unfollow = client.post(reverse("alerts:unfollow"), {"innovation": innovation.slug})

    assert innovation.title not in listing
    assert unfollow.status_code == 302
    assert Follow.objects.filter(user=other).exists()


def test_follow_list_query_count(client, buyer, django_assert_max_num_queries):
    client.force_login(buyer)
    Follow.objects.create(user=buyer, innovation=InnovationFactory())
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("alerts:follows"))
    for _ in range(4):
        Follow.objects.create(user=buyer, innovation=InnovationFactory())
        Follow.objects.create(user=buyer, challenge=ChallengeFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("alerts:follows"))


def test_follow_list_pages_each_list_and_keeps_the_others_page(
    client, buyer, django_assert_max_num_queries
):
    """Up to MAX_FOLLOWS follows: each list comes in pages of its own, newest first; the
    links of one list keep the page of the other."""
    from alerts.views import PAGE_SIZE

    now = timezone.now()
    innovations = [InnovationFactory(title=f"Innovatie {i:02d}") for i in range(PAGE_SIZE + 3)]
    challenges = [ChallengeFactory(title=f"Uitdaging {i:02d}") for i in range(PAGE_SIZE + 1)]
    for i, innovation in enumerate(innovations):
        Follow.objects.create(
            user=buyer, innovation=innovation, created_at=now - datetime.timedelta(minutes=i)
        )
    for i, challenge in enumerate(challenges):
        Follow.objects.create(
            user=buyer, challenge=challenge, created_at=now - datetime.timedelta(minutes=i)
        )
    client.force_login(buyer)

    first = client.get(reverse("alerts:follows"))
    with django_assert_max_num_queries(len(_queries_of_a_short_list(client, buyer))):
        second = client.get(reverse("alerts:follows"), {"innovations": 2, "challenges": 2})
    text = second.content.decode()

    assert [f.innovation.title for f in first.context["innovations"]] == [
        f"Innovatie {i:02d}" for i in range(PAGE_SIZE)
    ]
    assert [f.innovation.title for f in second.context["innovations"]] == [
        f"Innovatie {i:02d}" for i in range(PAGE_SIZE, PAGE_SIZE + 3)
    ]
    assert [f.challenge.title for f in second.context["challenges"]] == [f"Uitdaging {PAGE_SIZE}"]
    # Back on the innovations keeps page 2 of the challenges, and the other way round.
    assert 'href="?challenges=2&amp;innovations=1#followed-innovations"' in text
    assert 'href="?innovations=2&amp;challenges=1#followed-challenges"' in text
    assert 'href="?innovations=2#followed-innovations"' in first.content.decode()


def _queries_of_a_short_list(client, buyer):
    """The queries of the page for a user with one follow of each kind (one page each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = buyer_user(MunicipalityFactory())
    Follow.objects.create(user=other, innovation=InnovationFactory())
    Follow.objects.create(user=other, challenge=ChallengeFactory())
    client.force_login(other)
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("alerts:follows"))
    client.force_login(buyer)
    return context.captured_queries
