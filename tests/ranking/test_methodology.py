"""The methodology page: in Dutch and English, with the numbers of the current run."""

import datetime

import pytest

from ranking.services import ranking_recompute
from tests.ranking.test_sensitivity import REF, varied_board

pytestmark = pytest.mark.django_db

URL = "/{lang}/ranking/methodology/"


def text(response) -> str:
    return response.content.decode()


def test_methodology_states_the_current_runs_sensitivity_results(client):
    varied_board()
    run = ranking_recompute(reference_date=REF)
    summary = run.sensitivity

    page = text(client.get(URL.format(lang="en")))

    most = summary["one_at_a_time"][0]
    assert '<h1 class="utrecht-heading-1">How the ranking is made</h1>' in page
    assert (
        f"{summary['moved_more_than']} of the 12 municipalities on the board can move more "
        "than 3 places"
    ) in page
    assert "Of all assumptions, this one moves ranks most:" in page
    assert f"{most['mean_places']:.1f} places on average" in page
    assert "1,000 times" in page and "seed taken from the board's date (20300101" in page
    for heading in (
        "What the ranking rewards, and why",
        "The data",
        "The weights and their reasons",
        "Recency",
        "Size classes and the per-10,000 view",
        "How sure is a rank?",
        "Performance groups",
        "Known limitations",
        "Changelog",
    ):
        assert f">{heading}</h2>" in page
    assert "the range reaches the top 10% of its size class" in page


@pytest.mark.translated
def test_methodology_speaks_dutch(client):
    varied_board()
    ranking_recompute(reference_date=REF)

    page = text(client.get(URL.format(lang="nl")))

    assert "Hoe de ranglijst wordt gemaakt" in page
    assert "Hoe zeker is een plaats?" in page
    assert "Bekende beperkingen" in page


def test_methodology_before_the_first_run(client):
    page = text(client.get(URL.format(lang="en")))

    assert "No board with a sensitivity analysis has been published yet." in page
    assert "The weights and their reasons" in page


def test_methodology_is_linked_from_the_board_the_scorecard_and_its_badge(client):
    varied_board(2)
    run = ranking_recompute(reference_date=REF)
    slug = run.entries.first().municipality.slug

    board = text(client.get("/en/ranking/"))
    scorecard = text(client.get(f"/en/ranking/{slug}/"))

    assert URL.format(lang="en") in board
    badge_section = scorecard[scorecard.index('id="badge-heading"') :]
    assert URL.format(lang="en") in badge_section


def test_methodology_query_count(client, django_assert_max_num_queries):
    varied_board(3)
    ranking_recompute(reference_date=REF)

    with django_assert_max_num_queries(2):  # the current run, the boards per version
        assert client.get(URL.format(lang="en")).status_code == 200


def test_methodology_changelog_says_which_boards_each_version_made(client):
    from ranking import sensitivity
    from ranking.methodology import _changelog
    from ranking.services import FORMULA_VERSION

    varied_board(3)
    ranking_recompute(reference_date=REF - datetime.timedelta(days=31))
    ranking_recompute(reference_date=REF - datetime.timedelta(days=1), sensitivity=False)
    ranking_recompute(reference_date=REF)

    page = text(client.get(URL.format(lang="en")))

    changelog = page[page.index('id="changelog"') :]
    # Oldest first; the last line is the version that makes the boards now.
    assert [(v.formula_version, v.method_version) for v in _changelog()][-1] == (
        FORMULA_VERSION,
        sensitivity.METHOD_VERSION,
    )
    plain = changelog.index("<dt>Formula v1</dt>")
    ranged = changelog.index("<dt>Formula v1, with rank ranges (sensitivity analysis 1)</dt>")
    assert plain < ranged
    assert "Used for 1 board on this site, of 31 December 2029." in changelog[plain:ranged]
    assert (
        "Used for 2 boards on this site, from 1 December 2029 to 1 January 2030."
        in changelog[ranged:]
    )


def test_methodology_changelog_without_boards(client):
    page = text(client.get(URL.format(lang="en")))

    changelog = page[page.index('id="changelog"') :]
    assert changelog.count("No board on this site was made with it.") == 2
