import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal import demo
from portal.roles import roles_for

User = get_user_model()


@pytest.mark.django_db
def test_demo_accounts_have_one_role_each_and_the_demo_password(reference_municipalities):
    demo.seed()

    users = {u.username: u for u in User.objects.all()}
    assert {name: roles_for(u) for name, u in users.items()} == {
        "leverancier": {"supplier"},
        "inkoper": {"buyer"},
        "beoordelaar": {"reviewer"},
        "adviseur": {"adviser"},
        "beheerder": {"admin", "reviewer"},
    }
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in users.values())
    assert users["leverancier"].supplier_membership.supplier.name == "Zonnewijzer B.V."
    assert users["inkoper"].buyer_membership.municipality.code == "GM0344"


@pytest.mark.django_db
def test_demo_accounts_are_created_once(reference_municipalities):
    demo.seed()
    User.objects.filter(username="inkoper").update(first_name="Gewijzigd")

    demo.seed()

    assert User.objects.count() == 5
    assert User.objects.get(username="inkoper").first_name == "Gewijzigd"


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_credentials(reference_municipalities, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = User.objects.count()

    call_command("seed_demo")

    assert User.objects.count() == counts
    assert "Demo accounts (local use only), password: koploper-demo" in first
    for username, role, _where in demo.DEMO_ACCOUNTS:
        assert f"  {username:<12} {role:<9}" in first
