"""Schema fuzzing: every operation of /api/v1/, anonymously and with a token of each role,
called with data that schemathesis generates from the live schema (/api/v1/openapi.json),
valid and invalid, in its examples, coverage and fuzzing phases and in its stateful phase
(sequences of calls along the document's links). Every check of schemathesis applies: no
server error; a status, content type, headers and body as documented; a schema-valid
request accepted (2xx, or a documented 401/403/404/409/422/429) and a schema-violating one
refused; a call without the caller's token, or with a made-up one, refused. Each answer is
also checked by tests/strict_api.py.

The app is called in-process through its WSGI handler (as a server calls it, CSRF checks
included) inside the test's transaction. The data is seeded once per module; every case
runs in a savepoint that is rolled back, so each one sees the same data, and with an empty
cache, so the throttles and the cached catalogue start afresh. Path parameters, and the
fields that name objects (`municipality`, `innovation`, ...), mostly take the ids, slugs and
codes of that data, so that the detail endpoints and the writes are reached, not only
their 404s; never in a part of the request that schemathesis made invalid on purpose.
Seeded and deterministic: a run repeats the previous one (FUZZ_SEED=n for another)."""

import datetime
import os
from urllib.parse import urlsplit

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from innovations.enums import Status
from innovations.models import Review
from municipalities.enums import ChallengeStatus, Stage, Verification
from municipalities.models import ChallengeResponse, Evaluation, Region
from ranking.services import ranking_recompute
from tests import strict_api
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    MunicipalityFactory,
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import innovation_in

# The marker makes pytest-django create the test database; the data is the module's (world).
pytestmark = pytest.mark.django_db

# A fixed seed in `make test`; FUZZ_SEED=random (and FUZZ_EXAMPLES=200) for a deeper run
# with a new seed each time (README, API).
RANDOM = os.environ.get("FUZZ_SEED") == "random"
SEED = None if RANDOM else int(os.environ.get("FUZZ_SEED", "20260601"))
# Per operation and caller, in the fuzzing phase (the coverage phase adds its own boundary
# cases first), and scenarios per caller in the stateful phase. 10, not 15: with every
# check on (each sends more requests: the same call without the token, with a made-up one,
# ...) the module stays at about 150 CPU-seconds, a third of `make test`'s.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
STEPS = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "10"))
ROLES = ["anonymous", "supplier", "buyer", "reviewer", "administrator"]
POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
CONFIG = {
    **({} if RANDOM else {"seed": SEED}),
    "generation": {
        "max-examples": EXAMPLES,
        "deterministic": not RANDOM,
        "database": "none",
        "mode": "all",
    },
    "checks": {
        "response_schema_conformance": {"validate-formats": True},
        # What schemathesis expects of a schema-valid request (its default), plus 422: a
        # well-formed request that names an object that does not exist or breaks a rule of
        # the domain (documented per operation; portal.problems).
        "positive_data_acceptance": {"expected-statuses": POSITIVE},
    },
    "operations": [
        {
            # The token endpoint answers well-formed credentials that match no account with
            # a 400 (documented), as schemathesis itself allows of an operation that grants
            # credentials (it recognises only OAuth 2 token URLs).
            "include-path": "/auth/token",
            "include-method": "POST",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400"]}},
        }
    ],
}

# The names of the seeded objects, by the parameter or field that takes them (world fills it).
KNOWN: dict[str, list] = {}


# --- App and schema -------------------------------------------------------------------------


class _InTransaction:
    """Django's WSGI handler as a server runs it, but inside the test's transaction: like
    Django's test client, it keeps the connection open around a request."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()  # as a server does: sends request_finished
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


APP = _InTransaction()
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json?lang=en", APP, config=SchemathesisConfig.from_dict(CONFIG)
)


def _known_key(path: str, name: str) -> str:
    """Which seeded objects a parameter or field takes: ids by the kind of path."""
    if name != "id":
        return name
    for prefix in ("/review/innovations/", "/supplier/innovations/"):
        if path.startswith(prefix):
            return prefix
    if "/adoptions/" in path:
        return "adoption-id"
    return "challenge-id"


def _with_known(values, path: str):
    """A strategy: `values`, where each parameter or field that names an object takes a
    seeded one three times in four, else the generated value (for the 404s and 400s)."""
    if not isinstance(values, dict):
        return st.just(values)
    options = {
        name: KNOWN[_known_key(path, name)] for name in values if _known_key(path, name) in KNOWN
    }
    if not options:
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.integers(0, 3).flatmap(
                lambda pick, name=name: (
                    st.sampled_from(options[name]) if pick else st.just(values[name])
                )
            )
            for name in options
        }
    ).map(lambda chosen: {**values, **chosen})


# The containers that name objects, by the case's attribute and schemathesis's location.
CONTAINERS = {
    "path_parameters": ParameterLocation.PATH,
    "query": ParameterLocation.QUERY,
    "body": ParameterLocation.BODY,
}


@schema.hook
def flatmap_case(context, case):
    """Seeded names in the path, query and body, but only where the case is valid: a
    component that schemathesis made invalid on purpose (negative mode) keeps its invalid
    value, or the check that it is refused would judge a request made valid again."""
    meta = case._meta
    chosen = {
        name: _with_known(getattr(case, name), context.operation.path)
        for name, location in CONTAINERS.items()
        if meta is None or not meta.is_negative_at(location)
    }
    return st.fixed_dictionaries(chosen).map(lambda values: _with_values(case, values))


def _with_values(case, values: dict):
    for name, value in values.items():
        if value != getattr(case, name):
            setattr(case, name, value)  # schemathesis revalidates the case's mode
    return case


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of everything the API shows, in the states that matter, for the whole module
    (rolled back at its end); returns the users of each role."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = _seed()
        yield users
        transaction.set_rollback(True)
    KNOWN.clear()


def _seed() -> dict:
    supplier = SupplierFactory()
    other_supplier = SupplierFactory()
    municipality = MunicipalityFactory(province="Utrecht", population=45000)
    other = MunicipalityFactory(province="Gelderland", population=160000)
    Region.objects.create(name="Regio Fuzz", slug="regio-fuzz").municipalities.add(
        municipality, other
    )
    users = {
        "supplier": supplier_user(supplier),
        "buyer": buyer_user(municipality),
        "reviewer": reviewer_user(),
        "administrator": admin_user(),
    }

    own = {state: innovation_in(state, supplier=supplier) for state in Status.values}
    own[Status.IN_REVIEW].assigned_reviewer = users["reviewer"]
    own[Status.IN_REVIEW].save(update_fields=["assigned_reviewer"])
    Review.objects.create(
        innovation=own[Status.CHANGES_REQUESTED],
        reviewer=users["reviewer"],
        novelty=3,
        evidence=3,
        public_value=4,
        fit=2,
        decision="request_changes",
        feedback="Meer bewijs graag.",
    )
    approved = own[Status.APPROVED]
    foreign = innovation_in(Status.APPROVED, supplier=other_supplier, domains=["care"])
    foreign_submitted = innovation_in(Status.SUBMITTED, supplier=other_supplier)
    unadopted = innovation_in(Status.APPROVED, supplier=other_supplier, domains=["energy"])

    adoptions = [
        AdoptionFactory(municipality=municipality, innovation=approved),
        AdoptionFactory(
            municipality=municipality,
            innovation=foreign,
            verification=Verification.CLAIMED,
            stage=Stage.IMPLEMENTED,
        ),
        AdoptionFactory(
            municipality=other, innovation=approved, started_on=datetime.date(2023, 5, 1)
        ),
        AdoptionFactory(municipality=other, innovation=foreign, verification=Verification.CLAIMED),
    ]
    Evaluation.objects.create(
        adoption=adoptions[0],
        goals_met="partly",
        lessons_learned="Begin klein.",
        would_recommend=True,
    )
    challenges = [
        ChallengeFactory(municipality=municipality),
        ChallengeFactory(municipality=municipality, status=ChallengeStatus.CLOSED),
        ChallengeFactory(municipality=other, domain="care"),
    ]
    responses = [
        ChallengeResponse.objects.create(
            challenge=challenges[0], innovation=approved, pitch="Past precies."
        ),
        ChallengeResponse.objects.create(
            challenge=challenges[2], innovation=foreign, pitch="Zorg dichtbij."
        ),
    ]
    ranking_recompute()

    published = [approved.slug, foreign.slug, unadopted.slug]
    today = datetime.date.today()
    KNOWN.update(
        {
            # Weighted by repetition: the states a reviewer acts on, the buyer's municipality
            # and an innovation it has not adopted yet come up most.
            "/review/innovations/": [
                own[Status.SUBMITTED].pk,
                foreign_submitted.pk,
                *[own[Status.IN_REVIEW].pk] * 3,
                own[Status.APPROVED].pk,
                own[Status.DRAFT].pk,
            ],
            "/supplier/innovations/": [*[i.pk for i in own.values()], foreign.pk],
            "adoption-id": [a.pk for a in adoptions],
            "challenge-id": [c.pk for c in challenges],
            "response_pk": [r.pk for r in responses],
            "slug": [*published, own[Status.DRAFT].slug],
            "code": [municipality.code, other.code],
            "municipality": [municipality.code, municipality.code, other.code],
            "innovation": [unadopted.slug, *published, own[Status.DRAFT].slug],
            "supplier_slug": [supplier.slug, other_supplier.slug],
            "region": ["regio-fuzz"],
            "province": ["NL-UT", "NL-GE"],
            # Dates that the rules accept (random ones are mostly far from them).
            "started_on": [str(today - datetime.timedelta(days=400)), "2024-03-01"],
            "stage_since": [str(today - datetime.timedelta(days=30))],
            "deadline": [str(today + datetime.timedelta(days=90))],
        }
    )
    return users


@pytest.fixture(scope="module")
def callers(world):
    """The headers of each role: an API token, none for the anonymous caller."""
    headers = {"anonymous": {"Accept-Language": "en"}}
    for role, user in world.items():
        token = Token.objects.create(user=user)
        headers[role] = {"Accept-Language": "en", "Authorization": f"Token {token.key}"}
    return headers


# --- The test --------------------------------------------------------------------------------


def strict_openapi(ctx, response, case):
    """The suite's own strict validation (tests/strict_api.py) of every answer as well."""
    request = response.request
    found = strict_api.problems(request.method, urlsplit(request.url).path, _Answer(response))
    if found:
        raise AssertionError("\n".join(found))


class _Answer:
    """schemathesis's response as tests/strict_api.py reads one (a Django response)."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.content = response.content
        self._headers = {name.lower(): values for name, values in response.headers.items()}

    def get(self, name, default=None):
        values = self._headers.get(name.lower())
        return values[0] if values else default

    def __contains__(self, name):
        return name.lower() in self._headers


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
def test_api(case, role, callers):
    cache.clear()
    savepoint = transaction.savepoint()
    try:
        response = case.call(app=APP, headers=callers[role])
        # Inside the savepoint: some checks send more requests (the same one without
        # credentials, say).
        case.validate_response(response, additional_checks=[strict_openapi], headers=callers[role])
    finally:
        transaction.savepoint_rollback(savepoint)


# --- The stateful phase: sequences of calls along the document's links ---------------------


class Workflow(schema.as_state_machine()):
    """Each scenario in a savepoint of its own, as one caller."""

    headers: dict = {}

    def setup(self):
        cache.clear()
        self.savepoint = transaction.savepoint()

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def get_call_kwargs(self, case):
        return {"app": APP, "headers": self.headers}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        # The caller's headers as the checks' own, as test_api passes them: the token is
        # then the caller's, not one that schemathesis made up (which must be refused).
        case.validate_response(
            response,
            additional_checks=[strict_openapi],
            headers=self.headers,
            transport_kwargs=kwargs,
            recorder=self.recorder,
        )


@pytest.mark.parametrize("role", ROLES)
def test_stateful(role, callers):
    Workflow.headers = callers[role]
    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STEPS,
            derandomize=not RANDOM,
            database=None,
            deadline=None,
            stateful_step_count=6,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
