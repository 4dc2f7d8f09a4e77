"""Every write to adoptions, evaluations, challenges and buyer memberships leaves exactly
its audit entry; refused and failed writes leave none."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import TransitionNotAllowed
from municipalities import adoptions, challenges, evaluations
from municipalities.enums import MembershipStatus, Verification
from municipalities.memberships import (
    membership_decide,
    membership_remove,
    membership_request,
    membership_update,
)
from municipalities.models import BuyerMembership
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    UserFactory,
    buyer_user,
    reviewer_user,
)

from .conftest import entries, js, last_id

pytestmark = pytest.mark.django_db


def test_adoption_claim_records_the_new_adoption(buyer, municipality):
    innovation = InnovationFactory()
    since = last_id()

    adoption = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage="pilot",
        started_on=datetime.date(2025, 2, 1),
        evidence_reference=" TN1234 ",
    )

    assert entries(since) == [
        (
            "inkoper",
            "adoption.claim",
            "municipalities.adoption",
            str(adoption.pk),
            {
                "municipality": [None, municipality.pk],
                "innovation": [None, innovation.pk],
                "stage": [None, "pilot"],
                "started_on": [None, "2025-02-01"],
                "stage_since": [None, "2025-02-01"],
                "evidence_reference": [None, "TN1234"],
                # No contact given: the recording buyer, as the web form proposes.
                "contact_email": [None, "inkoper@example.org"],
                "verification": [None, "claimed"],
            },
        )
    ]


def test_a_duplicate_claim_records_nothing(buyer, municipality):
    adoption = AdoptionFactory(municipality=municipality)
    since = last_id()

    with pytest.raises(ValidationError):
        adoptions.adoption_record(
            user=buyer,
            municipality=municipality,
            innovation=adoption.innovation,
            stage="pilot",
            started_on=datetime.date(2025, 2, 1),
        )

    assert entries(since) == []


def test_adoption_update_records_the_claimed_change_and_its_verification(
    buyer, municipality, reviewer
):
    adoption = AdoptionFactory(
        municipality=municipality, verified_by=reviewer, verification_note="Klopt."
    )
    since = last_id()

    adoptions.adoption_update(
        user=buyer, adoption=adoption, stage="implemented", stage_since=datetime.date(2025, 1, 10)
    )
    change = adoption.changes.get()
    other = reviewer_user(username="tweede")
    adoptions.adoption_verify(user=other, adoption=adoption, decision="verify", note="Gezien.")
    change.refresh_from_db()

    assert entries(since) == [
        (
            "inkoper",
            "adoption.change_claim",
            "municipalities.adoptionchange",
            str(change.pk),
            {
                "stage": [None, "implemented"],
                "started_on": [None, "2024-03-01"],
                "stage_since": [None, "2025-01-10"],
                "evidence_reference": [None, "TN123456"],
            },
        ),
        (
            "tweede",
            "adoption.change_verify",
            "municipalities.adoptionchange",
            str(change.pk),
            {
                "status": ["claimed", "verified"],
                "decided_by": [None, other.pk],
                "decided_at": [None, js(change.decided_at)],
                "note": ["", "Gezien."],
            },
        ),
        (
            "tweede",
            "adoption.verify",
            "municipalities.adoption",
            str(adoption.pk),
            {
                "stage": ["pilot", "implemented"],
                "stage_since": ["2024-03-01", "2025-01-10"],
                "verified_by": [reviewer.pk, other.pk],
                "verified_at": [None, js(change.decided_at)],
                "verification_note": ["Klopt.", "Gezien."],
            },
        ),
    ]


def test_adoption_update_by_a_buyer_of_another_municipality_records_nothing(municipality):
    adoption = AdoptionFactory(municipality=municipality)
    stranger = buyer_user(MunicipalityFactory(), username="buurgemeente")
    since = last_id()

    with pytest.raises(PermissionDenied):
        adoptions.adoption_update(user=stranger, adoption=adoption, stage="scaled")

    assert entries(since) == []


def test_verify_and_reject_record_the_decision(reviewer, municipality):
    first = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    second = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    since = last_id()

    verified = adoptions.adoption_verify(user=reviewer, adoption=first, decision="verify")
    adoptions.adoption_verify(
        user=reviewer, adoption=second, decision="reject", note=" Geen bewijs "
    )

    second.refresh_from_db()
    assert entries(since) == [
        (
            "beoordelaar",
            "adoption.verify",
            "municipalities.adoption",
            str(first.pk),
            {
                "verification": ["claimed", "verified"],
                "verified_by": [None, reviewer.pk],
                "verified_at": [None, js(verified.verified_at)],
            },
        ),
        (
            "beoordelaar",
            "adoption.reject",
            "municipalities.adoption",
            str(second.pk),
            {
                "verification": ["claimed", "rejected"],
                "verified_by": [None, reviewer.pk],
                "verified_at": [None, js(second.verified_at)],
                "verification_note": ["", "Geen bewijs"],
            },
        ),
    ]


def test_a_lost_verification_race_records_nothing(reviewer, municipality):
    adoption = AdoptionFactory(municipality=municipality, verification=Verification.VERIFIED)
    since = last_id()

    with pytest.raises(TransitionNotAllowed):
        adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    assert entries(since) == []


def test_evaluation_records_its_first_version_and_then_each_change(buyer, municipality):
    adoption = AdoptionFactory(municipality=municipality)
    since = last_id()

    first = evaluations.evaluation_save(
        user=buyer,
        adoption=adoption,
        goals_met="partly",
        lessons_learned="Leerzaam",
        would_recommend=False,
    )
    evaluations.evaluation_save(
        user=buyer,
        adoption=adoption,
        goals_met="met",
        lessons_learned="Leerzaam",
        would_recommend=True,
    )

    key = ("municipalities.evaluation", str(first.pk))
    assert entries(since) == [
        (
            "inkoper",
            "adoption.evaluate",
            *key,
            {
                "adoption": [None, adoption.pk],
                "goals_met": [None, "partly"],
                "lessons_learned": [None, "Leerzaam"],
                "would_recommend": [None, False],
            },
        ),
        (
            "inkoper",
            "adoption.evaluate",
            *key,
            {"goals_met": ["partly", "met"], "would_recommend": [False, True]},
        ),
    ]


def test_challenge_post_close_respond_and_mark_are_recorded(buyer, municipality, member):
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    since = last_id()

    challenge = challenges.challenge_post(
        user=buyer,
        municipality=municipality,
        title="Minder zwerfafval",
        problem_statement="Hoe?",
        domain="circular-economy",
        deadline=deadline,
    )
    innovation = InnovationFactory(supplier=member.supplier_membership.supplier)
    after_post = last_id()
    response = challenges.challenge_respond(
        user=member, challenge=challenge, innovation=innovation, pitch="Zo."
    )
    challenges.challenge_response_mark(user=buyer, response=response, status="interested")
    challenges.challenge_close(user=buyer, challenge=challenge)

    assert entries(since)[0] == (
        "inkoper",
        "challenge.post",
        "municipalities.challenge",
        str(challenge.pk),
        {
            "municipality": [None, municipality.pk],
            "title": [None, "Minder zwerfafval"],
            "problem_statement": [None, "Hoe?"],
            "domain": [None, "circular-economy"],
            "deadline": [None, deadline.isoformat()],
            "status": [None, "open"],
        },
    )
    assert entries(after_post) == [
        (
            "leverancier",
            "challenge.respond",
            "municipalities.challengeresponse",
            str(response.pk),
            {
                "challenge": [None, challenge.pk],
                "innovation": [None, innovation.pk],
                "pitch": [None, "Zo."],
            },
        ),
        (
            "inkoper",
            "challenge.mark_response",
            "municipalities.challengeresponse",
            str(response.pk),
            {"status": ["new", "interested"]},
        ),
        (
            "inkoper",
            "challenge.close",
            "municipalities.challenge",
            str(challenge.pk),
            {"status": ["open", "closed"]},
        ),
    ]


def test_membership_request_decide_update_and_remove_are_recorded(municipality, admin):
    user = UserFactory(username="aspirant")
    other = MunicipalityFactory(code="GM0307", slug="amersfoort")
    since = last_id()

    membership = membership_request(
        user=user, municipality=municipality, job_title="Inkoper", actor=user
    )
    pk = str(membership.pk)
    membership_decide(membership=membership, approve=True, decided_by=admin)
    membership_update(membership=membership, actor=admin, municipality=other)
    membership_remove(membership=membership, actor=admin)

    assert entries(since) == [
        (
            "aspirant",
            "buyer_membership.request",
            "municipalities.buyermembership",
            pk,
            {
                "user": [None, user.pk],
                "municipality": [None, municipality.pk],
                "job_title": [None, "Inkoper"],
                "status": [None, "requested"],
            },
        ),
        (
            "beheerder",
            "buyer_membership.approve",
            "municipalities.buyermembership",
            pk,
            {"status": ["requested", "approved"], "decided_by": [None, admin.pk]},
        ),
        (
            "beheerder",
            "buyer_membership.update",
            "municipalities.buyermembership",
            pk,
            {"municipality": [municipality.pk, other.pk]},
        ),
        (
            "beheerder",
            "buyer_membership.remove",
            "municipalities.buyermembership",
            pk,
            {
                "user": [user.pk, None],
                "municipality": [other.pk, None],
                "job_title": ["Inkoper", None],
                "status": ["approved", None],
                "decided_by": [admin.pk, None],
            },
        ),
    ]


def test_a_repeated_request_after_a_rejection_records_the_replacement(municipality, admin):
    user = UserFactory(username="aspirant")
    old = membership_request(user=user, municipality=municipality, actor=user)
    membership_decide(membership=old, approve=False, decided_by=admin)
    old_pk = str(old.pk)
    since = last_id()

    new = membership_request(user=user, municipality=municipality, actor=user)

    assert [(e[1], e[3]) for e in entries(since)] == [
        ("buyer_membership.remove", old_pk),
        ("buyer_membership.request", str(new.pk)),
    ]
    assert BuyerMembership.objects.get(user=user).status == MembershipStatus.REQUESTED
