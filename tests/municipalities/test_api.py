import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from municipalities.enums import ChallengeStatus, Verification
from municipalities.models import Adoption, AdoptionStageChange, Challenge, ChallengeResponse
from tests.factories import AdoptionFactory, ChallengeFactory, InnovationFactory
from tests.problems import errors


def _nl(message):
    # The API answers in the default language, Dutch.
    with translation.override("nl"):
        return gettext(message)


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def _body(**overrides):
    return {
        "municipality": "GM0344",
        "innovation": "slimme-lantaarnpalen",
        "stage": "pilot",
        "started_on": "2024-01-15",
        "evidence_reference": "TenderNed 402918",
        "evidence_description": "Opdracht gegund na aanbesteding.",
        "contact_name": "Anna de Vries",
        "contact_email": "a.devries@utrecht.example",
    } | overrides


# --- POST /api/v1/adoptions/ --------------------------------------------------------------


def test_post_adoption_claims_it_and_returns_the_own_view(api, buyer, innovation):
    response = _as(api, buyer).post("/api/v1/adoptions", _body(), format="json")

    adoption = Adoption.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": adoption.pk,
        "municipality": {
            "code": "GM0344",
            "name": "Utrecht",
            "country": "NL",
            "province": "Utrecht",
        },
        "innovation": {
            "slug": "slimme-lantaarnpalen",
            "title": "Slimme lantaarnpalen",
            "supplier": {"name": "Zonnewijzer B.V."},
        },
        "stage": "pilot",
        "started_on": "2024-01-15",
        "stage_since": "2024-01-15",
        "evidence_reference": "TenderNed 402918",
        "evidence_description": "Opdracht gegund na aanbesteding.",
        "verification": "claimed",
        "evaluation": None,
        "contact": {"name": "Anna de Vries", "email": "a.devries@utrecht.example"},
        "verification_note": "",
        # The history holds verified states: it starts when a reviewer verifies.
        "stage_changes": [],
        "claimed_change": None,
    }


def test_post_adoption_without_a_contact_takes_the_callers_as_the_web_form_does(
    api, buyer, innovation
):
    buyer.first_name, buyer.last_name, buyer.email = "Anna", "de Vries", "anna@utrecht.example"
    buyer.save()
    body = _body()
    del body["contact_name"], body["contact_email"]

    response = _as(api, buyer).post("/api/v1/adoptions", body, format="json")

    adoption = Adoption.objects.get()
    assert response.json()["contact"] == {"name": "Anna de Vries", "email": "anna@utrecht.example"}
    assert (adoption.contact_name, adoption.contact_email) == (
        "Anna de Vries",
        "anna@utrecht.example",
    )


def test_post_adoption_with_an_empty_contact_keeps_it_empty(api, buyer, innovation):
    body = _body(contact_name="", contact_email="")

    _as(api, buyer).post("/api/v1/adoptions", body, format="json")

    assert Adoption.objects.values_list("contact_name", "contact_email").get() == ("", "")


def test_post_adoption_for_another_municipality_is_403(api, other_buyer, municipality, innovation):
    response = _as(api, other_buyer).post("/api/v1/adoptions", _body(), format="json")

    assert response.status_code == 403
    assert list(errors(response)) == ["detail"]
    assert Adoption.objects.count() == 0


def test_post_adoption_anonymously_is_refused(api, municipality, innovation):
    response = api.post("/api/v1/adoptions", _body(), format="json")

    assert response.status_code in (401, 403)
    assert Adoption.objects.count() == 0


# A well-formed reference to nothing, or a date that breaks a rule of the adoption (no
# schema can state it), is a 422 (portal.problems), the rest a 400.
@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"innovation": "concept-idee"}, "innovation", 422),
        ({"innovation": "bestaat-niet"}, "innovation", 422),
        ({"municipality": "GM9999"}, "municipality", 422),
        ({"stage": "finished"}, "stage", 400),
        ({"started_on": "1999-12-31"}, "started_on", 422),
        ({"started_on": "2999-01-01"}, "started_on", 422),
        ({"started_on": "15-01-2024"}, "started_on", 400),
        ({"stage_since": "2023-01-01"}, "stage_since", 422),
        ({"contact_email": "geen adres"}, "contact_email", 400),
        ({"evidence_reference": "x" * 121}, "evidence_reference", 400),
        ({"stage": None}, "stage", 400),
        ({"started_on": 20240115}, "started_on", 400),
    ],
)
def test_post_adoption_bad_input_is_400_or_422_naming_the_field(
    api, buyer, innovation, supplier, overrides, field, status
):
    InnovationFactory(supplier=supplier, slug="concept-idee", status="draft")

    response = _as(api, buyer).post("/api/v1/adoptions", _body(**overrides), format="json")

    assert response.status_code == status
    assert list(errors(response)) == [field]
    assert (Adoption.objects.count(), AdoptionStageChange.objects.count()) == (0, 0)


def test_post_adoption_twice_gives_one_row_and_a_422(api, buyer, innovation):
    client = _as(api, buyer)
    first = client.post("/api/v1/adoptions", _body(), format="json")

    second = client.post("/api/v1/adoptions", _body(stage="scaled"), format="json")

    assert (first.status_code, second.status_code) == (201, 422)
    assert second.json()["invalidParams"][0]["code"] == "duplicate"
    assert errors(second) == {
        "innovation": [
            _nl("%(name)s has already recorded an adoption of this innovation.")
            % {"name": "Utrecht"}
        ]
    }
    assert Adoption.objects.count() == 1


def test_post_adoption_with_an_empty_body_is_400(api, buyer):
    response = _as(api, buyer).post("/api/v1/adoptions", {}, format="json")

    assert response.status_code == 400
    assert sorted(errors(response)) == ["innovation", "municipality", "stage", "started_on"]


# --- PATCH /api/v1/adoptions/{id}/ --------------------------------------------------------


def test_patch_stage_takes_today_and_waits_beside_the_verified_state(
    api, buyer, municipality, innovation
):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    change = adoption.changes.model

    response = _as(api, buyer).patch(
        f"/api/v1/adoptions/{adoption.pk}", {"stage": "implemented"}, format="json"
    )

    body = response.json()
    waiting = change.objects.get()
    assert response.status_code == 200
    assert (body["stage"], body["stage_since"], body["verification"]) == (
        "pilot",
        "2024-03-01",
        "verified",
    )
    assert body["claimed_change"] == {
        "id": waiting.pk,
        "stage": "implemented",
        "started_on": "2024-03-01",
        "stage_since": timezone.localdate().isoformat(),
        "evidence_reference": "TN123456",
        "evidence_description": "",
        "status": "claimed",
        "note": "",
        "created_at": body["claimed_change"]["created_at"],
    }


def test_patch_with_stage_since(api, buyer, municipality, innovation):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)

    response = _as(api, buyer).patch(
        f"/api/v1/adoptions/{adoption.pk}",
        {"stage": "implemented", "stage_since": "2025-02-01"},
        format="json",
    )

    change = response.json()["claimed_change"]
    assert (change["stage"], change["stage_since"]) == ("implemented", "2025-02-01")


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"stage": "done"}, "stage", 400),
        # Rules of the adoption's dates: 422.
        ({"stage": "implemented", "stage_since": "2024-01-01"}, "stage_since", 422),
        ({"started_on": "1990-01-01"}, "started_on", 422),
    ],
)
def test_patch_bad_input_is_400_or_422_and_changes_nothing(
    api, buyer, municipality, innovation, body, field, status
):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)

    response = _as(api, buyer).patch(f"/api/v1/adoptions/{adoption.pk}", body, format="json")

    assert (response.status_code, list(errors(response))) == (status, [field])
    adoption.refresh_from_db()
    assert (adoption.stage, adoption.verification) == ("pilot", "verified")


def test_patch_by_another_municipality_is_403(api, other_buyer, municipality, innovation):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)

    response = _as(api, other_buyer).patch(
        f"/api/v1/adoptions/{adoption.pk}", {"stage": "ended"}, format="json"
    )

    assert response.status_code == 403


def test_patch_of_a_claimed_adoption_of_another_municipality_is_404(
    api, other_buyer, municipality, innovation
):
    adoption = AdoptionFactory(
        municipality=municipality, innovation=innovation, verification=Verification.CLAIMED
    )

    response = _as(api, other_buyer).patch(
        f"/api/v1/adoptions/{adoption.pk}", {"stage": "ended"}, format="json"
    )

    assert response.status_code == 404


def test_put_evaluation(api, buyer, municipality, innovation):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    body = {"goals_met": "not", "lessons_learned": "Te vroeg ingestapt.", "would_recommend": False}

    response = _as(api, buyer).put(
        f"/api/v1/adoptions/{adoption.pk}/evaluation", body, format="json"
    )

    assert (response.status_code, response.json()) == (200, body)


# --- Reading adoptions --------------------------------------------------------------------


def test_adoption_list_is_verified_public_ones_without_contacts_for_the_public(
    api, municipality, innovation
):
    verified = AdoptionFactory(municipality=municipality, innovation=innovation)
    AdoptionFactory(innovation=innovation, verification=Verification.CLAIMED)
    AdoptionFactory(innovation=innovation, verification=Verification.REJECTED)

    body = api.get("/api/v1/adoptions").json()

    assert (body["count"], [r["id"] for r in body["results"]]) == (1, [verified.pk])
    assert body["results"][0]["contact"] is None


def test_adoption_list_filters_and_refuses_unknown_values(api, municipality, other_municipality):
    utrecht = AdoptionFactory(municipality=municipality, stage="scaled")
    AdoptionFactory(municipality=other_municipality)

    by_code = api.get("/api/v1/adoptions?municipality=GM0344").json()
    by_stage = api.get("/api/v1/adoptions?stage=scaled").json()
    unknown = api.get("/api/v1/adoptions?stage=finished&municipality=GM9999")

    assert [r["id"] for r in by_code["results"]] == [utrecht.pk]
    assert [r["id"] for r in by_stage["results"]] == [utrecht.pk]
    assert (unknown.status_code, sorted(errors(unknown))) == (400, ["municipality", "stage"])


def test_adoption_detail_of_a_claimed_one_is_404_for_the_public(api, municipality):
    adoption = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)

    assert api.get(f"/api/v1/adoptions/{adoption.pk}").status_code == 404


# --- Verification API ---------------------------------------------------------------------


def test_verify_api(api, reviewer, municipality, innovation):
    adoption = AdoptionFactory(
        municipality=municipality, innovation=innovation, verification=Verification.CLAIMED
    )

    response = _as(api, reviewer).post(
        f"/api/v1/review/adoptions/{adoption.pk}/verify",
        {"decision": "verify", "note": "Publicatie gevonden."},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["verification"], response.json()["verification_note"]) == (
        "verified",
        "Publicatie gevonden.",
    )


def test_verify_api_conflicts_and_errors(api, reviewer, buyer, municipality, innovation):
    adoption = AdoptionFactory(municipality=municipality, innovation=innovation)
    client = _as(api, reviewer)

    again = client.post(
        f"/api/v1/review/adoptions/{adoption.pk}/verify", {"decision": "verify"}, format="json"
    )
    unknown_decision = client.post(
        f"/api/v1/review/adoptions/{adoption.pk}/verify", {"decision": "maybe"}, format="json"
    )
    missing = client.post("/api/v1/review/adoptions/999999/verify", {"decision": "verify"})
    not_reviewer = _as(APIClient(), buyer).post(
        f"/api/v1/review/adoptions/{adoption.pk}/verify", {"decision": "verify"}, format="json"
    )

    assert (again.status_code, list(errors(again))) == (409, ["detail"])
    assert (unknown_decision.status_code, list(errors(unknown_decision))) == (400, ["decision"])
    assert missing.status_code == 404
    assert not_reviewer.status_code == 403


def test_reject_without_note_is_400(api, reviewer, municipality):
    adoption = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)

    response = _as(api, reviewer).post(
        f"/api/v1/review/adoptions/{adoption.pk}/verify", {"decision": "reject"}, format="json"
    )

    assert (response.status_code, list(errors(response))) == (400, ["note"])


def test_review_queue_api_is_claimed_ones_oldest_first(api, reviewer, municipality):
    first = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    second = AdoptionFactory(municipality=municipality, verification=Verification.CLAIMED)
    AdoptionFactory(municipality=municipality)

    body = _as(api, reviewer).get("/api/v1/review/adoptions").json()

    assert [r["id"] for r in body["results"]] == [first.pk, second.pk]


# --- Challenges API -----------------------------------------------------------------------


def _challenge_body(**overrides):
    return {
        "title": "Wateroverlast in de binnenstad",
        "problem_statement": "Bij hevige buien lopen kelders en tunnels onder water.",
        "domain": "climate-adaptation",
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    } | overrides


def test_post_challenge_for_own_municipality(api, buyer):
    response = _as(api, buyer).post("/api/v1/challenges", _challenge_body(), format="json")

    challenge = Challenge.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": challenge.pk,
        "title": "Wateroverlast in de binnenstad",
        "problem_statement": "Bij hevige buien lopen kelders en tunnels onder water.",
        "domain": "climate-adaptation",
        "status": "open",
        "deadline": _challenge_body()["deadline"],
        "municipality": {
            "code": "GM0344",
            "name": "Utrecht",
            "country": "NL",
            "province": "Utrecht",
        },
        "response_count": 0,
        "created_at": response.json()["created_at"],
    }


@pytest.mark.parametrize(
    ("overrides", "status", "keys"),
    [
        ({"deadline": "2020-01-01"}, 400, ["deadline"]),
        ({"domain": "space"}, 400, ["domain"]),
        ({"title": ""}, 400, ["title"]),
        ({"municipality": "GM0307"}, 403, ["detail"]),
        ({"municipality": "GM9999"}, 422, ["municipality"]),  # names nothing
    ],
)
def test_post_challenge_bad_input(api, buyer, other_municipality, overrides, status, keys):
    response = _as(api, buyer).post(
        "/api/v1/challenges", _challenge_body(**overrides), format="json"
    )

    assert (response.status_code, list(errors(response))) == (status, keys)
    assert Challenge.objects.count() == 0


def test_post_challenge_by_a_supplier_is_403(api, supplier_member):
    response = _as(api, supplier_member).post(
        "/api/v1/challenges", _challenge_body(), format="json"
    )

    assert response.status_code == 403


def test_challenge_list_and_detail_show_open_ones_only(api, municipality):
    open_one = ChallengeFactory(municipality=municipality, domain="care")
    closed = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)

    listing = api.get("/api/v1/challenges").json()
    filtered = api.get("/api/v1/challenges?domain=energy").json()

    assert [c["id"] for c in listing["results"]] == [open_one.pk]
    assert filtered["count"] == 0
    assert api.get(f"/api/v1/challenges/{open_one.pk}").status_code == 200
    assert api.get(f"/api/v1/challenges/{closed.pk}").status_code == 404
    assert api.get("/api/v1/challenges?domain=space").status_code == 400


def test_supplier_responds_and_buyer_reads_and_marks(
    api, buyer, supplier_member, municipality, innovation
):
    challenge = ChallengeFactory(municipality=municipality)

    posted = _as(APIClient(), supplier_member).post(
        f"/api/v1/challenges/{challenge.pk}/responses",
        {"innovation": innovation.slug, "pitch": "Wij besparen 60% energie."},
        format="json",
    )
    buyer_client = _as(api, buyer)
    listing = buyer_client.get(f"/api/v1/challenges/{challenge.pk}/responses").json()
    marked = buyer_client.patch(
        f"/api/v1/challenges/{challenge.pk}/responses/{posted.json()['id']}",
        {"status": "interested"},
        format="json",
    )

    assert posted.status_code == 201
    assert [(r["innovation"]["slug"], r["pitch"]) for r in listing["results"]] == [
        ("slimme-lantaarnpalen", "Wij besparen 60% energie.")
    ]
    assert marked.json()["status"] == "interested"


def test_respond_errors(api, supplier_member, municipality, supplier, innovation):
    challenge = ChallengeFactory(municipality=municipality)
    closed = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    foreign = InnovationFactory()
    client = _as(api, supplier_member)

    def post(target, slug):
        return client.post(
            f"/api/v1/challenges/{target.pk}/responses",
            {"innovation": slug, "pitch": "Wij."},
            format="json",
        )

    foreign_answer = post(challenge, foreign.slug)
    unknown_answer = post(challenge, "bestaat-niet")
    closed_answer = post(closed, innovation.slug)

    assert (foreign_answer.status_code, list(errors(foreign_answer))) == (400, ["innovation"])
    assert (unknown_answer.status_code, list(errors(unknown_answer))) == (400, ["innovation"])
    assert closed_answer.status_code == 404
    assert ChallengeResponse.objects.count() == 0


def test_answering_a_challenge_twice_with_one_innovation_is_a_422(
    api, supplier_member, municipality, innovation
):
    challenge = ChallengeFactory(municipality=municipality)
    client = _as(api, supplier_member)
    body = {"innovation": innovation.slug, "pitch": "Wij."}

    first = client.post(f"/api/v1/challenges/{challenge.pk}/responses", body, format="json")
    again = client.post(f"/api/v1/challenges/{challenge.pk}/responses", body, format="json")

    assert (first.status_code, again.status_code) == (201, 422)
    assert [(p["name"], p["code"]) for p in again.json()["invalidParams"]] == [
        ("innovation", "duplicate")
    ]
    assert ChallengeResponse.objects.count() == 1


def test_close_challenge_twice_is_409(api, buyer, municipality):
    challenge = ChallengeFactory(municipality=municipality)
    client = _as(api, buyer)

    first = client.post(f"/api/v1/challenges/{challenge.pk}/close")
    again = client.post(f"/api/v1/challenges/{challenge.pk}/close")

    assert (first.status_code, first.json()["status"], again.status_code) == (200, "closed", 409)


def test_responses_are_private_to_the_municipality(api, other_buyer, supplier_member, municipality):
    challenge = ChallengeFactory(municipality=municipality)

    other = _as(api, other_buyer).get(f"/api/v1/challenges/{challenge.pk}/responses")
    supplier = _as(APIClient(), supplier_member).get(f"/api/v1/challenges/{challenge.pk}/responses")

    assert (other.status_code, supplier.status_code) == (403, 403)


def test_suggestions_api_returns_reasons(api, municipality, other_municipality, innovation):
    AdoptionFactory(municipality=other_municipality, innovation=innovation)
    challenge = ChallengeFactory(
        municipality=municipality,
        title="Verlichting",
        problem_statement="Wij zoeken slimme lantaarnpalen.",
        domain="energy",
    )

    body = api.get(f"/api/v1/challenges/{challenge.pk}/suggestions").json()

    assert body["count"] == 1
    result = body["results"][0]
    assert (result["innovation"]["slug"], result["innovation"]["domains"]) == (
        "slimme-lantaarnpalen",
        ["energy"],
    )
    assert [r["code"] for r in result["reasons"]] == [
        "text",
        "domain",
        "similar_adoptions",
        "maturity",
    ]
    assert [m["code"] for m in result["similar_municipalities"]] == ["GM0307"]
    assert result["score"] == pytest.approx(sum(r["points"] for r in result["reasons"]), abs=0.02)
