"""Dashboard sections this app offers to the signed-in user; portal renders them.

Each section is a dict with "template" (included by portal/dashboard.html) and any
context that template needs."""


def sections(request) -> list[dict]:
    return []


def home_highlights() -> list:
    """The leading municipalities shown on the home page (none until the board exists)."""
    return []
