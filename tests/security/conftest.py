# The browser fixtures of tests/e2e (one Chromium per session, a fresh context per test).
from tests.e2e.conftest import browser, new_page, page  # noqa: F401
