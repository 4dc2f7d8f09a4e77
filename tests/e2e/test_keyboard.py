"""Keyboard basics on every page: the skip link and a focus indicator that can be seen.
(The whole supplier journey with the keyboard alone is in test_supplier_journey.py.)"""

import pytest

from tests.e2e.helpers import BROWSER, screenshot, tab_to

pytestmark = BROWSER


@pytest.mark.parametrize("language", ["nl", "en"])
def test_skip_link_moves_the_focus_to_main(page, language):
    page.goto(f"/{language}/innovations/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".koploper-skip-link")
    assert skip_link.evaluate("a => a === document.activeElement")
    assert skip_link.is_visible()
    assert (
        skip_link.inner_text()
        == {
            "nl": "Direct naar de hoofdinhoud",
            "en": "Skip to main content",
        }[language]
    )
    screenshot(page, f"keyboard-skip-link-{language}")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the first control inside main, not back into the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    return [style.outlineStyle, parseFloat(style.outlineWidth), style.boxShadow !== "none"];
}"""


def test_focus_is_visible_on_links_buttons_and_fields(page):
    page.goto("/en/innovations/")
    main = page.get_by_role("main")
    targets = {
        "header link": page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Leaderboard"
        ),
        "search field": main.get_by_role("searchbox", name="Search the catalogue"),
        "button": main.get_by_role("button", name="Search", exact=True),
        "checkbox": main.get_by_role("checkbox").first,
        "select": main.get_by_label("Sort by"),
    }
    for name, target in targets.items():
        tab_to(page, target)
        outline_style, outline_width, halo = target.evaluate(FOCUS_STYLE)
        assert outline_style != "none" and outline_width >= 2, name
        assert halo, name
    screenshot(page, "keyboard-focus-select")
