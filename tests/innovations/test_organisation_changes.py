"""Supplier impersonation (issue 18 item 11): registration numbers are unique, and a
member's change of the organisation's name or number waits for a reviewer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from core.exceptions import TransitionNotAllowed
from innovations.enums import Status
from innovations.models import Supplier, SupplierMember
from innovations.organisation_changes import supplier_change_decide
from innovations.services import supplier_update
from tests.factories import SupplierFactory, UserFactory, reviewer_user, supplier_user

from .helpers import innovation_in

pytestmark = pytest.mark.django_db


def _rename(supplier, user, name, number):
    return supplier_update(
        supplier=supplier,
        user=user,
        name=name,
        registration_number=number,
        country="NL",
        size=supplier.size,
        website=supplier.website,
    )


def test_registration_numbers_are_unique_in_the_database():
    SupplierFactory(registration_number="90817263")

    with pytest.raises(IntegrityError):
        SupplierFactory(registration_number="90817263")


def test_organisations_without_a_number_may_be_many():
    SupplierFactory(registration_number="")
    SupplierFactory(registration_number="")

    assert Supplier.objects.filter(registration_number="").count() == 2


def test_a_member_cannot_take_another_organisations_number():
    SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    supplier = SupplierFactory(name="Nep B.V.", registration_number="12345678")

    with pytest.raises(ValidationError) as refused:
        _rename(supplier, supplier_user(supplier), "Zonnewijzer B.V.", "90817263")

    assert list(refused.value.message_dict) == ["registration_number"]
    assert Supplier.objects.get(pk=supplier.pk).change_requested_at is None


def test_a_new_name_waits_for_a_reviewer_and_the_public_page_keeps_the_old_one(client):
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    innovation = innovation_in(Status.APPROVED, supplier=supplier, title="Slimme lantaarnpalen")

    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "90817263")
    page = client.get(reverse("innovations:detail", args=[innovation.slug])).content.decode()

    stored = Supplier.objects.get(pk=supplier.pk)
    assert (stored.name, stored.pending_name) == ("Zonnewijzer B.V.", "Lichtwijzer B.V.")
    assert "Zonnewijzer B.V." in page
    assert "Lichtwijzer B.V." not in page


def test_a_reviewer_accepts_the_change_and_then_it_shows(client):
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    innovation = innovation_in(Status.APPROVED, supplier=supplier)
    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "11223344")
    client.force_login(reviewer_user())

    listed = client.get(reverse("review:organisation_changes")).content.decode()
    response = client.post(
        reverse("review:organisation_change_decide", args=[supplier.pk]), {"decision": "accept"}
    )
    page = client.get(reverse("innovations:detail", args=[innovation.slug])).content.decode()

    assert "Lichtwijzer B.V." in listed
    assert response.status_code == 302
    stored = Supplier.objects.get(pk=supplier.pk)
    assert (stored.name, stored.registration_number, stored.change_requested_at) == (
        "Lichtwijzer B.V.",
        "11223344",
        None,
    )
    assert "Lichtwijzer B.V." in page


def test_a_reviewer_rejects_the_change_and_the_organisation_stays_as_it_was():
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "90817263")

    supplier_change_decide(supplier=supplier, user=reviewer_user(), accept=False)

    stored = Supplier.objects.get(pk=supplier.pk)
    assert (stored.name, stored.pending_name, stored.change_requested_at) == (
        "Zonnewijzer B.V.",
        "",
        None,
    )
    with pytest.raises(TransitionNotAllowed):
        supplier_change_decide(supplier=supplier, user=reviewer_user(), accept=True)


def test_only_reviewers_outside_the_organisation_decide():
    supplier = SupplierFactory(name="Zonnewijzer B.V.")
    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "")
    own_reviewer = reviewer_user()
    SupplierMember.objects.create(supplier=supplier, user=own_reviewer)

    for user in (supplier_user(supplier), UserFactory(), own_reviewer):
        with pytest.raises(PermissionDenied):
            supplier_change_decide(supplier=supplier, user=user, accept=True)
    assert Supplier.objects.get(pk=supplier.pk).name == "Zonnewijzer B.V."


def test_an_administrators_change_applies_at_once():
    supplier = SupplierFactory(name="Zonnewijzer B.V.")

    _rename(supplier, UserFactory(is_superuser=True), "Lichtwijzer B.V.", "")

    assert Supplier.objects.get(pk=supplier.pk).name == "Lichtwijzer B.V."


def test_the_supplier_sees_that_the_change_waits(client):
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    user = supplier_user(supplier)
    _rename(supplier, user, "Lichtwijzer B.V.", "90817263")
    client.force_login(user)

    page = client.get(reverse("innovations:organisation"))

    assert page.context["form"]["name"].value() == "Lichtwijzer B.V."
    assert "Your change to “Lichtwijzer B.V.” (number 90817263)" in page.content.decode()
    assert "Until then buyers see “Zonnewijzer B.V.”." in page.content.decode()


@pytest.mark.translated
@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            "accept",
            "De wijziging is geaccepteerd: “Lichtwijzer B.V.” is nu de naam van de organisatie.",
        ),
        (
            "reject",
            "De wijziging is afgewezen: “Zonnewijzer B.V.” blijft de naam van de organisatie.",
        ),
    ],
)
def test_the_decision_reads_in_dutch_without_a_double_stop(client, decision, expected):
    # Issue 18 item 7: a name ending in a full stop at the end of a sentence read "B.V..".
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "90817263")
    client.force_login(reviewer_user())

    response = client.post(
        reverse("review:organisation_change_decide", args=[supplier.pk]),
        {"decision": decision},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert [str(m) for m in response.context["messages"]] == [expected]
    assert "B.V.." not in response.content.decode()


def test_the_queue_marks_what_stays_unchanged_and_shows_no_count_when_empty(client):
    supplier = SupplierFactory(name="Zonnewijzer B.V.", registration_number="90817263")
    _rename(supplier, supplier_user(supplier), "Lichtwijzer B.V.", "90817263")
    client.force_login(reviewer_user())

    listed = client.get(reverse("review:organisation_changes")).content.decode()
    supplier_change_decide(supplier=supplier, user=reviewer_user(), accept=False)
    empty = client.get(reverse("review:organisation_changes")).content.decode()

    assert "Lichtwijzer B.V.<br>" in listed
    assert '<span class="koploper-muted">number unchanged</span>' in listed
    assert "1 change waits." in listed
    assert "changes wait" not in empty
    assert "No changes to organisations wait for a decision." in empty
