"""What the alerts pages say fits the reader's role: a supplier follows challenges only and
keeps no saved searches, so neither the dashboard nor the empty notifications page speaks of
following innovations or saving searches to them."""

import pytest
from django.urls import reverse

from alerts.models import Follow
from tests.factories import ChallengeFactory, MunicipalityFactory, reviewer_user

pytestmark = pytest.mark.django_db


def _main(client, url) -> str:
    text = client.get(url).content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_a_suppliers_dashboard_counts_followed_challenges(client, supplier_member):
    Follow.objects.create(user=supplier_member, challenge=ChallengeFactory())
    client.force_login(supplier_member)

    page = _main(client, reverse("dashboard"))

    assert "You follow 1 challenge</a>" in page
    assert "innovation or challenge" not in page


def test_a_buyers_dashboard_counts_innovations_and_challenges(client, buyer, innovation):
    Follow.objects.create(user=buyer, innovation=innovation)
    Follow.objects.create(
        user=buyer, challenge=ChallengeFactory(municipality=MunicipalityFactory())
    )
    client.force_login(buyer)

    page = _main(client, reverse("dashboard"))

    assert "You follow 2 innovations and challenges</a>" in page


@pytest.mark.parametrize(
    ("who", "shown", "not_shown"),
    [
        ("buyer", "or save a search", "marks one of your answers"),
        ("supplier_member", "Follow challenges to hear what happens to them.", "save a search"),
        ("reviewer", None, "Follow"),
    ],
)
def test_empty_notifications_suggest_what_the_user_can_do(client, request, who, shown, not_shown):
    user = reviewer_user() if who == "reviewer" else request.getfixturevalue(who)
    client.force_login(user)

    page = _main(client, reverse("alerts:notifications"))

    assert "No notifications yet." in page
    assert "0 unread notifications" not in page  # the empty text says so once
    if shown:
        assert shown in page
    assert not_shown not in page


def test_a_suppliers_following_page_has_no_innovations_section(client, supplier_member, buyer):
    client.force_login(supplier_member)
    supplier_page = _main(client, reverse("alerts:follows"))
    client.force_login(buyer)
    buyer_page = _main(client, reverse("alerts:follows"))

    assert 'id="followed-innovations"' not in supplier_page
    assert "You follow no challenges." in supplier_page
    assert 'id="followed-innovations"' in buyer_page
