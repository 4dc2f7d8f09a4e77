import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from innovations.access import is_reviewer, supplier_for
from innovations.models import Supplier
from municipalities.access import buyer_municipality, can_verify_adoptions
from portal.roles import roles_for
from portal.services import user_create_with_role
from tests.factories import MunicipalityFactory, SupplierFactory, UserFactory

User = get_user_model()
GOOD = "rode-kater-op-de-brug"


def create_user(username="nina", *args):
    call_command(
        "create_user", username, "--email", f"{username}@example.org", "--password", GOOD, *args
    )
    return User.objects.get(username=username)


@pytest.mark.django_db
def test_create_user_supplier_creates_the_missing_organisation():
    user = create_user(
        "nina",
        "--role",
        "supplier",
        "--organisation",
        "Slimme Lantaarn B.V.",
        "--registration-number",
        "11223344",
    )

    supplier = Supplier.objects.get()
    assert (supplier.name, supplier.country, supplier.registration_number) == (
        "Slimme Lantaarn B.V.",
        "NL",
        "11223344",
    )
    assert supplier_for(user) == supplier
    assert user.check_password(GOOD)
    assert roles_for(user) == {"supplier"}


@pytest.mark.django_db
def test_create_user_supplier_joins_an_existing_organisation_ignoring_case():
    existing = SupplierFactory(name="Slimme Lantaarn B.V.")

    user = create_user("nina", "--role", "supplier", "--organisation", "slimme lantaarn b.v.")

    assert supplier_for(user) == existing
    assert Supplier.objects.count() == 1


@pytest.mark.django_db
def test_create_user_buyer_is_approved_for_the_municipality():
    utrecht = MunicipalityFactory(code="GM0344", name="Utrecht")

    user = create_user("nina", "--role", "buyer", "--municipality", "GM0344")

    assert buyer_municipality(user) == utrecht
    assert roles_for(user) == {"buyer"}


@pytest.mark.django_db
def test_create_user_reviewer_gets_both_permissions_through_the_group():
    user = create_user("nina", "--role", "reviewer")
    second = create_user("otto", "--role", "reviewer")

    assert [g.name for g in user.groups.all()] == ["Reviewers"]
    assert (is_reviewer(user), can_verify_adoptions(user), user.is_staff) == (True, True, False)
    assert is_reviewer(second)
    assert roles_for(user) == {"reviewer"}


@pytest.mark.django_db
def test_create_user_admin_is_staff_and_superuser():
    user = create_user("nina", "--role", "admin")

    assert (user.is_staff, user.is_superuser) == (True, True)


@pytest.mark.django_db
def test_create_user_prints_what_it_did(capsys):
    create_user("nina", "--role", "admin")

    assert capsys.readouterr().out == "Created admin nina <nina@example.org>.\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "buyer", "--municipality", "GM9999"], "Unknown municipality code “GM9999”."),
        (["--role", "buyer"], "A buyer needs a municipality code (--municipality)."),
        (["--role", "supplier"], "A supplier needs an organisation (--organisation)."),
        (
            ["--role", "supplier", "--organisation", "X B.V.", "--registration-number", "12"],
            "A chamber of commerce (KvK) number has exactly 8 digits, e.g. 12345678.",
        ),
    ],
)
def test_create_user_refuses_incomplete_role_details(args, message):
    with pytest.raises(CommandError) as error:
        create_user("nina", *args)

    assert str(error.value) == message
    assert (User.objects.count(), Supplier.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_create_user_refuses_a_taken_username():
    UserFactory(username="Nina", email="someone@example.org")

    with pytest.raises(CommandError) as error:
        create_user("nina", "--role", "reviewer")

    assert str(error.value) == "The username “nina” is taken."
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_create_user_refuses_a_taken_email():
    UserFactory(username="other", email="NINA@example.org")

    with pytest.raises(CommandError) as error:
        create_user("nina", "--role", "reviewer")

    assert str(error.value) == "An account with the e-mail address nina@example.org exists."


@pytest.mark.django_db
def test_create_user_refuses_a_weak_password():
    with pytest.raises(CommandError) as error:
        call_command(
            "create_user",
            "nina",
            "--email",
            "nina@example.org",
            "--password",
            "1234",
            "--role",
            "admin",
        )

    assert str(error.value) == (
        "This password is too short. It must contain at least 12 characters. "
        "This password is too common. This password is entirely numeric."
    )
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_create_user_refuses_an_unknown_role():
    with pytest.raises(CommandError) as error:
        create_user("nina", "--role", "mayor")

    assert "invalid choice: 'mayor'" in str(error.value)


@pytest.mark.django_db
def test_user_create_without_a_password_makes_an_account_that_cannot_sign_in():
    user = user_create_with_role(
        username="zonder", email="zonder@example.org", password=None, role="reviewer"
    )

    assert not user.has_usable_password()
    assert is_reviewer(user)
