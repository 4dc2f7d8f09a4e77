"""One walk through the portal in a real browser: home page, language switch, log in."""

import re

from tests.e2e.helpers import BROWSER, screenshot
from tests.factories import PASSWORD, SupplierFactory, supplier_user

pytestmark = BROWSER


def test_browser_home_switch_to_english_and_log_in_as_supplier(page):
    supplier_user(
        supplier=SupplierFactory(name="Zonnewijzer B.V."),
        username="sanne",
        first_name="Sanne",
        last_name="de Vries",
    )

    page.goto("/")
    assert re.search(r"/nl/$", page.url)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").count() == 1
    screenshot(page, "smoke-1-home-nl")

    page.locator('.koploper-lang a[hreflang="en"]').click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Innovations that municipalities actually use"
    screenshot(page, "smoke-2-home-en")

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address or username").fill("sanne")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "smoke-3-login-en")
    page.get_by_role("main").get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r"/en/dashboard/$"))
    assert page.locator("h1").inner_text() == "My dashboard"
    assert page.locator(".koploper-account-summary .koploper-badge").all_inner_texts() == [
        "Supplier"
    ]
    assert "Zonnewijzer B.V." in page.locator(".koploper-account-summary").inner_text()
    assert page.get_by_role("button", name="Log out").is_visible()
    screenshot(page, "smoke-4-dashboard-en")
