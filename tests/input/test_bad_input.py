"""Issue 8: the bad-input corpus (tests/input/corpus.py) against every form and every API
write, each as the role that may make the call, so that validation is what is tested.

For each endpoint a valid request is checked first (it succeeds), then each corpus entry
in each field of that request: the answer is a 4xx (a form sent back with its errors is
400) with a message about that field, nothing is stored, and never a 500. Markup, SQL and
numbers may be valid free text: then they are stored exactly as sent and the page shows
them escaped. Every case runs in a savepoint that is rolled back, so cases do not see each
other; failures are collected per endpoint and reported together."""

import datetime
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.enums import CHALLENGE_KINDS, INNOVATION_KINDS
from alerts.models import Notification, SavedSearch
from innovations.enums import Status
from municipalities.enums import Verification
from municipalities.models import ChallengeResponse
from procurement.models import ProcurementRoute, Question
from procurement.services import routes_load_reference
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
from tests.problems import detail

from .corpus import (
    BOOL,
    CHOICE,
    CORPUS,
    DATE,
    EMAIL,
    LIST,
    NUMBER,
    SCRIPT,
    TEXT,
    URL,
    expected_valid,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
STRONG = "Zeer-sterk-wachtwoord-2026!"


# --- The world every case starts from -------------------------------------------------------


@dataclass
class World:
    anonymous: object = None
    supplier: object = None
    roleless: object = None
    reviewer: object = None
    buyer: object = None
    objects: dict = field(default_factory=dict)


@pytest.fixture
def world(db):
    municipality = MunicipalityFactory(code="GM0344", name="Utrecht")
    other = MunicipalityFactory(code="GM0363", name="Amsterdam")
    supplier = supplier_user(username="supplier", email="supplier@example.org")
    own_supplier = supplier.supplier_membership.supplier
    draft = innovation_in(Status.DRAFT, supplier=own_supplier)
    approved_own = InnovationFactory(supplier=own_supplier, slug="own-approved")
    approved_own_2 = InnovationFactory(supplier=own_supplier, slug="own-approved-2")
    in_review = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user(username="reviewer")
    in_review.assigned_reviewer = reviewer
    in_review.save(update_fields=["assigned_reviewer"])
    buyer = buyer_user(municipality=municipality, username="buyer", email="buyer@example.org")
    other_buyer = buyer_user(municipality=other)
    to_adopt = InnovationFactory(slug="to-adopt")
    own_adoption = AdoptionFactory(
        municipality=municipality, verification=Verification.CLAIMED, claimed_by=buyer
    )
    to_verify = AdoptionFactory(
        municipality=other, verification=Verification.CLAIMED, claimed_by=other_buyer
    )
    challenge = ChallengeFactory(municipality=municipality)
    answer = ChallengeResponse.objects.create(
        challenge=challenge, innovation=approved_own, pitch="Onze oplossing.", created_by=supplier
    )
    roleless = UserFactory(username="roleless")
    # The support desk: the reviewer is an adviser too; the buyer asked about a route.
    routes_load_reference()
    reviewer.user_permissions.add(Permission.objects.get(codename="answer_question"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    question = Question.objects.create(
        asker=buyer,
        route=ProcurementRoute.objects.get(code="sbir"),
        title="Kan dit met SBIR?",
        publish_consent=True,
    )
    saved_search = SavedSearch.objects.create(user=buyer, name="Zon", query="domain=energy")
    Notification.objects.create(user=buyer, kind="new_adopter", key="corpus", innovation=to_adopt)
    # An approval that ended, whose supplier confirmed the text: for the reviewer to decide.
    to_reconfirm = InnovationFactory(
        slug="to-reconfirm",
        submitted_at=timezone.now(),
        approved_until=TODAY - datetime.timedelta(days=1),
        reconfirmation="confirmed",
    )
    return World(
        anonymous=None,
        supplier=supplier,
        roleless=roleless,
        reviewer=reviewer,
        buyer=buyer,
        objects={
            "municipality": municipality,
            "draft": draft,
            "approved_own": approved_own,
            "approved_own_2": approved_own_2,
            "in_review": in_review,
            "to_adopt": to_adopt,
            "own_adoption": own_adoption,
            "to_verify": to_verify,
            "challenge": challenge,
            "answer": answer,
            "saved_search": saved_search,
            "question": question,
            "to_reconfirm": to_reconfirm,
        },
    )


# --- The forms ----------------------------------------------------------------------------

ACCOUNT = {
    "first_name": ("Anna", TEXT),
    "last_name": ("de Vries", TEXT),
    "email": ("anna@example.org", EMAIL),
    "password1": (STRONG, TEXT),
    "language": ("nl", CHOICE),
}
ORGANISATION = {
    "organisation_name": ("Slimme Straat B.V.", TEXT),
    "country": ("NL", CHOICE),
    "registration_number": ("87654321", CHOICE),
    "size": ("sme", CHOICE),
    "website": ("https://slimmestraat.example", URL),
}
INNOVATION = {
    "title": ("Slimme lantaarnpaal", TEXT),
    "summary": ("Licht dat meedenkt.", TEXT),
    "description": ("Een lantaarnpaal die dimt als er niemand is.", TEXT),
    "domains": ("energy", CHOICE),
    "route": ("market-ready", CHOICE),
    "maturity": ("7", CHOICE),
    "price_indication": ("€ 500 per paal", TEXT),
    "evidence": ("Pilot in Houten.", TEXT),
    "references": ("Gemeente Houten", TEXT),
    "contact_name": ("Piet", TEXT),
    "contact_email": ("piet@example.org", EMAIL),
}
ADOPTION = {
    "stage": ("pilot", CHOICE),
    "started_on": ("2024-05-01", DATE),
    "evidence_reference": ("TN424242", TEXT),
    "evidence_description": ("Raadsbesluit van mei.", TEXT),
    "contact_name": ("Karin", TEXT),
    "contact_email": ("karin@example.org", EMAIL),
}


@dataclass
class Form:
    """An HTML form: who posts it where, a valid post, and the kind of each field."""

    name: str
    user: str
    url: object  # world -> str
    fields: dict  # name -> (valid value, kind)
    fixed: dict = field(default_factory=dict)  # sent as they are, not varied
    always_refused: bool = False  # no valid post (a failed login)
    stores: bool = True  # a valid post changes rows


FORMS = [
    Form(
        "supplier sign-up",
        "anonymous",
        lambda w: reverse("signup"),
        {**ORGANISATION, **ACCOUNT},
        fixed={"password2": STRONG},
    ),
    Form(
        "buyer sign-up",
        "anonymous",
        lambda w: reverse("buyer_signup"),
        {
            "municipality": (None, CHOICE),  # the pk, filled in from the world
            "job_title": ("Inkoper", TEXT),
            "motivation": ("Innovaties vinden.", TEXT),
            **ACCOUNT,
        },
        fixed={"password2": STRONG},
    ),
    Form(
        "buyer role request",
        "roleless",
        lambda w: reverse("buyer_request"),
        {
            "municipality": (None, CHOICE),
            "job_title": ("Inkoper", TEXT),
            "motivation": ("Innovaties vinden.", TEXT),
        },
    ),
    Form(
        "supplier registration",
        "roleless",
        lambda w: reverse("supplier_register"),
        ORGANISATION,
    ),
    Form(
        "supplier organisation",
        "supplier",
        lambda w: reverse("innovations:organisation"),
        {
            "name": ("Slimme Straat B.V.", TEXT),
            "registration_number": ("87654321", CHOICE),
            "country": ("NL", CHOICE),
            "website": ("https://slimmestraat.example", URL),
            "size": ("sme", CHOICE),
        },
    ),
    Form(
        "innovation create",
        "supplier",
        lambda w: reverse("innovations:create"),
        INNOVATION,
    ),
    Form(
        "innovation edit",
        "supplier",
        lambda w: reverse("innovations:edit", args=[w.objects["draft"].pk]),
        INNOVATION,
    ),
    Form(
        "review decision",
        "reviewer",
        lambda w: reverse("review:decide", args=[w.objects["in_review"].pk]),
        {
            "novelty": ("4", CHOICE),
            "evidence": ("3", CHOICE),
            "public_value": ("5", CHOICE),
            "fit": ("4", CHOICE),
            "decision": ("request_changes", CHOICE),
            "feedback": ("Meer bewijs graag.", TEXT),
            "internal_note": ("Navragen bij Houten.", TEXT),
        },
    ),
    Form(
        "adoption record",
        "buyer",
        lambda w: reverse("municipalities:adoption_create", args=["to-adopt"]),
        ADOPTION,
    ),
    Form(
        "adoption update",
        "buyer",
        lambda w: reverse("municipalities:adoption_update", args=[w.objects["own_adoption"].pk]),
        {**ADOPTION, "stage": ("implemented", CHOICE), "stage_since": ("2025-01-01", DATE)},
    ),
    Form(
        "adoption evaluation",
        "buyer",
        lambda w: reverse("municipalities:adoption_evaluate", args=[w.objects["own_adoption"].pk]),
        {
            "goals_met": ("partly", CHOICE),
            "lessons_learned": ("Vroeg beginnen met de wijk.", TEXT),
            "would_recommend": ("yes", CHOICE),
        },
    ),
    Form(
        "adoption verification",
        "reviewer",
        lambda w: reverse("municipalities:adoption_verify", args=[w.objects["to_verify"].pk]),
        {"decision": ("reject", CHOICE), "note": ("Het bewijs ontbreekt.", TEXT)},
    ),
    Form(
        "challenge",
        "buyer",
        lambda w: reverse("municipalities:challenge_create"),
        {
            "title": ("Minder zwerfafval", TEXT),
            "problem_statement": ("Te veel afval in de parken.", TEXT),
            "domain": ("circular-economy", CHOICE),
            "deadline": ((TODAY + datetime.timedelta(days=30)).isoformat(), DATE),
        },
    ),
    Form(
        "challenge answer",
        "supplier",
        lambda w: reverse("municipalities:challenge_respond", args=[w.objects["challenge"].pk]),
        {"innovation": ("own-approved-2", CHOICE), "pitch": ("Dit lost het op.", TEXT)},
    ),
    Form(
        "challenge answer mark",
        "buyer",
        lambda w: reverse("municipalities:response_mark", args=[w.objects["answer"].pk]),
        {"status": ("interested", CHOICE)},
    ),
    Form(
        "shortlist add",
        "buyer",
        lambda w: reverse("municipalities:shortlist_add"),
        {"innovation": ("to-adopt", CHOICE)},
    ),
    Form(
        "saved search",
        "buyer",
        lambda w: reverse("alerts:search_create"),
        {
            # The catalogue's query string: anything but known filters is refused.
            "query": ("route=market-ready", CHOICE),
            "name": ("Marktrijp", TEXT),
            "frequency": ("daily", CHOICE),
        },
    ),
    Form(
        "saved search edit",
        "buyer",
        lambda w: reverse("alerts:search_edit", args=[w.objects["saved_search"].pk]),
        {"name": ("Zon en wind", TEXT), "frequency": ("none", CHOICE)},
    ),
    Form(
        "notification settings",
        "buyer",
        lambda w: reverse("alerts:settings"),
        {kind: ("portal", CHOICE) for kind in (*INNOVATION_KINDS, *CHALLENGE_KINDS)},
    ),
    Form(
        "follow",
        "buyer",
        lambda w: reverse("alerts:follow"),
        {"innovation": ("to-adopt", CHOICE)},
    ),
    Form(
        "support desk question",
        "buyer",
        lambda w: reverse("desk:ask") + "?route=sbir",
        {
            "title": ("Kan dit met SBIR?", TEXT),
            "body": ("Voor hittestress in wijken.", TEXT),
            "publish_consent": ("on", BOOL),
        },
    ),
    Form(
        "support desk answer",
        "reviewer",
        lambda w: reverse("desk:answer", args=[w.objects["question"].pk]),
        {
            "answer": ("Ja, met hulp van RVO.", TEXT),
            "publish": ("on", BOOL),
            "public_title": ("Kan een gemeente SBIR gebruiken?", TEXT),
            "public_body": ("Voor een nieuwe oplossing.", TEXT),
        },
    ),
    Form(
        "scale-up plan",
        "buyer",
        lambda w: reverse("procurement:plan", args=[w.objects["own_adoption"].pk]),
        {
            "goal": ("Minder storingen.", TEXT),
            "success_criteria": ("20% minder meldingen.", TEXT),
            "decision_on": ("2025-06-01", DATE),
            "budget": ("€ 100.000", TEXT),
            "route": ("sbir", CHOICE),
            "partners": ("De regio.", TEXT),
        },
    ),
    Form(
        "log in",
        "anonymous",
        lambda w: reverse("login"),
        {"username": ("buyer", TEXT), "password": ("wrong", TEXT)},
        always_refused=True,
    ),
    Form(
        "password reset",
        "anonymous",
        lambda w: reverse("password_reset"),
        {"email": ("buyer@example.org", EMAIL)},  # its mail waits in the outbox: a row
    ),
    Form(
        "password change",
        "buyer",
        lambda w: reverse("password_change"),
        {
            "old_password": (PASSWORD, TEXT),
            "new_password1": (STRONG, TEXT),
            "new_password2": (STRONG, TEXT),
        },
    ),
]

# Forms without fields (a button): their input is the address and the field names.
BUTTONS = [
    ("innovation submit", "supplier", "innovations:submit", "draft"),
    ("innovation withdraw", "supplier", "innovations:withdraw", "approved_own"),
    ("review claim", "reviewer", "review:claim", "in_review"),
    ("challenge close", "buyer", "municipalities:challenge_close", "challenge"),
    ("support desk question close", "buyer", "desk:close", "question"),
]


# --- Helpers ------------------------------------------------------------------------------

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def writes():
    """The statements that changed rows during the block, other than the session's (a
    message for the next page is not data) and the login protection's record of a failed
    attempt (django-axes counts it on purpose). Cheaper than comparing tables, and it sees
    a change to any table."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        yield found
    found += [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in query["sql"] for table in NOT_DATA)
    ]


NOT_DATA = ("django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog")


class Rollback(Exception):
    pass


def client_for(world: World, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = getattr(world, role)
    if user is not None:
        client.force_login(user)
    return client


def valid_post(form: Form, world: World) -> dict:
    data = {}
    for name, (value, _kind) in form.fields.items():
        if name == "municipality" and value is None:
            value = str(world.objects["municipality"].pk)
        data[name] = value
    data.update(form.fixed)
    return data


def encode_form(data: dict) -> bytes:
    """application/x-www-form-urlencoded, with raw bytes passed through as they are."""
    pairs = []
    for key, value in data.items():
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        pairs.append((key.encode("utf-8"), raw))
    return urlencode(pairs).encode("ascii")


def post_form(client, url: str, data: dict, *, multipart: bool):
    if multipart and not any(isinstance(v, bytes) for v in data.values()):
        return client.post(url, data)
    return client.post(url, encode_form(data), content_type="application/x-www-form-urlencoded")


def names_field(response, name: str) -> bool:
    """Does the 400 page say what is wrong with this field?"""
    context = response.context
    if context is not None and "form" in context:
        form = context["form"]
        # A password's mismatch is reported on its confirmation (password1 → password2).
        pair = name[:-1] + "2" if name.endswith("password1") else name
        if form.errors and (name in form.errors or pair in form.errors or form.non_field_errors()):
            return True
    body = response.content.decode("utf-8", "replace")
    if f"“{name}”" in body:  # the middleware's page names the field
        return True
    # A form without field errors (a button such as the answer mark) says what to choose.
    return context is not None and any(m.level_tag == "error" for m in context.get("messages", []))


def check_case(failures, label, written, response, *, may_store: bool, value=None):
    status = response.status_code
    if status >= 500:
        failures.append(f"{label}: {status}")
        return None
    if 400 <= status < 500:
        if written:
            failures.append(f"{label}: {status}, but it wrote: {written[0][:200]}")
        return status
    if not may_store:
        failures.append(f"{label}: accepted with {status}")
        return status
    if value is not None and not any(
        value in sql or value.replace("'", "''") in sql for sql in written
    ):
        failures.append(f"{label}: accepted, but the value was not stored as sent")
    return status


def run(failures, label, action):
    """One case in a savepoint that is rolled back; an exception is a failure (a 500)."""
    try:
        with transaction.atomic():
            cache.clear()  # throttles and cached pages start afresh
            action()
            raise Rollback
    except Rollback:
        pass
    except Exception as error:  # noqa: BLE001 - a crash of any kind is the finding
        failures.append(f"{label}: raised {str(error)[:300]!r}")


# --- Forms: the corpus in every field ------------------------------------------------------


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_form_refuses_the_corpus_in_every_field(world, form):
    url = form.url(world)
    failures: list[str] = []
    client = client_for(world, form.user)

    def valid():
        with writes() as written:
            response = post_form(client, url, valid_post(form, world), multipart=True)
        expected = 400 if form.always_refused else 302
        assert response.status_code == expected, (form.name, response.status_code)
        assert bool(written) == (form.stores and not form.always_refused), form.name

    run(failures, f"{form.name}: valid post", valid)
    client = client_for(world, form.user)  # the valid post may have changed the session

    for name, (_valid, kind) in form.fields.items():
        for entry in CORPUS:
            if entry.form is None:
                continue

            def case(name=name, entry=entry, kind=kind):
                data = valid_post(form, world)
                data[name] = entry.form
                label = f"{form.name} [{name}] {entry.name}"
                with writes() as written:
                    response = post_form(client, url, data, multipart=True)
                may_store = expected_valid(entry, kind) and not form.always_refused
                status = check_case(
                    failures,
                    label,
                    written,
                    response,
                    may_store=may_store,
                    value=entry.form if may_store else None,
                )
                if status is None:
                    return
                if 400 <= status < 500:
                    if status != 400 and status != 404:
                        failures.append(f"{label}: {status}, not 400")
                    elif status == 400 and not names_field(response, name):
                        failures.append(f"{label}: 400 without a message about the field")
                elif entry.form == SCRIPT:
                    _check_escaped(failures, label, client, response)

            run(failures, f"{form.name} [{name}] {entry.name}", case)

    assert not failures, "\n".join(failures)


def _check_escaped(failures, label, client, response):
    """Markup accepted as text: the page it leads to shows it escaped, never as markup."""
    page = client.get(response["Location"]) if response.status_code == 302 else response
    body = page.content.decode()
    if SCRIPT in body:
        failures.append(f"{label}: the page shows the markup unescaped")


# --- Addresses, queries and field names ----------------------------------------------------

BAD_RAW = {
    "NUL": "%00",
    "control character": "%01",
    "bidi override": "%E2%80%AE",
    "lone surrogate": "%ED%A0%80",
    "invalid UTF-8": "%FF%FE",
}
SIGNED_IN_PAGES = [
    ("reviewer", "/en/review/"),
    ("reviewer", "/api/v1/review/innovations"),
    ("supplier", "/en/innovations/supplier/innovations/"),
    ("supplier", "/api/v1/supplier/innovations"),
    ("reviewer", "/en/desk/queue/"),
    ("buyer", "/api/v1/questions"),
]
BAD_TEXT = ("control character", "C1 control", "bidi override")
PAGES_WITH_QUERIES = [
    "/en/innovations/",
    "/en/municipalities/",
    "/en/municipalities/challenges/",
    "/en/ranking/",
    "/api/v1/innovations",
    "/api/v1/municipalities",
    "/api/v1/challenges",
    "/api/v1/ranking",
    "/en/desk/answers/",
    "/api/v1/published-questions",
]


@pytest.mark.parametrize("bad", BAD_RAW, ids=list(BAD_RAW))
def test_bad_characters_in_the_address_or_query_are_400_with_a_message(world, bad):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    raw = BAD_RAW[bad]
    for page in PAGES_WITH_QUERIES:
        for url in (f"{page}?q=a{raw}b", f"{page}?a{raw}b=1", f"{page}x{raw}y/"):
            response = client.get(url)
            assert response.status_code == 400, url
            body = response.content.decode()
            if url.startswith("/api/"):
                assert "not allowed" in detail(response) or "not valid" in (detail(response)), url
            else:
                assert "not allowed" in body or "not valid UTF-8" in body, url
            if "?q=" in url:
                message = detail(response) if url.startswith("/api/") else body
                assert "“q”" in message, url


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.form is not None], ids=lambda e: e.name)
def test_search_and_filter_parameters_never_fail(world, entry):
    """Odd values in a search box or a filter: a 400 for characters no text may contain,
    otherwise the page (unknown filter values are dropped with a message), never a 500 and
    never the markup unescaped."""
    value = entry.form if isinstance(entry.form, bytes) else entry.form.encode()
    pages = [("anonymous", page) for page in PAGES_WITH_QUERIES] + SIGNED_IN_PAGES
    for role, page in pages:
        client = client_for(world, role)
        # A search box, a choice, a number, a state and the page: one of each kind.
        for name in ("q", "domain", "maturity_min", "status", "page"):
            response = client.get(f"{page}?{urlencode({name: value})}")
            status = response.status_code
            if entry.at_the_door or entry.name in BAD_TEXT:
                assert status == 400, (page, name)
            else:
                # The API answers an address over API_MAX_URL_LENGTH with a 414 problem.
                allowed = (200, 400, 404, 414) if page.startswith("/api/") else (200, 400, 404)
                assert status in allowed, (page, name, status)
                if not page.startswith("/api/"):  # JSON is not markup
                    assert SCRIPT.encode() not in response.content, (page, name)


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.form is not None], ids=lambda e: e.name)
def test_the_confirmation_link_takes_any_token_without_failing(world, entry):
    """The sign-up mail's link (portal.signup) carries the one free value of an address: any
    token that is not a live one shows "this link does not work" (a 400 to a POST), or a 400
    at the door, and activates nothing."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    raw = entry.form
    token = quote_from_bytes(raw) if isinstance(raw, bytes) else quote(raw[:2000], safe="")
    url = f"/en/accounts/confirm/{token}/"
    with writes() as written:
        page = client.get(url)
        post = client.post(url)
    assert (page.status_code, post.status_code) in ((200, 400), (400, 400), (404, 404)), url
    assert written == [], entry.name
    assert SCRIPT.encode() not in page.content


@pytest.mark.parametrize(("name", "role", "url_name", "obj"), BUTTONS, ids=[b[0] for b in BUTTONS])
def test_buttons_refuse_bad_field_names_and_values(world, name, role, url_name, obj):
    """A button posts nothing but its address; a field name, or a value, that is not text
    is still refused with a 400 before the action runs."""
    client = client_for(world, role)
    url = reverse(url_name, args=[world.objects[obj].pk])
    for body in (b"a%00b=1", b"a%01b=1", b"x=a%00b", b"x=%FF%FE", b"%ED%A0%80=1"):
        with writes() as written:
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, (name, body)
        assert written == [], (name, body)


def first_field(form: Form) -> str:
    return next(iter(form.fields))


def multipart(data: dict) -> bytes:
    """A multipart body with the values' bytes as they are (Django's test client encodes
    text as UTF-8 and cannot send invalid UTF-8)."""
    parts = []
    for key, value in data.items():
        raw = value if isinstance(value, bytes) else str(value).encode()
        parts.append(
            b'--BoUnDaRy\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (key.encode(), raw)
        )
    return b"".join(parts) + b"--BoUnDaRy--\r\n"


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_forms_refuse_bad_field_names_wrong_content_types_and_empty_bodies(world, form):
    client = client_for(world, form.user)
    url = form.url(world)
    cases = {
        "a NUL in a field name": (
            encode_form({**valid_post(form, world), "a\x00b": "1"}),
            "application/x-www-form-urlencoded",
        ),
        "a control character in a field name": (
            encode_form({**valid_post(form, world), "a\x01b": "1"}),
            "application/x-www-form-urlencoded",
        ),
        "JSON instead of form data": (
            json.dumps(valid_post(form, world)).encode(),
            "application/json",
        ),
        "an empty body": (b"", "application/x-www-form-urlencoded"),
        "broken multipart": (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        "invalid UTF-8 in multipart": (
            multipart({**valid_post(form, world), first_field(form): b"a\xff\xfeb"}),
            "multipart/form-data; boundary=BoUnDaRy",
        ),
        "a NUL in multipart": (
            multipart({**valid_post(form, world), first_field(form): b"a\x00b"}),
            "multipart/form-data; boundary=BoUnDaRy",
        ),
    }
    for case, (body, content_type) in cases.items():
        with writes() as written:
            response = client.post(url, body, content_type=content_type)
        # The shortlist's and the follow's only field names an innovation: without it,
        # there is none (404).
        expected = (400, 404) if form.name in ("shortlist add", "follow") else (400,)
        assert response.status_code in expected, (form.name, case, response.status_code)
        assert written == [], (form.name, case)


# --- The API: the corpus in every field of every write ---------------------------------------

SCHEMA = yaml.load(
    (settings.BASE_DIR / "docs" / "openapi.yaml").read_text(), Loader=yaml.CSafeLoader
)
SCHEMA_WRITES = {
    (method.upper(), SCHEMA["servers"][0]["url"] + path)
    for path, item in SCHEMA["paths"].items()
    for method in item
    if method in ("post", "put", "patch", "delete")
}
INNOVATION_API = {
    "title": ("Slimme lantaarnpaal", TEXT),
    "summary": ("Licht dat meedenkt.", TEXT),
    "description": ("Een lantaarnpaal die dimt.", TEXT),
    "domains": (["energy"], LIST),
    "route": ("market-ready", CHOICE),
    "maturity": (7, NUMBER),
    "price_indication": ("€ 500 per paal", TEXT),
    "evidence": ("Pilot in Houten.", TEXT),
    "references": ("Gemeente Houten", TEXT),
    "contact_name": ("Piet", TEXT),
    "contact_email": ("piet@example.org", EMAIL),
}


@dataclass
class Write:
    method: str
    path: str  # as in the schema
    user: str
    fields: dict  # name -> (valid value, kind); "a.b" is b inside the object a
    ok: int = 200


def _pk(name):
    return lambda w: w.objects[name].pk


API_WRITES = [
    Write(
        "POST",
        "/api/v1/auth/token",
        "anonymous",
        {"username": ("buyer", TEXT), "password": (PASSWORD, TEXT)},
    ),
    Write(
        "PATCH",
        "/api/v1/supplier/organisation",
        "supplier",
        {
            "name": ("Slimme Straat B.V.", TEXT),
            "registration_number": ("87654321", CHOICE),
            "website": ("https://slimmestraat.example", URL),
            "country": ("NL", CHOICE),
            "size": ("sme", CHOICE),
        },
    ),
    Write("POST", "/api/v1/supplier/innovations", "supplier", INNOVATION_API, ok=201),
    Write("PATCH", "/api/v1/supplier/innovations/{id}", "supplier", INNOVATION_API),
    Write(
        "POST",
        "/api/v1/review/innovations/{id}/decision",
        "reviewer",
        {
            "decision": ("request_changes", CHOICE),
            "scores.novelty": (4, NUMBER),
            "scores.evidence": (3, NUMBER),
            "scores.public_value": (5, NUMBER),
            "scores.fit": (4, NUMBER),
            "feedback": ("Meer bewijs graag.", TEXT),
            "internal_note": ("Navragen.", TEXT),
        },
    ),
    Write(
        "POST",
        "/api/v1/adoptions",
        "buyer",
        {
            "municipality": ("GM0344", CHOICE),
            "innovation": ("to-adopt", CHOICE),
            "stage": ("pilot", CHOICE),
            "started_on": ("2024-05-01", DATE),
            "stage_since": ("2024-06-01", DATE),
            "evidence_reference": ("TN424242", TEXT),
            "evidence_description": ("Raadsbesluit.", TEXT),
            "contact_name": ("Karin", TEXT),
            "contact_email": ("karin@example.org", EMAIL),
        },
        ok=201,
    ),
    Write(
        "PATCH",
        "/api/v1/adoptions/{id}",
        "buyer",
        {
            "stage": ("implemented", CHOICE),
            "stage_since": ("2025-01-01", DATE),
            "started_on": ("2024-05-01", DATE),
            "evidence_reference": ("TN424242", TEXT),
            "evidence_description": ("Raadsbesluit.", TEXT),
            "contact_name": ("Karin", TEXT),
            "contact_email": ("karin@example.org", EMAIL),
        },
    ),
    Write(
        "PUT",
        "/api/v1/adoptions/{id}/evaluation",
        "buyer",
        {
            "goals_met": ("partly", CHOICE),
            "lessons_learned": ("Vroeg beginnen.", TEXT),
            "would_recommend": (True, BOOL),
        },
    ),
    Write(
        "POST",
        "/api/v1/review/adoptions/{id}/verify",
        "reviewer",
        {"decision": ("reject", CHOICE), "note": ("Het bewijs ontbreekt.", TEXT)},
    ),
    Write(
        "POST",
        "/api/v1/challenges",
        "buyer",
        {
            "municipality": ("GM0344", CHOICE),
            "title": ("Minder zwerfafval", TEXT),
            "problem_statement": ("Te veel afval in de parken.", TEXT),
            "domain": ("circular-economy", CHOICE),
            "deadline": ((TODAY + datetime.timedelta(days=30)).isoformat(), DATE),
        },
        ok=201,
    ),
    Write(
        "POST",
        "/api/v1/challenges/{id}/responses",
        "supplier",
        {"innovation": ("own-approved-2", CHOICE), "pitch": ("Dit lost het op.", TEXT)},
        ok=201,
    ),
    Write(
        "PATCH",
        "/api/v1/challenges/{id}/responses/{response_pk}",
        "buyer",
        {"status": ("interested", CHOICE)},
    ),
    Write(
        "POST",
        "/api/v1/questions",
        "buyer",
        {
            "route": ("sbir", CHOICE),
            "title": ("Kan dit met SBIR?", TEXT),
            "body": ("Voor hittestress in wijken.", TEXT),
            "publish_consent": (True, BOOL),
        },
        ok=201,
    ),
    Write(
        "POST",
        "/api/v1/review/innovations/{id}/reconfirmation",
        "reviewer",
        {"decision": ("reconfirm", CHOICE), "feedback": ("Nog steeds actueel.", TEXT)},
    ),
    Write(
        "PUT",
        "/api/v1/adoptions/{id}/scale-up-plan",
        "buyer",
        {
            "goal": ("Minder storingen.", TEXT),
            "success_criteria": ("20% minder meldingen.", TEXT),
            "decision_on": ("2025-06-01", DATE),
            "budget": ("€ 100.000", TEXT),
            "route": ("sbir", CHOICE),
            "partners": ("De regio.", TEXT),
        },
    ),
    Write(
        "POST",
        "/api/v1/questions/{id}/answer",
        "reviewer",
        {
            "answer": ("Ja, met hulp van RVO.", TEXT),
            "publish": (True, BOOL),
            "public_title": ("Kan een gemeente SBIR gebruiken?", TEXT),
            "public_body": ("Voor een nieuwe oplossing.", TEXT),
        },
    ),
    Write(
        "POST",
        "/api/v1/saved-searches",
        "buyer",
        {
            "filters.domain": ("care", CHOICE),
            "name": ("Zorg dichtbij", TEXT),
            "frequency": ("daily", CHOICE),
        },
        ok=201,
    ),
    Write(
        "PATCH",
        "/api/v1/saved-searches/{id}",
        "buyer",
        {"name": ("Zon en wind", TEXT), "frequency": ("none", CHOICE)},
    ),
    Write("POST", "/api/v1/follows", "buyer", {"innovation": ("to-adopt", CHOICE)}, ok=201),
    Write("POST", "/api/v1/notifications/read", "buyer", {"all": (True, BOOL)}),
    Write(
        "PATCH",
        "/api/v1/notification-settings",
        "buyer",
        {"channels": ([{"kind": "new_adopter", "channel": "portal"}], LIST)},
    ),
]
# Actions without a body: their only input is the address (see the address tests).
API_ACTIONS = {
    ("POST", "/api/v1/supplier/innovations/{id}/submit"),
    ("POST", "/api/v1/supplier/innovations/{id}/withdraw"),
    ("POST", "/api/v1/review/innovations/{id}/claim"),
    ("POST", "/api/v1/challenges/{id}/close"),
    ("POST", "/api/v1/questions/{id}/close"),
    ("DELETE", "/api/v1/saved-searches/{id}"),
    ("DELETE", "/api/v1/follows/{id}"),
    ("POST", "/api/v1/supplier/innovations/{id}/confirm-current"),
    ("DELETE", "/api/v1/auth/token"),
}
NULLABLE = {"maturity", "route"}  # "not yet known" (a TRL; a scale-up plan's route)
OBJECT_OF = {
    "/api/v1/supplier/innovations/{id}": "draft",
    "/api/v1/review/innovations/{id}/decision": "in_review",
    "/api/v1/adoptions/{id}": "own_adoption",
    "/api/v1/adoptions/{id}/evaluation": "own_adoption",
    "/api/v1/review/adoptions/{id}/verify": "to_verify",
    "/api/v1/challenges/{id}/responses": "challenge",
    "/api/v1/challenges/{id}/responses/{response_pk}": "challenge",
    "/api/v1/questions/{id}/answer": "question",
    "/api/v1/adoptions/{id}/scale-up-plan": "own_adoption",
    "/api/v1/saved-searches/{id}": "saved_search",
    "/api/v1/review/innovations/{id}/reconfirmation": "to_reconfirm",
}


def test_every_api_write_is_in_the_corpus_run():
    covered = {(w.method, w.path) for w in API_WRITES} | API_ACTIONS
    assert covered == SCHEMA_WRITES


def api_url(write: Write, world: World) -> str:
    path = write.path
    if "{id}" in path:
        path = path.replace("{id}", str(world.objects[OBJECT_OF[write.path]].pk))
    return path.replace("{response_pk}", str(world.objects["answer"].pk))


def api_body(write: Write, changes: dict | None = None) -> dict:
    body: dict = {}
    values = {name: value for name, (value, _kind) in write.fields.items()}
    values.update(changes or {})
    for name, value in values.items():
        if "." in name:
            outer, inner = name.split(".")
            body.setdefault(outer, {})[inner] = value
        else:
            body[name] = value
    return body


def api_client(world: World, role: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    user = getattr(world, role)
    if user is not None:
        client.force_authenticate(user)
    return client


def api_send(client, write, url, body: bytes, content_type="application/json"):
    return client.generic(write.method, url, body, content_type=content_type)


@pytest.mark.parametrize("write", API_WRITES, ids=[f"{w.method} {w.path}" for w in API_WRITES])
def test_api_write_refuses_the_corpus_in_every_field(world, write):
    url = api_url(write, world)
    client = api_client(world, write.user)
    failures: list[str] = []

    def valid():
        with writes() as written:
            response = api_send(client, write, url, json.dumps(api_body(write)).encode())
        assert response.status_code == write.ok, (write.path, response.content[:300])
        assert written, write.path

    run(failures, "valid request", valid)
    for name, (_valid, kind) in write.fields.items():
        key = name.split(".")[0]
        for entry in CORPUS:
            if not entry.in_api:
                continue

            def case(name=name, entry=entry, kind=kind, key=key):
                label = f"[{name}] {entry.name}"
                body = json.dumps(api_body(write, {name: entry.api})).encode()
                with writes() as written:
                    response = api_send(client, write, url, body)
                may_store = (
                    expected_valid(entry, kind) or (entry.api is None and name in NULLABLE)
                ) and write.path != "/api/v1/auth/token"
                status = check_case(
                    failures,
                    label,
                    written,
                    response,
                    may_store=may_store,
                    value=entry.api if may_store and isinstance(entry.api, str) else None,
                )
                if status is not None and 400 <= status < 500:
                    data = response.json()
                    # 422: well-formed text that names nothing (a route's code, say).
                    if status not in (400, 422):
                        failures.append(f"{label}: {status}, not 400 or 422")
                    elif key not in data and key not in str(data.get("detail", "")):
                        if write.path != "/api/v1/auth/token":
                            failures.append(f"{label}: 400 without a message about it: {data}")

            run(failures, f"[{name}] {entry.name}", case)
    assert not failures, f"{write.method} {write.path}\n" + "\n".join(failures)


@pytest.mark.parametrize("write", API_WRITES, ids=[f"{w.method} {w.path}" for w in API_WRITES])
def test_api_write_refuses_bad_bodies(world, write):
    """Wrong content types are 415; a body that is not a JSON object, JSON nested beyond
    reason, or empty is 400 with a message; nothing is written."""
    url = api_url(write, world)
    client = api_client(world, write.user)
    valid = json.dumps(api_body(write))
    form = urlencode({k: v for k, v in api_body(write).items() if not isinstance(v, dict)})
    cases = [
        ("text/plain", valid.encode(), 415),
        ("application/xml", b"<a/>", 415),
        ("multipart/form-data; boundary=x", b"--x--\r\n", 415),
        ("application/json", b"", 400),
        ("application/json", b"{", 400),
        ("application/json", b"{}", 400),
        ("application/json", b"[]", 400),
        ("application/json", b'"text"', 400),
        ("application/json", b"null", 400),
        ("application/json", b"NaN", 400),
        ("application/json", b"\xff\xfe{}", 400),
        ("application/json", b"[" * 100_000 + b"]" * 100_000, 400),
        ("application/json", b'{"a":' * 50 + b"1" + b"}" * 50, 400),
        ("application/json", b'{"title": 1' + b"0" * 5000 + b"}", 400),
    ]
    # Every write, the token endpoint too, takes JSON only.
    cases.append(("application/x-www-form-urlencoded", form.encode(), 415))
    for content_type, body, expected in cases:
        cache.clear()
        with writes() as written:
            response = api_send(client, write, url, body, content_type)
        label = (write.path, content_type, body[:30])
        assert response.status_code == expected, (*label, response.status_code)
        assert response.json().get("detail") or response.json(), label
        assert written == [], label


# --- What is not bad ------------------------------------------------------------------------

GOOD_TEXT = {
    "title": "Café ☕ – שלום \u200e👩‍🔧",  # accents, a symbol, Hebrew with a direction mark, ZWJ
    "description": "Regel één\r\nRegel twee\n\tingesprongen",
}


def test_ordinary_unicode_tabs_and_line_breaks_are_text(world):
    from innovations.models import Innovation

    client = client_for(world, "supplier")
    create = next(form for form in FORMS if form.name == "innovation create")
    form_data = {**valid_post(create, world), **GOOD_TEXT}
    response = post_form(client, reverse("innovations:create"), form_data, multipart=True)
    assert response.status_code == 302
    api = api_client(world, "supplier")
    response = api.post("/api/v1/supplier/innovations", {"title": "Zon", **GOOD_TEXT}, "json")
    assert response.status_code == 201

    stored = list(
        Innovation.objects.filter(title=GOOD_TEXT["title"]).values_list("title", "description")
    )
    assert stored == [(GOOD_TEXT["title"], GOOD_TEXT["description"])] * 2
