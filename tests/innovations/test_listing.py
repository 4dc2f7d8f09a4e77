"""The catalogue's narrow rows (innovations/listing.py, PostgreSQL): one per listed
innovation, following every change of it in the writing transaction, and a search over
them gives what the same search over the innovations gives."""

import datetime

import pytest
from django.db import connection

from innovations import vetting
from innovations.domain_links import innovation_domains_set
from innovations.enums import Status
from innovations.filters import CatalogueFilter
from innovations.listing import Listing
from innovations.models import Innovation
from innovations.services import innovation_update, supplier_update
from innovations.workflow import innovation_transition
from municipalities import adoptions
from municipalities.enums import Stage
from tests.factories import (
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)

from .helpers import SCORES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INNOVATION_COLUMNS = (
    "id, published_at, route, maturity, supplier_size, adoption_count, adopter_province_mask, "
    "domain_mask, title, rank_vector, strip(search_vector)"
)
LISTING_COLUMNS = (
    "innovation_id, published_at, route, maturity, supplier_size, adoption_count, "
    "adopter_province_mask, domain_mask, title, rank_vector, match_vector"
)
LISTED = "status = 'approved' AND revision_of_id IS NULL AND reconfirmation = ''"
# Rows on one side only: the listing must be exactly the listed innovations' copies.
DIFFERENCES = f"""
SELECT count(*) FROM (
    (SELECT {INNOVATION_COLUMNS} FROM innovations_innovation WHERE {LISTED}
     EXCEPT SELECT {LISTING_COLUMNS} FROM innovations_listing)
    UNION ALL
    (SELECT {LISTING_COLUMNS} FROM innovations_listing
     EXCEPT SELECT {INNOVATION_COLUMNS} FROM innovations_innovation WHERE {LISTED})
) AS differences
"""  # noqa: S608 - fixed SQL


def assert_listing_agrees():
    with connection.cursor() as cursor:
        cursor.execute(DIFFERENCES)
        assert cursor.fetchone()[0] == 0


def listed(innovation) -> Listing | None:
    return Listing.objects.filter(pk=innovation.pk).first()


def test_publication_reconfirmation_and_withdrawal_move_it_in_and_out():
    innovation = InnovationFactory(status=Status.SUBMITTED, published_at=None, title="Zonnedak")
    reviewer = reviewer_user()
    assert listed(innovation) is None

    innovation_transition(innovation=innovation, user=reviewer, action="claim")
    innovation_transition(innovation=innovation, user=reviewer, action="approve", scores=SCORES)
    assert listed(innovation).title == "Zonnedak"
    assert_listing_agrees()

    innovation_transition(
        innovation=innovation, user=None, action=vetting.EXPIRE, today=datetime.date(2040, 1, 1)
    )
    assert listed(innovation) is None
    assert_listing_agrees()

    member = supplier_user(innovation.supplier)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    innovation_transition(innovation=innovation, user=reviewer, action=vetting.RECONFIRM)
    assert listed(innovation) is not None
    assert_listing_agrees()

    innovation_transition(innovation=innovation, user=member, action="withdraw")
    assert listed(innovation) is None
    assert_listing_agrees()


def test_an_edit_waits_in_its_revision_and_its_approval_reaches_the_listing():
    innovation = InnovationFactory(title="Slimme palen", summary="Lantaarnpalen die meten.")
    member = supplier_user(innovation.supplier)
    reviewer = reviewer_user()

    revision, _ = innovation_update(
        innovation=innovation,
        user=member,
        title="Slimme palen 2.0",
        summary="Lantaarnpalen met een warmtepomp.",
    )
    # The revision is not listed; the original is unchanged until it is approved.
    assert listed(revision) is None
    assert listed(innovation).title == "Slimme palen"
    innovation_transition(innovation=revision, user=member, action="submit")
    innovation_transition(innovation=revision, user=reviewer, action="claim")
    innovation_transition(innovation=revision, user=reviewer, action="approve", scores=SCORES)

    row = listed(innovation)
    assert row.title == "Slimme palen 2.0"
    assert "warmtepomp" in str(row.match_vector)
    assert "warmtepomp" in str(row.rank_vector)
    assert_listing_agrees()


def test_adoption_domains_and_supplier_changes_reach_the_listing():
    supplier = SupplierFactory(name="Zonnewijzer", size="sme")
    innovation = InnovationFactory(supplier=supplier, domains=["energy"])
    town = MunicipalityFactory(province="Utrecht")
    adoption = adoptions.adoption_record(
        user=buyer_user(municipality=town),
        municipality=town,
        innovation=innovation,
        stage=Stage.PILOT,
        started_on=datetime.date(2024, 1, 1),
        evidence_reference="TenderNed 1",
    )
    assert listed(innovation).adoption_count == 0

    adoptions.adoption_verify(user=reviewer_user(), adoption=adoption, decision="verify")
    assert (listed(innovation).adoption_count, listed(innovation).adopter_province_mask) != (0, 0)
    assert_listing_agrees()

    innovation_domains_set(innovation=innovation, codes=["care", "mobility"])
    assert listed(innovation).domain_mask == Innovation.objects.get(pk=innovation.pk).domain_mask
    assert_listing_agrees()

    supplier_update(
        supplier=supplier, user=admin_user(), name="Lichtwerk", country="NL", size="large"
    )
    row = listed(innovation)
    assert row.supplier_size == "large"
    # The supplier's name is searched: its innovations' vectors were recomputed.
    assert "lichtwerk" in str(row.match_vector)
    assert_listing_agrees()

    innovation.delete()
    assert not Listing.objects.exists()


SEARCHES = [
    {"q": "slimme"},
    {"q": "slimme", "domain": ["energy"], "ordering": "newest"},
    {"q": "robot of zonnedak", "route": "market-ready"},
    {"q": "innovatie -robot", "ordering": "title"},
    {"q": "meter", "has_adoptions": "false", "ordering": "most_adopted"},
]


@pytest.mark.parametrize("data", SEARCHES)
def test_a_search_over_the_listing_gives_what_it_gives_over_the_innovations(data):
    for n in range(12):
        InnovationFactory(
            title=f"Innovatie {n} " + ["slimme meter", "robot", "zonnedak"][n % 3],
            domains=[["energy"], ["care"], ["energy", "care"]][n % 2],
            published_at=datetime.datetime(2024, 1, 1 + n, tzinfo=datetime.UTC),
        )
    # `approval=all` reads the innovations themselves (nothing here is to be reconfirmed).
    narrow = CatalogueFilter(data, queryset=Innovation.objects.approved())
    wide = CatalogueFilter({**data, "approval": "all"}, queryset=Innovation.objects.approved())
    assert narrow.is_valid() and wide.is_valid()
    assert narrow.listed and not wide.listed

    assert [i.pk for i in narrow.qs] == [i.pk for i in wide.qs]
    assert narrow.qs.count() == wide.qs.count() > 0
    assert narrow.facet_counts() == wide.facet_counts()
