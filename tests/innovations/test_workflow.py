"""The one transition function: every transition, every refused one, approvals, revisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innovations.enums import Status
from innovations.models import Innovation, Review, StatusChange
from innovations.selectors import rubric_summary
from innovations.services import innovation_create, innovation_update
from innovations.workflow import (
    ALLOWED_STATE_CHANGES,
    APPROVE,
    CLAIM,
    REJECT,
    REQUEST_CHANGES,
    SUBMIT,
    WITHDRAW,
    TransitionNotAllowed,
    innovation_transition,
)
from tests.factories import (
    InnovationFactory,
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)

from .helpers import SCORES, innovation_in

pytestmark = pytest.mark.django_db

# (action, from state, to state, who): every transition of DESIGN.md's workflow.
TRANSITION_CASES = [
    (SUBMIT, Status.DRAFT, Status.SUBMITTED, "supplier"),
    (SUBMIT, Status.CHANGES_REQUESTED, Status.SUBMITTED, "supplier"),
    (CLAIM, Status.SUBMITTED, Status.IN_REVIEW, "reviewer"),
    (APPROVE, Status.IN_REVIEW, Status.APPROVED, "reviewer"),
    (REQUEST_CHANGES, Status.IN_REVIEW, Status.CHANGES_REQUESTED, "reviewer"),
    (REJECT, Status.IN_REVIEW, Status.REJECTED, "reviewer"),
    (WITHDRAW, Status.APPROVED, Status.WITHDRAWN, "supplier"),
]


def _actor(kind, innovation):
    if kind == "supplier":
        return supplier_user(innovation.supplier)
    return reviewer_user()


def _kwargs(action):
    if action in (APPROVE, REQUEST_CHANGES, REJECT):
        return {"scores": SCORES, "feedback": "Meer bewijs graag."}
    return {}


@pytest.mark.parametrize(("action", "from_status", "to_status", "who"), TRANSITION_CASES)
def test_transition_moves_state_and_appends_history(action, from_status, to_status, who):
    innovation = innovation_in(from_status)
    user = _actor(who, innovation)

    result = innovation_transition(
        innovation=innovation, user=user, action=action, **_kwargs(action)
    )

    stored = Innovation.objects.get(pk=innovation.pk)
    assert (result.status, stored.status) == (to_status, to_status)
    change = StatusChange.objects.get(innovation=innovation)
    assert (change.actor, change.from_status, change.to_status) == (user, from_status, to_status)


def test_transition_table_matches_design():
    assert ALLOWED_STATE_CHANGES == {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.CHANGES_REQUESTED, Status.APPROVED, Status.REJECTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.APPROVED: {Status.WITHDRAWN},
    }


REFUSED_CASES = [
    (action, state)
    for action, allowed in [
        (SUBMIT, {Status.DRAFT, Status.CHANGES_REQUESTED}),
        (CLAIM, {Status.SUBMITTED}),
        (APPROVE, {Status.IN_REVIEW}),
        (REQUEST_CHANGES, {Status.IN_REVIEW}),
        (REJECT, {Status.IN_REVIEW}),
        (WITHDRAW, {Status.APPROVED}),
    ]
    for state in Status.values
    if state not in allowed
    # an in_review innovation nobody has claimed awaits a further approval: claimable
    and not (action == CLAIM and state == Status.IN_REVIEW)
]


@pytest.mark.parametrize(("action", "state"), REFUSED_CASES)
def test_transition_refuses_state_it_does_not_allow(action, state):
    innovation = innovation_in(state, assigned_reviewer=reviewer_user())
    who = "supplier" if action in (SUBMIT, WITHDRAW) else "reviewer"
    user = _actor(who, innovation)

    with pytest.raises(TransitionNotAllowed):
        innovation_transition(innovation=innovation, user=user, action=action, **_kwargs(action))

    assert Innovation.objects.get(pk=innovation.pk).status == state
    assert StatusChange.objects.filter(innovation=innovation).count() == 0
    assert Review.objects.count() == 0


def test_submit_refused_with_every_missing_field():
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    innovation = innovation_create(supplier=supplier, user=user, title="Slimme lantaarnpaal")

    with pytest.raises(ValidationError) as caught:
        innovation_transition(innovation=innovation, user=user, action=SUBMIT)

    assert sorted(caught.value.message_dict) == sorted(
        [
            "summary",
            "description",
            "domains",
            "route",
            "maturity",
            "price_indication",
            "evidence",
            "contact_name",
            "contact_email",
        ]
    )
    assert Innovation.objects.get(pk=innovation.pk).status == Status.DRAFT


@pytest.mark.parametrize("action", [SUBMIT, WITHDRAW])
@pytest.mark.parametrize("who", ["other_supplier", "buyer", "reviewer"])
def test_supplier_actions_refused_to_others(action, who):
    innovation = innovation_in(Status.DRAFT if action == SUBMIT else Status.APPROVED)
    user = {
        "other_supplier": lambda: supplier_user(),
        "buyer": lambda: buyer_user(),
        "reviewer": lambda: reviewer_user(),
    }[who]()

    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=user, action=action)


@pytest.mark.parametrize("action", [CLAIM, APPROVE, REQUEST_CHANGES, REJECT])
def test_reviewer_who_is_member_of_the_supplier_may_not_review(action):
    innovation = innovation_in(Status.SUBMITTED if action == CLAIM else Status.IN_REVIEW)
    member = supplier_user(innovation.supplier)
    member.user_permissions.add(*reviewer_user().user_permissions.all())
    member = type(member).objects.get(pk=member.pk)

    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=member, action=action, **_kwargs(action))

    assert Innovation.objects.get(pk=innovation.pk).status == innovation.status


@pytest.mark.parametrize("action", [CLAIM, APPROVE])
@pytest.mark.parametrize("who", ["supplier", "buyer"])
def test_reviewer_actions_refused_to_non_reviewers(action, who):
    innovation = innovation_in(Status.SUBMITTED if action == CLAIM else Status.IN_REVIEW)
    user = supplier_user(innovation.supplier) if who == "supplier" else buyer_user()

    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=user, action=action, **_kwargs(action))


def test_admin_may_do_every_transition():
    admin = admin_user()
    innovation = innovation_in(Status.DRAFT)
    for action in (SUBMIT, CLAIM, REQUEST_CHANGES, SUBMIT, CLAIM, APPROVE, WITHDRAW):
        innovation = innovation_transition(
            innovation=innovation, user=admin, action=action, **_kwargs(action)
        )
    history = list(
        StatusChange.objects.filter(innovation=innovation).values_list("from_status", "to_status")
    )
    assert history == [
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
        ("approved", "withdrawn"),
    ]


@pytest.mark.parametrize(
    ("decision", "feedback", "field"),
    [
        (REQUEST_CHANGES, "", "feedback"),
        (REQUEST_CHANGES, "   ", "feedback"),
        (REJECT, "", "feedback"),
        (APPROVE, "x" * 5001, "feedback"),
    ],
)
def test_decision_needs_its_feedback(decision, feedback, field):
    innovation = innovation_in(Status.IN_REVIEW)

    with pytest.raises(ValidationError) as caught:
        innovation_transition(
            innovation=innovation,
            user=reviewer_user(),
            action=decision,
            scores=SCORES,
            feedback=feedback,
        )

    assert list(caught.value.message_dict) == [field]
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    "scores",
    [
        {},
        {**SCORES, "novelty": 0},
        {**SCORES, "fit": 6},
        {**SCORES, "evidence": "4"},
        {**SCORES, "public_value": True},
    ],
)
def test_decision_needs_four_scores_from_1_to_5(scores):
    innovation = innovation_in(Status.IN_REVIEW)

    with pytest.raises(ValidationError) as caught:
        innovation_transition(
            innovation=innovation, user=reviewer_user(), action=APPROVE, scores=scores
        )

    assert list(caught.value.message_dict) == ["scores"]
    assert Innovation.objects.get(pk=innovation.pk).status == Status.IN_REVIEW


def test_decision_records_the_review():
    innovation = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user()

    innovation_transition(
        innovation=innovation,
        user=reviewer,
        action=REQUEST_CHANGES,
        scores=SCORES,
        feedback="Voeg de evaluatie van de pilot toe.",
        internal_note="Belt u de gemeente Zeist even?",
    )

    review = Review.objects.get()
    assert (
        review.reviewer,
        review.decision,
        review.novelty,
        review.evidence,
        review.public_value,
        review.fit,
        review.feedback,
        review.internal_note,
    ) == (
        reviewer,
        "request_changes",
        4,
        3,
        5,
        4,
        "Voeg de evaluatie van de pilot toe.",
        "Belt u de gemeente Zeist even?",
    )
    assert StatusChange.objects.get().reason == "Voeg de evaluatie van de pilot toe."


def test_claim_assigns_the_reviewer_and_a_second_claim_is_refused():
    innovation = innovation_in(Status.SUBMITTED)
    first, second = reviewer_user(), reviewer_user()

    innovation_transition(innovation=innovation, user=first, action=CLAIM)
    with pytest.raises(TransitionNotAllowed):
        innovation_transition(innovation=innovation, user=second, action=CLAIM)

    assert Innovation.objects.get(pk=innovation.pk).assigned_reviewer == first


def test_approve_publishes_with_one_required_approval():
    innovation = innovation_in(Status.IN_REVIEW)

    result = innovation_transition(
        innovation=innovation, user=reviewer_user(), action=APPROVE, scores=SCORES
    )

    assert result.status == Status.APPROVED
    assert result.published_at is not None
    assert list(Innovation.objects.approved()) == [result]


def test_two_required_approvals_need_two_different_reviewers(settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.SUBMITTED)
    first, second = reviewer_user(), reviewer_user()

    innovation_transition(innovation=innovation, user=first, action=CLAIM)
    after_first = innovation_transition(
        innovation=innovation, user=first, action=APPROVE, scores=SCORES
    )
    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=first, action=APPROVE, scores=SCORES)
    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=first, action=CLAIM)
    innovation_transition(innovation=innovation, user=second, action=CLAIM)
    after_second = innovation_transition(
        innovation=innovation, user=second, action=APPROVE, scores=SCORES
    )

    assert (after_first.status, after_first.assigned_reviewer) == (Status.IN_REVIEW, None)
    assert after_second.status == Status.APPROVED
    assert Review.objects.filter(decision="approve").count() == 2


def test_approvals_of_an_earlier_round_do_not_count(settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.IN_REVIEW)
    supplier = supplier_user(innovation.supplier)
    first, second, third = reviewer_user(), reviewer_user(), reviewer_user()

    innovation_transition(innovation=innovation, user=first, action=APPROVE, scores=SCORES)
    innovation_transition(
        innovation=innovation, user=second, action=REQUEST_CHANGES, scores=SCORES, feedback="Prijs?"
    )
    innovation_transition(innovation=innovation, user=supplier, action=SUBMIT)
    innovation_transition(innovation=innovation, user=third, action=CLAIM)
    result = innovation_transition(innovation=innovation, user=third, action=APPROVE, scores=SCORES)

    assert result.status == Status.IN_REVIEW  # first's approval was for the earlier text


def test_create_and_update_a_draft():
    supplier = SupplierFactory()
    user = supplier_user(supplier)

    innovation = innovation_create(
        supplier=supplier, user=user, title="Slimme lantaarnpaal", domains=["energy", "safety"]
    )
    updated, created = innovation_update(
        innovation=innovation, user=user, title="Slimme lantaarnpaal 2.0", maturity=6
    )

    assert created is False
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.title, stored.slug, stored.maturity, stored.status) == (
        "Slimme lantaarnpaal 2.0",
        "slimme-lantaarnpaal-20",
        6,
        Status.DRAFT,
    )
    assert sorted(stored.domains.values_list("code", flat=True)) == ["energy", "safety"]
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "draft")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 121}, "title"),
        ({"title": ""}, "title"),
        ({"maturity": 10}, "maturity"),
        ({"maturity": 0}, "maturity"),
        ({"domains": ["energy", "space-travel"]}, "domains"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"description": "x" * 10001}, "description"),
        ({"route": "by-carrier-pigeon"}, "route"),
    ],
)
def test_update_refuses_bad_input_and_stores_nothing(changes, field):
    innovation = innovation_in(Status.DRAFT, title="Origineel", maturity=5)
    user = supplier_user(innovation.supplier)

    with pytest.raises(ValidationError) as caught:
        innovation_update(innovation=innovation, user=user, **changes)

    assert list(caught.value.message_dict) == [field]
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.title, stored.maturity, list(stored.domains.values_list("code", flat=True))) == (
        "Origineel",
        5,
        ["energy"],
    )


@pytest.mark.parametrize(
    "state", [Status.SUBMITTED, Status.IN_REVIEW, Status.REJECTED, Status.WITHDRAWN]
)
def test_update_refused_in_states_that_are_not_editable(state):
    innovation = innovation_in(state)

    with pytest.raises(TransitionNotAllowed):
        innovation_update(innovation=innovation, user=supplier_user(innovation.supplier), title="X")


def test_editing_an_approved_innovation_creates_a_revision_and_keeps_the_original():
    original = innovation_in(Status.APPROVED, title="Zonnedak", domains=["energy"])
    user = supplier_user(original.supplier)

    revision, created = innovation_update(
        innovation=original, user=user, title="Zonnedak Plus", domains=["energy", "housing"]
    )
    again, created_again = innovation_update(innovation=original, user=user, summary="Nieuw")

    assert (created, created_again, again.pk) == (True, False, revision.pk)
    revision = Innovation.objects.get(pk=revision.pk)
    assert (revision.revision_of, revision.status, revision.title, revision.summary) == (
        original,
        Status.DRAFT,
        "Zonnedak Plus",
        "Nieuw",
    )
    stored = Innovation.objects.get(pk=original.pk)
    assert (stored.title, stored.status) == ("Zonnedak", Status.APPROVED)
    assert list(Innovation.objects.approved()) == [stored]


def test_approving_a_revision_copies_it_onto_the_original():
    original = innovation_in(Status.APPROVED, title="Zonnedak", domains=["energy"])
    slug, published_at = original.slug, original.published_at
    user = supplier_user(original.supplier)
    reviewer = reviewer_user()
    revision, _ = innovation_update(
        innovation=original,
        user=user,
        title="Zonnedak Plus",
        maturity=9,
        domains=["energy", "housing"],
    )

    innovation_transition(innovation=revision, user=user, action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
    innovation_transition(innovation=revision, user=reviewer, action=APPROVE, scores=SCORES)

    stored = Innovation.objects.get(pk=original.pk)
    assert (stored.title, stored.maturity, stored.slug, stored.published_at, stored.status) == (
        "Zonnedak Plus",
        9,
        slug,
        published_at,
        Status.APPROVED,
    )
    assert sorted(stored.domains.values_list("code", flat=True)) == ["energy", "housing"]
    # The catalogue's domain bits follow the links (bit 0 energy, bit 4 housing).
    assert (stored.domain_mask, Innovation.objects.get(pk=revision.pk).domain_mask) == (17, 17)
    assert Innovation.objects.get(pk=revision.pk).status == Status.APPROVED
    assert list(Innovation.objects.approved()) == [stored]
    assert StatusChange.objects.filter(innovation=original).get().note == (
        f"Changes of revision #{revision.pk} published."
    )
    # a new change can now be started
    newer, created = innovation_update(innovation=original, user=user, summary="Nog beter")
    assert (created, newer.revision_of_id) == (True, original.pk)


def test_domain_bits_follow_the_domain_links_on_create_and_update():
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    draft = innovation_create(
        supplier=supplier, user=user, title="Laadplein", domains=["energy", "mobility"]
    )
    assert Innovation.objects.get(pk=draft.pk).domain_mask == 0b101

    innovation_update(innovation=draft, user=user, domains=["industry-4-0"])

    assert Innovation.objects.get(pk=draft.pk).domain_mask == 1 << 9


def test_rejecting_a_revision_leaves_the_original_as_published():
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    user = supplier_user(original.supplier)
    reviewer = reviewer_user()
    revision, _ = innovation_update(innovation=original, user=user, title="Zonnedak Gratis")
    innovation_transition(innovation=revision, user=user, action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)

    innovation_transition(
        innovation=revision, user=reviewer, action=REJECT, scores=SCORES, feedback="Onjuist."
    )

    assert Innovation.objects.get(pk=original.pk).title == "Zonnedak"


def test_edit_while_a_revision_is_in_review_is_refused():
    original = innovation_in(Status.APPROVED)
    user = supplier_user(original.supplier)
    revision, _ = innovation_update(innovation=original, user=user, title="Nieuw")
    innovation_transition(innovation=revision, user=user, action=SUBMIT)

    with pytest.raises(TransitionNotAllowed):
        innovation_update(innovation=original, user=user, title="Nog nieuwer")


def test_withdrawing_the_original_withdraws_its_pending_revision():
    original = innovation_in(Status.APPROVED)
    user = supplier_user(original.supplier)
    revision, _ = innovation_update(innovation=original, user=user, title="Nieuw")
    innovation_transition(innovation=revision, user=user, action=SUBMIT)

    innovation_transition(innovation=original, user=user, action=WITHDRAW)

    assert Innovation.objects.get(pk=revision.pk).status == Status.WITHDRAWN
    assert Innovation.objects.get(pk=original.pk).status == Status.WITHDRAWN
    assert list(
        StatusChange.objects.filter(innovation=revision).values_list("from_status", "to_status")
    ) == [("", "draft"), ("draft", "submitted"), ("submitted", "withdrawn")]


@pytest.mark.parametrize(
    "state", [Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED]
)
def test_a_pending_revision_can_be_withdrawn_from_any_open_state(state):
    original = innovation_in(Status.APPROVED)
    revision = innovation_in(state, supplier=original.supplier, revision_of=original)

    innovation_transition(
        innovation=revision, user=supplier_user(original.supplier), action=WITHDRAW
    )

    assert Innovation.objects.get(pk=revision.pk).status == Status.WITHDRAWN
    assert Innovation.objects.get(pk=original.pk).status == Status.APPROVED


def test_rubric_summary_counts_the_approving_round_of_the_published_version(settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.IN_REVIEW)
    supplier = supplier_user(innovation.supplier)
    a, b, c = reviewer_user(), reviewer_user(), reviewer_user()
    low = {"novelty": 1, "evidence": 1, "public_value": 1, "fit": 1}

    innovation_transition(
        innovation=innovation, user=a, action=REQUEST_CHANGES, scores=low, feedback="Zwak."
    )
    innovation_transition(innovation=innovation, user=supplier, action=SUBMIT)
    innovation_transition(innovation=innovation, user=b, action=CLAIM)
    innovation_transition(innovation=innovation, user=b, action=APPROVE, scores=SCORES)
    innovation_transition(
        innovation=innovation,
        user=c,
        action=APPROVE,
        scores={"novelty": 2, "evidence": 5, "public_value": 3, "fit": 4},
    )

    assert rubric_summary(innovation) == {
        "count": 2,
        "novelty": 3.0,
        "evidence": 4.0,
        "public_value": 4.0,
        "fit": 4.0,
    }


def test_rubric_summary_follows_an_approved_revision():
    original = innovation_in(Status.IN_REVIEW)
    user = supplier_user(original.supplier)
    reviewer = reviewer_user()
    innovation_transition(innovation=original, user=reviewer, action=APPROVE, scores=SCORES)
    revision, _ = innovation_update(innovation=original, user=user, title="Nieuwe titel")
    innovation_transition(innovation=revision, user=user, action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
    before = rubric_summary(original)

    innovation_transition(
        innovation=revision,
        user=reviewer,
        action=APPROVE,
        scores={"novelty": 5, "evidence": 5, "public_value": 5, "fit": 5},
    )

    assert before == {"count": 1, "novelty": 4.0, "evidence": 3.0, "public_value": 5.0, "fit": 4.0}
    assert rubric_summary(original) == {
        "count": 1,
        "novelty": 5.0,
        "evidence": 5.0,
        "public_value": 5.0,
        "fit": 5.0,
    }


def test_rubric_summary_without_reviews():
    assert rubric_summary(InnovationFactory()) == {
        "count": 0,
        "novelty": None,
        "evidence": None,
        "public_value": None,
        "fit": None,
    }
