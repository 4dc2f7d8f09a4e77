"""Every adoption, verification and challenge action against every role (DESIGN.md, Roles):
anonymous, supplier, buyer of the municipality, buyer of another one, reviewer, admin."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Verification
from municipalities.models import ChallengeResponse
from tests.factories import AdoptionFactory, ChallengeFactory, InnovationFactory

ROLES = ["anonymous", "supplier", "buyer", "other_buyer", "reviewer", "admin"]
# The API answers an anonymous write with 401 or 403 depending on the authentication
# classes; both say "not for you".
ANON_API = "401/403"
LOGIN = "login"  # the web UI sends anonymous visitors to the login page


@pytest.fixture
def world(buyer, other_buyer, supplier_member, reviewer, admin, municipality, innovation):
    verified = AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=innovation.supplier, slug="verified-one"),
    )
    claimed = AdoptionFactory(
        municipality=municipality,
        innovation=InnovationFactory(supplier=innovation.supplier, slug="claimed-one"),
        verification=Verification.CLAIMED,
        claimed_by=buyer,
    )
    challenge = ChallengeFactory(municipality=municipality)
    response = ChallengeResponse.objects.create(
        challenge=challenge, innovation=verified.innovation, pitch="Wij kunnen dit."
    )
    users = {
        "anonymous": None,
        "supplier": supplier_member,
        "buyer": buyer,
        "other_buyer": other_buyer,
        "reviewer": reviewer,
        "admin": admin,
    }
    return {
        "users": users,
        "verified": verified,
        "claimed": claimed,
        "challenge": challenge,
        "response": response,
        "innovation": innovation,
    }


def _json(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


DEADLINE = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

ACTIONS = {
    # name: (request, {role: expected status})
    "api: record adoption": (
        lambda c, w: _json(
            c,
            "post",
            "/api/v1/adoptions",
            {
                "municipality": "GM0344",
                "innovation": w["innovation"].slug,
                "stage": "pilot",
                "started_on": "2024-05-01",
            },
        ),
        [ANON_API, 403, 201, 403, 403, 201],
    ),
    "web: record adoption form": (
        lambda c, w: c.get(reverse("municipalities:adoption_create", args=[w["innovation"].slug])),
        [LOGIN, 403, 200, 200, 403, 200],
    ),
    "web: record adoption": (
        lambda c, w: c.post(
            reverse("municipalities:adoption_create", args=[w["innovation"].slug]),
            {"municipality": "GM0344", "stage": "pilot", "started_on": "2024-05-01"},
        ),
        [LOGIN, 403, 302, 302, 403, 302],
    ),
    "api: update adoption": (
        lambda c, w: _json(
            c, "patch", f"/api/v1/adoptions/{w['verified'].pk}", {"stage": "implemented"}
        ),
        [ANON_API, 403, 200, 403, 403, 200],
    ),
    "web: update adoption": (
        lambda c, w: c.post(
            reverse("municipalities:adoption_update", args=[w["verified"].pk]),
            {"stage": "implemented", "started_on": "2024-03-01"},
        ),
        [LOGIN, 403, 302, 403, 403, 302],
    ),
    "api: evaluate adoption": (
        lambda c, w: _json(
            c,
            "put",
            f"/api/v1/adoptions/{w['verified'].pk}/evaluation",
            {"goals_met": "met", "lessons_learned": "Goed.", "would_recommend": True},
        ),
        [ANON_API, 403, 200, 403, 403, 200],
    ),
    "web: evaluate adoption": (
        lambda c, w: c.post(
            reverse("municipalities:adoption_evaluate", args=[w["verified"].pk]),
            {"goals_met": "met", "lessons_learned": "Goed.", "would_recommend": "yes"},
        ),
        [LOGIN, 403, 302, 403, 403, 302],
    ),
    "api: read a claimed adoption": (
        lambda c, w: c.get(f"/api/v1/adoptions/{w['claimed'].pk}"),
        [404, 404, 200, 404, 200, 200],
    ),
    "web: read a claimed adoption": (
        lambda c, w: c.get(reverse("municipalities:adoption_detail", args=[w["claimed"].pk])),
        [404, 404, 200, 404, 200, 200],
    ),
    "api: verification queue": (
        lambda c, w: c.get("/api/v1/review/adoptions"),
        [ANON_API, 403, 403, 403, 200, 200],
    ),
    "web: verification queue": (
        lambda c, w: c.get(reverse("municipalities:verify_queue")),
        [LOGIN, 403, 403, 403, 200, 200],
    ),
    "api: verify adoption": (
        lambda c, w: _json(
            c, "post", f"/api/v1/review/adoptions/{w['claimed'].pk}/verify", {"decision": "verify"}
        ),
        # the buyer recorded it; the supplier's own innovation: both refused
        [ANON_API, 403, 403, 403, 200, 200],
    ),
    "web: verify adoption": (
        lambda c, w: c.post(
            reverse("municipalities:adoption_verify", args=[w["claimed"].pk]),
            {"decision": "verify"},
        ),
        [LOGIN, 403, 403, 403, 302, 302],
    ),
    "web: my municipality": (
        lambda c, w: c.get(reverse("municipalities:mine")),
        [LOGIN, 403, 200, 200, 403, 403],
    ),
    "api: post challenge": (
        lambda c, w: _json(
            c,
            "post",
            "/api/v1/challenges",
            {
                "municipality": "GM0344",
                "title": "Schonere lucht",
                "problem_statement": "Fijnstof bij scholen.",
                "domain": "mobility",
                "deadline": DEADLINE,
            },
        ),
        [ANON_API, 403, 201, 403, 403, 201],
    ),
    "web: post challenge": (
        lambda c, w: c.post(
            reverse("municipalities:challenge_create"),
            {
                "municipality": "GM0344",
                "title": "Schonere lucht",
                "problem_statement": "Fijnstof bij scholen.",
                "domain": "mobility",
                "deadline": DEADLINE,
            },
        ),
        # a buyer posts for their own municipality, whatever the form says
        [LOGIN, 403, 302, 302, 403, 302],
    ),
    "api: answer challenge": (
        lambda c, w: _json(
            c,
            "post",
            f"/api/v1/challenges/{w['challenge'].pk}/responses",
            {"innovation": w["innovation"].slug, "pitch": "Onze oplossing."},
        ),
        [ANON_API, 201, 403, 403, 403, 403],
    ),
    "web: answer challenge": (
        lambda c, w: c.post(
            reverse("municipalities:challenge_respond", args=[w["challenge"].pk]),
            {"innovation": w["innovation"].slug, "pitch": "Onze oplossing."},
        ),
        [LOGIN, 302, 403, 403, 403, 403],
    ),
    "api: read answers": (
        lambda c, w: c.get(f"/api/v1/challenges/{w['challenge'].pk}/responses"),
        [ANON_API, 403, 200, 403, 403, 200],
    ),
    "api: mark answer": (
        lambda c, w: _json(
            c,
            "patch",
            f"/api/v1/challenges/{w['challenge'].pk}/responses/{w['response'].pk}",
            {"status": "interested"},
        ),
        [ANON_API, 403, 200, 403, 403, 200],
    ),
    "web: mark answer": (
        lambda c, w: c.post(
            reverse("municipalities:response_mark", args=[w["response"].pk]),
            {"status": "interested"},
        ),
        [LOGIN, 403, 302, 403, 403, 302],
    ),
    "api: close challenge": (
        lambda c, w: c.post(f"/api/v1/challenges/{w['challenge'].pk}/close"),
        [ANON_API, 403, 200, 403, 403, 200],
    ),
    "web: close challenge (confirmation)": (
        lambda c, w: c.get(reverse("municipalities:challenge_close", args=[w["challenge"].pk])),
        [LOGIN, 403, 200, 403, 403, 200],
    ),
    "web: close challenge": (
        lambda c, w: c.post(reverse("municipalities:challenge_close", args=[w["challenge"].pk])),
        [LOGIN, 403, 302, 403, 403, 302],
    ),
    "public: challenge list, detail, suggestions, adoptions, municipality page": (
        lambda c, w: max(
            c.get(url).status_code
            for url in [
                reverse("municipalities:challenge_list"),
                reverse("municipalities:challenge_detail", args=[w["challenge"].pk]),
                "/api/v1/challenges",
                f"/api/v1/challenges/{w['challenge'].pk}",
                f"/api/v1/challenges/{w['challenge'].pk}/suggestions",
                "/api/v1/adoptions",
                f"/api/v1/adoptions/{w['verified'].pk}",
                reverse("municipalities:detail", args=["utrecht"]),
            ]
        ),
        [200, 200, 200, 200, 200, 200],
    ),
}

CASES = [
    (action, role, expected[index])
    for action, (_, expected) in ACTIONS.items()
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_role_table(world, action, role, expected):
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])

    result = ACTIONS[action][0](client, world)

    status = result if isinstance(result, int) else result.status_code
    if expected == ANON_API:
        assert status in (401, 403)
    elif expected == LOGIN:
        assert (status, result.url.split("?")[0]) == (302, reverse("login"))
    else:
        assert status == expected
