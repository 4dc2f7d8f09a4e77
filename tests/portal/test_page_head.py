"""What the Nu Html Checker and Lighthouse look at besides the markup (issue 18 item 8): a
meta description on every page (its own on the public ones), robots.txt, the badge
image's size, and lang on the API documentation. The checker itself runs on every page of
the browser journeys (tests/e2e/conftest.py)."""

import re

import pytest

from tests.factories import ChallengeFactory, InnovationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


def description(response) -> str:
    [content] = DESCRIPTION.findall(response.content.decode())
    return content


def test_public_pages_each_have_their_own_description(client):
    innovation = InnovationFactory(status="approved", summary="Lantaarnpalen die dimmen.")
    municipality = MunicipalityFactory(name="Houten", slug="houten")
    challenge = ChallengeFactory(problem_statement="Te veel zwerfafval bij de scholen.")
    pages = [
        "/en/",
        "/en/innovations/",
        f"/en/innovations/{innovation.slug}/",
        "/en/municipalities/",
        f"/en/municipalities/{municipality.slug}/",
        "/en/municipalities/challenges/",
        f"/en/municipalities/challenges/{challenge.pk}/",
        "/en/ranking/",
        "/en/ranking/houten/",
        "/en/ranking/methodology/",
        "/en/procurement/",
    ]

    descriptions = {page: description(client.get(page, follow=True)) for page in pages}

    assert len(set(descriptions.values())) == len(pages), descriptions
    assert descriptions[f"/en/innovations/{innovation.slug}/"] == "Lantaarnpalen die dimmen."
    assert "zwerfafval" in descriptions[f"/en/municipalities/challenges/{challenge.pk}/"]


def test_every_other_page_has_the_portals_description(client):
    login = description(client.get("/en/accounts/login/"))
    reset = description(client.get("/en/accounts/password-reset/"))

    assert login == reset
    assert login.startswith("Koploper brings innovative suppliers and Dutch and Flemish")


def test_robots_txt_keeps_crawlers_out_of_the_accounts_and_signed_in_areas(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/nl/accounts/", "/en/accounts/", "/en/review/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines


def test_scorecard_badge_image_has_the_badges_width_and_height(client):
    MunicipalityFactory(name="Houten", slug="houten", code="GM0321")

    page = client.get("/en/ranking/houten/").content.decode()
    svg = client.get("/ranking/badge/GM0321.svg?lang=en").content.decode()

    width = re.search(r'<svg [^>]*width="(\d+)" height="20"', svg).group(1)
    assert f'alt="Koploper badge of Houten" width="{width}" height="20">' in page
    assert f'width="{width}" height="20"&gt;' in page  # the code to embed it


@pytest.mark.parametrize("language", ["nl", "en"])
def test_api_docs_page_has_a_language(client, language):
    response = client.get("/api/docs/", headers={"accept-language": language})

    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert DESCRIPTION.search(html)
