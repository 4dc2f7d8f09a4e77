"""Shared steps of the browser journeys: screenshots, the accessibility audit, logging in
and moving through a page with the keyboard alone."""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

# Every browser test: a real browser, committed data the live server can see, and the
# project's catalogues on (tests elsewhere compare English source strings instead).
BROWSER = [
    pytest.mark.browser,
    pytest.mark.translated,
    pytest.mark.django_db(transaction=True),
]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
AXE_REPORTS = OUTPUT / "axe"
# WCAG 2.1 A and AA rules; "best-practice" rules are reported to test-output/axe/ too.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
BLOCKING = {"serious", "critical"}
LANGUAGES = ("nl", "en")

_axe = Axe()

# The W3C Nu Html Checker (npm vnu-jar, run with Java) on every page the journeys audit:
# audit() keeps each page's HTML in test-output/html/, and after each test the checker
# reads them all: 0 errors. The checker runs as vnu.jar's own HTTP service, one per test
# process, started with the first browser test (NuHtmlChecker): a Java start and its
# schemas cost ~3 s of CPU, per test before.
HTML_PAGES = OUTPUT / "html"
VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
pages_to_check: list[Path] = []


def remember_documents(page) -> None:
    """Keep the page's latest document response: the checker reads the HTML as the server
    sent it (the browser's DOM has already repaired what the parser had to repair)."""

    def remember(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.koploper_document = response

    page.on("response", remember)


def keep_html(page, name: str) -> None:
    document = getattr(page, "koploper_document", None)
    assert document is not None, f"{page.url}: no document response seen (remember_documents)"
    HTML_PAGES.mkdir(parents=True, exist_ok=True)
    path = HTML_PAGES / f"{name}.html"
    path.write_bytes(document.body())
    pages_to_check.append(path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy to 127.0.0.1


class NuHtmlChecker:
    """vnu.jar's HTTP service on 127.0.0.1 (nu.validator.servlet.Main): each document is
    POSTed as text/html and answered with the same JSON messages as the command line's."""

    READY_SECONDS = 180

    def __init__(self):
        java = shutil.which("java")
        self.process = None
        self.ready = False
        if java is None or not VNU_JAR.exists():
            return  # messages() says so, as the tests that need the checker run
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/?out=json"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - the checker, on the loopback only
            [
                java,
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _post(self, html: bytes, timeout: float) -> dict:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.url, data=html, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with _DIRECT.open(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")

    def _wait_until_ready(self) -> None:
        """It answers once it has read its schemas (before that: no answer, or no JSON)."""
        deadline = time.monotonic() + self.READY_SECONDS
        probe = b"<!DOCTYPE html><html lang=en><title>probe</title></html>"
        while True:
            try:
                if "messages" in self._post(probe, timeout=10):
                    self.ready = True
                    return
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError(
                    "the Nu Html Checker did not start:\n" + self.log.read()[-3000:].decode()
                )
            time.sleep(0.25)

    def messages(self, path: Path) -> list[dict]:
        if self.process is None:
            message = f"the Nu Html Checker needs Java and {VNU_JAR} (make assets)"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        if not self.ready:
            self._wait_until_ready()
        return self._post(path.read_bytes(), timeout=120).get("messages", [])

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def nu_html_errors(checker: NuHtmlChecker, paths: list[Path]) -> list[str]:
    """The Nu Html Checker's errors in the files, as 'file:line: message'."""
    return [
        f"{path.name}:{m.get('lastLine', '?')}: {m.get('message')} "
        f"[{m.get('extract', '').strip()[:120]}]"
        for path in paths
        for m in checker.messages(path)
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def language_of(page) -> str:
    return page.locator("html").get_attribute("lang")


def other_language_url(url: str) -> tuple[str, str]:
    """The same page in the other language: /nl/… ↔ /en/…"""
    match = re.search(r"^(https?://[^/]+)/(nl|en)/", url)
    assert match, f"not a page under /nl/ or /en/: {url}"
    other = "en" if match.group(2) == "nl" else "nl"
    return other, f"{match.group(1)}/{other}/{url[match.end() :]}"


def assert_accessible(page, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical WCAG 2.1 AA violation.
    All findings, minor ones included, are written to test-output/axe/<name>.json."""
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{name}.json").write_text(
        json.dumps(
            [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "targets": [n["target"] for n in v["nodes"]],
                    "summaries": [n.get("failureSummary", "") for n in v["nodes"]][:3],
                }
                for v in violations
            ],
            indent=2,
        )
    )
    blocking = [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert blocking == [], f"{page.url} ({name}):\n" + "\n".join(blocking)


def audit(page, name: str) -> None:
    """Screenshot and axe-check the current page, then the same page in the other language
    (in a second tab of the same session, so the journey's page stays where it is); both
    are kept for the Nu Html Checker after the test."""
    language = language_of(page)
    assert language in LANGUAGES
    assert page.locator("h1").count() == 1, f"{page.url} has not exactly one <h1>"
    screenshot(page, f"{name}-{language}")
    keep_html(page, f"{name}-{language}")
    assert_accessible(page, f"{name}-{language}")

    other, url = other_language_url(page.url)
    twin = page.context.new_page()
    remember_documents(twin)
    try:
        twin.goto(url)
        assert language_of(twin) == other
        screenshot(twin, f"{name}-{other}")
        keep_html(twin, f"{name}-{other}")
        assert_accessible(twin, f"{name}-{other}")
    finally:
        twin.close()


def log_in(page, username: str, *, language: str = "en") -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(
        "E-mail address or username" if language == "en" else "E-mailadres of gebruikersnaam"
    ).fill(username)
    page.get_by_label("Password" if language == "en" else "Wachtwoord").fill(PASSWORD)
    page.get_by_role("main").get_by_role(
        "button", name="Log in" if language == "en" else "Inloggen"
    ).click()
    page.wait_for_url(re.compile(rf"/{language}/dashboard/$"))


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    tab_until(page, lambda: is_focused(locator), str(locator), limit=limit)


def tab_until(page, condition, what: str, *, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if condition():
            return
    raise AssertionError(f"{what} never got the focus in {limit} Tab presses on {page.url}")


class Mouse:
    """Works a page the way most visitors do: pointer and typing."""

    def __init__(self, page):
        self.page = page

    # Every link and button in these journeys loads a page; wait for it, since a form may
    # post back to the page's own address (waiting for the URL would not wait at all).
    def follow(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()

    press = follow

    def fill(self, locator, text: str) -> None:
        locator.fill(text)

    def check(self, locator) -> None:
        locator.check()

    def select(self, locator, label: str) -> None:
        locator.select_option(label=label)


class Keyboard:
    """Works a page with the keyboard alone: Tab to move (the order the page gives),
    Enter to follow a link or press a button, Space to tick a box, the arrow keys inside
    a radio group and typing into fields and selects. Never a click."""

    def __init__(self, page):
        self.page = page

    def follow(self, locator) -> None:
        tab_to(self.page, locator)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    press = follow

    def fill(self, locator, text: str) -> None:
        tab_to(self.page, locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def check(self, locator) -> None:
        if locator.get_attribute("type") == "radio":
            # A radio group is one Tab stop; the arrow keys move the choice within it.
            name = locator.get_attribute("name")
            tab_until(
                self.page,
                lambda: self.page.evaluate(
                    "name => document.activeElement.type === 'radio'"
                    " && document.activeElement.name === name",
                    name,
                ),
                f"radio group {name}",
            )
            for _ in range(12):
                if locator.is_checked():
                    return
                self.page.keyboard.press("ArrowDown")
            raise AssertionError(f"could not choose {locator} with the arrow keys")
        tab_to(self.page, locator)
        if not locator.is_checked():
            self.page.keyboard.press("Space")
        assert locator.is_checked()

    def select(self, locator, label: str) -> None:
        tab_to(self.page, locator)
        # A focused, closed <select> picks the option whose label starts with what is typed.
        self.page.keyboard.type(label)
        assert locator.evaluate("s => s.options[s.selectedIndex].text") == label


def field(page, label: str):
    """The form control labelled exactly `label` (required ones say so after the label)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \((required|verplicht)\))?$"))
