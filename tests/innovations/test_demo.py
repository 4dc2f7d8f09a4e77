"""The demo data: every state, the demo accounts, idempotent in either order with portal's."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

import innovations.demo
from innovations.access import is_reviewer, supplier_for
from innovations.enums import Domain, Status
from innovations.models import DomainTag, Innovation, Review, StatusChange
from innovations.selectors import review_queue

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Innovation.objects.count(),
        Review.objects.count(),
        StatusChange.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_covers_every_state_and_is_idempotent():
    innovations.demo.seed()
    first = _snapshot()
    innovations.demo.seed()

    assert _snapshot() == first
    originals = Innovation.objects.filter(revision_of__isnull=True)
    assert set(originals.values_list("status", flat=True)) == set(Status.values)
    assert originals.count() == 27
    assert set(
        DomainTag.objects.filter(innovations__isnull=False).values_list("code", flat=True)
    ) == set(Domain.values)
    revisions = Innovation.objects.filter(revision_of__isnull=False)
    assert set(revisions.values_list("status", flat=True)) == {Status.SUBMITTED, Status.APPROVED}
    assert Review.objects.exclude(feedback="").count() == Review.objects.count()


def test_demo_accounts_own_and_review_innovations():
    innovations.demo.seed()
    User = get_user_model()
    leverancier = User.objects.get(username="leverancier")
    beoordelaar = User.objects.get(username="beoordelaar")

    assert supplier_for(leverancier).name == "Zonnewijzer B.V."
    assert set(
        Innovation.objects.filter(
            supplier__name="Zonnewijzer B.V.", revision_of__isnull=True
        ).values_list("status", flat=True)
    ) == {Status.APPROVED, Status.CHANGES_REQUESTED, Status.DRAFT, Status.SUBMITTED}
    assert is_reviewer(beoordelaar)
    assert beoordelaar.has_perm("municipalities.verify_adoption")
    assert beoordelaar.check_password("koploper-demo")
    assert review_queue(user=beoordelaar).filter(assigned_reviewer=beoordelaar).count() == 2
    assert review_queue(user=beoordelaar).filter(status=Status.SUBMITTED).count() == 5


def test_demo_history_is_in_order_and_in_the_past():
    innovations.demo.seed()

    for innovation in Innovation.objects.all():
        changes = list(innovation.status_changes.order_by("created_at", "id"))
        assert changes[0].from_status == ""
        assert changes[-1].to_status == innovation.status or innovation.revisions.exists()
        assert innovation.created_at <= innovation.updated_at


def test_demo_after_portal_accounts_reuses_them():
    import portal.demo

    portal.demo.seed()
    leverancier = get_user_model().objects.get(username="leverancier")

    innovations.demo.seed()

    assert supplier_for(get_user_model().objects.get(pk=leverancier.pk)).name == "Zonnewijzer B.V."
    assert get_user_model().objects.filter(username="leverancier").count() == 1
    from innovations.models import Supplier

    assert Supplier.objects.filter(name="Zonnewijzer B.V.").count() == 1


def test_portal_accounts_after_the_demo_still_work():
    import portal.demo

    innovations.demo.seed()
    portal.demo.seed()

    assert get_user_model().objects.get(username="leverancier").check_password("koploper-demo")


@pytest.mark.parametrize("required", [1, 2])
def test_demo_respects_the_required_approvals(settings, required):
    settings.KOPLOPER_REQUIRED_APPROVALS = required

    innovations.demo.seed()

    approved = Innovation.objects.filter(status=Status.APPROVED, revision_of__isnull=True)
    for innovation in approved:
        assert innovation.reviews.filter(decision="approve").count() >= required


def test_seed_demo_command_runs(capsys):
    call_command("seed_demo")
    assert "Innovations: 27 created" in capsys.readouterr().out
