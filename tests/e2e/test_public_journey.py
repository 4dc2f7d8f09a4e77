"""Journey 4: a visitor, in Dutch (the default), reads the leaderboard, filters it by size
class, opens a scorecard, its badge and the map, and switches to English. Every page is
checked by axe in Dutch and English."""

import datetime
import re

from municipalities.models import Municipality
from ranking.services import ranking_recompute
from tests.e2e.helpers import BROWSER, Mouse, audit, language_of
from tests.factories import AdoptionFactory, InnovationFactory

pytestmark = BROWSER


def seed_board(reference_municipalities):
    """Verified adoptions in three real municipalities of different sizes, and a board."""
    solar = InnovationFactory(title="Zonnepanelen op gemeentelijke daken")
    bikes = InnovationFactory(title="Deelfietsen voor dorpen", domains=["mobility"])
    for code, innovation, started in [
        ("GM0344", solar, datetime.date(2023, 5, 1)),  # Utrecht, ≥ 250,000 inhabitants
        ("GM0321", solar, datetime.date(2024, 2, 1)),  # Houten, 50,000 to 100,000
        ("GM0321", bikes, datetime.date(2024, 9, 1)),
        ("GM0088", bikes, datetime.date(2023, 1, 15)),  # Schiermonnikoog, < 20,000
    ]:
        AdoptionFactory(
            municipality=Municipality.objects.get(code=code),
            innovation=innovation,
            started_on=started,
        )
    ranking_recompute(reference_date=datetime.date(2026, 6, 1))


def test_public_journey_leaderboard_scorecard_badge_map_in_dutch_then_english(
    page, reference_municipalities
):
    seed_board(reference_municipalities)
    act = Mouse(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    board = main.get_by_role("table")

    page.goto("/")
    page.wait_for_url(re.compile(r"/nl/$"))
    assert language_of(page) == "nl"
    act.follow(nav.get_by_role("link", name="Ranglijst"))
    page.wait_for_url(re.compile(r"/nl/ranking/$"))
    assert page.locator("h1").inner_text() == "Ranglijst van Koplopergemeenten"
    assert board.get_by_role("rowheader").all_inner_texts() == [
        "Houten Utrecht (NL)",
        "Utrecht Utrecht (NL)",
        "Schiermonnikoog Fryslân (NL)",
    ]
    audit(page, "leaderboard")

    # Small municipalities only: Schiermonnikoog leads its size class.
    act.select(main.get_by_label("Grootteklasse"), "minder dan 20.000 inwoners")
    act.press(main.get_by_role("button", name="Filteren"))
    page.wait_for_url(re.compile(r"size_class=lt20k"))
    assert board.get_by_role("rowheader").all_inner_texts() == ["Schiermonnikoog Fryslân (NL)"]
    cells = board.get_by_role("row").nth(1).get_by_role("cell").all_inner_texts()
    # Rank on the whole board with how sure it is, rank in the size class.
    assert (re.match(r"3 \(\d+–\d+\)$", cells[0]) is not None, cells[1]) == (True, "1")
    audit(page, "leaderboard-size-class")

    act.follow(board.get_by_role("link", name="Schiermonnikoog"))
    page.wait_for_url(re.compile(r"/nl/ranking/schiermonnikoog/$"))
    assert page.locator("h1").inner_text() == "Scorekaart van Schiermonnikoog"
    assert main.get_by_role("row", name=re.compile("Deelfietsen voor dorpen")).is_visible()
    # How sure the rank is: a chart with a text alternative, and the same in a table.
    assert main.get_by_role("heading", name="Hoe zeker is deze plaats?").is_visible()
    assert main.get_by_role("img", name="Hoe zeker de plaats van Schiermonnikoog is").is_visible()
    assert main.get_by_role("table", name="Plaats met andere redelijke gewichten").is_visible()
    audit(page, "scorecard")

    # The methodology, linked from the scorecard.
    act.follow(main.get_by_role("link", name="Hoe de ranglijst wordt gemaakt").first)
    page.wait_for_url(re.compile(r"/nl/ranking/methodology/(#sensitivity)?$"))
    assert page.locator("h1").inner_text() == "Hoe de ranglijst wordt gemaakt"
    assert main.get_by_role("heading", name="Hoe zeker is een plaats?").is_visible()
    audit(page, "methodology")
    page.go_back()

    # The badge: an image on the scorecard, and the SVG itself behind it.
    badge = main.locator(".koploper-badge-preview img")
    assert "Schiermonnikoog" in badge.get_attribute("alt")
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    act.follow(main.locator(".koploper-badge-preview a"))
    page.wait_for_url(re.compile(r"/ranking/badge/GM0088\.svg\?lang=nl$"))
    svg = page.locator("svg")
    # The rank with its range, as on the board ("#3 (2–3) van 3"), or bare if it cannot move.
    assert re.fullmatch(r"Koploper: #3( \(\d+–3\))? van 3", svg.get_attribute("aria-label"))
    page.go_back()

    act.follow(main.get_by_role("link", name="Ranglijst", exact=True))
    act.follow(main.get_by_role("link", name="De ranglijst op een kaart bekijken"))
    page.wait_for_url(re.compile(r"/nl/ranking/map/$"))
    assert page.locator("h1").inner_text() == "Kaart van de ranglijst"
    assert page.locator("svg.koploper-map path").count() > 600
    audit(page, "map")

    # Switch to English on the map: the same page, in English.
    act.follow(page.get_by_role("navigation", name="Taal").get_by_role("link", name="English"))
    page.wait_for_url(re.compile(r"/en/ranking/map/$"))
    assert language_of(page) == "en"
    assert page.locator("h1").inner_text() == "Leaderboard map"
    act.follow(main.get_by_role("link", name="Leaderboard"))
    page.wait_for_url(re.compile(r"/en/ranking/$"))
    assert page.locator("h1").inner_text() == "Koplopergemeenten leaderboard"
    assert main.get_by_role("status").inner_text() == "3 municipalities on the board"
    act.follow(main.get_by_role("link", name="How the ranking is made"))
    page.wait_for_url(re.compile(r"/en/ranking/methodology/$"))
    assert main.get_by_role("heading", name="Changelog").is_visible()
    assert main.get_by_text("Used for 1 board on this site").is_visible()
    audit(page, "methodology-en")
