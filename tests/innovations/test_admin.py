"""The admin: suppliers editable with the profile's validation; innovations read-only."""

import pytest

from innovations.enums import Status
from innovations.models import Supplier
from tests.factories import SupplierFactory, admin_user, reviewer_user

from .helpers import innovation_in

pytestmark = pytest.mark.django_db


def test_admin_views_an_innovation_with_its_reviews_and_history_read_only(client):
    innovation = innovation_in(Status.IN_REVIEW, title="Zonnedak")
    from innovations.workflow import APPROVE, innovation_transition

    innovation_transition(
        innovation=innovation,
        user=reviewer_user(),
        action=APPROVE,
        scores={"novelty": 3, "evidence": 3, "public_value": 3, "fit": 3},
    )
    client.force_login(admin_user())

    page = client.get(f"/admin/innovations/innovation/{innovation.pk}/change/")
    changed = client.post(f"/admin/innovations/innovation/{innovation.pk}/change/", {"title": "X"})

    assert page.status_code == 200
    assert "Zonnedak" in page.content.decode()
    assert f"/nl/innovations/supplier/innovations/{innovation.pk}/" in page.content.decode()
    assert changed.status_code == 403
    assert client.get("/admin/innovations/innovation/add/").status_code == 403


def test_admin_supplier_form_validates_the_registration_number(client):
    supplier = SupplierFactory(name="Oud B.V.", country="NL", registration_number="12345678")
    client.force_login(admin_user())
    data = {
        "name": "Oud B.V.",
        "slug": supplier.slug,
        "registration_number": "123",
        "country": "NL",
        "website": "",
        "size": "sme",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }

    bad = client.post(f"/admin/innovations/supplier/{supplier.pk}/change/", data)
    good = client.post(
        f"/admin/innovations/supplier/{supplier.pk}/change/",
        {**data, "registration_number": "BE0123456749", "country": "BE"},
    )

    assert bad.status_code == 200
    assert "registration_number" in bad.context["adminform"].form.errors
    assert good.status_code == 302
    assert Supplier.objects.get(pk=supplier.pk).registration_number == "0123.456.749"


def test_admin_supplier_size_change_reaches_its_innovations(client):
    from innovations.models import Innovation
    from tests.factories import InnovationFactory

    innovation = InnovationFactory(supplier__size="micro")
    supplier = innovation.supplier
    client.force_login(admin_user())
    data = {
        "name": supplier.name,
        "slug": supplier.slug,
        "registration_number": supplier.registration_number,
        "country": supplier.country,
        "website": supplier.website,
        "size": "large",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }

    response = client.post(f"/admin/innovations/supplier/{supplier.pk}/change/", data)

    assert response.status_code == 302
    assert Innovation.objects.get(pk=innovation.pk).supplier_size == "large"
