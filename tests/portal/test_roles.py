"""Each role sees its own navigation and account summary, and is refused elsewhere."""

import re

import pytest

from municipalities.enums import MembershipStatus
from municipalities.models import BuyerMembership
from portal.roles import roles_for
from tests.factories import (
    MunicipalityFactory,
    SupplierFactory,
    UserFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)


def nav_labels(content: str, css_class: str) -> list[str]:
    nav = re.search(rf'<nav class="{css_class}".*?</nav>', content, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r"<a [^>]*>.*?</a>", nav, re.S)]


def role_badges(content: str) -> list[str]:
    return re.findall(r'<span class="koploper-badge">([^<]+)</span>', content)


def make(role):
    return {
        "supplier": lambda: supplier_user(supplier=SupplierFactory(name="Zonnewijzer B.V.")),
        "buyer": lambda: buyer_user(municipality=MunicipalityFactory(name="Utrecht")),
        "reviewer": reviewer_user,
        "admin": admin_user,
        "none": UserFactory,
    }[role]()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("supplier", {"supplier"}),
        ("buyer", {"buyer"}),
        ("reviewer", {"reviewer"}),
        ("admin", {"admin", "reviewer"}),  # a superuser has every permission
        ("none", set()),
    ],
)
def test_roles_for_each_kind_of_user(role, roles):
    assert roles_for(make(role)) == roles


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "badges", "detail"),
    [
        ("supplier", ["Supplier"], "<dt>Organisation</dt><dd>Zonnewijzer B.V.</dd>"),
        ("buyer", ["Municipal buyer"], ">Utrecht</a></dd>"),
        ("reviewer", ["Reviewer"], None),
        ("admin", ["Reviewer", "Administrator"], None),
        ("none", [], "What do you want to do on Koploper?"),
    ],
)
def test_dashboard_shows_the_users_own_role(client, role, badges, detail):
    client.force_login(make(role))

    content = client.get("/en/dashboard/").content.decode()

    assert role_badges(content) == badges
    if detail:
        assert detail in content
    # Only a user without a role is offered to choose one.
    assert ("What do you want to do on Koploper?" in content) is (role == "none")


@pytest.mark.django_db
def test_dashboard_of_a_user_without_role_offers_both_ways_in(client):
    client.force_login(UserFactory())

    content = client.get("/en/dashboard/").content.decode()

    assert 'href="/en/accounts/role/supplier/"' in content
    assert 'href="/en/accounts/role/buyer/"' in content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supplier", "buyer", "reviewer", "none"])
def test_navigation_of_signed_in_users_without_administration(client, role):
    client.force_login(make(role))

    content = client.get("/en/").content.decode()

    labels = nav_labels(content, "koploper-nav")
    assert "My dashboard" in labels
    assert "Administration" not in labels
    assert "/admin/" not in content
    # Log out is a form button; the notifications link carries the unread count.
    assert nav_labels(content, "koploper-account") == ["Notifications"]
    assert ">Log out</button>" in content


@pytest.mark.django_db
def test_navigation_of_an_administrator_links_the_admin(client):
    client.force_login(admin_user())

    content = client.get("/en/").content.decode()

    labels = nav_labels(content, "koploper-nav")
    assert "My dashboard" in labels
    assert labels[-1] == "Administration"
    assert 'href="/admin/"' in content


@pytest.mark.django_db
def test_navigation_of_anonymous_visitors_offers_log_in_and_register(client):
    content = client.get("/en/").content.decode()

    assert nav_labels(content, "koploper-account") == ["Log in", "Register"]
    assert "My dashboard" not in nav_labels(content, "koploper-nav")
    assert "Municipalities" in nav_labels(content, "koploper-nav")


@pytest.mark.django_db
def test_dashboard_redirects_anonymous_visitors_to_log_in(client):
    response = client.get("/nl/dashboard/")

    assert response.url == "/nl/accounts/login/?next=/nl/dashboard/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supplier", "buyer", "reviewer", "none"])
def test_admin_site_refuses_non_staff(client, role):
    client.force_login(make(role))

    response = client.get("/admin/municipalities/buyermembership/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
def test_admin_site_open_to_administrators(client):
    client.force_login(admin_user())

    assert client.get("/admin/municipalities/buyermembership/").status_code == 200


@pytest.mark.django_db
def test_admin_dashboard_counts_pending_buyer_requests(client):
    for _ in range(2):
        BuyerMembership.objects.create(user=UserFactory(), municipality=MunicipalityFactory())
    BuyerMembership.objects.create(
        user=UserFactory(), municipality=MunicipalityFactory(), status=MembershipStatus.APPROVED
    )
    client.force_login(admin_user())

    content = client.get("/en/dashboard/").content.decode()

    assert "2 requests to join a municipality as a buyer await your decision." in content
    assert 'href="/admin/municipalities/buyermembership/?status__exact=requested"' in content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/accounts/role/buyer/", "/en/accounts/role/supplier/"])
def test_users_with_a_role_cannot_ask_for_another(client, path):
    client.force_login(buyer_user())

    response = client.get(path)

    assert response.url == "/en/dashboard/"
