"""Every write to suppliers, innovations and reviews leaves exactly its audit entry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from innovations.enums import Status
from innovations.models import Innovation, SupplierMember
from innovations.services import (
    innovation_create,
    innovation_update,
    supplier_create,
    supplier_member_add,
    supplier_member_remove,
    supplier_update,
)
from innovations.workflow import innovation_transition
from tests.factories import UserFactory, reviewer_user, supplier_user
from tests.innovations.helpers import SCORES, innovation_in

from .conftest import entries, js, last_id

pytestmark = pytest.mark.django_db


def test_innovation_create_records_the_new_innovation(supplier, member):
    innovation = innovation_create(
        supplier=supplier,
        user=member,
        title=" Slimme lantaarn ",
        domains=["mobility", "energy"],
        summary="Licht op maat",
        maturity=6,
    )

    assert entries() == [
        (
            "leverancier",
            "innovation.create",
            "innovations.innovation",
            str(innovation.pk),
            {
                "supplier": [None, supplier.pk],
                "slug": [None, "slimme-lantaarn"],
                "status": [None, "draft"],
                "title": [None, "Slimme lantaarn"],
                "summary": [None, "Licht op maat"],
                "maturity": [None, 6],
                "domains": [None, ["energy", "mobility"]],
            },
        )
    ]


def test_innovation_update_records_old_and_new_values_of_changed_fields_only(supplier, member):
    innovation = innovation_in(Status.DRAFT, supplier=supplier, title="Oud", slug="oud")
    since = last_id()

    innovation_update(
        innovation=innovation,
        user=member,
        title="Nieuw",
        summary=innovation.summary,  # given but unchanged: not recorded
        domains=["care"],
    )

    assert entries(since) == [
        (
            "leverancier",
            "innovation.update",
            "innovations.innovation",
            str(innovation.pk),
            {
                "title": ["Oud", "Nieuw"],
                "slug": ["oud", "nieuw"],
                "domains": [["energy"], ["care"]],
            },
        )
    ]


def test_innovation_edit_of_a_published_innovation_records_the_revision(supplier, member):
    original = innovation_in(Status.APPROVED, supplier=supplier, title="Gepubliceerd")
    since = last_id()

    revision, created = innovation_update(innovation=original, user=member, title="Verbeterd")

    assert created is True
    assert entries(since) == [
        (
            "leverancier",
            "innovation.open_revision",
            "innovations.innovation",
            str(revision.pk),
            {
                "revision_of": [None, original.pk],
                "supplier": [None, supplier.pk],
                "slug": [None, f"{original.slug}-revisie"],
                "status": [None, "draft"],
                "title": [None, "Gepubliceerd"],
                "summary": [None, original.summary],
                "description": [None, original.description],
                "route": [None, original.route],
                "maturity": [None, original.maturity],
                "price_indication": [None, original.price_indication],
                "evidence": [None, original.evidence],
                "references": [None, original.references],
                "contact_name": [None, original.contact_name],
                "contact_email": [None, original.contact_email],
                "domains": [None, ["energy"]],
            },
        ),
        (
            "leverancier",
            "innovation.update",
            "innovations.innovation",
            str(revision.pk),
            {"title": ["Gepubliceerd", "Verbeterd"]},
        ),
    ]


def test_submit_claim_and_approve_record_each_transition_and_the_review(supplier, member):
    reviewer = reviewer_user(username="beoordelaar")
    innovation = innovation_in(Status.DRAFT, supplier=supplier)
    since = last_id()

    innovation_transition(innovation=innovation, user=member, action="submit")
    submitted = Innovation.objects.get(pk=innovation.pk)
    innovation_transition(innovation=submitted, user=reviewer, action="claim")
    approved = innovation_transition(
        innovation=submitted, user=reviewer, action="approve", scores=SCORES, feedback="Mooi."
    )

    review = approved.reviews.get()
    pk = str(innovation.pk)
    assert entries(since) == [
        (
            "leverancier",
            "innovation.submit",
            "innovations.innovation",
            pk,
            {
                "status": ["draft", "submitted"],
                "submitted_at": [None, js(submitted.submitted_at)],
            },
        ),
        (
            "beoordelaar",
            "innovation.claim",
            "innovations.innovation",
            pk,
            {"status": ["submitted", "in_review"], "assigned_reviewer": [None, reviewer.pk]},
        ),
        (
            "beoordelaar",
            "review.create",
            "innovations.review",
            str(review.pk),
            {
                "innovation": [None, innovation.pk],
                "reviewer": [None, reviewer.pk],
                "decision": [None, "approve"],
                "novelty": [None, 4],
                "evidence": [None, 3],
                "public_value": [None, 5],
                "fit": [None, 4],
                "feedback": [None, "Mooi."],
            },
        ),
        (
            "beoordelaar",
            "innovation.approve",
            "innovations.innovation",
            pk,
            {
                "status": ["in_review", "approved"],
                "assigned_reviewer": [reviewer.pk, None],
                "published_at": [None, js(approved.published_at)],
                # An approval is vetted for a period (issue 14: vetting expires).
                "approved_until": [None, approved.approved_until.isoformat()],
            },
        ),
    ]


def test_approving_a_revision_records_the_published_changes_on_the_original(supplier, member):
    reviewer = reviewer_user(username="beoordelaar")
    original = innovation_in(Status.APPROVED, supplier=supplier, title="Oud")
    revision, _created = innovation_update(innovation=original, user=member, title="Nieuw")
    revision = innovation_transition(innovation=revision, user=member, action="submit")
    revision = innovation_transition(innovation=revision, user=reviewer, action="claim")
    since = last_id()

    revision = innovation_transition(
        innovation=revision, user=reviewer, action="approve", scores=SCORES
    )

    actions = [(entry[1], entry[3], entry[4]) for entry in entries(since)]
    assert actions[1] == (
        "innovation.publish_revision",
        str(original.pk),
        {"revision": [None, revision.pk], "title": ["Oud", "Nieuw"]},
    )
    assert [action for action, _pk, _changes in actions] == [
        "review.create",
        "innovation.publish_revision",
        "innovation.approve",
    ]


def test_withdrawing_the_original_records_its_pending_revision_too(supplier, member):
    original = innovation_in(Status.APPROVED, supplier=supplier)
    revision, _created = innovation_update(innovation=original, user=member, title="Nieuw")
    since = last_id()

    innovation_transition(innovation=original, user=member, action="withdraw")

    assert entries(since) == [
        (
            "leverancier",
            "innovation.withdraw",
            "innovations.innovation",
            str(revision.pk),
            {"status": ["draft", "withdrawn"]},
        ),
        (
            "leverancier",
            "innovation.withdraw",
            "innovations.innovation",
            str(original.pk),
            {"status": ["approved", "withdrawn"]},
        ),
    ]


def test_request_changes_records_the_review_with_its_internal_note(supplier):
    reviewer = reviewer_user(username="beoordelaar")
    innovation = innovation_in(Status.IN_REVIEW, supplier=supplier, assigned_reviewer=None)
    since = last_id()

    innovation_transition(
        innovation=innovation,
        user=reviewer,
        action="request_changes",
        scores=SCORES,
        feedback="Meer bewijs graag.",
        internal_note="Twijfel.",
    )

    review = innovation.reviews.get()
    assert entries(since) == [
        (
            "beoordelaar",
            "review.create",
            "innovations.review",
            str(review.pk),
            {
                "innovation": [None, innovation.pk],
                "reviewer": [None, reviewer.pk],
                "decision": [None, "request_changes"],
                "novelty": [None, 4],
                "evidence": [None, 3],
                "public_value": [None, 5],
                "fit": [None, 4],
                "feedback": [None, "Meer bewijs graag."],
                "internal_note": [None, "Twijfel."],
            },
        ),
        (
            "beoordelaar",
            "innovation.request_changes",
            "innovations.innovation",
            str(innovation.pk),
            {"status": ["in_review", "changes_requested"]},
        ),
    ]


def test_refused_and_failed_writes_record_nothing(supplier, member):
    stranger = supplier_user(username="concurrent")
    draft = innovation_in(Status.DRAFT, supplier=supplier, summary="")
    since = last_id()

    with pytest.raises(PermissionDenied):
        innovation_update(innovation=draft, user=stranger, title="Gekaapt")
    with pytest.raises(ValidationError):  # incomplete: no summary
        innovation_transition(innovation=draft, user=member, action="submit")
    with pytest.raises(ValidationError):
        innovation_create(supplier=supplier, user=member, title="X", domains=["nonsense"])

    assert entries(since) == []


def test_a_rolled_back_transaction_takes_its_audit_entry_with_it(supplier, member):
    since = last_id()

    with pytest.raises(RuntimeError), transaction.atomic():
        innovation_create(supplier=supplier, user=member, title="Nooit bewaard")
        raise RuntimeError("the caller fails after the service")

    assert (Innovation.objects.filter(title="Nooit bewaard").exists(), entries(since)) == (
        False,
        [],
    )


def test_supplier_create_update_and_members_are_recorded(admin):
    user = UserFactory(username="oprichter")

    supplier = supplier_create(name="Nieuw B.V.", country="NL", size="sme", user=user, actor=user)
    member = SupplierMember.objects.get(user=user)
    supplier_update(supplier=supplier, user=user, name="Nieuwer B.V.", country="NL", size="micro")
    colleague = UserFactory(username="collega")
    added = supplier_member_add(supplier=supplier, user=colleague, actor=admin)
    added_pk = str(added.pk)
    supplier_member_remove(member=added, actor=admin)

    assert entries() == [
        (
            "oprichter",
            "supplier.create",
            "innovations.supplier",
            str(supplier.pk),
            {
                "name": [None, "Nieuw B.V."],
                "slug": [None, "nieuw-bv"],
                "country": [None, "NL"],
                "size": [None, "sme"],
            },
        ),
        (
            "oprichter",
            "supplier_member.add",
            "innovations.suppliermember",
            str(member.pk),
            {"supplier": [None, supplier.pk], "user": [None, user.pk]},
        ),
        (
            "oprichter",
            "supplier.update",
            "innovations.supplier",
            str(supplier.pk),
            # A member's new name waits for a reviewer (innovations.organisation_changes).
            {"size": ["sme", "micro"], "pending_name": ["", "Nieuwer B.V."]},
        ),
        (
            "beheerder",
            "supplier_member.add",
            "innovations.suppliermember",
            added_pk,
            {"supplier": [None, supplier.pk], "user": [None, colleague.pk]},
        ),
        (
            "beheerder",
            "supplier_member.remove",
            "innovations.suppliermember",
            added_pk,
            {"supplier": [supplier.pk, None], "user": [colleague.pk, None]},
        ),
    ]
