"""Reading the API's problem details (RFC 9457) in tests."""

PROBLEM_JSON = "application/problem+json"


def problem(response) -> dict:
    """The problem body, after checking that the answer is one (its media type and members)."""
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body), body
    assert body["status"] == response.status_code
    return body


def errors(response) -> dict:
    """A problem as the old error format, to compare whole values: each invalid field or
    query key with its reasons (`scores.fit` for nested ones), or `{"detail": …}` when the
    problem names none."""
    body = problem(response)
    params = body.get("invalidParams")
    if not params:
        return {"detail": body["detail"]}
    found: dict[str, list[str]] = {}
    for param in params:
        found.setdefault(param["name"], []).append(param["reason"])
    return found


def detail(response) -> str:
    return problem(response)["detail"]
