import re

import pytest


def language_links(content: str) -> dict[str, str]:
    nav = re.search(r'<nav class="koploper-lang".*?</nav>', content, re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"', nav))


@pytest.mark.translated
@pytest.mark.django_db
def test_home_speaks_dutch_by_default(client):
    response = client.get("/", follow=True)

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == "/nl/"
    assert '<html lang="nl"' in content
    assert '<h1 class="utrecht-heading-1">Innovaties die gemeenten echt gebruiken</h1>' in content
    assert "Direct naar de hoofdinhoud" in content
    assert language_links(content) == {"/en/": "en"}


@pytest.mark.django_db
def test_home_in_english_at_en(client):
    response = client.get("/en/")

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in content
    assert (
        '<h1 class="utrecht-heading-1">Innovations that municipalities actually use</h1>' in content
    )
    assert "Skip to main content" in content
    assert language_links(content) == {"/nl/": "nl"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "signup", "municipalities"),
    [
        ("/nl/", "/nl/accounts/register/", "/nl/municipalities/"),
        ("/en/", "/en/accounts/register/", "/en/municipalities/"),
    ],
)
def test_home_entry_points_stay_in_the_language(client, path, signup, municipalities):
    content = client.get(path).content.decode()

    assert f'href="{signup}"' in content
    assert f'href="{municipalities}"' in content
    assert content.count("<h1") == 1


@pytest.mark.django_db
def test_language_switch_keeps_the_page(client):
    content = client.get("/nl/municipalities/").content.decode()

    assert language_links(content) == {"/en/municipalities/": "en"}


@pytest.mark.translated
@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), [("/nl/", "English"), ("/en/", "Nederlands")])
def test_language_link_names_the_language_in_itself(client, path, name):
    """The link has the other language's `lang`, so its name is in that language too."""
    content = client.get(path).content.decode()

    nav = re.search(r'<nav class="koploper-lang".*?</nav>', content, re.S).group(0)
    assert f'<span class="koploper-visually-hidden">{name}</span>' in nav


@pytest.mark.translated
@pytest.mark.django_db
@pytest.mark.parametrize("language, unit", [("nl", "punten"), ("en", "points")])
def test_home_front_runners_say_points(client, language, unit):
    """A bare "– 4,00" after a name says nothing; the front-runners' scores carry their unit."""
    from ranking.services import ranking_recompute
    from tests.factories import AdoptionFactory, MunicipalityFactory

    AdoptionFactory(municipality=MunicipalityFactory(name="Voorstad", slug="voorstad"))
    entry = ranking_recompute().entries.get()
    score = f"{entry.score:.2f}".replace(".", "," if language == "nl" else ".")

    content = client.get(f"/{language}/").content.decode()

    assert f'<a href="/{language}/ranking/voorstad/">Voorstad</a> – {score} {unit}</li>' in content
