import pytest
from django.contrib.auth.models import Permission

from procurement.models import ProcurementRoute
from procurement.services import routes_load_reference
from tests.factories import (
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    UserFactory,
    buyer_user,
    supplier_user,
)


def adviser_user(**kwargs):
    """A user with the adviser permission (not a reviewer)."""
    from django.contrib.auth import get_user_model

    user = UserFactory(**kwargs)
    user.user_permissions.add(Permission.objects.get(codename="answer_question"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def routes(db):
    routes_load_reference()
    return {route.code: route for route in ProcurementRoute.objects.all()}


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht")


@pytest.fixture
def buyer(municipality):
    return buyer_user(municipality, username="inkoper", language="nl")


@pytest.fixture
def other_buyer(db):
    return buyer_user(MunicipalityFactory(code="GM0363", name="Amsterdam"), username="ander")


@pytest.fixture
def supplier(db):
    return SupplierFactory(name="Zonnewijzer B.V.")


@pytest.fixture
def innovation(supplier):
    return InnovationFactory(
        supplier=supplier, slug="slimme-lantaarnpalen", title="Slimme lantaarnpalen"
    )


@pytest.fixture
def challenge(municipality):
    return ChallengeFactory(municipality=municipality, title="Minder zwerfafval")


@pytest.fixture
def adviser(db):
    return adviser_user(username="adviseur", email="adviseur@example.org", language="en")


@pytest.fixture
def conflicted_adviser(supplier):
    """An adviser who also works for the innovation's supplier."""
    user = supplier_user(supplier, username="adviseur-leverancier")
    user.user_permissions.add(Permission.objects.get(codename="answer_question"))
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)
