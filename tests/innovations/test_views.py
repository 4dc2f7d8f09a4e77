"""The supplier and reviewer pages: flows, messages, bad input, escaping."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from innovations.enums import Status
from innovations.models import Innovation, Review, StatusChange, Supplier
from innovations.services import innovation_update
from tests.factories import SupplierFactory, admin_user, reviewer_user, supplier_user

from .helpers import SCORES, innovation_in

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Slimme afvalcontainer",
    "summary": "Een container die meldt wanneer hij vol is.",
    "description": "Sensoren meten de vulgraad; de route van de vuilniswagen past zich aan.",
    "domains": ["circular-economy", "digital-services"],
    "route": "market-ready",
    "maturity": "8",
    "price_indication": "€ 450 per container per jaar",
    "evidence": "Pilot in Apeldoorn: 30% minder ritten.",
    "references": "Gemeente Apeldoorn",
    "contact_name": "Fatima El Amrani",
    "contact_email": "fatima@example.org",
}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_supplier_writes_submits_revises_and_gets_approved(client):
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    reviewer = reviewer_user()
    client.force_login(user)

    response = client.post(
        reverse("innovations:create"), {"title": "Slimme afvalcontainer", "summary": "Kort."}
    )
    innovation = Innovation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("innovations:manage", args=[innovation.pk])

    response = client.post(reverse("innovations:submit", args=[innovation.pk]))
    assert Innovation.objects.get().status == Status.DRAFT
    assert _messages(response)[-1].startswith("Not submitted yet. Complete these first:")

    client.post(reverse("innovations:edit", args=[innovation.pk]), COMPLETE)
    response = client.post(reverse("innovations:submit", args=[innovation.pk]))
    assert Innovation.objects.get().status == Status.SUBMITTED

    client.force_login(reviewer)
    client.post(reverse("review:claim", args=[innovation.pk]))
    response = client.post(
        reverse("review:decide", args=[innovation.pk]),
        {
            "novelty": "4",
            "evidence": "3",
            "public_value": "4",
            "fit": "5",
            "decision": "request_changes",
            "feedback": "Noem de kosten voor een kleine gemeente.",
        },
    )
    assert response.status_code == 302
    assert Innovation.objects.get().status == Status.CHANGES_REQUESTED

    client.force_login(user)
    page = client.get(reverse("innovations:manage", args=[innovation.pk])).content.decode()
    assert "Noem de kosten voor een kleine gemeente." in page
    client.post(
        reverse("innovations:edit", args=[innovation.pk]),
        {**COMPLETE, "price_indication": "€ 450 per container per jaar; kleine gemeente € 9.000"},
    )
    client.post(reverse("innovations:submit", args=[innovation.pk]))

    client.force_login(reviewer)
    client.post(reverse("review:claim", args=[innovation.pk]))
    client.post(
        reverse("review:decide", args=[innovation.pk]),
        {"novelty": "4", "evidence": "4", "public_value": "4", "fit": "5", "decision": "approve"},
    )

    assert list(Innovation.objects.approved()) == [Innovation.objects.get()]
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
    ]


def test_manage_page_shows_history_with_reviewers_as_the_team(client):
    innovation = innovation_in(Status.IN_REVIEW)
    user = supplier_user(innovation.supplier, first_name="Piet", last_name="Smit")
    reviewer = reviewer_user(first_name="Geheime", last_name="Beoordelaar")
    StatusChange.objects.create(
        innovation=innovation, actor=user, from_status="draft", to_status="submitted"
    )
    StatusChange.objects.create(
        innovation=innovation, actor=reviewer, from_status="submitted", to_status="in_review"
    )
    client.force_login(user)

    page = client.get(reverse("innovations:manage", args=[innovation.pk])).content.decode()

    assert "Piet Smit" in page
    assert "Koploper review team" in page
    assert "Geheime Beoordelaar" not in page


def test_html_and_script_are_shown_escaped(client):
    innovation = innovation_in(
        Status.SUBMITTED,
        title="<script>alert('x')</script>",
        description="<b>vet</b> <img src=x onerror=alert(1)>",
    )
    client.force_login(supplier_user(innovation.supplier))
    supplier_page = client.get(reverse("innovations:manage", args=[innovation.pk])).content
    client.force_login(reviewer_user())
    review_page = client.get(reverse("review:detail", args=[innovation.pk])).content
    queue_page = client.get(reverse("review:queue")).content

    for page in (supplier_page.decode(), review_page.decode(), queue_page.decode()):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<img src=x" not in review_page.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**COMPLETE, "title": "x" * 121}, "title"),
        ({**COMPLETE, "title": ""}, "title"),
        ({**COMPLETE, "maturity": "10"}, "maturity"),
        ({**COMPLETE, "maturity": "drie"}, "maturity"),
        ({**COMPLETE, "domains": ["energy", "space-travel"]}, "domains"),
        ({**COMPLETE, "route": "by-pigeon"}, "route"),
        ({**COMPLETE, "contact_email": "geen adres"}, "contact_email"),
        ({**COMPLETE, "description": "x" * 10001}, "description"),
    ],
)
def test_innovation_form_refuses_bad_input_naming_the_field(client, data, field):
    supplier = SupplierFactory()
    client.force_login(supplier_user(supplier))

    response = client.post(reverse("innovations:create"), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert "Please correct the errors below." in _messages(response)
    assert Innovation.objects.count() == 0


def test_an_administrator_names_the_supplier_of_a_new_innovation(client):
    supplier = SupplierFactory()
    client.force_login(admin_user())

    without = client.post(reverse("innovations:create"), COMPLETE)
    with_supplier = client.post(
        reverse("innovations:create"), {**COMPLETE, "supplier": supplier.pk}
    )

    assert without.status_code == 400
    assert list(without.context["supplier_form"].errors) == ["supplier"]
    assert "Please correct the errors below." in _messages(without)
    assert with_supplier.status_code == 302
    assert list(Innovation.objects.values_list("supplier", "title")) == [
        (supplier.pk, COMPLETE["title"])
    ]


def test_edit_of_approved_innovation_creates_revision_and_keeps_published_text(client):
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    client.force_login(supplier_user(original.supplier))

    form_page = client.get(reverse("innovations:edit", args=[original.pk]))
    response = client.post(
        reverse("innovations:edit", args=[original.pk]), {**COMPLETE, "title": "Zonnedak Plus"}
    )

    revision = Innovation.objects.get(revision_of=original)
    assert "Propose a change" in form_page.content.decode()
    assert response["Location"] == reverse("innovations:manage", args=[revision.pk])
    assert (revision.title, Innovation.objects.get(pk=original.pk).title) == (
        "Zonnedak Plus",
        "Zonnedak",
    )
    # Editing the original again continues the same revision.
    again = client.get(reverse("innovations:edit", args=[original.pk]))
    assert again["Location"] == reverse("innovations:edit", args=[revision.pk])


def test_edit_of_submitted_innovation_is_refused_with_a_message(client):
    innovation = innovation_in(Status.SUBMITTED)
    client.force_login(supplier_user(innovation.supplier))

    response = client.get(reverse("innovations:edit", args=[innovation.pk]))

    assert response["Location"] == reverse("innovations:manage", args=[innovation.pk])
    assert _messages(response) == [
        "This innovation cannot be edited while its status is “Submitted”."
    ]


def test_withdraw_asks_for_confirmation_first(client):
    innovation = innovation_in(Status.APPROVED, title="Zonnedak")
    client.force_login(supplier_user(innovation.supplier))

    page = client.get(reverse("innovations:withdraw", args=[innovation.pk]))
    unchanged = Innovation.objects.get(pk=innovation.pk).status
    client.post(reverse("innovations:withdraw", args=[innovation.pk]))

    assert "Withdraw “Zonnedak”?" in page.content.decode()
    assert unchanged == Status.APPROVED
    assert Innovation.objects.get(pk=innovation.pk).status == Status.WITHDRAWN


def test_withdraw_of_a_draft_is_refused_with_a_message(client):
    innovation = innovation_in(Status.DRAFT)
    client.force_login(supplier_user(innovation.supplier))

    response = client.post(reverse("innovations:withdraw", args=[innovation.pk]))

    assert Innovation.objects.get(pk=innovation.pk).status == Status.DRAFT
    assert "You cannot withdraw this innovation: its status is “Draft”." in _messages(response)[0]


def test_decision_without_feedback_keeps_the_form_and_stores_nothing(client):
    innovation = innovation_in(Status.IN_REVIEW)
    client.force_login(reviewer_user())

    response = client.post(
        reverse("review:decide", args=[innovation.pk]),
        {"novelty": "2", "evidence": "2", "public_value": "2", "fit": "2", "decision": "reject"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "feedback": ["Give the supplier the reason for the rejection."]
    }
    assert (Review.objects.count(), Innovation.objects.get(pk=innovation.pk).status) == (
        0,
        Status.IN_REVIEW,
    )


def test_decision_on_an_innovation_decided_meanwhile_says_so_and_keeps_the_text(client):
    innovation = innovation_in(Status.APPROVED)
    client.force_login(reviewer_user())

    response = client.post(
        reverse("review:decide", args=[innovation.pk]),
        {
            "novelty": "2",
            "evidence": "2",
            "public_value": "2",
            "fit": "2",
            "decision": "request_changes",
            "feedback": "Mijn zorgvuldige tekst",
        },
    )

    assert response.status_code == 409
    assert _messages(response) == [
        "You cannot request changes for this innovation: its status is “Approved”. It may just "
        "have been changed by someone else; reload the page to see its current state."
    ]
    assert Review.objects.count() == 0


def test_organisation_profile_validates_and_normalises_the_registration_number(client):
    supplier = SupplierFactory(name="Oud B.V.", country="NL")
    client.force_login(supplier_user(supplier))
    url = reverse("innovations:organisation")
    data = {
        "name": "Nieuw B.V.",
        "country": "BE",
        "website": "https://nieuw.example",
        "size": "micro",
    }

    bad = client.post(url, {**data, "registration_number": "12345678"})
    good = client.post(url, {**data, "registration_number": "BE 0123.456.749"})

    assert bad.status_code == 400
    assert list(bad.context["form"].errors) == ["registration_number"]
    assert good.status_code == 302
    stored = Supplier.objects.get(pk=supplier.pk)
    # The country and size change at once; the name and number wait for a reviewer.
    assert (stored.pending_name, stored.pending_registration_number) == (
        "Nieuw B.V.",
        "0123.456.749",
    )
    assert (stored.name, stored.country, stored.size) == ("Oud B.V.", "BE", "micro")


def test_my_innovations_lists_by_state_with_latest_feedback(client):
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    innovation_in(Status.DRAFT, supplier=supplier, title="Conceptje")
    sent_back = innovation_in(Status.CHANGES_REQUESTED, supplier=supplier, title="Teruggestuurd")
    Review.objects.create(
        innovation=sent_back,
        reviewer=reviewer_user(),
        decision="request_changes",
        feedback="Voeg referenties toe.",
        novelty=3,
        evidence=2,
        public_value=3,
        fit=3,
    )
    innovation_in(Status.APPROVED, title="Van een ander")
    client.force_login(user)

    everything = client.get(reverse("innovations:mine"))
    drafts = client.get(reverse("innovations:mine"), {"status": "draft"})

    assert [i.title for i in everything.context["page"].object_list] == [
        "Teruggestuurd",
        "Conceptje",
    ]
    assert "Voeg referenties toe." in everything.content.decode()
    assert [i.title for i in drafts.context["page"].object_list] == ["Conceptje"]
    counts = {value: n for value, _label, n in everything.context["counts"]}
    assert (counts["draft"], counts["changes_requested"], counts["approved"]) == (1, 1, 0)


def test_my_innovations_latest_feedback_is_from_the_latest_round_a_revisions_included(client):
    from innovations.workflow import CLAIM, REQUEST_CHANGES, SUBMIT, innovation_transition

    original = innovation_in(Status.APPROVED, title="Zonnedak")
    user = supplier_user(original.supplier)
    reviewer = reviewer_user()
    Review.objects.create(
        innovation=original, reviewer=reviewer, decision="approve", feedback="Mooi werk.", **SCORES
    )
    revision, _created = innovation_update(innovation=original, user=user, title="Zonnedak Plus")
    innovation_transition(innovation=revision, user=user, action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
    innovation_transition(
        innovation=revision,
        user=reviewer,
        action=REQUEST_CHANGES,
        scores=SCORES,
        feedback="Noem de prijs per woning.",
    )
    client.force_login(user)

    page = client.get(reverse("innovations:mine")).content.decode()

    assert "Noem de prijs per woning." in page
    assert "Mooi werk." not in page


def test_pending_revision_shows_under_its_original(client):
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    user = supplier_user(original.supplier)
    innovation_update(innovation=original, user=user, title="Zonnedak Plus")
    client.force_login(user)

    page = client.get(reverse("innovations:mine")).content.decode()

    assert "Proposed change: Draft" in page
    assert "Zonnedak Plus" not in page


def test_review_queue_is_oldest_first_and_filters(client):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    innovation_in(Status.SUBMITTED, title="Oud", submitted_at=now - datetime.timedelta(days=20))
    innovation_in(Status.SUBMITTED, title="Nieuw", submitted_at=now - datetime.timedelta(days=1))
    innovation_in(
        Status.IN_REVIEW,
        title="Zorg",
        submitted_at=now - datetime.timedelta(days=10),
        domains=["care"],
    )
    innovation_in(Status.DRAFT, title="Concept")
    innovation_in(Status.APPROVED, title="Klaar")
    reviewer = reviewer_user()
    client.force_login(reviewer)

    def titles(**params):
        response = client.get(reverse("review:queue"), params)
        return [i.title for i in response.context["page"].object_list]

    assert titles() == ["Oud", "Zorg", "Nieuw"]
    assert titles(domain="care") == ["Zorg"]
    assert titles(age="7") == ["Oud", "Zorg"]
    assert titles(status="approved") == ["Klaar"]
    assert titles(status="draft") == ["Oud", "Zorg", "Nieuw"]  # drafts are never shown


def test_review_queue_leaves_out_the_reviewers_own_supplier(client):
    innovation = innovation_in(Status.SUBMITTED, title="Eigen")
    innovation_in(Status.SUBMITTED, title="Ander")
    member = reviewer_user()
    from innovations.services import supplier_member_add

    supplier_member_add(supplier=innovation.supplier, user=member)
    client.force_login(member)

    response = client.get(reverse("review:queue"))

    assert [i.title for i in response.context["page"].object_list] == ["Ander"]


def test_dashboard_shows_supplier_and_reviewer_sections(client):
    supplier = SupplierFactory(name="Zonnewijzer B.V.")
    innovation_in(Status.DRAFT, supplier=supplier)
    innovation_in(Status.SUBMITTED)
    user = supplier_user(supplier)
    client.force_login(user)
    supplier_page = client.get(reverse("dashboard")).content.decode()
    client.force_login(reviewer_user())
    reviewer_page = client.get(reverse("dashboard")).content.decode()

    assert "Innovations of Zonnewijzer B.V." in supplier_page
    assert "1 innovation waits for you" in supplier_page
    assert "1 submission waits to be claimed." in reviewer_page


def test_review_queue_is_paginated_keeping_the_filters(client):
    for _ in range(21):
        innovation_in(Status.SUBMITTED, domains=["energy"])
    client.force_login(reviewer_user())

    first = client.get(reverse("review:queue"), {"domain": "energy"})
    second = client.get(reverse("review:queue"), {"domain": "energy", "page": "2"})

    assert (len(first.context["page"].object_list), len(second.context["page"].object_list)) == (
        20,
        1,
    )
    assert 'href="?domain=energy&amp;page=2"' in first.content.decode()


def test_first_of_two_required_approvals_says_another_is_needed(client, settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user()
    client.force_login(reviewer)
    data = {"novelty": "4", "evidence": "4", "public_value": "4", "fit": "4", "decision": "approve"}

    response = client.post(reverse("review:decide", args=[innovation.pk]), data)
    page = client.get(reverse("review:detail", args=[innovation.pk]))

    assert _messages(response) == [
        "Your approval is recorded. Another reviewer's approval is still needed."
    ]
    assert Innovation.objects.get(pk=innovation.pk).status == Status.IN_REVIEW
    assert page.context["approved_by_me"] is True
    assert page.context["can_claim"] is False
    assert "1 of 2" in page.content.decode()


def test_member_reviewer_gets_a_clear_403(client):
    innovation = innovation_in(Status.SUBMITTED)
    member = reviewer_user()
    from innovations.services import supplier_member_add

    supplier_member_add(supplier=innovation.supplier, user=member)
    client.force_login(member)

    response = client.post(reverse("review:claim", args=[innovation.pk]))

    assert response.status_code == 403
    assert Innovation.objects.get(pk=innovation.pk).status == Status.SUBMITTED
