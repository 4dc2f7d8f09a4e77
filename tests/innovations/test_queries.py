"""Query counts of the lists: the same number of queries for one item as for several, so
that N+1 cannot creep in (measured with CaptureQueriesContext, bounded with
django_assert_max_num_queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovations.enums import Status
from innovations.models import Review
from innovations.services import innovation_update
from tests.factories import SupplierFactory, reviewer_user, supplier_user

from .helpers import innovation_in

pytestmark = pytest.mark.django_db

# Measured: supplier page 12, review queue 9, API lists 6 and 8, dashboards 9 and 11 (session,
# user, membership, permissions, navigation of every app, then the page's own queries).
# The bounds leave a little room for other apps' navigation and dashboard sections.
MAX_SUPPLIER_PAGE = 14
MAX_QUEUE_PAGE = 11
MAX_API_LIST = 8
MAX_DASHBOARD = 16


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _supplier_world(n):
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    reviewer = reviewer_user()
    for i in range(n):
        innovation = innovation_in(
            [Status.DRAFT, Status.CHANGES_REQUESTED, Status.APPROVED][i % 3],
            supplier=supplier,
            domains=["energy", "care"],
        )
        Review.objects.create(
            innovation=innovation,
            reviewer=reviewer,
            decision="request_changes",
            feedback=f"Feedback {i}",
            novelty=3,
            evidence=3,
            public_value=3,
            fit=3,
        )
        if innovation.status == Status.APPROVED:
            innovation_update(innovation=innovation, user=user, title=f"Herzien {i}")
    return user


def _queue_world(n):
    reviewer = reviewer_user()
    for i in range(n):
        innovation_in(
            Status.IN_REVIEW if i % 2 else Status.SUBMITTED,
            domains=["energy", "mobility"],
            assigned_reviewer=reviewer if i % 2 else None,
        )
    return reviewer


@pytest.mark.parametrize(
    ("world", "url", "bound"),
    [
        (_supplier_world, reverse("innovations:mine"), MAX_SUPPLIER_PAGE),
        (_supplier_world, "/api/v1/supplier/innovations", MAX_API_LIST),
        (_supplier_world, reverse("dashboard"), MAX_DASHBOARD),
        (_queue_world, reverse("review:queue"), MAX_QUEUE_PAGE),
        (_queue_world, "/api/v1/review/innovations", MAX_API_LIST),
        (_queue_world, reverse("dashboard"), MAX_DASHBOARD),
    ],
)
def test_list_queries_do_not_grow_with_items(
    client, django_assert_max_num_queries, world, url, bound
):
    client.force_login(world(1))
    one = _count(client, url)
    client.logout()
    client.force_login(world(6))
    several = _count(client, url)

    assert one == several
    with django_assert_max_num_queries(bound):
        client.get(url)
