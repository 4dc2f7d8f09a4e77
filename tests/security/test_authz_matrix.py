"""The authorization matrix: every URL of the root URLconf × every HTTP method it takes ×
every role, against the answer DESIGN.md's roles table documents.

The URLs are read from the URLconf itself, so a new URL (or a new method on an API view)
without an entry in MATRIX fails `test_every_url_and_method_has_an_entry`: access fails
closed until someone writes down who may use it. An entry for a URL that no longer
exists fails too.

Roles, as columns of MATRIX (DESIGN.md, roles; the objects in the URL belong to the
"own" side):
    anon    not signed in
    sup     member of supplier A, which owns every innovation in the URLs
    sup_x   member of supplier B (the other organisation)
    buy     buyer of municipality A, which owns the adoption and the challenge in the URLs
            and claimed the adoption
    buy_x   buyer of municipality B (the other municipality)
    rev     reviewer who claimed the innovation under review in the URLs
    rev_x   another reviewer (the innovation is claimed by someone else). Reviewers have
            no region in the domain model, so "other region" is this: the object is not
            theirs to act on, though their role is the same
    rev_c   conflicted reviewer: also a member of supplier A, so they review and verify
            nothing of A (DESIGN.md: "not own supplier")
    admin   superuser
rev and rev_c also hold the adviser permission (the support desk; reviewers can be
advisers), rev_x does not: rev_c answers nothing about supplier A's innovation.

Expected answers:
    200, 302, 400, 403, 404, 405, 409 …  that exact status
    L       302 to the login page (the web UI's answer to anonymous visitors)
    ok      allowed: the authorization decision let the request through. Any status
            below 500 but 401, 403, 404, 405 and a redirect to log in: a valid body gives
            200/201/302, a body the action cannot take (wrong state, a field missing)
            400/409 or the form again. Only "ok" requests may change data.
Every request with any other expectation must change nothing: the database is compared
before and after, table by table.
"""

import datetime
import functools
import json
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from alerts.models import Follow, Notification
from alerts.searches import saved_search_create
from alerts.unsubscribe import search_url
from innovations.enums import Status
from municipalities.enums import Verification
from municipalities.models import ChallengeResponse
from procurement.models import Question, ScaleUpPlan
from procurement.services import routes_load_reference
from ranking.services import ranking_recompute
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    SupplierMemberFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.problems import errors

ROLES = ("anon", "sup", "sup_x", "buy", "buy_x", "rev", "rev_x", "rev_c", "admin")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The catch-alls of /api/v1/ and /api have no name; they are keyed by their routes.
API_CATCH_ALL = "api/v1/^[\\s\\S]*$"
API_ROOT_CATCH_ALL = "^api(?!/docs$)(?:/[\\s\\S]*)?$"
CATCH_ALLS = {API_CATCH_ALL: "/api/v1/no-such-thing/", API_ROOT_CATCH_ALL: "/api/v2/innovations"}


def row(spec: str) -> tuple[str, ...]:
    """One row of expectations, one token per role in ROLES order."""
    tokens = tuple(spec.split())
    assert len(tokens) == len(ROLES), spec
    return tokens


def every(token: str) -> tuple[str, ...]:
    return (token,) * len(ROLES)


# fmt: off
#                                 anon  sup   sup_x buy   buy_x rev   rev_x rev_c admin
PUBLIC                     = every("200")
SIGNED_IN                  = row("L     200   200   200   200   200   200   200   200")
SUPPLIER_PAGE              = row("L     200   200   403   403   403   403   200   200")
OWN_INNOVATION             = row("L     200   404   403   403   403   403   200   200")
OWN_INNOVATION_WRITE       = row("L     ok    404   403   403   403   403   ok    ok")
REVIEWER_PAGE              = row("L     403   403   403   403   200   200   200   200")
REVIEW_OBJECT              = row("L     403   403   403   403   200   200   403   200")
BUYER_PAGE                 = row("L     403   403   200   200   403   403   403   200")
BUYER_WRITE                = row("L     403   403   ok    ok    403   403   403   ok")
OWN_ADOPTION_PAGE          = row("L     404   404   200   404   403   403   403   200")
OWN_ADOPTION_WRITE         = row("L     404   404   ok    404   403   403   403   ok")
VERIFY_PAGE                = row("L     403   403   403   403   200   200   403   200")
VERIFY_WRITE               = row("L     403   403   403   403   ok    ok    403   ok")
OWN_CHALLENGE_PAGE         = row("L     403   403   200   403   403   403   403   200")
OWN_CHALLENGE_WRITE        = row("L     403   403   ok    403   403   403   403   ok")
ANSWER_PAGE                = row("L     200   200   403   403   403   403   200   403")
ANSWER_WRITE               = row("L     ok    ok    403   403   403   403   ok    403")
NOT_SIGNED_IN              = row("200   302   302   302   302   302   302   302   302")
ROLE_REQUEST               = row("L     302   302   302   302   200   200   302   200")
NOT_POST                   = row("L     405   405   405   405   405   405   405   405")
# API: anonymous callers get 401 (token authentication first, DESIGN.md's API).
API_SUPPLIER               = row("401   200   200   403   403   403   403   200   200")
API_SUPPLIER_WRITE         = row("401   ok    ok    403   403   403   403   ok    ok")
API_OWN_INNOVATION         = row("401   200   404   403   403   403   403   200   200")
API_OWN_INNOVATION_WRITE   = row("401   ok    404   403   403   403   403   ok    ok")
API_REVIEWER               = row("401   403   403   403   403   200   200   200   200")
API_REVIEW_OBJECT          = row("401   403   403   403   403   200   200   403   200")
# The adoption in the URLs is claimed, not yet public: 404 to whoever may not see it.
API_OWN_ADOPTION           = row("404   404   404   200   404   200   200   200   200")
API_OWN_ADOPTION_WRITE     = row("401   404   404   ok    404   403   403   403   ok")
API_VERIFY                 = row("401   403   403   403   403   ok    ok    403   ok")
API_OWN_MUNICIPALITY_WRITE = row("401   403   403   ok    403   403   403   403   ok")
# The support desk: buy asked the question in the URLs, about supplier A's innovation.
ASKER_PAGE                 = row("L     403   403   200   200   403   403   403   200")
ADVISER_PAGE               = row("L     403   403   403   403   200   403   200   200")
QUESTION_PAGE              = row("L     404   404   200   404   200   404   200   200")
QUESTION_ANSWER            = row("L     404   404   403   404   ok    404   403   ok")
QUESTION_CLOSE             = row("L     404   404   ok    404   ok    404   403   ok")
# Its GET is the confirmation page, for the same people.
QUESTION_CLOSE_PAGE        = row("L     404   404   200   404   200   404   403   200")
API_QUESTION               = row("401   404   404   200   404   200   404   200   200")
API_QUESTION_ANSWER        = row("401   404   404   403   404   ok    404   403   ok")
API_QUESTION_CLOSE         = row("401   404   404   ok    404   ok    404   403   ok")
# A pilot's scale-up plan: its buyers write it; reviewers read it, except one who works
# for the innovation's supplier; nobody else knows it exists.
PLAN_PAGE                  = row("L     404   404   200   404   200   200   404   200")
PLAN_WRITE                 = row("L     404   404   ok    404   403   403   404   ok")
API_PLAN                   = row("401   404   404   200   404   200   200   404   200")
API_PLAN_WRITE             = row("401   404   404   ok    404   403   403   404   ok")
API_PILOTS_DUE             = row("401   403   403   200   200   403   403   403   403")
# Alerts: buyers keep saved searches; buyers and suppliers (rev_c is one) follow.
API_SIGNED_IN              = row("401   200   200   200   200   200   200   200   200")
API_SIGNED_IN_WRITE        = row("401   ok    ok    ok    ok    ok    ok    ok    ok")
API_BUYER                  = row("401   403   403   200   200   403   403   403   200")
API_BUYER_WRITE            = row("401   403   403   ok    ok    403   403   403   ok")
API_OWN_SEARCH             = row("401   403   403   200   404   403   403   403   404")
API_OWN_SEARCH_WRITE       = row("401   403   403   ok    404   403   403   403   404")
API_FOLLOWER               = row("401   200   200   200   200   403   403   200   200")
API_FOLLOWER_WRITE         = row("401   ok    ok    ok    ok    403   403   ok    ok")
API_OWN_FOLLOW             = row("401   404   404   200   404   403   403   404   404")
API_OWN_FOLLOW_WRITE       = row("401   404   404   ok    404   403   403   404   404")
# fmt: on


def empty_form(allowed_row: tuple[str, ...]) -> tuple[str, ...]:
    """A form page's row for a write without a body: where the page is shown (200), the
    empty form is refused with 400 and the form again, nothing stored."""
    return tuple("400" if token == "200" else token for token in allowed_row)


MATRIX: dict[str, dict[str, tuple[str, ...]]] = {
    # --- portal: health probes, home, dashboard, accounts -------------------------------------
    "healthz": {"GET": PUBLIC, "POST": every("405")},
    "readyz": {"GET": PUBLIC, "POST": every("405")},
    "robots-txt": {"GET": PUBLIC, "POST": every("405")},
    "home": {"GET": PUBLIC, "POST": PUBLIC},
    "dashboard": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "login": {"GET": PUBLIC, "POST": empty_form(PUBLIC), "PUT": empty_form(PUBLIC)},
    # Logging out is allowed to everyone, and changes no data.
    "logout": {"POST": every("302")},
    "signup": {"GET": NOT_SIGNED_IN, "POST": empty_form(NOT_SIGNED_IN)},
    "buyer_signup": {"GET": NOT_SIGNED_IN, "POST": empty_form(NOT_SIGNED_IN)},
    # Both sign-ups lead here, whatever the address (portal.signup).
    "signup_sent": {"GET": PUBLIC, "POST": every("405")},
    # The mailed confirmation link: the page says whether it works; a POST with a link that
    # does not (here: a forged one) activates nothing.
    "signup_confirm": {"GET": PUBLIC, "POST": every("400")},
    # Asking for a role: only users that hold none (rev, rev_x and admin here).
    "buyer_request": {"GET": ROLE_REQUEST, "POST": empty_form(ROLE_REQUEST)},
    "supplier_register": {"GET": ROLE_REQUEST, "POST": empty_form(ROLE_REQUEST)},
    "password_change": {
        "GET": SIGNED_IN,
        "POST": empty_form(SIGNED_IN),
        "PUT": empty_form(SIGNED_IN),
    },
    "password_change_done": {"GET": SIGNED_IN},
    # The account page's revoke of one's own API token: a confirmation, then the POST.
    "token_revoke": {"GET": SIGNED_IN, "POST": row("L ok ok ok ok ok ok ok ok")},
    "password_reset": {"GET": PUBLIC, "POST": empty_form(PUBLIC), "PUT": empty_form(PUBLIC)},
    "password_reset_done": {"GET": PUBLIC},
    "password_reset_confirm": {"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC},
    "password_reset_complete": {"GET": PUBLIC},
    # --- innovations: catalogue and supplier pages --------------------------------------
    "innovations:catalogue": {"GET": PUBLIC, "POST": PUBLIC},
    "innovations:detail": {"GET": PUBLIC, "POST": PUBLIC},
    "innovations:organisation": {
        # The organisation page is a member's; an administrator manages suppliers in the
        # admin site.
        "GET": row("L 200 200 403 403 403 403 200 403"),
        "POST": row("L ok ok 403 403 403 403 ok 403"),
    },
    "innovations:mine": {"GET": SUPPLIER_PAGE, "POST": SUPPLIER_PAGE},
    "innovations:create": {
        "GET": SUPPLIER_PAGE,
        "POST": row("L ok ok 403 403 403 403 ok ok"),
    },
    "innovations:manage": {"GET": OWN_INNOVATION, "POST": OWN_INNOVATION},
    "innovations:edit": {"GET": OWN_INNOVATION, "POST": OWN_INNOVATION_WRITE},
    "innovations:submit": {"GET": NOT_POST, "POST": OWN_INNOVATION_WRITE},
    "innovations:withdraw": {"GET": OWN_INNOVATION, "POST": OWN_INNOVATION_WRITE},
    # Confirming the text of an approval that ended: the approval in the URL is valid, so
    # the state refuses those the role allows.
    "innovations:confirm_current": {"GET": NOT_POST, "POST": OWN_INNOVATION_WRITE},
    # --- review (web) ------------------------------------------------------------------
    "review:queue": {"GET": REVIEWER_PAGE, "POST": REVIEWER_PAGE},
    "review:detail": {"GET": REVIEW_OBJECT, "POST": REVIEW_OBJECT},
    # The innovation is claimed by rev already: a claim by anyone is refused by its state
    # (302 back with a message), and changes nothing.
    "review:claim": {"GET": NOT_POST, "POST": row("L 403 403 403 403 302 302 403 302")},
    # Deciding: the claimant and administrators; another reviewer gets 409.
    "review:decide": {"GET": NOT_POST, "POST": row("L 403 403 403 403 ok 409 403 ok")},
    "review:reconfirm_queue": {"GET": REVIEWER_PAGE, "POST": REVIEWER_PAGE},
    "review:reconfirm": {
        "GET": REVIEW_OBJECT,
        "POST": row("L 403 403 403 403 ok ok 403 ok"),
    },
    "review:organisation_changes": {"GET": REVIEWER_PAGE, "POST": REVIEWER_PAGE},
    # A requested change of supplier A's name: not by its members (rev_c is one).
    "review:organisation_change_decide": {
        "GET": NOT_POST,
        "POST": row("L 403 403 403 403 ok ok 403 ok"),
    },
    # --- municipalities ----------------------------------------------------------------
    "municipalities:list": {"GET": PUBLIC, "POST": PUBLIC},
    "municipalities:detail": {"GET": PUBLIC, "POST": PUBLIC},
    # A buyer's own municipality: administrators have none.
    "municipalities:mine": {
        "GET": row("L 403 403 200 200 403 403 403 403"),
        "POST": row("L 403 403 200 200 403 403 403 403"),
    },
    "municipalities:adoption_create": {"GET": BUYER_PAGE, "POST": BUYER_WRITE},
    # Not public yet (claimed): 404 to everyone but its buyers, reviewers, admins.
    "municipalities:adoption_detail": {
        "GET": row("404 404 404 200 404 200 200 200 200"),
        "POST": row("404 404 404 200 404 200 200 200 200"),
    },
    "municipalities:adoption_update": {"GET": OWN_ADOPTION_PAGE, "POST": OWN_ADOPTION_WRITE},
    "municipalities:adoption_evaluate": {"GET": OWN_ADOPTION_PAGE, "POST": OWN_ADOPTION_WRITE},
    "municipalities:verify_queue": {"GET": REVIEWER_PAGE, "POST": REVIEWER_PAGE},
    "municipalities:adoption_verify": {"GET": VERIFY_PAGE, "POST": VERIFY_WRITE},
    "municipalities:challenge_list": {"GET": PUBLIC, "POST": PUBLIC},
    "municipalities:challenge_create": {"GET": BUYER_PAGE, "POST": BUYER_WRITE},
    "municipalities:challenge_detail": {"GET": PUBLIC, "POST": PUBLIC},
    "municipalities:challenge_respond": {"GET": ANSWER_PAGE, "POST": ANSWER_WRITE},
    "municipalities:challenge_close": {
        "GET": OWN_CHALLENGE_PAGE,
        "POST": OWN_CHALLENGE_WRITE,
    },
    "municipalities:response_mark": {"GET": NOT_POST, "POST": OWN_CHALLENGE_WRITE},
    "municipalities:shortlist": {"GET": BUYER_PAGE, "POST": every("405")},
    "municipalities:shortlist_add": {"GET": every("405"), "POST": BUYER_WRITE},
    "municipalities:shortlist_remove": {"GET": every("405"), "POST": BUYER_WRITE},
    # Without innovations to compare it sends the buyer back to the shortlist.
    "municipalities:compare": {
        "GET": row("L 403 403 302 302 403 403 403 302"),
        "POST": every("405"),
    },
    # --- procurement routes, the route guide, the support desk ----------------------------
    "procurement:routes": {"GET": PUBLIC, "POST": PUBLIC},
    "procurement:route": {"GET": PUBLIC, "POST": PUBLIC},
    # The guide reads its answers from the query (GET); a POST shows the empty form.
    "procurement:guide": {"GET": PUBLIC, "POST": PUBLIC},
    "desk:published": {"GET": PUBLIC, "POST": PUBLIC},
    "desk:ask": {"GET": ASKER_PAGE, "POST": empty_form(ASKER_PAGE)},
    "desk:mine": {"GET": ASKER_PAGE, "POST": ASKER_PAGE},
    "desk:queue": {"GET": ADVISER_PAGE, "POST": ADVISER_PAGE},
    "desk:detail": {"GET": QUESTION_PAGE, "POST": QUESTION_PAGE},
    "desk:answer": {"GET": NOT_POST, "POST": QUESTION_ANSWER},
    "desk:close": {"GET": QUESTION_CLOSE_PAGE, "POST": QUESTION_CLOSE},
    "procurement:plan": {"GET": PLAN_PAGE, "POST": PLAN_WRITE},
    # --- alerts: saved searches, follows, notifications, insight -------------------------
    "alerts:searches": {"GET": BUYER_PAGE, "POST": every("405")},
    "alerts:search_create": {"GET": BUYER_PAGE, "POST": empty_form(BUYER_PAGE)},
    # The saved search in the URL is buy's: anyone else's is a 404 (administrators too).
    "alerts:search_edit": {
        "GET": row("L 403 403 200 404 403 403 403 404"),
        "POST": row("L 403 403 400 404 403 403 403 404"),
    },
    "alerts:search_delete": {
        "GET": row("L 403 403 200 404 403 403 403 404"),
        "POST": row("L 403 403 ok 404 403 403 403 404"),
    },
    # Public, its address the only key; it names filters, no person.
    "alerts:feed": {"GET": PUBLIC, "POST": PUBLIC},
    # Buyers follow innovations and challenges, suppliers challenges (rev_c is one).
    "alerts:follows": {"GET": row("L 200 200 200 200 403 403 200 200"), "POST": every("405")},
    "alerts:follow": {"GET": every("405"), "POST": row("L ok ok ok ok 403 403 ok ok")},
    # Stopping a follow one does not have changes nothing, whoever asks.
    "alerts:unfollow": {"GET": every("405"), "POST": row("L ok ok ok ok 302 302 ok ok")},
    # Marks all of one's own as read (buy has one).
    "alerts:notifications": {"GET": SIGNED_IN, "POST": row("L 302 302 ok 302 302 302 302 302")},
    # The notification in the URL is buy's: opening it marks it read and leads to it.
    "alerts:notification_open": {
        "GET": row("L 404 404 302 404 404 404 404 404"),
        "POST": every("405"),
    },
    "alerts:settings": {"GET": SIGNED_IN, "POST": empty_form(SIGNED_IN)},
    # A signed link from a mail: it works without logging in (RFC 8058 one-click).
    "alerts:unsubscribe": {"GET": PUBLIC, "POST": every("ok")},
    # A supplier's insight is their own: another supplier's innovation is a 404.
    "alerts:insight": {"GET": SUPPLIER_PAGE, "POST": every("405")},
    "alerts:insight_csv_all": {"GET": SUPPLIER_PAGE, "POST": every("405")},
    "alerts:insight_detail": {
        "GET": row("L 200 404 403 403 403 403 200 200"),
        "POST": every("405"),
    },
    "alerts:insight_csv": {"GET": row("L 200 404 403 403 403 403 200 200"), "POST": every("405")},
    # --- ranking (web, open data, badge) -------------------------------------------------
    "ranking:leaderboard": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking:map": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking:methodology": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking:scorecard": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking-badge": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking-open-data-csv": {"GET": PUBLIC, "POST": PUBLIC},
    "ranking-open-data-json": {"GET": PUBLIC, "POST": PUBLIC},
    "open-data-catalogue-csv": {"GET": PUBLIC, "POST": every("405")},
    "open-data-catalogue-json": {"GET": PUBLIC, "POST": every("405")},
    "open-data-adoptions-csv": {"GET": PUBLIC, "POST": every("405")},
    "open-data-adoptions-json": {"GET": PUBLIC, "POST": every("405")},
    # --- API v1 --------------------------------------------------------------------------
    "api:openapi-json": {"GET": PUBLIC, "POST": every("405")},
    "api:openapi-yaml": {"GET": PUBLIC, "POST": every("405")},
    "api-docs": {"GET": PUBLIC},
    API_CATCH_ALL: {"GET": every("404"), "POST": every("404")},
    API_ROOT_CATCH_ALL: {"GET": every("404"), "POST": every("404")},
    # Wrong credentials: 400 for everyone, no token made.
    "api:token": {"POST": every("400"), "DELETE": row("401 ok ok ok ok ok ok ok ok")},
    "api:innovation-list": {"GET": PUBLIC},
    "api:innovation-detail": {"GET": PUBLIC},
    # An administrator belongs to no organisation: 404 (documented in the schema).
    "api:supplier-organisation": {
        "GET": row("401 200 200 403 403 403 403 200 404"),
        "PATCH": row("401 ok ok 403 403 403 403 ok 404"),
    },
    "api:supplier-innovation-list": {"GET": API_SUPPLIER, "POST": API_SUPPLIER_WRITE},
    "api:supplier-innovation-detail": {
        "GET": API_OWN_INNOVATION,
        "PATCH": API_OWN_INNOVATION_WRITE,
    },
    "api:supplier-innovation-submit": {"POST": API_OWN_INNOVATION_WRITE},
    "api:supplier-innovation-withdraw": {"POST": API_OWN_INNOVATION_WRITE},
    "api:review-innovation-list": {"GET": API_REVIEWER},
    "api:review-innovation-detail": {"GET": API_REVIEW_OBJECT},
    # Claimed by rev already: 409 for every reviewer (the state refuses, not the role).
    "api:review-innovation-claim": {"POST": row("401 403 403 403 403 409 409 403 409")},
    "api:review-innovation-decision": {"POST": row("401 403 403 403 403 ok 409 403 ok")},
    "api:supplier-innovation-confirm-current": {"POST": API_OWN_INNOVATION_WRITE},
    "api:review-reconfirmation-list": {"GET": API_REVIEWER},
    "api:review-innovation-reconfirmation": {"POST": row("401 403 403 403 403 ok ok 403 ok")},
    "api:municipality-list": {"GET": PUBLIC},
    "api:municipality-detail": {"GET": PUBLIC},
    "api:adoption-list": {"GET": PUBLIC, "POST": API_OWN_MUNICIPALITY_WRITE},
    "api:adoption-detail": {"GET": API_OWN_ADOPTION, "PATCH": API_OWN_ADOPTION_WRITE},
    "api:adoption-evaluation": {"PUT": API_OWN_ADOPTION_WRITE},
    "api:adoption-queue": {"GET": API_REVIEWER},
    "api:adoption-verify": {"POST": API_VERIFY},
    "api:challenge-list": {"GET": PUBLIC, "POST": API_OWN_MUNICIPALITY_WRITE},
    "api:challenge-detail": {"GET": PUBLIC},
    "api:challenge-close": {"POST": API_OWN_MUNICIPALITY_WRITE},
    "api:challenge-responses": {
        "GET": row("401 403 403 200 403 403 403 403 200"),
        "POST": row("401 ok ok 403 403 403 403 ok 403"),
    },
    "api:challenge-response": {"PATCH": API_OWN_MUNICIPALITY_WRITE},
    "api:challenge-suggestions": {"GET": PUBLIC},
    "api:ranking-list": {"GET": PUBLIC},
    "api:ranking-runs": {"GET": PUBLIC},
    "api:procurement-route-list": {"GET": PUBLIC},
    "api:procurement-route-detail": {"GET": PUBLIC},
    "api:procurement-threshold-list": {"GET": PUBLIC},
    # Without the five answers in the query: 400, for everyone (it is public).
    "api:procurement-guide": {"GET": every("400")},
    "api:question-list": {
        # Signed in: an adviser's queue, or the caller's own questions (none for most).
        "GET": row("401 200 200 200 200 200 200 200 200"),
        "POST": row("401 403 403 ok ok 403 403 403 ok"),
    },
    "api:question-detail": {"GET": API_QUESTION},
    "api:question-answer": {"POST": API_QUESTION_ANSWER},
    "api:question-close": {"POST": API_QUESTION_CLOSE},
    "api:scale-up-plan": {"GET": API_PLAN, "PUT": API_PLAN_WRITE},
    "api:pilot-due-list": {"GET": API_PILOTS_DUE},
    "api:published-question-list": {"GET": PUBLIC},
    # Alerts: the saved search, the follow and the notification in the URLs are buy's.
    "api:saved-search-list": {"GET": API_BUYER, "POST": API_BUYER_WRITE},
    "api:saved-search-detail": {
        "GET": API_OWN_SEARCH,
        "PATCH": API_OWN_SEARCH_WRITE,
        "DELETE": API_OWN_SEARCH_WRITE,
    },
    "api:follow-list": {"GET": API_FOLLOWER, "POST": API_FOLLOWER_WRITE},
    "api:follow-detail": {"GET": API_OWN_FOLLOW, "DELETE": API_OWN_FOLLOW_WRITE},
    "api:notification-list": {"GET": API_SIGNED_IN},
    "api:notification-read": {"POST": API_SIGNED_IN_WRITE},
    # Reviewers can receive no kind of notification: their PATCH is a 400 (still "ok").
    "api:notification-settings": {"GET": API_SIGNED_IN, "PATCH": API_SIGNED_IN_WRITE},
    "api:supplier-insight-list": {"GET": API_SUPPLIER},
    "api:supplier-insight-detail": {"GET": API_OWN_INNOVATION},
}


# --- The URLconf ------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            yield key, route, pattern.callback


def _methods(callback) -> list[str]:
    """The methods a view takes: a class-based view's handlers (Django's and DRF's); for a
    function view GET and POST, so that a POST to any page is checked as well."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ["GET", "POST"]
    return [
        name.upper()
        for name in view_class.http_method_names
        if name not in ("head", "options", "trace") and hasattr(view_class, name)
    ]


def url_configuration() -> dict[str, tuple[str, list[str]]]:
    """key → (route, methods) for every URL of the root URLconf but the admin site's
    (covered generically below). The i18n patterns are walked once, as /nl/ and /en/
    serve the same views (test_english_urls_answer_as_the_dutch_ones)."""
    found = {}
    for key, route, callback in _walk(get_resolver().url_patterns):
        if key.startswith("admin:") or route.startswith("admin/"):
            continue
        found[key] = (route, _methods(callback))
    return found


URLS = url_configuration()
CASES = [
    pytest.param(key, method, role, id=f"{key}-{method}-{role}")
    for key, methods in MATRIX.items()
    if key in URLS
    for method in methods
    if method in URLS[key][1]
    for role in ROLES
]


def test_every_url_and_method_has_an_entry():
    """Fail closed: a URL (or method) without an entry, or an entry without a URL."""
    missing = [
        f'    "{key}": {{"{method}": row("…")}},  # {route}'
        for key, (route, methods) in URLS.items()
        for method in methods
        if method not in MATRIX.get(key, {})
    ]
    stale = [
        f"    {key} {method}"
        for key, methods in MATRIX.items()
        for method in methods
        if key not in URLS or method not in URLS[key][1]
    ]
    message = []
    if missing:
        message.append(
            "These URLs are not in the authorization matrix; add who may use them to "
            "MATRIX in tests/security/test_authz_matrix.py:\n" + "\n".join(missing)
        )
    if stale:
        message.append(
            "These entries of MATRIX name a URL or method that no longer exists; remove "
            "them:\n" + "\n".join(stale)
        )
    assert not message, "\n\n".join(message)


def test_every_placeholder_is_filled():
    """Each <pk>/<slug>/<code> of a URL in the matrix is filled with an object of the
    "own" side (KWARGS); a URL with a new placeholder must say which object."""
    unfilled = [
        key
        for key, (route, _methods) in URLS.items()
        if "<" in route and key not in KWARGS and key not in CATCH_ALLS
    ]
    assert unfilled == []


# --- The objects ------------------------------------------------------------------------------


class World:
    """Two suppliers, two municipalities, one user per role, and one object of each kind
    that belongs to supplier A or municipality A."""

    def __init__(self):
        supplier_a, supplier_b = SupplierFactory(), SupplierFactory()
        self.municipality = MunicipalityFactory()
        other_municipality = MunicipalityFactory()
        self.users = {
            "anon": None,
            "sup": supplier_user(supplier_a),
            "sup_x": supplier_user(supplier_b),
            "buy": buyer_user(self.municipality),
            "buy_x": buyer_user(other_municipality),
            "rev": reviewer_user(),
            "rev_x": reviewer_user(),
            "rev_c": reviewer_user(),
            "admin": admin_user(),
        }
        SupplierMemberFactory(supplier=supplier_a, user=self.users["rev_c"])
        adviser = Permission.objects.get(codename="answer_question")
        for role in ("rev", "rev_c"):
            self.users[role].user_permissions.add(adviser)
            self.users[role] = type(self.users[role]).objects.get(pk=self.users[role].pk)
        self.draft = InnovationFactory(supplier=supplier_a, status=Status.DRAFT, published_at=None)
        self.in_review = InnovationFactory(
            supplier=supplier_a,
            status=Status.IN_REVIEW,
            published_at=None,
            submitted_at=timezone.now(),
            assigned_reviewer=self.users["rev"],
        )
        self.approved = InnovationFactory(supplier=supplier_a)
        self.other_approved = InnovationFactory(supplier=supplier_b)
        self.adoption = AdoptionFactory(
            municipality=self.municipality,
            innovation=self.approved,
            verification=Verification.CLAIMED,
            claimed_by=self.users["buy"],
        )
        # A published board with one verified adoption, for the ranking pages and files.
        AdoptionFactory(
            municipality=other_municipality, innovation=InnovationFactory(supplier=supplier_b)
        )
        ranking_recompute()
        self.challenge = ChallengeFactory(municipality=self.municipality)
        self.response = ChallengeResponse.objects.create(
            challenge=self.challenge,
            innovation=self.approved,
            pitch="Onze oplossing past precies.",
            created_by=self.users["sup"],
        )
        routes_load_reference()
        self.question = Question.objects.create(
            asker=self.users["buy"],
            innovation=self.approved,
            title="Welke inkooproute past hierbij?",
            publish_consent=True,
        )
        ScaleUpPlan.objects.create(
            adoption=self.adoption,
            goal="Minder storingen",
            success_criteria="20% minder",
            decision_on=datetime.date(2027, 3, 1),
        )
        self.saved_search = saved_search_create(
            user=self.users["buy"], query=QueryDict("domain=energy"), frequency="weekly"
        )
        self.notification = Notification.objects.create(
            user=self.users["buy"], kind="new_adopter", key="test", innovation=self.approved
        )
        self.follow = Follow.objects.create(user=self.users["buy"], challenge=self.challenge)
        # One signed-in session per role, made once: test_authorization sends its cookie (a
        # login per test cost more than many of the requests). What a request does to the
        # session (a logout, a new key) is rolled back with the test's savepoint.
        self.sessions = {}
        for role, user in self.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        # Every test starts from this state (it runs in a savepoint that is rolled back),
        # so one snapshot serves as every test's "before".
        self.baseline = snapshot()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end;
    each test runs in a savepoint within it (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def _pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


KWARGS = {
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "signup_confirm": lambda w: {"token": "eyJ1c2VyIjoxfQ:1vQ:forged"},
    "innovations:detail": lambda w: {"slug": w.approved.slug},
    "innovations:manage": _pk("draft"),
    "innovations:edit": _pk("draft"),
    "innovations:submit": _pk("draft"),
    "innovations:withdraw": _pk("draft"),
    "review:detail": _pk("in_review"),
    "review:claim": _pk("in_review"),
    "review:decide": _pk("in_review"),
    "review:reconfirm": _pk("in_review"),
    "innovations:confirm_current": _pk("approved"),
    "api:supplier-innovation-confirm-current": _pk("approved"),
    "api:review-innovation-reconfirmation": _pk("in_review"),
    "review:organisation_change_decide": lambda w: {"pk": w.draft.supplier_id},
    "municipalities:detail": lambda w: {"slug": w.municipality.slug},
    "municipalities:adoption_create": lambda w: {"innovation_slug": w.other_approved.slug},
    "municipalities:adoption_detail": _pk("adoption"),
    "municipalities:adoption_update": _pk("adoption"),
    "municipalities:adoption_evaluate": _pk("adoption"),
    "municipalities:adoption_verify": _pk("adoption"),
    "municipalities:challenge_detail": _pk("challenge"),
    "municipalities:challenge_respond": _pk("challenge"),
    "municipalities:challenge_close": _pk("challenge"),
    "municipalities:response_mark": _pk("response"),
    "alerts:search_edit": _pk("saved_search"),
    "alerts:search_delete": _pk("saved_search"),
    "alerts:feed": lambda w: {"feed_id": w.saved_search.feed_id},
    "alerts:notification_open": _pk("notification"),
    "alerts:unsubscribe": lambda w: {
        "token": search_url(w.saved_search).rstrip("/").rsplit("/", 1)[1]
    },
    "alerts:insight_detail": _pk("approved"),
    "alerts:insight_csv": _pk("approved"),
    "ranking:scorecard": lambda w: {"slug": w.municipality.slug},
    "ranking-badge": lambda w: {"code": w.municipality.code},
    "api:innovation-detail": lambda w: {"slug": w.approved.slug},
    "api:supplier-innovation-detail": _pk("draft"),
    "api:supplier-innovation-submit": _pk("draft"),
    "api:supplier-innovation-withdraw": _pk("draft"),
    "api:review-innovation-detail": _pk("in_review"),
    "api:review-innovation-claim": _pk("in_review"),
    "api:review-innovation-decision": _pk("in_review"),
    "api:municipality-detail": lambda w: {"code": w.municipality.code},
    "api:adoption-detail": _pk("adoption"),
    "api:adoption-evaluation": _pk("adoption"),
    "api:adoption-verify": _pk("adoption"),
    "api:challenge-detail": _pk("challenge"),
    "api:challenge-close": _pk("challenge"),
    "api:challenge-responses": _pk("challenge"),
    "api:challenge-response": lambda w: {"pk": w.challenge.pk, "response_pk": w.response.pk},
    "api:challenge-suggestions": _pk("challenge"),
    "procurement:route": lambda w: {"code": "market-consultation"},
    "desk:detail": _pk("question"),
    "desk:answer": _pk("question"),
    "desk:close": _pk("question"),
    "procurement:plan": _pk("adoption"),
    "api:scale-up-plan": _pk("adoption"),
    "api:procurement-route-detail": lambda w: {"code": "market-consultation"},
    "api:question-detail": _pk("question"),
    "api:question-answer": _pk("question"),
    "api:question-close": _pk("question"),
    "api:saved-search-detail": _pk("saved_search"),
    "api:follow-detail": _pk("follow"),
    "api:supplier-insight-detail": _pk("approved"),
}

SCORES = {"novelty": 4, "evidence": 4, "public_value": 4, "fit": 4}
# Bodies that are valid for an allowed role, so that a refusal can only come from the
# authorization decision (not from validation that happens to run first).
BODIES = {
    ("review:decide", "POST"): lambda w: {"decision": "approve", **SCORES, "feedback": "Goed."},
    ("review:organisation_change_decide", "POST"): lambda w: {"decision": "reject"},
    ("municipalities:adoption_verify", "POST"): lambda w: {"decision": "verify", "note": ""},
    ("municipalities:response_mark", "POST"): lambda w: {"status": "interested"},
    ("municipalities:shortlist_add", "POST"): lambda w: {"innovation": w.approved.slug},
    ("alerts:follow", "POST"): lambda w: {"challenge": w.challenge.pk},
    ("alerts:unfollow", "POST"): lambda w: {"challenge": w.challenge.pk},
    ("municipalities:shortlist_remove", "POST"): lambda w: {"innovation": w.approved.slug},
    ("api:token", "POST"): lambda w: {"username": "nobody", "password": "wrong"},
    ("api:supplier-organisation", "PATCH"): lambda w: {"website": "https://example.com/nieuw"},
    ("api:supplier-innovation-list", "POST"): lambda w: {"title": "Een nieuw idee"},
    ("api:supplier-innovation-detail", "PATCH"): lambda w: {"title": "Een betere titel"},
    ("api:review-innovation-decision", "POST"): lambda w: {
        "decision": "approve",
        "scores": SCORES,
        "feedback": "Goed.",
    },
    ("api:adoption-list", "POST"): lambda w: {
        "municipality": w.municipality.code,
        "innovation": w.other_approved.slug,
        "stage": "pilot",
        "started_on": "2024-01-15",
        "evidence_reference": "TN7654321",
    },
    ("api:adoption-detail", "PATCH"): lambda w: {"stage": "implemented"},
    ("api:adoption-evaluation", "PUT"): lambda w: {
        "goals_met": "partly",
        "lessons_learned": "Begin klein.",
        "would_recommend": True,
    },
    ("api:adoption-verify", "POST"): lambda w: {"decision": "verify", "note": ""},
    ("api:challenge-list", "POST"): lambda w: {
        "municipality": w.municipality.code,
        "title": "Minder zwerfafval",
        "problem_statement": "Wij zoeken een manier om zwerfafval in parken te verminderen.",
        "domain": "circular-economy",
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    },
    ("api:challenge-responses", "POST"): lambda w: {
        "innovation": w.other_approved.slug,
        "pitch": "Dit werkt al in drie gemeenten.",
    },
    ("api:challenge-response", "PATCH"): lambda w: {"status": "interested"},
    ("desk:answer", "POST"): lambda w: {"answer": "Begin met een marktconsultatie."},
    ("api:question-list", "POST"): lambda w: {"route": "sbir", "title": "Kan dit met SBIR?"},
    ("api:review-innovation-reconfirmation", "POST"): lambda w: {"decision": "reconfirm"},
    ("api:question-answer", "POST"): lambda w: {"answer": "Begin met een marktconsultatie."},
    ("api:saved-search-list", "POST"): lambda w: {"filters": {"domain": "care"}},
    ("api:saved-search-detail", "PATCH"): lambda w: {"frequency": "daily"},
    ("api:follow-list", "POST"): lambda w: {"challenge": w.challenge.pk},
    ("api:notification-read", "POST"): lambda w: {"ids": [w.notification.pk]},
    ("api:notification-settings", "PATCH"): lambda w: {
        "channels": [{"kind": "challenge_closed", "channel": "portal"}]
    },
    ("api:scale-up-plan", "PUT"): lambda w: {
        "goal": "Minder meldingen",
        "success_criteria": "30% minder",
        "decision_on": "2027-06-01",
    },
}


def url_for(key: str, world: World, language: str = "nl") -> str:
    if key in CATCH_ALLS:
        return CATCH_ALLS[key]
    kwargs = KWARGS[key](world) if key in KWARGS else {}
    with translation.override(language):
        return reverse(key, kwargs=kwargs)


def send(client: Client, method: str, url: str, key: str, world: World):
    body = BODIES.get((key, method), lambda w: {})(world)
    if method == "GET":
        return client.get(url)
    if key.startswith("api:") or key in CATCH_ALLS:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def _to_login(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response.headers["Location"]).path.endswith("/accounts/login/")


def answer(response) -> str:
    """The response as a token of the matrix."""
    if _to_login(response):
        return "L"
    return str(response.status_code)


def allowed(response) -> bool:
    return response.status_code < 500 and response.status_code not in (401, 403, 404, 405)


# --- Nothing changes ----------------------------------------------------------------------------

SNAPSHOT_APPS = {
    "innovations",
    "municipalities",
    "ranking",
    "procurement",
    "audit",
    "portal",
    "authtoken",
    "auth",
    "alerts",
}
VOLATILE_FIELDS = {"last_login"}  # force_login sets it before the request


@functools.cache
def _snapshot_queries() -> list[tuple[str, str, tuple]]:
    """Per table, the SQL of `order_by("pk").values(<every column but the volatile>)` on its
    default manager, compiled once: compiling ~40 querysets cost more than running them."""
    queries = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in SNAPSHOT_APPS or model._meta.proxy:
            continue
        if model._meta.label == "auth.Permission":
            continue  # reference data; grants are rows of the user's and group's tables
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        query = model._default_manager.order_by("pk").values(*names).query
        sql, params = query.sql_with_params()
        queries.append((model._meta.label, sql, params))
    return queries


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (as the database stores it), table by table."""
    tables = {}
    with connection.cursor() as cursor:
        for label, sql, params in _snapshot_queries():
            cursor.execute(sql, params)
            tables[label] = cursor.fetchall()
    return tables


def changed_tables(before, after) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- The matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "method", "role"), CASES)
def test_authorization(world, db, key, method, role):
    expected = MATRIX[key][method][ROLES.index(role)]
    client = Client()
    if world.users[role] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]  # signed in
    url = url_for(key, world)
    must_not_change = method in WRITE_METHODS and expected != "ok"

    response = send(client, method, url, key, world)

    if expected == "ok":
        assert allowed(response), f"{method} {url} as {role}: {answer(response)}, expected allowed"
    else:
        assert answer(response) == expected, f"{method} {url} as {role}"
    if must_not_change:
        changed = changed_tables(world.baseline, snapshot())
        assert changed == [], f"{method} {url} as {role} changed data"


I18N_KEYS = [key for key, (route, _m) in URLS.items() if route.startswith("nl/")]


@pytest.mark.parametrize("key", I18N_KEYS)
def test_english_urls_answer_as_the_dutch_ones(world, db, key):
    """The /en/ patterns are the same views: the same answer for an anonymous visitor."""
    dutch, english = url_for(key, world, "nl"), url_for(key, world, "en")
    assert (dutch.split("/")[1], english.split("/")[1]) == ("nl", "en")

    assert answer(Client().get(english)) == answer(Client().get(dutch))


# --- The admin site, generically ---------------------------------------------------------------

ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_administrators(world, db, model, role):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])

    response = client.get(url)

    if role == "admin":
        assert response.status_code == 200
    else:
        assert (response.status_code, urlsplit(response.headers["Location"]).path) == (
            302,
            "/admin/login/",
        )


def _kept_objects(world):
    return {
        "innovations.Innovation": world.approved,
        "innovations.Review": None,
        "municipalities.Adoption": world.adoption,
        "municipalities.Evaluation": None,
    }


@pytest.mark.parametrize(
    "label",
    [
        "innovations.Innovation",
        "innovations.Review",
        "municipalities.Adoption",
        "municipalities.Evaluation",
    ],
)
def test_admin_site_deletes_no_history(world, db, label):
    """Innovations, reviews, adoptions and evaluations are history: the admin site offers
    no delete, neither one by one nor as the bulk action."""
    from innovations.models import Review
    from municipalities.models import Evaluation

    model = apps.get_model(label)
    obj = _kept_objects(world)[label]
    if model is Review:
        obj = Review.objects.create(
            innovation=world.approved, reviewer=world.users["rev"], decision="approve", **SCORES
        )
    elif model is Evaluation:
        obj = Evaluation.objects.create(
            adoption=world.adoption, goals_met="met", lessons_learned="-", would_recommend=True
        )
    client = Client()
    client.force_login(world.users["admin"])
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    delete = client.post(reverse(f"{info}_delete", args=[obj.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(f"{info}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    changelist = client.get(reverse(f"{info}_changelist"))

    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()
    actions = (
        changelist.context["action_form"].fields["action"].choices
        if changelist.context.get("action_form")
        else []
    )
    assert "delete_selected" not in [name for name, _label in actions]


# --- Decisions that the matrix's status codes alone do not show ----------------------------------


@pytest.mark.parametrize(("role", "offered"), [("rev", True), ("rev_x", False), ("admin", True)])
def test_review_page_offers_the_decision_only_to_whom_may_take_it(world, db, role, offered):
    """The innovation is claimed by rev: another reviewer sees no decision form (a
    decision would be refused with 409), the claimant and administrators do."""
    client = Client()
    client.force_login(world.users[role])

    response = client.get(reverse("review:detail", args=[world.in_review.pk]))

    assert (response.status_code, response.context["can_decide"]) == (200, offered)


def test_decision_on_another_reviewers_claim_is_refused_and_recorded_nowhere(world, db):
    from innovations.models import Review

    client = Client()
    client.force_login(world.users["rev_x"])
    url = reverse("api:review-innovation-decision", args=[world.in_review.pk])
    body = {"decision": "reject", "scores": SCORES, "feedback": "Niet vernieuwend."}

    response = client.post(url, body, content_type="application/json")

    world.in_review.refresh_from_db()
    assert (response.status_code, errors(response)) == (
        409,
        {"detail": "Another reviewer has claimed this innovation."},
    )
    assert (world.in_review.status, Review.objects.count()) == (Status.IN_REVIEW, 0)


def _ids(client, name, field="id"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return {item[field] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "sees_own_side"),
    [("sup", True), ("sup_x", False), ("rev", True), ("rev_x", True), ("rev_c", False)],
)
def test_lists_show_no_other_sides_objects(world, db, role, sees_own_side):
    """Lists answer 200 to all their roles, so the matrix's codes do not show what is in
    them: a supplier lists only its own innovations, a conflicted reviewer's queue lacks
    its own supplier's innovation, and nobody's public list has a claimed adoption."""
    client = Client()
    client.force_login(world.users[role])

    if role.startswith("sup"):
        listed = world.draft.pk in _ids(client, "api:supplier-innovation-list")
    else:
        listed = world.in_review.pk in _ids(client, "api:review-innovation-list")
    public_adoptions = _ids(client, "api:adoption-list")

    assert (listed, world.adoption.pk in public_adoptions) == (sees_own_side, False)
