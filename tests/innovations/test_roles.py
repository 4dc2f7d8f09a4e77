"""Every role against every action of the supplier and review sides, web and API
(DESIGN.md "Roles"): 401/403 for who may not, 404 for objects someone may not see."""

import pytest
from django.urls import reverse

from innovations.enums import Status
from innovations.models import Innovation
from innovations.services import supplier_member_add
from tests.factories import (
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)

from .helpers import SCORES, innovation_in

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "supplier_own",
    "supplier_other",
    "buyer",
    "reviewer",
    "reviewer_member",
    "admin",
]


def _user(role, supplier):
    if role == "anonymous":
        return None
    if role == "supplier_own":
        return supplier_user(supplier)
    if role == "supplier_other":
        return supplier_user()
    if role == "buyer":
        return buyer_user()
    if role == "reviewer":
        return reviewer_user()
    if role == "reviewer_member":
        user = reviewer_user()
        supplier_member_add(supplier=supplier, user=user)
        return user
    return admin_user()


LOGIN = "login"  # the web answer to an anonymous visitor: a redirect to the login page
DONE = "done"  # a redirect after a successful POST

#: action: (method, url name, state of the innovation, state after success, data)
WEB_ACTIONS = {
    "organisation": ("get", "innovations:organisation", None, None, None),
    "mine": ("get", "innovations:mine", None, None, None),
    "create_form": ("get", "innovations:create", None, None, None),
    "manage": ("get", "innovations:manage", Status.DRAFT, None, None),
    "edit": ("post", "innovations:edit", Status.DRAFT, Status.DRAFT, {"title": "Nieuwe titel"}),
    "submit": ("post", "innovations:submit", Status.DRAFT, Status.SUBMITTED, {}),
    "withdraw": ("post", "innovations:withdraw", Status.APPROVED, Status.WITHDRAWN, {}),
    "queue": ("get", "review:queue", None, None, None),
    "review": ("get", "review:detail", Status.SUBMITTED, None, None),
    "claim": ("post", "review:claim", Status.SUBMITTED, Status.IN_REVIEW, {}),
    "decide": (
        "post",
        "review:decide",
        Status.IN_REVIEW,
        Status.APPROVED,
        {**{k: str(v) for k, v in SCORES.items()}, "decision": "approve"},
    ),
}

# Expected answer per action, in the order of ROLES.
WEB_EXPECTED = {
    "organisation": [LOGIN, 200, 200, 403, 403, 200, 403],
    "mine": [LOGIN, 200, 200, 403, 403, 200, 200],
    "create_form": [LOGIN, 200, 200, 403, 403, 200, 200],
    "manage": [LOGIN, 200, 404, 403, 403, 200, 200],
    "edit": [LOGIN, DONE, 404, 403, 403, DONE, DONE],
    "submit": [LOGIN, DONE, 404, 403, 403, DONE, DONE],
    "withdraw": [LOGIN, DONE, 404, 403, 403, DONE, DONE],
    "queue": [LOGIN, 403, 403, 403, 200, 200, 200],
    "review": [LOGIN, 403, 403, 403, 200, 403, 200],
    "claim": [LOGIN, 403, 403, 403, DONE, 403, DONE],
    "decide": [LOGIN, 403, 403, 403, DONE, 403, DONE],
}

WEB_CASES = [
    (action, role, WEB_EXPECTED[action][i])
    for action in WEB_ACTIONS
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), WEB_CASES)
def test_web_access(client, action, role, expected):
    method, url_name, state, state_after, data = WEB_ACTIONS[action]
    supplier = SupplierFactory()
    innovation = innovation_in(state, supplier=supplier) if state else None
    user = _user(role, supplier)
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, args=[innovation.pk]) if innovation else reverse(url_name)

    response = getattr(client, method)(url, data) if method == "post" else client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if innovation is not None and state_after is not None:
        stored = Innovation.objects.get(pk=innovation.pk).status
        assert stored == (state_after if expected == DONE else state)


#: action: (method, path template, state of the innovation, state after success, body)
API_ACTIONS = {
    "list": ("get", "/api/v1/supplier/innovations", None, None, None),
    "create": (
        "post",
        "/api/v1/supplier/innovations",
        None,
        None,
        {"title": "Nieuw idee", "domains": ["energy"]},
    ),
    "retrieve": ("get", "/api/v1/supplier/innovations/{id}", Status.DRAFT, None, None),
    "patch": (
        "patch",
        "/api/v1/supplier/innovations/{id}",
        Status.DRAFT,
        Status.DRAFT,
        {"title": "Nieuwe titel"},
    ),
    "submit": (
        "post",
        "/api/v1/supplier/innovations/{id}/submit",
        Status.DRAFT,
        Status.SUBMITTED,
        {},
    ),
    "withdraw": (
        "post",
        "/api/v1/supplier/innovations/{id}/withdraw",
        Status.APPROVED,
        Status.WITHDRAWN,
        {},
    ),
    "organisation": ("get", "/api/v1/supplier/organisation", None, None, None),
    "queue": ("get", "/api/v1/review/innovations", None, None, None),
    "review": ("get", "/api/v1/review/innovations/{id}", Status.SUBMITTED, None, None),
    "claim": (
        "post",
        "/api/v1/review/innovations/{id}/claim",
        Status.SUBMITTED,
        Status.IN_REVIEW,
        {},
    ),
    "decision": (
        "post",
        "/api/v1/review/innovations/{id}/decision",
        Status.IN_REVIEW,
        Status.APPROVED,
        {"decision": "approve", "scores": SCORES, "feedback": ""},
    ),
}

API_EXPECTED = {
    "list": [401, 200, 200, 403, 403, 200, 200],
    # the body names the own supplier: another supplier's member is refused that (400)
    "create": [401, 201, 400, 403, 403, 201, 201],
    "retrieve": [401, 200, 404, 403, 403, 200, 200],
    "patch": [401, 200, 404, 403, 403, 200, 200],
    "submit": [401, 200, 404, 403, 403, 200, 200],
    "withdraw": [401, 200, 404, 403, 403, 200, 200],
    # an administrator without an organisation has no profile of their own
    "organisation": [401, 200, 200, 403, 403, 200, 404],
    "queue": [401, 403, 403, 403, 200, 200, 200],
    "review": [401, 403, 403, 403, 200, 403, 200],
    "claim": [401, 403, 403, 403, 200, 403, 200],
    "decision": [401, 403, 403, 403, 200, 403, 200],
}

API_CASES = [
    (action, role, API_EXPECTED[action][i])
    for action in API_ACTIONS
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), API_CASES)
def test_api_access(client, action, role, expected):
    method, path, state, state_after, body = API_ACTIONS[action]
    supplier = SupplierFactory()
    innovation = innovation_in(state, supplier=supplier) if state else None
    user = _user(role, supplier)
    if user is not None:
        client.force_login(user)
    if action == "create":
        body = {**body, "supplier_slug": supplier.slug}
    url = path.format(id=innovation.pk) if innovation else path

    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")

    assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if innovation is not None and state_after is not None:
        stored = Innovation.objects.get(pk=innovation.pk).status
        assert stored == (state_after if expected == 200 else state)
    if action == "create":
        assert Innovation.objects.count() == (1 if expected == 201 else 0)
