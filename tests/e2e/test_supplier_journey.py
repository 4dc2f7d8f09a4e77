"""Journey 1: a supplier signs up, writes an innovation, submits it, revises it after the
reviewer asks for changes, and sees it approved and published; then revokes, on the account
page, the API token that a program of theirs asked for. Once with the pointer,
with every page checked by axe in Dutch and English; once with the keyboard alone."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.authtoken.models import Token

from innovations.enums import Status
from innovations.models import Innovation, Supplier
from innovations.workflow import innovation_transition
from tests.e2e.helpers import BROWSER, Keyboard, Mouse, audit, field, screenshot
from tests.factories import reviewer_user

pytestmark = BROWSER

User = get_user_model()

PASSWORD = "zonnige-dagen-2026"  # noqa: S105 - the journey's own account  # nosec B105
SCORES = {"novelty": 4, "evidence": 3, "public_value": 5, "fit": 4}
FEEDBACK = "Add the measured yield of the pilot in Utrecht to the evidence."


def reviewer_decides(action: str, feedback: str = "") -> None:
    """The reviewer's side of the journey (journey 2 walks it in the browser)."""
    reviewer = User.objects.filter(username="ravi").first() or reviewer_user(username="ravi")
    innovation = Innovation.objects.get(title="Zonnepanelen op gemeentelijke daken")
    innovation = innovation_transition(innovation=innovation, user=reviewer, action="claim")
    innovation_transition(
        innovation=innovation, user=reviewer, action=action, scores=SCORES, feedback=feedback
    )


def walk_supplier_journey(page, act, *, check=audit) -> None:
    main = page.get_by_role("main")

    page.goto("/en/")
    check(page, "home")
    act.follow(main.get_by_role("link", name="Register as a supplier"))
    page.wait_for_url(re.compile(r"/en/accounts/register/$"))
    check(page, "supplier-signup")

    # Sent empty, the form stays and says, at each field, what is missing.
    act.press(main.get_by_role("button", name="Register"))
    page.wait_for_load_state()
    assert re.search(r"/en/accounts/register/$", page.url)
    assert field(page, "E-mail address").get_attribute("aria-invalid") == "true"
    assert main.locator(".utrecht-form-field-error-message").count() >= 5
    assert not User.objects.filter(username="").exists()
    check(page, "supplier-signup-errors")

    act.fill(field(page, "First name"), "Sanne")
    act.fill(field(page, "Last name"), "de Vries")
    act.fill(field(page, "E-mail address"), "sanne@zonnewijzer.example")
    act.fill(field(page, "Password"), PASSWORD)
    act.fill(field(page, "Password again"), PASSWORD)
    act.fill(field(page, "Organisation name"), "Zonnewijzer B.V.")
    act.fill(field(page, "Chamber of commerce (KvK) or enterprise number"), "12345678")
    act.fill(field(page, "Website"), "https://zonnewijzer.example")
    act.press(main.get_by_role("button", name="Register"))

    # The answer is the same whatever the address: check your mail (portal.signup).
    page.wait_for_url(re.compile(r"/en/accounts/register/sent/$"))
    assert page.locator("h1").inner_text() == "Check your e-mail"
    check(page, "supplier-signup-sent")
    [message] = [m for m in mail.outbox if m.to == ["sanne@zonnewijzer.example"]]
    assert message.subject == "Confirm your Koploper account"
    link = re.search(r"https?://[^/\s]+(/en/accounts/confirm/\S+/)", message.body).group(1)

    page.goto(link)
    check(page, "supplier-signup-confirm")
    act.press(main.get_by_role("button", name="Confirm my account"))
    page.wait_for_url(re.compile(r"/en/accounts/login/$"))
    assert "Your e-mail address is confirmed." in page.get_by_role("status").inner_text()
    act.fill(field(page, "E-mail address or username"), "sanne@zonnewijzer.example")
    act.fill(field(page, "Password"), PASSWORD)
    act.press(main.get_by_role("button", name="Log in"))

    page.wait_for_url(re.compile(r"/en/dashboard/$"))
    assert "Zonnewijzer B.V." in main.inner_text()
    check(page, "supplier-dashboard-new")

    # A first draft may be incomplete; the page says what is still missing.
    act.follow(main.get_by_role("link", name="New innovation"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/new/$"))
    check(page, "innovation-new")
    act.fill(field(page, "Title"), "Zonnepanelen op gemeentelijke daken")
    act.fill(
        field(page, "Summary"),
        "Solar panels on municipal roofs, financed from the energy savings.",
    )
    act.press(main.get_by_role("button", name="Save draft"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    assert page.locator("h1").inner_text() == "Zonnepanelen op gemeentelijke daken"
    assert page.locator("#missing li").all_inner_texts() == [
        "Description",
        "Domains",
        "Procurement route",
        "Maturity (TRL)",
        "Price indication",
        "Evidence",
        "Contact name",
        "Contact e-mail",
    ]
    check(page, "innovation-draft")

    act.press(main.get_by_role("button", name="Edit"))
    page.wait_for_url(re.compile(r"/edit/\??$"))
    act.fill(
        field(page, "Description"),
        "We place and maintain solar panels on schools, offices and sports halls.",
    )
    act.check(page.get_by_role("checkbox", name="Energy"))
    act.check(page.get_by_role("checkbox", name="Climate adaptation"))
    act.check(page.get_by_role("radio", name="Market-ready"))
    act.select(field(page, "Maturity (TRL)"), "TRL 8")
    act.fill(field(page, "Price indication"), "€ 900 per kWp")
    act.fill(field(page, "Evidence"), "Running on 40 roofs since 2023.")
    act.fill(field(page, "Contact name"), "Sanne de Vries")
    act.fill(field(page, "Contact e-mail"), "sanne@zonnewijzer.example")
    check(page, "innovation-edit")
    act.press(main.get_by_role("button", name="Save draft"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    assert page.locator("#missing").count() == 0

    act.press(main.get_by_role("button", name="Submit for review"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    assert "Submitted for review" in page.get_by_role("status").inner_text()
    assert page.locator(".koploper-dl dd").first.inner_text() == "Submitted"
    check(page, "innovation-submitted")

    reviewer_decides("request_changes", FEEDBACK)

    # The dashboard leads to the feedback; the supplier revises and resubmits.
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="My innovations"
        )
    )
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/$"))
    row = main.get_by_role("row", name=re.compile("Zonnepanelen"))
    assert "Changes requested" in row.inner_text()
    assert FEEDBACK in row.inner_text()
    check(page, "my-innovations")
    act.follow(main.get_by_role("link", name="Zonnepanelen op gemeentelijke daken"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    assert FEEDBACK in page.get_by_role("note").inner_text()
    check(page, "innovation-changes-requested")

    act.press(main.get_by_role("button", name="Edit"))
    page.wait_for_url(re.compile(r"/edit/\??$"))
    act.fill(
        field(page, "Evidence"),
        "Running on 40 roofs since 2023; the Utrecht pilot yields 212 MWh a year.",
    )
    act.press(main.get_by_role("button", name="Save draft"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    act.press(main.get_by_role("button", name="Resubmit for review"))
    page.wait_for_url(re.compile(r"/en/innovations/supplier/innovations/\d+/$"))
    assert "Submitted for review" in page.get_by_role("status").inner_text()

    reviewer_decides("approve")

    page.reload()
    assert page.locator(".koploper-dl dd").first.inner_text() == "Approved"
    check(page, "innovation-approved")
    act.follow(main.get_by_role("link", name="View the published page"))
    page.wait_for_url(re.compile(r"/en/innovations/zonnepanelen-op-gemeentelijke-daken/$"))
    assert page.locator("h1").inner_text() == "Zonnepanelen op gemeentelijke daken"
    assert "the Utrecht pilot yields 212 MWh a year" in main.inner_text()
    check(page, "innovation-public")

    # The supplier's own program asks for an API token; the account page lists it, and the
    # supplier revokes it there, after a confirmation. The token stops working at once.
    answer = page.request.post(
        "/api/v1/auth/token", data={"username": "sanne@zonnewijzer.example", "password": PASSWORD}
    )
    assert answer.status == 200
    key = answer.json()["token"]
    page.goto("/en/dashboard/")
    token_list = main.get_by_role("table", name="Your API tokens")
    assert token_list.get_by_role("row", name=re.compile(f"ending in …{key[-4:]}")).count() == 1
    check(page, "account-api-token")
    act.follow(token_list.get_by_role("link", name=re.compile(r"^Revoke")))
    page.wait_for_url(re.compile(r"/en/accounts/token/revoke/$"))
    assert f"ending in …{key[-4:]}" in main.inner_text()
    check(page, "account-api-token-revoke")
    act.press(main.get_by_role("button", name="Revoke the token"))
    page.wait_for_url(re.compile(r"/en/dashboard/$"))
    assert "Your API token is revoked" in page.get_by_role("status").inner_text()
    assert token_list.count() == 0
    assert "You have no API token" in main.inner_text()
    own = page.request.get(
        "/api/v1/supplier/innovations", headers={"Authorization": f"Token {key}"}
    )
    assert own.status == 401


def assert_supplier_journey_recorded() -> None:
    innovation = Innovation.objects.get()
    assert (innovation.supplier, innovation.status, innovation.maturity, innovation.route) == (
        Supplier.objects.get(name="Zonnewijzer B.V."),
        Status.APPROVED,
        8,
        "market-ready",
    )
    assert sorted(innovation.domains.values_list("code", flat=True)) == [
        "climate-adaptation",
        "energy",
    ]
    assert list(innovation.status_changes.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
    ]
    assert not Token.objects.exists()  # revoked on the account page
    # The supplier confirmed the account by mail, and heard of both decisions by mail.
    assert len([m for m in mail.outbox if m.to == ["sanne@zonnewijzer.example"]]) == 3


def test_supplier_journey_signup_to_approval(page):
    walk_supplier_journey(page, Mouse(page))
    assert_supplier_journey_recorded()


def test_supplier_journey_with_the_keyboard_alone(page):
    def look(page, name):
        screenshot(page, f"keyboard-{name}")

    page.mouse.move(-1, -1)  # nothing under the pointer: a hover style must not help
    walk_supplier_journey(page, Keyboard(page), check=look)
    assert_supplier_journey_recorded()
