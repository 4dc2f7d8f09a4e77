"""Vetting that expires: an approval's period, the reminders before its end, "to be
reconfirmed" at the end (out of the default catalogue and the suggestions, page and
adopters kept), the light reconfirmation, per role, bad input and two at once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit import outbox
from core.exceptions import TransitionNotAllowed
from innovations import vetting
from innovations.enums import Status
from innovations.models import Innovation, StatusChange
from innovations.workflow import innovation_transition
from municipalities.selectors import used_by_similar_municipalities
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    SupplierMemberFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)
SCORES = {"novelty": 4, "evidence": 4, "public_value": 4, "fit": 4}


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


@pytest.fixture
def supplier():
    return SupplierFactory(name="Zonnewijzer B.V.")


@pytest.fixture
def member(supplier):
    return supplier_user(supplier, username="leverancier", email="lev@example.org")


@pytest.fixture
def reviewer():
    return reviewer_user(username="beoordelaar", email="beoordelaar@example.org")


@pytest.fixture
def innovation(supplier):
    return InnovationFactory(
        supplier=supplier,
        slug="slimme-palen",
        approved_until=datetime.date(2027, 1, 31),
        submitted_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC),
    )


def expired(innovation):
    innovation_transition(
        innovation=innovation, user=None, action=vetting.EXPIRE, today=datetime.date(2027, 2, 1)
    )
    innovation.refresh_from_db()
    return innovation


def test_an_approval_holds_for_the_configured_months(supplier, reviewer, settings):
    settings.KOPLOPER_APPROVAL_MONTHS = 24
    draft = InnovationFactory(supplier=supplier, status=Status.IN_REVIEW, published_at=None)
    innovation_transition(innovation=draft, user=reviewer, action="claim")

    innovation_transition(
        innovation=draft,
        user=reviewer,
        action="approve",
        scores=SCORES,
        today=datetime.date(2026, 12, 4),
    )

    draft.refresh_from_db()
    assert (draft.status, draft.approved_until, draft.reconfirmation) == (
        "approved",
        datetime.date(2028, 12, 4),
        "",
    )


def test_reminders_60_and_14_days_before_once_each(innovation, member):
    until = innovation.approved_until
    runs = [
        vetting.approvals_expire(today=until - datetime.timedelta(days=61)),
        vetting.approvals_expire(today=until - datetime.timedelta(days=60)),
        vetting.approvals_expire(today=until - datetime.timedelta(days=59)),
        vetting.approvals_expire(today=until - datetime.timedelta(days=14)),
        vetting.approvals_expire(today=until - datetime.timedelta(days=3)),
        vetting.approvals_expire(today=until),
    ]

    assert runs == [(0, 0), (1, 0), (0, 0), (1, 0), (0, 0), (0, 0)]
    assert [m.to for m in mail.outbox] == [["lev@example.org"], ["lev@example.org"]]
    assert "ends on" in mail.outbox[0].subject


def test_only_the_most_urgent_reminder_when_the_job_did_not_run(innovation, member):
    vetting.approvals_expire(today=innovation.approved_until - datetime.timedelta(days=10))
    vetting.approvals_expire(today=innovation.approved_until - datetime.timedelta(days=9))

    assert len(mail.outbox) == 1
    innovation.refresh_from_db()
    assert innovation.expiry_reminded_days == 14


def test_at_the_end_it_is_to_be_reconfirmed_once_with_history(innovation, member):
    day_after = innovation.approved_until + datetime.timedelta(days=1)

    first = vetting.approvals_expire(today=day_after)
    again = vetting.approvals_expire(today=day_after)

    innovation.refresh_from_db()
    change = StatusChange.objects.get(innovation=innovation)
    assert (first, again) == ((0, 1), (0, 0))
    assert (innovation.status, innovation.reconfirmation) == ("approved", "due")
    assert (change.actor, change.from_status, change.to_status) == (None, "approved", "approved")
    with translation.override("en"):
        assert change.note == "The approval ended on 31 January 2027: to be reconfirmed."
    assert [m.to for m in mail.outbox] == [["lev@example.org"]]
    assert change.is_reconfirmation


def test_an_expired_innovation_leaves_the_catalogue_and_suggestions_but_keeps_its_page(
    client, innovation
):
    municipality = MunicipalityFactory(province="Utrecht")
    AdoptionFactory(innovation=innovation, municipality=MunicipalityFactory(province="Utrecht"))
    before = list(used_by_similar_municipalities(municipality))
    expired(innovation)

    catalogue = client.get(reverse("innovations:catalogue")).content.decode()
    with_all = client.get(reverse("innovations:catalogue"), {"approval": "all"}).content.decode()
    page = client.get(reverse("innovations:detail", args=[innovation.slug]))
    api_list = client.get("/api/v1/innovations").json()
    api_all = client.get("/api/v1/innovations", {"approval": "all"}).json()
    api_detail = client.get(f"/api/v1/innovations/{innovation.slug}")

    assert before == [innovation]
    assert list(used_by_similar_municipalities(municipality)) == []
    assert innovation.title not in catalogue
    assert innovation.title in with_all
    assert page.status_code == 200
    assert "is to be reconfirmed" in page.content.decode()
    assert [row["slug"] for row in api_list["results"]] == []
    assert [row["slug"] for row in api_all["results"]] == [innovation.slug]
    assert api_detail.status_code == 200
    assert len(api_detail.json()["adopters"]) == 1


def test_the_catalogue_counts_and_facets_leave_out_an_innovation_to_be_reconfirmed(
    client, innovation
):
    InnovationFactory(route="needs-development")
    expired(innovation)

    default = client.get(reverse("innovations:catalogue")).context
    with_all = client.get(reverse("innovations:catalogue"), {"approval": "all"}).context

    def routes(context):
        return {o["value"]: o["count"] for o in context["facets"]["route"]["options"]}

    assert default["page"].paginator.count == len(default["page"].object_list) == 1
    assert routes(default) == {"market-ready": 0, "needs-development": 1}
    assert with_all["page"].paginator.count == 2
    assert routes(with_all) == {"market-ready": 1, "needs-development": 1}


def test_supplier_confirms_then_reviewer_reconfirms(innovation, member, reviewer):
    expired(innovation)

    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    reviewers_told = [m.to for m in mail.outbox]
    innovation_transition(innovation=innovation, user=reviewer, action=vetting.RECONFIRM)

    innovation.refresh_from_db()
    assert ["beoordelaar@example.org"] in reviewers_told
    assert innovation.reconfirmation == ""
    assert innovation.approved_until > TODAY
    assert Innovation.objects.current().filter(pk=innovation.pk).exists()
    assert list(
        StatusChange.objects.filter(innovation=innovation).values_list("system_note", flat=True)
    ) == [vetting.NOTES[a] for a in (vetting.EXPIRE, vetting.CONFIRM_CURRENT, vetting.RECONFIRM)]


def test_reviewer_asks_for_changes_with_feedback_only(innovation, member, reviewer):
    expired(innovation)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)

    with pytest.raises(ValidationError):
        innovation_transition(
            innovation=innovation, user=reviewer, action=vetting.RECONFIRM_CHANGES, feedback=" "
        )
    innovation.refresh_from_db()
    unchanged = innovation.reconfirmation
    innovation_transition(
        innovation=innovation,
        user=reviewer,
        action=vetting.RECONFIRM_CHANGES,
        feedback="De prijs is verouderd.",
    )

    innovation.refresh_from_db()
    assert (unchanged, innovation.reconfirmation) == ("confirmed", "due")
    assert StatusChange.objects.filter(innovation=innovation).last().note == (
        "Reconfirmation: the reviewer asks for changes.\nDe prijs is verouderd."
    )


def test_who_may_take_each_reconfirmation_step(innovation, supplier, member, reviewer):
    expired(innovation)
    buyer = buyer_user(MunicipalityFactory())
    conflicted = reviewer_user(username="collega")
    SupplierMemberFactory(supplier=supplier, user=conflicted)
    conflicted = type(conflicted).objects.get(pk=conflicted.pk)

    for user in (buyer, reviewer):
        with pytest.raises(PermissionDenied):
            innovation_transition(innovation=innovation, user=user, action=vetting.CONFIRM_CURRENT)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    for user in (buyer, member, conflicted):
        with pytest.raises(PermissionDenied):
            innovation_transition(innovation=innovation, user=user, action=vetting.RECONFIRM)
    with pytest.raises(PermissionDenied):
        innovation_transition(innovation=innovation, user=member, action=vetting.EXPIRE)

    innovation.refresh_from_db()
    assert innovation.reconfirmation == "confirmed"


def test_steps_out_of_order_are_refused(innovation, member, reviewer):
    with pytest.raises(TransitionNotAllowed):
        innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    with pytest.raises(TransitionNotAllowed):
        innovation_transition(
            innovation=innovation, user=None, action=vetting.EXPIRE, today=TODAY
        )  # not ended yet
    expired(innovation)
    with pytest.raises(TransitionNotAllowed):
        innovation_transition(innovation=innovation, user=reviewer, action=vetting.RECONFIRM)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    innovation_transition(innovation=innovation, user=reviewer, action=vetting.RECONFIRM)
    stale = Innovation.objects.get(pk=innovation.pk)
    stale.reconfirmation = "confirmed"  # a second reviewer's page, loaded before the first
    with pytest.raises(TransitionNotAllowed):
        innovation_transition(innovation=stale, user=reviewer_user(), action=vetting.RECONFIRM)


def test_an_approved_revision_starts_a_new_period(innovation, member, reviewer):
    expired(innovation)
    revision = InnovationFactory(
        supplier=innovation.supplier,
        revision_of=innovation,
        status=Status.IN_REVIEW,
        published_at=None,
        title="Slimme palen 2.0",
        slug="slimme-palen-rev",
    )
    innovation_transition(innovation=revision, user=reviewer, action="claim")
    innovation_transition(innovation=revision, user=reviewer, action="approve", scores=SCORES)

    innovation.refresh_from_db()
    assert (innovation.title, innovation.reconfirmation) == ("Slimme palen 2.0", "")
    assert innovation.approved_until > TODAY


# --- The pages ------------------------------------------------------------------------------


def test_supplier_confirms_on_the_manage_page(client, innovation, member):
    expired(innovation)
    client.force_login(member)

    page = client.get(reverse("innovations:manage", args=[innovation.pk])).content.decode()
    confirmed = client.post(reverse("innovations:confirm_current", args=[innovation.pk]))
    twice = client.post(reverse("innovations:confirm_current", args=[innovation.pk]), follow=True)

    innovation.refresh_from_db()
    assert "Confirm that the text is current" in page
    # What it costs until then, challenges included (alerts.collect invites no answers).
    assert "and it cannot answer challenges (you hear of new ones" in page
    assert confirmed.status_code == 302
    assert innovation.reconfirmation == "confirmed"
    assert "You have already confirmed the text" in twice.content.decode()
    assert "stays out of the catalogue's default view and cannot answer challenges" in (
        twice.content.decode()
    )


def test_reviewer_reconfirms_on_the_page_and_bad_input_is_400(client, innovation, member, reviewer):
    expired(innovation)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    client.force_login(reviewer)
    url = reverse("review:reconfirm", args=[innovation.pk])

    queue = client.get(reverse("review:reconfirm_queue")).content.decode()
    no_feedback = client.post(url, {"decision": vetting.RECONFIRM_CHANGES})
    nonsense = client.post(url, {"decision": "approve"})
    done = client.post(url, {"decision": vetting.RECONFIRM})
    again = client.post(url, {"decision": vetting.RECONFIRM})

    innovation.refresh_from_db()
    assert innovation.title in queue
    assert (no_feedback.status_code, nonsense.status_code) == (400, 400)
    assert "Tell the supplier what to change." in no_feedback.content.decode()
    assert done.status_code == 302
    assert again.status_code == 409
    assert innovation.reconfirmation == ""


def test_reconfirm_pages_per_role(client, innovation, member, supplier):
    expired(innovation)
    conflicted = reviewer_user(username="collega")
    SupplierMemberFactory(supplier=supplier, user=conflicted)
    url = reverse("review:reconfirm", args=[innovation.pk])

    anonymous = client.get(url)
    client.force_login(member)
    as_supplier = client.get(url)
    client.force_login(conflicted)
    as_conflicted = client.post(url, {"decision": vetting.RECONFIRM})
    client.force_login(buyer_user(MunicipalityFactory()))
    as_buyer = client.post(reverse("innovations:confirm_current", args=[innovation.pk]))

    assert anonymous.status_code == 302
    assert (as_supplier.status_code, as_conflicted.status_code, as_buyer.status_code) == (
        403,
        403,
        403,
    )
    innovation.refresh_from_db()
    assert innovation.reconfirmation == "due"


# --- The API --------------------------------------------------------------------------------


def test_api_reconfirmation_round_trip(client, innovation, member, reviewer):
    expired(innovation)
    client.force_login(member)
    confirmed = client.post(f"/api/v1/supplier/innovations/{innovation.pk}/confirm-current")
    again = client.post(f"/api/v1/supplier/innovations/{innovation.pk}/confirm-current")
    client.force_login(reviewer)
    listed = client.get("/api/v1/review/reconfirmations").json()
    url = f"/api/v1/review/innovations/{innovation.pk}/reconfirmation"
    no_feedback = client.post(url, {"decision": "request_changes"}, content_type="application/json")
    decided = client.post(url, {"decision": "reconfirm"}, content_type="application/json")
    twice = client.post(url, {"decision": "reconfirm"}, content_type="application/json")
    detail = client.get(f"/api/v1/innovations/{innovation.slug}").json()

    assert (confirmed.status_code, confirmed.json()["reconfirmation"]) == (200, "confirmed")
    assert again.status_code == 409
    assert [(row["slug"], row["reconfirmation"]) for row in listed["results"]] == [
        (innovation.slug, "confirmed")
    ]
    assert no_feedback.status_code == 400
    assert "feedback" in str(no_feedback.json())
    assert (decided.status_code, decided.json()["reconfirmation"]) == (200, "")
    assert twice.status_code == 409
    assert (detail["reconfirmation"], detail["approved_until"]) == (
        "",
        decided.json()["approved_until"],
    )


def test_api_reconfirmation_per_role(client, innovation, supplier, member):
    expired(innovation)
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    conflicted = reviewer_user(username="collega")
    SupplierMemberFactory(supplier=supplier, user=conflicted)
    url = f"/api/v1/review/innovations/{innovation.pk}/reconfirmation"
    body = {"decision": "reconfirm"}

    anonymous = client.post(url, body, content_type="application/json")
    client.force_login(member)
    as_supplier = client.post(url, body, content_type="application/json")
    client.force_login(conflicted)
    as_conflicted = client.post(url, body, content_type="application/json")
    client.force_login(buyer_user(MunicipalityFactory()))
    as_buyer = client.post(f"/api/v1/supplier/innovations/{innovation.pk}/confirm-current")

    assert (anonymous.status_code, as_supplier.status_code) == (401, 403)
    assert (as_conflicted.status_code, as_buyer.status_code) == (403, 403)
    innovation.refresh_from_db()
    assert innovation.reconfirmation == "confirmed"


def test_reconfirmation_lists_do_not_grow_in_queries(
    client, supplier, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)

    def add(n):
        for _ in range(n):
            InnovationFactory(
                supplier=SupplierFactory(),
                reconfirmation="due",
                approved_until=datetime.date(2026, 1, 1),
            )

    add(1)
    with django_assert_max_num_queries(9):
        one_page = client.get(reverse("review:reconfirm_queue"))
    with django_assert_max_num_queries(6):
        one_api = client.get("/api/v1/review/reconfirmations")
    add(6)
    with django_assert_max_num_queries(9):
        many_page = client.get(reverse("review:reconfirm_queue"))
    with django_assert_max_num_queries(6):
        many_api = client.get("/api/v1/review/reconfirmations")

    assert (one_page.status_code, many_page.status_code) == (200, 200)
    assert (one_api.json()["count"], many_api.json()["count"]) == (1, 7)


def test_reconfirm_queue_lists_those_confirmed_by_their_supplier_first(
    client, supplier, member, reviewer
):
    """Page and API: ready for a reviewer first, then those waiting for their supplier,
    each oldest ending first (the order the page's text promises)."""
    waiting = expired(
        InnovationFactory(supplier=supplier, approved_until=datetime.date(2027, 1, 10))
    )
    confirmed = expired(
        InnovationFactory(supplier=supplier, approved_until=datetime.date(2027, 1, 20))
    )
    innovation_transition(innovation=confirmed, user=member, action=vetting.CONFIRM_CURRENT)
    client.force_login(reviewer)

    page = client.get(reverse("review:reconfirm_queue")).content.decode()
    listed = client.get("/api/v1/review/reconfirmations").json()

    assert page.index(confirmed.title) < page.index(waiting.title)
    assert [row["slug"] for row in listed["results"]] == [confirmed.slug, waiting.slug]
