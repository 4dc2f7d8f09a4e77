"""What ranking adds to other pages: the municipality page panel, the dashboards, the home
page, the navigation."""

import datetime

import pytest
from django.utils import timezone

from municipalities.adoptions import adoption_record, adoption_verify
from ranking.services import ranking_recompute
from tests.factories import (
    InnovationFactory,
    MunicipalityFactory,
    admin_user,
    buyer_user,
    reviewer_user,
)

pytestmark = pytest.mark.django_db


def test_municipality_page_shows_rank_score_size_class_rank_and_scorecard_link(client, make_board):
    run, towns = make_board(3)

    page = client.get(f"/en/municipalities/{towns[1].slug}/").content.decode()

    entry = run.entries.get(municipality=towns[1])
    panel = page[page.index('id="rank-heading"') :]
    # The rank with how sure it is, and the group by the rule on the ranges (not the bare rank).
    assert (
        f'<dt>Rank</dt><dd>2 of 3 <span class="koploper-range">({entry.rank_low}–'
        f"{entry.rank_high})</span></dd>"
    ) in panel
    group = panel[panel.index("<dt>Group</dt>") :]
    assert group.startswith("<dt>Group</dt><dd><span class=")
    assert f">{entry.get_performance_group_display()}</span>" in group[: group.index("</dd>")]
    assert "<dt>Rank in size class</dt><dd>2 <span" in panel
    assert f'<a href="/en/ranking/{towns[1].slug}/">Scorecard of Gemeente 01' in panel


def test_municipality_page_panel_for_a_municipality_not_on_the_board(client, make_board):
    make_board(1)
    town = MunicipalityFactory(slug="buitenbeentje")

    page = client.get("/en/municipalities/buitenbeentje/").content.decode()

    assert "Not on the current leaderboard" in page
    assert f'<a href="/en/ranking/{town.slug}/">' in page


def test_municipality_page_panel_before_the_first_run(client):
    MunicipalityFactory(slug="vroeg")

    page = client.get("/en/municipalities/vroeg/").content.decode()

    assert "The leaderboard has not been computed yet." in page


def test_home_page_shows_the_leading_municipalities(client, make_board):
    run, towns = make_board(7)

    page = client.get("/en/").content.decode()

    section = page[page.index('id="highlights"') :]
    for town in towns[:5]:
        assert f'<a href="/en/ranking/{town.slug}/">{town.name}</a>' in section
    assert towns[5].name not in section


def test_navigation_has_the_leaderboard(client):
    page = client.get("/en/").content.decode()

    assert '<a href="/en/ranking/">Leaderboard</a>' in page


def test_dashboard_of_a_buyer_shows_the_rank_of_their_municipality(client, make_board):
    run, towns = make_board(2)
    client.force_login(buyer_user(municipality=towns[0]))

    page = client.get("/en/dashboard/").content.decode()

    entry = run.entries.get(municipality=towns[0])
    assert "Gemeente 00 on the leaderboard" in page
    assert (
        f"Rank 1 of 2 (between {entry.rank_low} and {entry.rank_high} with other reasonable "
        "weights)"
    ) in page
    assert f">{entry.get_performance_group_display()}</span>" in page


def test_dashboard_of_an_administrator_offers_to_start_a_run(client, make_board):
    run, _ = make_board(1)
    client.force_login(admin_user())

    page = client.get("/en/dashboard/").content.decode()

    assert f"The current board is run #{run.pk}" in page
    assert 'action="/admin/ranking/rankingrun/start/"' in page


def test_recording_and_verifying_an_adoption_moves_the_municipality_after_the_next_run(
    client, make_board, django_capture_on_commit_callbacks
):
    run, towns = make_board(3)
    last = towns[2]
    assert client.get("/api/v1/ranking").json()["results"][2]["municipality"]["code"] == last.code
    buyer = buyer_user(municipality=last)

    with django_capture_on_commit_callbacks(execute=True):
        adoption = adoption_record(
            user=buyer,
            municipality=last,
            innovation=InnovationFactory(),
            stage="scaled",
            started_on=timezone.localdate() - datetime.timedelta(days=7),
        )
        ranking_recompute()  # claimed only: nothing changes yet
        unchanged = client.get("/api/v1/ranking").json()["results"][0]["municipality"]["code"]
        adoption_verify(user=reviewer_user(), adoption=adoption, decision="verify")
    ranking_recompute()

    top = client.get("/api/v1/ranking").json()["results"][0]
    assert unchanged == towns[0].code
    # Movement compares with the board of an earlier day (30 days ago: a shared 2nd place).
    assert (top["municipality"]["code"], top["rank"], top["movement"]) == (last.code, 1, 1)
