"""The supplier and review API: the contract's shapes, bad input, 404/409."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from innovations.enums import Status
from innovations.models import Innovation, Review, StatusChange, Supplier
from innovations.services import innovation_update
from tests.factories import SupplierFactory, reviewer_user, supplier_user
from tests.problems import errors

from .helpers import SCORES, innovation_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """The API answers in the caller's language; these tests compare English messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


COMPLETE = {
    "title": "Deelfietsen voor kleine kernen",
    "summary": "Elektrische deelfietsen met een app, beheerd door het dorp.",
    "description": "Een dorpscoöperatie beheert de fietsen; de gemeente betaalt de stallingen.",
    "domains": ["mobility", "climate-adaptation"],
    "route": "market-ready",
    "maturity": 8,
    "price_indication": "€ 1.200 per fiets per jaar",
    "evidence": "Drie jaar in Noord-Friesland, 40.000 ritten.",
    "references": "Gemeente Noardeast-Fryslân",
    "contact_name": "Sjoerd de Vries",
    "contact_email": "sjoerd@example.org",
}


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_supplier_api_flow_to_publication(client):
    supplier = SupplierFactory(name="Fietsdorp B.V.")
    user = supplier_user(supplier)
    reviewer = reviewer_user()
    client.force_login(user)

    created = _json(client, "post", "/api/v1/supplier/innovations", {"title": "Deelfietsen"})
    pk = created.json()["id"]
    refused = _json(client, "post", f"/api/v1/supplier/innovations/{pk}/submit")
    _json(client, "patch", f"/api/v1/supplier/innovations/{pk}", COMPLETE)
    submitted = _json(client, "post", f"/api/v1/supplier/innovations/{pk}/submit")
    client.force_login(reviewer)
    queue = client.get("/api/v1/review/innovations")
    _json(client, "post", f"/api/v1/review/innovations/{pk}/claim")
    decided = _json(
        client,
        "post",
        f"/api/v1/review/innovations/{pk}/decision",
        {"decision": "approve", "scores": SCORES, "feedback": "Mooi onderbouwd."},
    )

    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert created.json()["missing"] == [
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
    assert refused.status_code == 400
    assert sorted(errors(refused)) == sorted(created.json()["missing"])
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [item["id"] for item in queue.json()["results"]] == [pk]
    assert queue.json()["results"][0]["supplier"] == {
        "slug": supplier.slug,
        "name": "Fietsdorp B.V.",
    }
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["approvals"]) == ("approved", 1)
    public = client.get("/api/v1/innovations")
    assert [item["title"] for item in public.json()["results"]] == [COMPLETE["title"]]
    client.force_login(user)
    detail = client.get(f"/api/v1/supplier/innovations/{pk}").json()
    assert [(h["from_status"], h["to_status"], h["by"]) for h in detail["history"]] == [
        ("", "draft", user.username),
        ("draft", "submitted", user.username),
        ("submitted", "in_review", "Koploper review team"),
        ("in_review", "approved", "Koploper review team"),
    ]
    assert detail["feedback"][0]["feedback"] == "Mooi onderbouwd."
    assert "internal_note" not in detail["feedback"][0]
    assert "reviewer" not in detail["feedback"][0]


def test_token_authentication_works_and_anonymous_gets_401(client):
    user = supplier_user()
    token = Token.objects.create(user=user)

    anonymous = client.get("/api/v1/supplier/innovations")
    with_token = client.get("/api/v1/supplier/innovations", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert (anonymous.status_code, errors(anonymous)) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )
    assert (with_token.status_code, with_token.json()["count"]) == (200, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 121}, "title"),
        ({"title": ""}, "title"),
        ({"title": ["a", "list"]}, "title"),
        ({"title": "Ok", "maturity": 0}, "maturity"),
        ({"title": "Ok", "maturity": 10}, "maturity"),
        ({"title": "Ok", "maturity": "zeven"}, "maturity"),
        ({"title": "Ok", "maturity": 5.5}, "maturity"),
        ({"title": "Ok", "domains": ["energy", "space-travel"]}, "domains"),
        ({"title": "Ok", "domains": "energy"}, "domains"),
        ({"title": "Ok", "route": "by-pigeon"}, "route"),
        ({"title": "Ok", "contact_email": "geen adres"}, "contact_email"),
        ({"title": "Ok", "description": "x" * 10001}, "description"),
        ({"title": "Ok", "summary": "null\x00byte"}, "summary"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(client, body, field):
    client.force_login(supplier_user())

    response = _json(client, "post", "/api/v1/supplier/innovations", body)

    assert response.status_code == 400
    assert list(errors(response)) == [field]
    assert Innovation.objects.count() == 0


def test_create_stores_html_as_text_and_escapes_it_on_pages(client):
    user = supplier_user()
    client.force_login(user)

    response = _json(
        client,
        "post",
        "/api/v1/supplier/innovations",
        {"title": "<script>alert(1)</script>", "summary": "<b>vet</b>"},
    )
    page = client.get(f"/nl/innovations/supplier/innovations/{response.json()['id']}/")

    assert response.json()["title"] == "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()
    assert "<script>alert(1)" not in page.content.decode()


def test_another_suppliers_innovation_is_404_for_every_supplier_endpoint(client):
    theirs = innovation_in(Status.DRAFT)
    client.force_login(supplier_user())

    answers = [
        client.get(f"/api/v1/supplier/innovations/{theirs.pk}").status_code,
        _json(
            client, "patch", f"/api/v1/supplier/innovations/{theirs.pk}", {"title": "X"}
        ).status_code,
        _json(client, "post", f"/api/v1/supplier/innovations/{theirs.pk}/submit").status_code,
        _json(client, "post", f"/api/v1/supplier/innovations/{theirs.pk}/withdraw").status_code,
        client.get("/api/v1/supplier/innovations/999999").status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert Innovation.objects.get(pk=theirs.pk).title != "X"


def test_patch_of_an_approved_innovation_answers_with_its_revision(client):
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    client.force_login(supplier_user(original.supplier))

    first = _json(
        client, "patch", f"/api/v1/supplier/innovations/{original.pk}", {"title": "Zonnedak+"}
    )
    second = _json(client, "patch", f"/api/v1/supplier/innovations/{original.pk}", {"maturity": 9})

    revision = Innovation.objects.get(revision_of=original)
    assert (first.status_code, second.status_code) == (201, 200)
    assert (first.json()["id"], first.json()["revision_of"], first.json()["status"]) == (
        revision.pk,
        original.pk,
        "draft",
    )
    assert (second.json()["title"], second.json()["maturity"]) == ("Zonnedak+", 9)
    assert Innovation.objects.get(pk=original.pk).title == "Zonnedak"


def _approved_revision(original, user, **changes):
    from innovations.workflow import APPROVE, CLAIM, SUBMIT, innovation_transition

    reviewer = reviewer_user()
    revision, _created = innovation_update(innovation=original, user=user, **changes)
    innovation_transition(innovation=revision, user=user, action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
    innovation_transition(innovation=revision, user=reviewer, action=APPROVE, scores=SCORES)
    return revision


def test_supplier_list_shows_an_approved_revision_only_as_its_innovation(client):
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    user = supplier_user(original.supplier)
    _approved_revision(original, user, title="Zonnedak Plus")
    pending, _created = innovation_update(innovation=original, user=user, maturity=9)
    client.force_login(user)

    everything = client.get("/api/v1/supplier/innovations").json()
    approved = client.get("/api/v1/supplier/innovations", {"status": "approved"}).json()

    assert [(i["id"], i["title"], i["status"]) for i in everything["results"]] == [
        (pending.pk, "Zonnedak Plus", "draft"),
        (original.pk, "Zonnedak Plus", "approved"),
    ]
    assert [i["id"] for i in approved["results"]] == [original.pk]


def test_patch_through_an_approved_revision_edits_its_innovation(client):
    original = innovation_in(Status.APPROVED, title="Zonnedak")
    user = supplier_user(original.supplier)
    revision = _approved_revision(original, user, title="Zonnedak Plus")
    client.force_login(user)

    response = _json(
        client, "patch", f"/api/v1/supplier/innovations/{revision.pk}", {"maturity": 9}
    )

    pending = Innovation.objects.get(revision_of=original, status=Status.DRAFT)
    assert response.status_code == 201
    assert (response.json()["id"], response.json()["revision_of"]) == (pending.pk, original.pk)
    assert (pending.title, pending.maturity) == ("Zonnedak Plus", 9)
    assert Innovation.objects.get(pk=revision.pk).status == Status.APPROVED


@pytest.mark.parametrize(
    "state", [Status.SUBMITTED, Status.IN_REVIEW, Status.REJECTED, Status.WITHDRAWN]
)
def test_patch_in_a_state_that_cannot_be_edited_is_409(client, state):
    innovation = innovation_in(state)
    client.force_login(supplier_user(innovation.supplier))

    response = _json(
        client, "patch", f"/api/v1/supplier/innovations/{innovation.pk}", {"title": "X"}
    )

    assert response.status_code == 409
    assert list(errors(response)) == ["detail"]


@pytest.mark.parametrize(
    ("url", "state"),
    [
        ("/api/v1/supplier/innovations/{id}/submit", Status.APPROVED),
        ("/api/v1/supplier/innovations/{id}/withdraw", Status.DRAFT),
    ],
)
def test_supplier_transition_in_wrong_state_is_409(client, url, state):
    innovation = innovation_in(state)
    client.force_login(supplier_user(innovation.supplier))

    response = _json(client, "post", url.format(id=innovation.pk))

    assert response.status_code == 409
    assert Innovation.objects.get(pk=innovation.pk).status == state


@pytest.mark.parametrize(
    ("url", "state", "body"),
    [
        ("/api/v1/review/innovations/{id}/claim", Status.IN_REVIEW, {}),
        ("/api/v1/review/innovations/{id}/claim", Status.APPROVED, {}),
        (
            "/api/v1/review/innovations/{id}/decision",
            Status.SUBMITTED,
            {"decision": "approve", "scores": SCORES},
        ),
        (
            "/api/v1/review/innovations/{id}/decision",
            Status.REJECTED,
            {"decision": "reject", "scores": SCORES, "feedback": "Nee."},
        ),
    ],
)
def test_review_transition_in_wrong_state_is_409(client, url, state, body):
    innovation = innovation_in(state, assigned_reviewer=reviewer_user())
    client.force_login(reviewer_user())

    response = _json(client, "post", url.format(id=innovation.pk), body)

    assert response.status_code == 409
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"decision": "request_changes", "scores": SCORES},
            {"feedback": ["Tell the supplier what to change."]},
        ),
        (
            {"decision": "reject", "scores": SCORES, "feedback": "  "},
            {"feedback": ["Give the supplier the reason for the rejection."]},
        ),
        ({"decision": "maybe", "scores": SCORES}, {"decision": ['"maybe" is not a valid choice.']}),
        (
            {"decision": "approve", "scores": {**SCORES, "fit": 6}},
            {"scores.fit": ["Ensure this value is less than or equal to 5."]},
        ),
        ({"decision": "approve"}, {"scores": ["This field is required."]}),
        (
            {"decision": "approve", "scores": SCORES, "feedback": "x" * 5001},
            {"feedback": ["Ensure this field has no more than 5000 characters."]},
        ),
    ],
)
def test_decision_refuses_bad_input_and_stores_nothing(client, body, expected):
    innovation = innovation_in(Status.IN_REVIEW)
    client.force_login(reviewer_user())

    response = _json(client, "post", f"/api/v1/review/innovations/{innovation.pk}/decision", body)

    # Feedback that a decision needs is a rule of the workflow (422), the rest breaks the
    # document (400).
    status = 422 if list(expected) == ["feedback"] and "x" * 5001 != body.get("feedback") else 400
    assert (response.status_code, errors(response)) == (status, expected)
    assert (Review.objects.count(), StatusChange.objects.count()) == (0, 0)
    assert Innovation.objects.get(pk=innovation.pk).status == Status.IN_REVIEW


def test_second_approval_by_the_same_reviewer_is_403(client, settings):
    settings.KOPLOPER_REQUIRED_APPROVALS = 2
    innovation = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user()
    client.force_login(reviewer)
    url = f"/api/v1/review/innovations/{innovation.pk}/decision"

    first = _json(client, "post", url, {"decision": "approve", "scores": SCORES})
    second = _json(client, "post", url, {"decision": "approve", "scores": SCORES})

    assert (first.status_code, first.json()["status"], first.json()["approvals"]) == (
        200,
        "in_review",
        1,
    )
    assert second.status_code == 403
    assert Review.objects.count() == 1


def test_review_queue_filters_and_refuses_unknown_values(client):
    now = timezone.now()
    innovation_in(Status.SUBMITTED, title="Oud", submitted_at=now - datetime.timedelta(days=30))
    innovation_in(
        Status.IN_REVIEW,
        title="Zorg",
        domains=["care"],
        submitted_at=now - datetime.timedelta(days=2),
    )
    innovation_in(Status.APPROVED, title="Klaar")
    innovation_in(Status.DRAFT, title="Concept")
    reviewer = reviewer_user()
    client.force_login(reviewer)

    def titles(query=""):
        response = client.get(f"/api/v1/review/innovations{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["results"]]

    assert titles() == ["Oud", "Zorg"]
    assert titles("?status=approved") == ["Klaar"]
    assert titles("?domain=care") == ["Zorg"]
    assert titles("?olderThanDays=7") == ["Oud"]
    assert titles("?assigned=none") == ["Oud", "Zorg"]
    for bad in (
        "?status=draft",
        "?status=nonsense",
        "?domain=space",
        "?olderThanDays=abc",
        "?assigned=you",
    ):
        response = client.get(f"/api/v1/review/innovations{bad}")
        assert response.status_code == 400, bad
        assert list(errors(response)) == [bad[1:].split("=")[0]]


def test_supplier_list_filters_by_status_and_refuses_unknown(client):
    supplier = SupplierFactory()
    innovation_in(Status.DRAFT, supplier=supplier, title="Concept")
    innovation_in(Status.APPROVED, supplier=supplier, title="Klaar")
    client.force_login(supplier_user(supplier))

    drafts = client.get("/api/v1/supplier/innovations?status=draft")
    bad = client.get("/api/v1/supplier/innovations?status=nonsense")

    assert [i["title"] for i in drafts.json()["results"]] == ["Concept"]
    assert bad.status_code == 400


def test_organisation_patch_validates_the_registration_number(client):
    supplier = SupplierFactory(country="NL", registration_number="12345678")
    client.force_login(supplier_user(supplier))

    bad = _json(client, "patch", "/api/v1/supplier/organisation", {"registration_number": "123"})
    good = _json(
        client,
        "patch",
        "/api/v1/supplier/organisation",
        {"name": "Nieuwe Naam B.V.", "size": "large"},
    )

    assert bad.status_code == 422  # a rule by country, no schema states it
    assert list(errors(bad)) == ["registration_number"]
    requested_at = Supplier.objects.get(pk=supplier.pk).change_requested_at
    body = good.json()
    assert datetime.datetime.fromisoformat(body["pending_change"].pop("requested_at")) == (
        requested_at
    )
    assert body == {
        "slug": supplier.slug,
        "name": supplier.name,  # the new name waits for a reviewer
        "registration_number": "12345678",
        "website": "https://example.org",
        "country": "NL",
        "size": "large",
        "pending_change": {
            "name": "Nieuwe Naam B.V.",
            "registration_number": "12345678",
        },
    }


@pytest.mark.parametrize(
    ("website", "status"),
    [
        ("https://www.gemeente-voorbeeld.nl/innovatie?x=1#top", 200),
        ("", 200),
        ("ftp://files.example.be/a%20b", 200),
        # Django's URLValidator takes these; the document's pattern does not, nor the API.
        ("https://example.org/%zz", 400),
        ("https://example.org/<script>", 400),
        ("http://localhost:8000/", 400),
        ("https://" + ".".join(["a" * 63] * 4) + ".org", 400),  # a host name over 253
        ("mailto:info@example.org", 400),
    ],
)
def test_organisation_patch_takes_a_website_as_the_document_states_it(client, website, status):
    supplier = SupplierFactory()
    client.force_login(supplier_user(supplier))

    response = _json(client, "patch", "/api/v1/supplier/organisation", {"website": website})

    assert response.status_code == status, response.content
    if status == 400:
        assert errors(response) == {"website": ["Enter a valid URL."]}
    assert Supplier.objects.get(pk=supplier.pk).website == (
        website if status == 200 else "https://example.org"
    )


def test_organisation_patch_of_the_country_alone_checks_the_stored_number(client):
    supplier = SupplierFactory(country="NL", registration_number="12345678")
    client.force_login(supplier_user(supplier))

    response = _json(client, "patch", "/api/v1/supplier/organisation", {"country": "BE"})

    assert response.status_code == 422, response.content
    assert list(errors(response)) == ["registration_number"]
    assert Supplier.objects.get(pk=supplier.pk).country == "NL"


def test_organisation_patch_refuses_another_organisations_number(client):
    SupplierFactory(name="Zonnewijzer B.V.", country="NL", registration_number="90817263")
    supplier = SupplierFactory(country="NL", registration_number="12345678")
    client.force_login(supplier_user(supplier))

    response = _json(
        client,
        "patch",
        "/api/v1/supplier/organisation",
        {"name": "Zonnewijzer B.V.", "registration_number": "90817263"},
    )

    assert response.status_code == 422, response.content  # one organisation per number
    assert [p["code"] for p in response.json()["invalidParams"]] == ["unique"]
    assert list(errors(response)) == ["registration_number"]
    stored = Supplier.objects.get(pk=supplier.pk)
    assert (stored.registration_number, stored.pending_registration_number) == ("12345678", "")
