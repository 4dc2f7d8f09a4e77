"""Adoption changes (DESIGN.md): the last verified state stays public and counted; a
claimed change waits beside it until a reviewer verifies it (it then replaces the verified
state) or rejects it (the verified state simply stays); stages move forward only, with
dates that never go back; the history keeps every verified state."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.exceptions import TransitionNotAllowed
from municipalities import adoptions, selectors
from municipalities.enums import Stage, Verification
from municipalities.models import AdoptionChange, AdoptionStageChange
from ranking.models import RankingEntry
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, buyer_user, reviewer_user

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 4, 1)
PILOT_SINCE = datetime.date(2023, 4, 1)
IMPLEMENTED_SINCE = datetime.date(2024, 6, 1)


@pytest.fixture
def verified(buyer, municipality, innovation, reviewer):
    """A pilot since START, recorded by `buyer` and verified by `reviewer`."""
    adoption = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage=Stage.PILOT,
        started_on=START,
        evidence_reference="TenderNed 345678",
    )
    return adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")


def _public(adoption):
    """What the public sees and the board counts of this adoption."""
    public = selectors.public_adoptions().filter(pk=adoption.pk).first()
    if public is None:
        return None
    return (public.stage, public.stage_since, public.evidence_reference)


def _history(adoption):
    return list(
        AdoptionStageChange.objects.filter(adoption=adoption)
        .order_by("id")
        .values_list("from_stage", "to_stage", "stage_since")
    )


def _claim(buyer, adoption, **changes):
    return adoptions.adoption_update(user=buyer, adoption=adoption, **changes)


# --- The verified state stays public while a change waits ------------------------------------


def test_adoption_change_waits_beside_the_public_and_counted_verified_state(
    client, buyer, verified, municipality
):
    ranking_recompute()
    board = RankingEntry.objects.filter(run__is_current=True)
    before = list(board.values_list("municipality", "score_micro"))

    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    ranking_recompute()
    page = client.get(reverse("municipalities:detail", args=[municipality.slug]))

    assert _public(verified) == ("pilot", PILOT_SINCE, "TenderNed 345678")
    assert before != []
    assert list(board.values_list("municipality", "score_micro")) == before
    assert [a.pk for a in page.context["adoptions"]] == [verified.pk]
    assert verified.changes.get().status == Verification.CLAIMED


def test_adoption_change_rejected_leaves_the_verified_state_and_its_history(
    buyer, verified, reviewer
):
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)

    adoptions.adoption_verify(
        user=reviewer, adoption=verified, decision="reject", note="Geen raadsbesluit gevonden."
    )

    change = verified.changes.get()
    assert _public(verified) == ("pilot", PILOT_SINCE, "TenderNed 345678")
    assert verified.verification == Verification.VERIFIED
    assert _history(verified) == [("", "pilot", PILOT_SINCE)]
    assert (change.status, change.note) == ("rejected", "Geen raadsbesluit gevonden.")


def test_adoption_change_verified_becomes_the_state_and_the_history_keeps_every_one(
    buyer, verified, reviewer
):
    scaled_since = datetime.date(2025, 2, 1)
    ended_since = datetime.date(2025, 11, 1)
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    _claim(buyer, verified, stage=Stage.SCALED, stage_since=scaled_since)
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="reject", note="Nog niet.")
    _claim(buyer, verified, stage=Stage.SCALED, stage_since=scaled_since, evidence_reference="B-9")
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    _claim(buyer, verified, stage=Stage.ENDED, stage_since=ended_since)
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")

    assert _public(verified) == ("ended", ended_since, "B-9")
    assert _history(verified) == [
        ("", "pilot", PILOT_SINCE),
        ("pilot", "implemented", IMPLEMENTED_SINCE),
        ("implemented", "scaled", scaled_since),
        ("scaled", "ended", ended_since),
    ]
    assert list(verified.changes.values_list("status", flat=True)) == [
        "verified",
        "rejected",
        "verified",
        "verified",
    ]


def test_adoption_change_claimed_again_replaces_the_waiting_one(buyer, verified):
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    _claim(buyer, verified, evidence_reference="Contract 2024-12")

    waiting = verified.changes.get()
    assert (waiting.stage, waiting.stage_since, waiting.evidence_reference) == (
        "implemented",
        IMPLEMENTED_SINCE,
        "Contract 2024-12",
    )


def test_adoption_change_back_to_the_verified_state_withdraws_it(buyer, verified):
    _claim(buyer, verified, evidence_reference="Typo")

    _claim(buyer, verified, evidence_reference="TenderNed 345678")

    assert AdoptionChange.objects.count() == 0
    assert list(selectors.verification_queue()) == []


def test_adoption_change_of_the_contact_applies_at_once(buyer, verified):
    _claim(buyer, verified, contact_name="Piet Post", contact_email="p.post@utrecht.example")

    verified.refresh_from_db()
    assert (verified.contact_name, verified.contact_email) == (
        "Piet Post",
        "p.post@utrecht.example",
    )
    assert AdoptionChange.objects.count() == 0


# --- Stages move forward only, dates never go back ---------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (Stage.PILOT, Stage.IMPLEMENTED, True),
        (Stage.PILOT, Stage.ENDED, True),
        (Stage.PILOT, Stage.SCALED, False),  # skips implemented
        (Stage.IMPLEMENTED, Stage.SCALED, True),
        (Stage.IMPLEMENTED, Stage.PILOT, False),
        (Stage.SCALED, Stage.IMPLEMENTED, False),
        (Stage.SCALED, Stage.ENDED, True),
        (Stage.ENDED, Stage.PILOT, False),
        (Stage.ENDED, Stage.SCALED, False),
    ],
)
def test_adoption_change_stages_move_forward_only(municipality, innovation, current, new, allowed):
    adoption = AdoptionFactory(
        municipality=municipality,
        innovation=innovation,
        stage=current,
        started_on=START,
        stage_since=IMPLEMENTED_SINCE,
    )
    buyer = buyer_user(municipality)

    if allowed:
        _claim(buyer, adoption, stage=new, stage_since=datetime.date(2025, 1, 1))
        assert adoption.changes.get().stage == new
    else:
        with pytest.raises(ValidationError) as error:
            _claim(buyer, adoption, stage=new, stage_since=datetime.date(2025, 1, 1))
        assert list(error.value.message_dict) == ["stage"]
        assert AdoptionChange.objects.count() == 0


def test_adoption_change_form_offers_only_the_stages_it_may_move_to(client, buyer, verified):
    client.force_login(buyer)

    form = client.get(reverse("municipalities:adoption_update", args=[verified.pk])).context["form"]

    assert [value for value, _label in form.fields["stage"].choices] == [
        "pilot",
        "implemented",
        "ended",
    ]


def test_adoption_change_new_stage_cannot_begin_before_the_current_one(buyer, verified):
    with pytest.raises(ValidationError) as error:
        _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=datetime.date(2023, 3, 31))

    assert list(error.value.message_dict) == ["stage_since"]


def test_adoption_change_date_of_a_stage_never_before_the_stage_before_it(
    buyer, municipality, innovation, reviewer
):
    pilot_since = datetime.date(2023, 6, 1)
    adoption = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage=Stage.PILOT,
        started_on=START,
        stage_since=pilot_since,
    )
    adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")
    _claim(buyer, adoption, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    adoptions.adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    with pytest.raises(ValidationError) as error, translation.override("en"):
        _claim(buyer, adoption, stage_since=datetime.date(2023, 5, 1))  # after the start
    _claim(buyer, adoption, stage_since=datetime.date(2024, 1, 10))  # still after the pilot

    assert error.value.message_dict == {
        "stage_since": ["This stage cannot begin before the stage before it did (1 June 2023)."]
    }
    assert adoption.changes.get(status="claimed").stage_since == datetime.date(2024, 1, 10)


def test_adoption_claim_never_verified_is_corrected_in_place(buyer, municipality, innovation):
    adoption = AdoptionFactory(
        municipality=municipality,
        innovation=innovation,
        stage=Stage.SCALED,
        verification=Verification.CLAIMED,
    )

    _claim(buyer, adoption, stage=Stage.PILOT)  # a typing error, not a move backwards

    adoption.refresh_from_db()
    assert (adoption.stage, adoption.verification) == ("pilot", "claimed")
    assert AdoptionChange.objects.count() == 0


# --- The reviewer's side -------------------------------------------------------------------


def test_adoption_change_in_the_queue_for_others_than_its_claimant(buyer, verified, reviewer):
    colleague = reviewer_user()
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)

    queue = list(selectors.verification_queue(colleague))

    assert [(a.pk, a.change_stage) for a in queue] == [(verified.pk, "implemented")]
    assert list(selectors.verification_queue(buyer)) == []


def test_adoption_change_by_a_reviewer_is_not_theirs_to_verify(
    admin, verified, municipality, reviewer
):
    _claim(admin, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)

    with pytest.raises(PermissionDenied):
        adoptions.adoption_verify(user=admin, adoption=verified, decision="verify")
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")

    assert _public(verified)[0] == "implemented"


def test_adoption_change_decided_once(buyer, verified, reviewer):
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")

    with pytest.raises(TransitionNotAllowed):
        adoptions.adoption_verify(
            user=reviewer_user(), adoption=verified, decision="reject", note="x"
        )


def test_adoption_change_decision_is_mailed_to_its_claimant(
    buyer, verified, reviewer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)

    with django_capture_on_commit_callbacks(execute=True):
        adoptions.adoption_verify(
            user=reviewer, adoption=verified, decision="reject", note="Geen besluit."
        )

    [message] = mail.outbox
    assert message.to == [buyer.email]
    assert (
        message.subject
        == f"The change of your adoption of “{verified.innovation.title}” was not verified"
    )
    assert "The adoption stays public as it was verified before." in message.body
    assert "Geen besluit." in message.body


def test_adopter_order_is_kept_by_the_verifications(verified, innovation, reviewer):
    """Each verified adoption's place among the innovation's adopters (what a scorecard
    reads) follows every verification, also of a later claim that started earlier."""
    from tests.factories import MunicipalityFactory, buyer_user

    others = []
    for started_on in [datetime.date(2022, 1, 1), START]:
        town = MunicipalityFactory()
        claim = adoptions.adoption_record(
            user=buyer_user(town),
            municipality=town,
            innovation=innovation,
            stage=Stage.PILOT,
            started_on=started_on,
            evidence_reference="TN 1",
        )
        others.append(claim)
    verified.refresh_from_db()
    assert (verified.adopter_order, others[0].adopter_order) == (1, None)

    adoptions.adoption_verify(user=reviewer, adoption=others[0], decision="verify")
    adoptions.adoption_verify(user=reviewer, adoption=others[1], decision="verify")

    orders = {a.pk: a.adopter_order for a in innovation.adoptions.all()}
    # The earlier starter is now the launching customer; two that started on one day share
    # the second place.
    assert orders == {others[0].pk: 1, verified.pk: 2, others[1].pk: 2}


def test_pilot_outcome_is_kept_by_the_verifications(buyer, verified, reviewer):
    """How a pilot ended (what the municipality and innovation pages count) follows each
    verified state: still running, then went on (and stays so when it ends later); a claim
    waiting beside it changes nothing."""

    def outcome():
        verified.refresh_from_db(fields=["pilot_outcome"])
        return verified.pilot_outcome

    assert outcome() == "running"
    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    assert outcome() == "running"
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    assert outcome() == "onward"
    _claim(buyer, verified, stage=Stage.ENDED, stage_since=datetime.date(2025, 11, 1))
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    assert outcome() == "onward"


def test_pilot_outcome_of_a_pilot_ended_without_going_further(buyer, verified, reviewer):
    _claim(buyer, verified, stage=Stage.ENDED, stage_since=datetime.date(2024, 1, 1))
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    verified.refresh_from_db()

    assert verified.pilot_outcome == "ended"


def test_pilot_outcome_of_a_claim_and_of_an_adoption_that_was_never_a_pilot(
    buyer, municipality, innovation, reviewer
):
    from tests.factories import InnovationFactory

    claim = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=innovation,
        stage=Stage.PILOT,
        started_on=START,
        evidence_reference="TN 2",
    )
    direct = adoptions.adoption_record(
        user=buyer,
        municipality=municipality,
        innovation=InnovationFactory(),
        stage=Stage.IMPLEMENTED,
        started_on=START,
        evidence_reference="TN 3",
    )
    adoptions.adoption_verify(user=reviewer, adoption=direct, decision="verify")
    claim.refresh_from_db()
    direct.refresh_from_db()

    assert (claim.pilot_outcome, direct.pilot_outcome) == ("", "")


def test_adoption_facts_command_restores_pilot_outcomes_of_data_loaded_around_the_services(
    buyer, verified, reviewer
):
    import io

    from django.core.management import call_command

    from municipalities.models import Adoption

    _claim(buyer, verified, stage=Stage.IMPLEMENTED, stage_since=IMPLEMENTED_SINCE)
    adoptions.adoption_verify(user=reviewer, adoption=verified, decision="verify")
    Adoption.objects.update(pilot_outcome="")  # a bulk load that bypassed the services

    call_command("adoption_facts_refresh", stdout=io.StringIO())

    assert Adoption.objects.get(pk=verified.pk).pilot_outcome == "onward"
