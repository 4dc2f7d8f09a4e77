"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Mark modules with `pytestmark = BROWSER` (tests/e2e/helpers.py): a real browser, a
transactional database (the live server runs in another thread and sees only committed
data) and the project's Dutch and English catalogues switched on, so pages render as
visitors see them. One Chromium serves the whole session; every test gets its own context
(cookies, storage), so tests stay independent. Screenshots go to test-output/screenshots/
(ignored by git, kept by CI)."""

import os
import shutil
from pathlib import Path

import pytest

from .helpers import remember_documents

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told that this is safe, as it is here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        # CI must run them: a missing browser there is a failure, never a silent skip.
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context (its own cookies), closed after the test."""
    contexts = []

    def open_page(*, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="nl-NL",
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        remember_documents(page)  # for the Nu Html Checker (helpers.keep_html)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(autouse=True)
def _domain_tags(transactional_db):
    """The flush after every transactional test empties the data migration's domain tags."""
    from tests.innovations.helpers import ensure_domain_tags

    ensure_domain_tags()


@pytest.fixture(scope="session")
def nu_html_checker():
    """One Nu Html Checker service for the test process (tests/e2e/helpers.py)."""
    from .helpers import NuHtmlChecker

    checker = NuHtmlChecker()
    yield checker
    checker.stop()


@pytest.fixture(autouse=True)
def _nu_html_checker(nu_html_checker):
    """Every page a test audited passes the W3C Nu Html Checker, with no error."""
    from .helpers import nu_html_errors, pages_to_check

    pages_to_check.clear()
    yield
    if pages_to_check:
        errors = nu_html_errors(nu_html_checker, pages_to_check)
        pages_to_check.clear()
        assert errors == [], "Nu Html Checker:\n" + "\n".join(errors)
