"""The accessibility audit itself: axe-core must catch what the journeys would hide."""

import pytest

from tests.e2e.helpers import BROWSER, assert_accessible

pytestmark = BROWSER


def test_axe_audit_fails_on_an_image_without_text_and_a_field_without_label(page):
    page.goto("/en/")
    assert_accessible(page, "self-test-clean")

    page.locator("main").evaluate(
        """main => main.insertAdjacentHTML(
            "beforeend", '<img src="/static/img/logo.svg"><input type="text" name="x">')"""
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "self-test-broken")
    assert "critical image-alt" in str(failure.value)
    assert "critical label" in str(failure.value)
