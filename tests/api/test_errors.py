"""The API's common behaviour: 401 for anonymous writes everywhere, 403 for signed-in users
without the right, one error format (400 field errors, 409 state conflicts mapped once in
portal.api), token authentication and throttling with 429 + Retry-After."""

import pytest
import yaml
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from innovations.enums import Status
from municipalities.enums import ChallengeStatus
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
    UserFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import innovation_in
from tests.problems import detail, errors, problem

pytestmark = pytest.mark.django_db

SCHEMA = yaml.load(
    (settings.BASE_DIR / "docs" / "openapi.yaml").read_text(), Loader=yaml.CSafeLoader
)
WRITES = sorted(
    (method.upper(), "/api/v1" + path)
    for path, item in SCHEMA["paths"].items()
    for method in item
    if method in ("post", "put", "patch", "delete") and path != "/auth/token"
)


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _url(path: str) -> str:
    return path.replace("{id}", "1").replace("{response_pk}", "1")


# --- 401 / 403 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_anonymous_write_is_401_with_www_authenticate(api, method, path):
    response = api.generic(method, _url(path), "{}", content_type="application/json")

    assert (response.status_code, errors(response)) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_role_read_is_401(api):
    response = api.get("/api/v1/review/innovations")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_signed_in_without_the_role_is_403(api):
    api.force_authenticate(UserFactory())

    responses = [
        api.get("/api/v1/review/innovations"),
        api.get("/api/v1/supplier/innovations"),
        api.get("/api/v1/review/adoptions"),
    ]

    assert [(r.status_code, list(errors(r))) for r in responses] == [(403, ["detail"])] * 3


def test_invalid_token_is_401_even_on_a_public_read(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = api.get("/api/v1/innovations")

    assert (response.status_code, errors(response)) == (401, {"detail": "Invalid token."})


def test_session_write_without_csrf_token_is_403(db):
    user = supplier_user()
    client = APIClient(enforce_csrf_checks=True)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    # force_login: django-axes refuses an authenticate() without a request.
    client.force_login(user)

    response = client.post("/api/v1/supplier/innovations", {"title": "X"}, format="json")

    assert response.status_code == 403
    assert detail(response).startswith("CSRF Failed")


# --- Error format ------------------------------------------------------------------------------


def test_transition_not_allowed_in_innovations_is_409(api):
    innovation = innovation_in(Status.APPROVED)
    api.force_authenticate(supplier_user(innovation.supplier))

    response = api.post(f"/api/v1/supplier/innovations/{innovation.pk}/submit")

    assert response.status_code == 409
    assert list(errors(response)) == ["detail"]
    assert isinstance(detail(response), str)


def test_transition_not_allowed_in_municipalities_is_409(api):
    municipality = MunicipalityFactory()
    challenge = ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED)
    api.force_authenticate(buyer_user(municipality))

    response = api.post(f"/api/v1/challenges/{challenge.pk}/close")

    assert (response.status_code, errors(response)) == (
        409,
        {"detail": "This challenge is already closed."},
    )


def test_service_field_error_is_per_field_with_its_code(api):
    municipality = MunicipalityFactory()
    innovation = InnovationFactory()
    AdoptionFactory(municipality=municipality, innovation=innovation)
    api.force_authenticate(buyer_user(municipality))

    response = api.post(
        "/api/v1/adoptions",
        {
            "municipality": municipality.code,
            "innovation": innovation.slug,
            "stage": "pilot",
            "started_on": "2024-01-15",
        },
        format="json",
    )

    body = problem(response)
    # A second adoption of one innovation by one municipality: a rule of the domain, 422.
    assert (body["status"], body["detail"]) == (422, "1 field is invalid: innovation.")
    assert [(param["name"], param["code"]) for param in body["invalidParams"]] == [
        ("innovation", "duplicate")
    ]


def test_serializer_errors_without_a_field_are_one_detail_string(api):
    response = api.post("/api/v1/auth/token", {"username": "x", "password": "y"}, format="json")

    assert (response.status_code, errors(response)) == (
        400,
        {"detail": "Unable to log in with provided credentials."},
    )


def test_malformed_json_is_400_detail(api):
    api.force_authenticate(supplier_user())

    response = api.post(
        "/api/v1/supplier/innovations", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert list(errors(response)) == ["detail"]


def test_unknown_page_is_404_detail(api):
    response = api.get("/api/v1/innovations", {"page": 99})

    assert (response.status_code, errors(response)) == (404, {"detail": "Invalid page."})


def test_unknown_path_is_404_detail_also_for_a_post_without_csrf_token():
    """A POST to a path no view takes (here: an id that is no number) is the API's 404,
    not the CSRF middleware's HTML 403 (found by schemathesis)."""
    client = APIClient(enforce_csrf_checks=True)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post("/api/v1/challenges/null/close")

    assert (response.status_code, errors(response)) == (404, {"detail": "Not found."})


def test_municipality_code_with_a_nul_character_is_400_with_what_to_fix(api):
    # PostgreSQL refuses NUL in a query: a server error before the address was checked.
    response = api.get("/api/v1/municipalities/GM0%00")

    assert response.status_code == 400
    assert "U+0000" in detail(response)


def test_municipality_code_that_is_no_code_is_404_detail(api):
    # Codes are letters and digits: anything else never reaches the database.
    response = api.get("/api/v1/municipalities/GM0%20%27%3B")

    assert (response.status_code, errors(response)) == (404, {"detail": "Not found."})


def test_session_cookie_with_a_nul_character_is_no_session(api):
    # Django's cookie parser turns the escaped \000 into NUL, which PostgreSQL refuses.
    ChallengeFactory()

    response = api.get("/api/v1/challenges", HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"')

    assert response.status_code == 200
    assert response.json()["count"] == 1


# --- Token ---------------------------------------------------------------------------------------


def test_token_authenticates_the_api(api):
    user = reviewer_user()

    token = api.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    queue = api.get("/api/v1/review/innovations")

    assert token.status_code == 200
    assert token.json()["token"] == Token.objects.get(user=user).key
    assert set(token.json()) == {"token", "expires"}
    assert queue.status_code == 200


def test_token_endpoint_ignores_a_stale_token(api):
    user = supplier_user()
    api.credentials(HTTP_AUTHORIZATION="Token stale")

    response = api.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


# --- Throttling ----------------------------------------------------------------------------------


def test_token_endpoint_has_its_own_strict_throttle(api):
    """Password guessing: the configured rate (10 a minute per address), then 429.
    A different username each time, below the login lockout (tests/security/test_login.py)."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]
    allowed = int(rate.split("/")[0])

    def guess(number):
        body = {"username": f"nobody{number}", "password": "guess"}
        return api.post("/api/v1/auth/token", body, format="json")

    statuses = [guess(number).status_code for number in range(allowed)]
    refused = guess(allowed)

    assert rate == "10/minute"
    assert statuses == [400] * allowed
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert detail(refused).startswith("Request was throttled.")


@pytest.fixture
def low_rates(monkeypatch):
    # REST framework reads the rates once, at import; the real ones are tested above.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/hour", "user": "5/hour"},
    )


def test_anonymous_callers_are_throttled(api, low_rates):
    statuses = [api.get("/api/v1/ranking/runs").status_code for _ in range(4)]
    last = api.get("/api/v1/ranking/runs")

    assert statuses == [200, 200, 200, 429]
    assert 0 < int(last["Retry-After"]) <= 3600


def test_signed_in_callers_have_their_own_budget(api, low_rates):
    for _ in range(3):
        api.get("/api/v1/ranking/runs")
    api.force_authenticate(UserFactory())

    statuses = [api.get("/api/v1/ranking/runs").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize(
    ("query", "accept", "status"),
    [
        ("?format=api", "application/json", 400),
        ("", "text/html", 406),
        ("?format=api", "text/html", 400),
        ("", "text/html,application/xhtml+xml,*/*;q=0.8", 200),  # a browser: JSON
    ],
)
def test_challenge_suggestions_never_answer_500_to_an_html_client(client, query, accept, status):
    """The browsable API answered 500 here (and with DEBUG on showed a debug page to any
    client); the API speaks JSON only and says so."""
    challenge = ChallengeFactory(status=ChallengeStatus.OPEN)
    InnovationFactory(status=Status.APPROVED)
    client.raise_request_exception = False

    response = client.get(
        f"/api/v1/challenges/{challenge.pk}/suggestions{query}", headers={"accept": accept}
    )

    assert response.status_code == status
    assert response["Content-Type"].split(";")[0] in (
        "application/json",
        "application/problem+json",
    )
