import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.exceptions import TransitionNotAllowed
from innovations.enums import Status
from municipalities import adoptions, challenges, evaluations
from municipalities.enums import ChallengeStatus, Stage, Verification
from municipalities.models import Adoption, AdoptionStageChange, ChallengeResponse, Evaluation
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    supplier_user,
)

START = datetime.date(2023, 4, 1)


def _record(user, municipality, innovation, **overrides):
    arguments = {
        "user": user,
        "municipality": municipality,
        "innovation": innovation,
        "stage": Stage.PILOT,
        "started_on": START,
        "evidence_reference": "TenderNed 345678",
        "evidence_description": "Raadsbesluit en opdrachtbevestiging.",
        "contact_name": "Anna de Vries",
        "contact_email": "a.devries@utrecht.example",
    }
    return adoptions.adoption_record(**(arguments | overrides))


def _history(adoption):
    return list(
        AdoptionStageChange.objects.filter(adoption=adoption).values_list(
            "from_stage", "to_stage", "stage_since"
        )
    )


# --- Recording ----------------------------------------------------------------------------


def test_adoption_record_claims_and_the_history_starts_when_verified(
    buyer, municipality, innovation, reviewer
):
    adoption = _record(buyer, municipality, innovation)
    claimed = (
        adoption.municipality,
        adoption.innovation,
        adoption.stage,
        adoption.started_on,
        adoption.stage_since,
        adoption.verification,
        adoption.claimed_by,
    )
    claimed_history = _history(adoption)
    adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    assert claimed == (municipality, innovation, "pilot", START, START, "claimed", buyer)
    assert claimed_history == []
    assert _history(adoption) == [("", "pilot", START)]


def test_adoption_record_for_another_municipality_is_refused(other_buyer, municipality, innovation):
    with pytest.raises(PermissionDenied):
        _record(other_buyer, municipality, innovation)

    assert Adoption.objects.count() == 0


def test_adoption_record_by_admin_for_any_municipality(admin, municipality, innovation):
    adoption = _record(admin, municipality, innovation)

    assert adoption.claimed_by == admin


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stage": "finished"}, "stage"),
        ({"started_on": datetime.date(1999, 12, 31)}, "started_on"),
        ({"started_on": timezone.localdate() + datetime.timedelta(days=1)}, "started_on"),
        ({"stage_since": datetime.date(2023, 3, 31)}, "stage_since"),
        ({"stage_since": timezone.localdate() + datetime.timedelta(days=1)}, "stage_since"),
    ],
)
def test_adoption_record_refuses_bad_values_naming_the_field(
    buyer, municipality, innovation, overrides, field
):
    with pytest.raises(ValidationError) as error:
        _record(buyer, municipality, innovation, **overrides)

    assert list(error.value.message_dict) == [field]
    assert (Adoption.objects.count(), AdoptionStageChange.objects.count()) == (0, 0)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED])
def test_adoption_record_of_an_unapproved_innovation_is_refused(
    buyer, municipality, supplier, status
):
    draft = InnovationFactory(supplier=supplier, status=status)

    with pytest.raises(ValidationError) as error:
        _record(buyer, municipality, draft)

    assert list(error.value.message_dict) == ["innovation"]
    assert Adoption.objects.count() == 0


def test_adoption_record_twice_keeps_one_and_says_so(buyer, municipality, innovation):
    _record(buyer, municipality, innovation)

    with pytest.raises(ValidationError) as error:
        _record(buyer, municipality, innovation, stage=Stage.SCALED)

    assert error.value.message_dict == {
        "innovation": ["Utrecht has already recorded an adoption of this innovation."]
    }
    assert list(Adoption.objects.values_list("stage", flat=True)) == ["pilot"]
    assert Adoption.objects.count() == 1


# --- Updating -----------------------------------------------------------------------------


@pytest.fixture
def verified(buyer, municipality, innovation, reviewer):
    adoption = _record(buyer, municipality, innovation)
    return adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")


def _waiting(adoption):
    change = adoptions.adoption_waiting_change(adoption)
    return (change.stage, change.stage_since, change.started_on, change.evidence_reference)


def _state(adoption):
    adoption.refresh_from_db()
    return (adoption.stage, adoption.stage_since, adoption.started_on, adoption.verification)


def test_adoption_update_stage_takes_today_and_waits_beside_the_verified_state(buyer, verified):
    today = timezone.localdate()

    adoption = adoptions.adoption_update(user=buyer, adoption=verified, stage=Stage.IMPLEMENTED)

    assert _state(adoption) == ("pilot", START, START, "verified")
    assert _waiting(adoption) == ("implemented", today, START, "TenderNed 345678")
    assert _history(adoption) == [("", "pilot", START)]


def test_adoption_update_stage_with_its_own_date(buyer, verified):
    adoption = adoptions.adoption_update(
        user=buyer,
        adoption=verified,
        stage=Stage.IMPLEMENTED,
        stage_since=datetime.date(2024, 9, 1),
    )

    assert _waiting(adoption)[:2] == ("implemented", datetime.date(2024, 9, 1))


def test_adoption_update_start_date_moves_a_first_stage_along(buyer, verified):
    adoption = adoptions.adoption_update(
        user=buyer, adoption=verified, started_on=datetime.date(2023, 1, 15)
    )

    assert _waiting(adoption)[:3] == (
        "pilot",
        datetime.date(2023, 1, 15),
        datetime.date(2023, 1, 15),
    )
    assert _state(adoption) == ("pilot", START, START, "verified")


def test_adoption_update_of_evidence_only_is_a_claimed_change_too(buyer, verified):
    adoption = adoptions.adoption_update(
        user=buyer, adoption=verified, evidence_reference="Contract 2023-117"
    )

    assert (adoption.evidence_reference, adoption.verification) == ("TenderNed 345678", "verified")
    assert _waiting(adoption) == ("pilot", START, START, "Contract 2023-117")
    assert len(_history(adoption)) == 1


def test_adoption_update_refuses_a_stage_date_before_the_start(buyer, verified):
    with pytest.raises(ValidationError) as error:
        adoptions.adoption_update(
            user=buyer,
            adoption=verified,
            stage=Stage.IMPLEMENTED,
            stage_since=datetime.date(2022, 1, 1),
        )

    assert list(error.value.message_dict) == ["stage_since"]
    verified.refresh_from_db()
    assert (verified.stage, verified.verification, len(_history(verified))) == (
        "pilot",
        "verified",
        1,
    )


def test_adoption_update_by_another_municipality_is_refused(other_buyer, verified):
    with pytest.raises(PermissionDenied):
        adoptions.adoption_update(user=other_buyer, adoption=verified, stage=Stage.ENDED)


def test_evaluation_save_creates_then_replaces(buyer, verified):
    evaluations.evaluation_save(
        user=buyer,
        adoption=verified,
        goals_met="partly",
        lessons_learned="Begin met één wijk.",
        would_recommend=True,
    )
    evaluations.evaluation_save(
        user=buyer,
        adoption=verified,
        goals_met="met",
        lessons_learned="Na uitbreiding wel.",
        would_recommend=True,
    )

    assert list(
        Evaluation.objects.values_list(
            "adoption", "goals_met", "lessons_learned", "would_recommend"
        )
    ) == [(verified.pk, "met", "Na uitbreiding wel.", True)]


def test_evaluation_save_refuses_unknown_goals_and_empty_lessons(buyer, verified):
    with pytest.raises(ValidationError) as error:
        evaluations.evaluation_save(
            user=buyer,
            adoption=verified,
            goals_met="maybe",
            lessons_learned=" ",
            would_recommend=False,
        )

    assert sorted(error.value.message_dict) == ["goals_met", "lessons_learned"]
    assert Evaluation.objects.count() == 0


# --- Verification -------------------------------------------------------------------------


@pytest.fixture
def claimed(buyer, municipality, innovation):
    return _record(buyer, municipality, innovation)


def test_adoption_verify_makes_it_public_and_mails_the_buyer_in_their_language(
    reviewer, claimed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        adoption = adoptions.adoption_verify(
            user=reviewer, adoption=claimed, decision="verify", note="TenderNed gecontroleerd."
        )

    assert (adoption.verification, adoption.verified_by, adoption.verification_note) == (
        "verified",
        reviewer,
        "TenderNed gecontroleerd.",
    )
    assert list(Adoption.objects.public()) == [adoption]
    with translation.override("nl"):
        subject = gettext("Your adoption of “%(title)s” is verified") % {
            "title": "Slimme lantaarnpalen"
        }
    assert [(m.to, m.subject) for m in mail.outbox] == [(["inkoper@example.org"], subject)]
    assert "/nl/municipalities/adoptions/" in mail.outbox[0].body
    assert "TenderNed gecontroleerd." in mail.outbox[0].body


def test_adoption_reject_needs_a_note(reviewer, claimed):
    with pytest.raises(ValidationError) as error:
        adoptions.adoption_verify(user=reviewer, adoption=claimed, decision="reject", note=" ")

    assert list(error.value.message_dict) == ["note"]
    claimed.refresh_from_db()
    assert claimed.verification == "claimed"


def test_adoption_reject_with_a_note_stays_private(reviewer, claimed):
    adoption = adoptions.adoption_verify(
        user=reviewer, adoption=claimed, decision="reject", note="Geen contract gevonden."
    )

    assert (adoption.verification, adoption.verification_note) == (
        "rejected",
        "Geen contract gevonden.",
    )
    assert list(Adoption.objects.public()) == []


def test_adoption_verify_unknown_decision_is_refused(reviewer, claimed):
    with pytest.raises(ValidationError) as error:
        adoptions.adoption_verify(user=reviewer, adoption=claimed, decision="approve")

    assert list(error.value.message_dict) == ["decision"]


def test_adoption_verify_twice_is_not_allowed(reviewer, claimed):
    adoptions.adoption_verify(user=reviewer, adoption=claimed, decision="verify")

    with pytest.raises(TransitionNotAllowed):
        adoptions.adoption_verify(
            user=reviewer, adoption=claimed, decision="reject", note="Toch niet."
        )

    claimed.refresh_from_db()
    assert claimed.verification == "verified"


def test_adoption_verify_after_a_rejection_and_a_correction(buyer, reviewer, claimed):
    adoptions.adoption_verify(user=reviewer, adoption=claimed, decision="reject", note="Datum?")
    adoptions.adoption_update(user=buyer, adoption=claimed, started_on=datetime.date(2023, 5, 1))

    adoption = adoptions.adoption_verify(user=reviewer, adoption=claimed, decision="verify")

    assert adoption.verification == "verified"


def test_adoption_verify_needs_the_reviewer_permission(
    buyer, other_buyer, supplier_member, claimed
):
    for user in [buyer, other_buyer, supplier_member]:
        with pytest.raises(PermissionDenied):
            adoptions.adoption_verify(user=user, adoption=claimed, decision="verify")

    claimed.refresh_from_db()
    assert claimed.verification == "claimed"


def test_adoption_verify_not_for_a_reviewer_of_the_innovations_supplier(supplier, claimed):
    colleague = supplier_user(supplier)
    colleague.user_permissions.add(Permission.objects.get(codename="verify_adoption"))
    colleague = get_user_model().objects.get(pk=colleague.pk)

    with pytest.raises(PermissionDenied):
        adoptions.adoption_verify(user=colleague, adoption=claimed, decision="verify")


def test_adoption_verify_not_of_ones_own_claim(admin, municipality, innovation):
    adoption = _record(admin, municipality, innovation)

    with pytest.raises(PermissionDenied):
        adoptions.adoption_verify(user=admin, adoption=adoption, decision="verify")


def test_only_verified_adoptions_of_published_innovations_are_public(municipality, supplier):
    published = InnovationFactory(supplier=supplier)
    withdrawn = InnovationFactory(supplier=supplier, status=Status.WITHDRAWN)
    verified = AdoptionFactory(municipality=municipality, innovation=published)
    AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=supplier),
        verification=Verification.CLAIMED,
    )
    AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=supplier),
        verification=Verification.REJECTED,
    )
    AdoptionFactory(municipality=municipality, innovation=withdrawn)

    assert list(Adoption.objects.public()) == [verified]


# --- Challenges ---------------------------------------------------------------------------

DEADLINE = timezone.localdate() + datetime.timedelta(days=30)


def _post(user, municipality, **overrides):
    arguments = {
        "user": user,
        "municipality": municipality,
        "title": "Minder zwerfafval in parken",
        "problem_statement": "Onze parken liggen na warme weekenden vol afval.",
        "domain": "circular-economy",
        "deadline": DEADLINE,
    }
    return challenges.challenge_post(**(arguments | overrides))


def test_challenge_post_publishes_it(buyer, municipality):
    challenge = _post(buyer, municipality)

    assert (challenge.municipality, challenge.status, challenge.created_by, challenge.deadline) == (
        municipality,
        "open",
        buyer,
        DEADLINE,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": timezone.localdate()}, "deadline"),
        ({"domain": "space"}, "domain"),
        ({"title": "  "}, "title"),
        ({"problem_statement": ""}, "problem_statement"),
    ],
)
def test_challenge_post_refuses_bad_values(buyer, municipality, overrides, field):
    with pytest.raises(ValidationError) as error:
        _post(buyer, municipality, **overrides)

    assert list(error.value.message_dict) == [field]


def test_challenge_post_for_another_municipality_is_refused(other_buyer, municipality):
    with pytest.raises(PermissionDenied):
        _post(other_buyer, municipality)


def test_challenge_close_once(buyer, municipality):
    challenge = _post(buyer, municipality)

    challenges.challenge_close(user=buyer, challenge=challenge)
    with pytest.raises(TransitionNotAllowed):
        challenges.challenge_close(user=buyer, challenge=challenge)

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED


def test_challenge_respond_with_own_approved_innovation_mails_the_buyer(
    buyer, municipality, supplier_member, innovation, django_capture_on_commit_callbacks
):
    challenge = _post(buyer, municipality)

    with django_capture_on_commit_callbacks(execute=True):
        response = challenges.challenge_respond(
            user=supplier_member, challenge=challenge, innovation=innovation, pitch="Wij helpen."
        )

    assert (response.challenge, response.innovation, response.status) == (
        challenge,
        innovation,
        "new",
    )
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "Zonnewijzer B.V." in mail.outbox[0].body


def test_challenge_respond_refuses_others_and_unapproved_innovations(
    buyer, municipality, supplier_member, supplier
):
    challenge = _post(buyer, municipality)
    foreign = InnovationFactory()
    draft = InnovationFactory(supplier=supplier, status=Status.DRAFT)
    # An approval that ended (to be reconfirmed) answers no challenge until reconfirmed.
    to_reconfirm = InnovationFactory(supplier=supplier, reconfirmation="due")

    for innovation in [foreign, draft, to_reconfirm]:
        with pytest.raises(ValidationError) as error:
            challenges.challenge_respond(
                user=supplier_member, challenge=challenge, innovation=innovation, pitch="Wij."
            )
        assert list(error.value.message_dict) == ["innovation"]
    assert ChallengeResponse.objects.count() == 0


def test_challenge_respond_twice_with_one_innovation_is_refused(
    buyer, municipality, supplier_member, innovation
):
    challenge = _post(buyer, municipality)
    challenges.challenge_respond(
        user=supplier_member, challenge=challenge, innovation=innovation, pitch="Eén."
    )

    with pytest.raises(ValidationError) as error:
        challenges.challenge_respond(
            user=supplier_member, challenge=challenge, innovation=innovation, pitch="Twee."
        )

    assert list(error.value.message_dict) == ["innovation"]
    assert ChallengeResponse.objects.count() == 1


def test_challenge_respond_to_closed_or_expired_challenge_is_not_allowed(
    municipality, supplier_member, innovation
):
    closed = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    expired = ChallengeFactory(
        municipality=municipality, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )

    for challenge in [closed, expired]:
        with pytest.raises(TransitionNotAllowed):
            challenges.challenge_respond(
                user=supplier_member, challenge=challenge, innovation=innovation, pitch="Te laat."
            )


def test_challenge_respond_only_by_suppliers(buyer, municipality, innovation):
    challenge = _post(buyer, municipality)

    with pytest.raises(PermissionDenied):
        challenges.challenge_respond(
            user=buyer, challenge=challenge, innovation=innovation, pitch="x"
        )


def test_challenge_response_mark_by_the_municipality_only(
    buyer, other_buyer, municipality, supplier_member, innovation
):
    challenge = _post(buyer, municipality)
    response = challenges.challenge_respond(
        user=supplier_member, challenge=challenge, innovation=innovation, pitch="Wij."
    )

    with pytest.raises(PermissionDenied):
        challenges.challenge_response_mark(user=other_buyer, response=response, status="interested")
    with pytest.raises(ValidationError):
        challenges.challenge_response_mark(user=buyer, response=response, status="new")
    challenges.challenge_response_mark(user=buyer, response=response, status="interested")

    response.refresh_from_db()
    assert response.status == "interested"


def test_adoption_update_of_a_rejected_one_resubmits_it(buyer, reviewer, claimed):
    adoptions.adoption_verify(
        user=reviewer, adoption=claimed, decision="reject", note="Welk kenmerk?"
    )

    adoption = adoptions.adoption_update(
        user=buyer, adoption=claimed, evidence_reference="TenderNed 401122"
    )

    assert (adoption.verification, adoption.evidence_reference, adoption.verified_by) == (
        "claimed",
        "TenderNed 401122",
        None,
    )


def test_adoption_update_without_changes_leaves_a_rejection(buyer, reviewer, claimed):
    adoptions.adoption_verify(
        user=reviewer, adoption=claimed, decision="reject", note="Welk kenmerk?"
    )

    adoption = adoptions.adoption_update(
        user=buyer, adoption=claimed, evidence_reference=claimed.evidence_reference
    )

    assert adoption.verification == "rejected"
