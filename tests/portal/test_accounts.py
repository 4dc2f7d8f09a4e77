import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from innovations.models import Supplier, SupplierMember
from municipalities.enums import MembershipStatus
from municipalities.models import BuyerMembership
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    SupplierFactory,
    UserFactory,
    admin_user,
    supplier_user,
)

User = get_user_model()
STRONG = "zonnige-dakpan-2031"


def supplier_form(**overrides):
    data = {
        "organisation_name": "Groene Gevel B.V.",
        "country": "NL",
        "registration_number": "1234 5678",
        "size": "micro",
        "website": "groenegevel.example",
        "first_name": "Anouk",
        "last_name": "Visser",
        "email": "anouk@groenegevel.example",
        "password1": STRONG,
        "password2": STRONG,
        "language": "en",
    }
    data.update(overrides)
    return data


def buyer_form(place, **overrides):
    data = {
        "first_name": "Ruben",
        "last_name": "Smit",
        "email": "r.smit@utrecht.example",
        "municipality": str(place.pk),
        "job_title": "Strategisch inkoper",
        "motivation": "Wij zoeken innovaties voor de energietransitie.",
        "password1": STRONG,
        "password2": STRONG,
        "language": "nl",
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return list(response.context["form"].errors.get(field, []))


# --- supplier sign-up -----------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_creates_an_inactive_user_and_organisation_and_asks_to_check_the_mail(client):
    response = client.post("/en/accounts/register/", supplier_form(), follow=True)

    assert response.redirect_chain == [("/en/accounts/register/sent/", 302)]
    user = User.objects.get(username="anouk@groenegevel.example")
    supplier = Supplier.objects.get()
    assert (
        user.email,
        user.first_name,
        user.last_name,
        user.language,
        user.is_active,
        user.awaiting_confirmation,
    ) == ("anouk@groenegevel.example", "Anouk", "Visser", "en", False, True)
    assert (
        supplier.name,
        supplier.country,
        supplier.registration_number,
        supplier.size,
        supplier.website,
    ) == ("Groene Gevel B.V.", "NL", "12345678", "micro", "https://groenegevel.example")
    assert list(SupplierMember.objects.values_list("user__username", "supplier__name")) == [
        ("anouk@groenegevel.example", "Groene Gevel B.V.")
    ]
    assert not response.context["user"].is_authenticated
    assert "We have sent an e-mail to the address you entered." in response.content.decode()


@pytest.mark.django_db
def test_signup_belgian_enterprise_number_is_normalised(client):
    client.post(
        "/en/accounts/register/",
        supplier_form(country="BE", registration_number="BE 0123456749"),
    )

    assert Supplier.objects.get().registration_number == "0123.456.749"


@pytest.mark.django_db
def test_signup_weak_password_is_refused_by_the_validators(client):
    response = client.post(
        "/en/accounts/register/", supplier_form(password1="12345678", password2="12345678")
    )

    assert field_errors(response, "password1") == [
        "This password is too short. It must contain at least 12 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert (User.objects.count(), Supplier.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_signup_password_shorter_than_twelve_characters_is_refused(client):
    # OWASP ASVS 2.1.1: at least 12 characters.
    response = client.post(
        "/en/accounts/register/", supplier_form(password1="Zon-dak-203", password2="Zon-dak-203")
    )

    assert field_errors(response, "password1") == [
        "This password is too short. It must contain at least 12 characters."
    ]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_password_like_the_address_is_refused(client):
    response = client.post(
        "/en/accounts/register/",
        supplier_form(
            email="groenegevel2031@example.org",
            password1="groenegevel2031",
            password2="groenegevel2031",
        ),
    )

    assert field_errors(response, "password1") == ["The password is too similar to the username."]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_mismatched_passwords_are_refused(client):
    response = client.post("/en/accounts/register/", supplier_form(password2=STRONG + "x"))

    assert field_errors(response, "password2") == ["The two password fields didn’t match."]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_missing_fields_are_named(client):
    response = client.post("/en/accounts/register/", {"first_name": ""})

    errors = response.context["form"].errors
    assert sorted(errors) == [
        "country",
        "email",
        "first_name",
        "language",
        "last_name",
        "organisation_name",
        "password1",
        "password2",
        "registration_number",
        "size",
    ]
    assert all(messages == ["This field is required."] for messages in errors.values())
    assert "Please correct the errors below." in response.content.decode()
    assert (User.objects.count(), Supplier.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_signup_invalid_kvk_number_creates_nothing(client):
    response = client.post("/en/accounts/register/", supplier_form(registration_number="1234"))

    assert field_errors(response, "registration_number") == [
        "A chamber of commerce (KvK) number has exactly 8 digits, e.g. 12345678."
    ]
    assert (User.objects.count(), Supplier.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_signup_known_organisation_number_points_to_a_colleague(client):
    SupplierFactory(registration_number="12345678")

    response = client.post("/en/accounts/register/", supplier_form())

    assert field_errors(response, "registration_number") == [
        "An organisation with this number is already registered. Ask a colleague or an "
        "administrator to add you to it."
    ]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_page_labels_every_input(client):
    content = client.get("/en/accounts/register/").content.decode()

    inputs = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', content)
    labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', content))
    assert inputs  # the form is there
    assert [i for i in inputs if i not in labels] == []
    assert content.count("<h1") == 1


# --- buyer sign-up and requests --------------------------------------------------------------


@pytest.mark.django_db
def test_buyer_signup_creates_an_inactive_account_with_a_pending_request(client):
    utrecht = MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht")

    response = client.post("/en/accounts/register/buyer/", buyer_form(utrecht), follow=True)

    assert response.redirect_chain == [("/en/accounts/register/sent/", 302)]
    membership = BuyerMembership.objects.get()
    assert (
        membership.user.username,
        membership.user.is_active,
        membership.municipality,
        membership.status,
        membership.job_title,
    ) == (
        "r.smit@utrecht.example",
        False,
        utrecht,
        MembershipStatus.REQUESTED,
        "Strategisch inkoper",
    )


@pytest.mark.django_db
def test_buyer_signup_without_municipality_creates_nothing(client):
    municipality = MunicipalityFactory()

    response = client.post(
        "/en/accounts/register/buyer/", buyer_form(municipality, municipality="", job_title="")
    )

    assert field_errors(response, "municipality") == ["This field is required."]
    assert field_errors(response, "job_title") == ["This field is required."]
    assert (User.objects.count(), BuyerMembership.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_buyer_request_by_signed_in_user_without_role(client):
    user = UserFactory()
    municipality = MunicipalityFactory(name="Zeist")
    client.force_login(user)

    response = client.post(
        "/en/accounts/role/buyer/",
        {"municipality": municipality.pk, "job_title": "Beleidsadviseur", "motivation": ""},
    )

    assert response.url == "/en/dashboard/"
    assert list(BuyerMembership.objects.values_list("user", "municipality", "status")) == [
        (user.pk, municipality.pk, MembershipStatus.REQUESTED)
    ]


@pytest.mark.django_db
def test_buyer_request_refused_for_a_supplier(client):
    client.force_login(supplier_user())

    response = client.post(
        "/en/accounts/role/buyer/",
        {"municipality": MunicipalityFactory().pk, "job_title": "Inkoper"},
        follow=True,
    )

    assert response.redirect_chain == [("/en/dashboard/", 302)]
    assert BuyerMembership.objects.count() == 0
    assert "Your account already has a role or a pending request." in response.content.decode()


@pytest.mark.django_db
def test_buyer_request_needs_login(client):
    response = client.get("/en/accounts/role/buyer/")

    assert response.url == "/en/accounts/login/?next=/en/accounts/role/buyer/"


@pytest.mark.django_db
def test_supplier_register_by_signed_in_user_without_role(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/en/accounts/role/supplier/",
        {
            "organisation_name": "Slim Water BV",
            "country": "NL",
            "registration_number": "87654321",
            "size": "sme",
            "website": "",
        },
    )

    assert response.url == "/en/dashboard/"
    assert list(SupplierMember.objects.values_list("user", "supplier__name")) == [
        (user.pk, "Slim Water BV")
    ]


@pytest.mark.django_db
def test_admin_approves_a_buyer_request_in_the_admin(client):
    municipality = MunicipalityFactory(name="Houten")
    requester = UserFactory()
    client.force_login(requester)
    client.post(
        "/en/accounts/role/buyer/", {"municipality": municipality.pk, "job_title": "Inkoper"}
    )
    membership = BuyerMembership.objects.get()
    admin = admin_user()
    client.force_login(admin)

    response = client.post(
        reverse("admin:municipalities_buyermembership_changelist"),
        {"action": "approve_requests", "_selected_action": [membership.pk]},
        follow=True,
    )

    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == (MembershipStatus.APPROVED, admin)
    assert membership.decided_at is not None
    assert "1 request approved." in [str(m) for m in response.context["messages"]]
    client.force_login(requester)
    dashboard = client.get("/en/dashboard/").content.decode()
    assert '<span class="koploper-badge">Municipal buyer</span>' in dashboard


@pytest.mark.django_db
def test_admin_rejects_a_request_and_leaves_decided_ones_alone(client):
    pending = BuyerMembership.objects.create(user=UserFactory(), municipality=MunicipalityFactory())
    approved = BuyerMembership.objects.create(
        user=UserFactory(), municipality=MunicipalityFactory(), status=MembershipStatus.APPROVED
    )
    client.force_login(admin_user())

    response = client.post(
        reverse("admin:municipalities_buyermembership_changelist"),
        {"action": "reject_requests", "_selected_action": [pending.pk, approved.pk]},
        follow=True,
    )

    assert dict(BuyerMembership.objects.values_list("pk", "status")) == {
        pending.pk: MembershipStatus.REJECTED,
        approved.pk: MembershipStatus.APPROVED,
    }
    assert [str(m) for m in response.context["messages"]] == [
        "1 request rejected.",
        "1 selected membership was decided already and was left as it is.",
    ]


@pytest.mark.django_db
def test_rejected_requester_may_ask_again(client):
    user = UserFactory()
    BuyerMembership.objects.create(
        user=user, municipality=MunicipalityFactory(), status=MembershipStatus.REJECTED
    )
    other = MunicipalityFactory(name="Bunnik")
    client.force_login(user)

    client.post("/en/accounts/role/buyer/", {"municipality": other.pk, "job_title": "Inkoper"})

    assert list(BuyerMembership.objects.values_list("municipality", "status")) == [
        (other.pk, MembershipStatus.REQUESTED)
    ]


# --- log in, log out, password reset ---------------------------------------------------------


@pytest.mark.django_db
def test_login_leads_to_the_dashboard(client):
    UserFactory(username="marit")

    response = client.post(
        "/en/accounts/login/", {"username": "marit", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/en/dashboard/", 302)]
    assert response.context["user"].username == "marit"


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so(client):
    UserFactory(username="marit")

    response = client.post("/en/accounts/login/", {"username": "marit", "password": "wrong"})

    assert response.context["form"].non_field_errors() == [
        "Please enter a correct e-mail address or username and password. Note that the "
        "password is case-sensitive."
    ]


@pytest.mark.django_db
def test_logout_returns_home_with_a_message(client):
    client.force_login(UserFactory())

    response = client.post("/en/accounts/logout/", follow=True)

    assert response.redirect_chain[-1] == ("/en/", 302)
    assert not response.context["user"].is_authenticated
    assert [str(m) for m in response.context["messages"]] == ["You are logged out."]


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client, settings, django_capture_on_commit_callbacks):
    settings.KOPLOPER_BASE_URL = "https://koploper.example.nl"
    user = UserFactory(
        username="marit", email="marit@example.org", first_name="Marit", language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/password-reset/", {"email": "marit@example.org"})

    assert response.url == "/en/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["marit@example.org"], "Reset your Koploper password")
    assert message.body.startswith("Hello Marit,")
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"https://koploper\.example\.nl(/en/accounts/reset/\S+/)", message.body).group(
        1
    )
    form_page = client.get(link, follow=True)
    new_password = "nieuwe-fiets-op-het-dak"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.url == "/en/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})

    assert response.url == "/en/accounts/password-reset/sent/"
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/login/",
        "/en/accounts/register/",
        "/en/accounts/register/buyer/",
        "/en/accounts/register/sent/",
        "/en/accounts/confirm/not-a-token/",
        "/en/accounts/password-reset/",
        "/en/accounts/password-reset/sent/",
        "/en/accounts/reset/done/",
        "/en/accounts/reset/MQ/invalid-token/",
        "/nl/accounts/register/",
    ],
)
def test_account_pages_render_with_one_heading(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.translated
@pytest.mark.django_db
def test_password_reset_mail_speaks_the_users_language(client, django_capture_on_commit_callbacks):
    UserFactory(username="joost", email="joost@example.org", first_name="Joost", language="nl")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password-reset/", {"email": "joost@example.org"})

    message = mail.outbox[0]
    assert message.subject == "Uw Koploper-wachtwoord opnieuw instellen"
    assert "/nl/accounts/reset/" in message.body


@pytest.mark.django_db
def test_signup_attempts_are_limited_per_client_address(client, settings):
    settings.SIGNUP_ADDRESS_LIMIT = 3
    answers = [
        client.post("/en/accounts/register/", {"first_name": "a"}, REMOTE_ADDR="192.0.2.5"),
        client.post("/en/accounts/register/buyer/", {}, REMOTE_ADDR="192.0.2.5"),
        client.post("/en/accounts/register/", supplier_form(), REMOTE_ADDR="192.0.2.5"),
    ]
    client.logout()

    refused = client.post(
        "/en/accounts/register/", supplier_form(email="b@example.org"), REMOTE_ADDR="192.0.2.5"
    )
    elsewhere = client.post(
        "/en/accounts/register/buyer/", {"first_name": "x"}, REMOTE_ADDR="198.51.100.5"
    )

    assert [a.status_code for a in answers] == [400, 400, 302]
    assert refused.status_code == 429
    assert 3590 <= int(refused["Retry-After"]) <= 3600
    assert "Too many sign-ups from your network." in refused.content.decode()
    assert elsewhere.status_code == 400
