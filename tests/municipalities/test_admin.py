from django.urls import reverse

from municipalities.enums import Verification
from tests.factories import AdoptionFactory


def test_admin_action_verifies_claimed_adoptions_through_the_service(client, admin, municipality):
    claimed = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    own = AdoptionFactory(
        municipality=municipality, verification=Verification.CLAIMED, claimed_by=admin
    )
    rejected = AdoptionFactory(municipality=municipality, verification=Verification.REJECTED)
    client.force_login(admin)

    response = client.post(
        reverse("admin:municipalities_adoption_changelist"),
        {"action": "verify_selected", "_selected_action": [claimed.pk, own.pk, rejected.pk]},
    )

    assert response.status_code == 302
    for adoption in (claimed, own, rejected):
        adoption.refresh_from_db()
    assert (claimed.verification, claimed.verified_by, own.verification, rejected.verification) == (
        "verified",
        admin,
        "claimed",
        "rejected",
    )


def test_admin_adoption_pages_render(client, admin, municipality):
    adoption = AdoptionFactory(municipality=municipality)
    client.force_login(admin)

    listing = client.get(reverse("admin:municipalities_adoption_changelist"))
    change = client.get(reverse("admin:municipalities_adoption_change", args=[adoption.pk]))

    assert (listing.status_code, change.status_code) == (200, 200)
