"""On a phone (390 pixels wide) the main pages fit the screen: no page scrolls sideways (a
wide table scrolls inside its own frame), and a long heading wraps."""

import pytest

from municipalities.shortlists import shortlist_add
from tests.e2e.helpers import BROWSER, log_in, screenshot
from tests.e2e.test_public_journey import seed_board
from tests.factories import InnovationFactory, MunicipalityFactory, buyer_user

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}


def overflow(page) -> dict:
    """How far the page and its first heading reach past the screen's width (0: they fit)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const h1 = document.querySelector("h1");
            return {
                page: Math.max(0, document.documentElement.scrollWidth - width),
                heading: Math.max(0, h1.scrollWidth - h1.clientWidth),
            };
        }"""
    )


@pytest.mark.parametrize("path", ["/nl/ranking/", "/nl/ranking/utrecht/", "/nl/innovations/"])
def test_public_pages_fit_a_phone(new_page, reference_municipalities, path):
    seed_board(reference_municipalities)
    page = new_page()
    page.set_viewport_size(PHONE)

    page.goto(path)

    screenshot(page, "phone" + path.replace("/", "-").rstrip("-"))
    assert overflow(page) == {"page": 0, "heading": 0}


def test_buyer_shortlist_fits_a_phone(new_page):
    buyer = buyer_user(municipality=MunicipalityFactory(name="Utrecht"))
    for title in ["Dynamische parkeerverwijzing naar garages", "Fietsstraatmarkering"]:
        shortlist_add(user=buyer, innovation=InnovationFactory(title=title))
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, buyer.get_username(), language="nl")

    page.goto("/nl/municipalities/shortlist/")

    screenshot(page, "phone-shortlist")
    assert page.get_by_role("table").count() == 1
    assert overflow(page) == {"page": 0, "heading": 0}


def test_catalogue_on_a_phone_offers_a_way_past_its_filters(new_page):
    InnovationFactory(title="Slimme straatlantaarn")
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/nl/innovations/")
    skip = page.get_by_role("link", name="Filters overslaan: naar 1 resultaat")

    skip.click()

    assert page.evaluate("document.activeElement.id") == "results"
    assert page.get_by_role("link", name="Slimme straatlantaarn").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not skip.is_visible()
