"""Leaderboard, scorecard, map, badge and open data pages."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Stage
from municipalities.models import Municipality, Region
from ranking.models import RankingEntry
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.ranking.test_sensitivity import REF, varied_board

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def board_names(response) -> list[str]:
    """Municipality names in the leaderboard table, in order."""
    return re.findall(
        r'<th scope="row" class="koploper-board__name"><a [^>]+>([^<]+)</a>', text(response)
    )


# --- Leaderboard ----------------------------------------------------------------------------


def test_leaderboard_without_a_run_shows_the_empty_state(client):
    response = client.get("/en/ranking/")

    assert response.status_code == 200
    assert "The leaderboard has not been computed yet." in text(response)
    assert text(response).count("<h1") == 1


def test_leaderboard_lists_the_board_with_its_columns(client, make_board):
    run, towns = make_board(3)

    response = client.get("/en/ranking/")

    assert board_names(response) == ["Gemeente 00", "Gemeente 01", "Gemeente 02"]
    first = RankingEntry.objects.get(run=run, municipality=towns[0])
    assert first.rank == 1
    page = text(response)
    assert "3 municipalities on the board" in page
    assert reverse("ranking:scorecard", args=[towns[0].slug]) in page
    # Rank, movement (unchanged, with its text alternative), score, per 10,000.
    row = page[page.index('koploper-board__rank">1') : page.index("Gemeente 01")]
    # The rank with how sure it is, and the plain-language line that says what that means.
    assert '1 <span class="koploper-range">(1–1)</span>' in row
    assert "ranks within this range in 90% of them" in page
    assert reverse("ranking:methodology") in page
    assert '<span aria-hidden="true">=</span>' in row
    assert '<span class="koploper-visually-hidden">unchanged</span>' in row
    assert f">{first.score:.2f}</td>" in row
    assert f">{first.score_per_10k:.2f}</td>" in row
    assert "/ranking/open-data/leaderboard.csv" in page


def test_leaderboard_shows_movement_up_down_and_new_with_text(client):
    today = timezone.localdate()
    innovation = InnovationFactory()
    a, b, c = (MunicipalityFactory(name=name) for name in ["Aa", "Bb", "Cc"])
    for i, town in enumerate([a, b]):
        AdoptionFactory(
            municipality=town,
            innovation=innovation,
            started_on=today - datetime.timedelta(days=100 + 10 * (1 - i)),
            stage_since=today - datetime.timedelta(days=50),
        )
    ranking_recompute(reference_date=today - datetime.timedelta(days=1))
    b.adoptions.update(stage=Stage.SCALED)  # Bb: 3 × 1.5 overtakes Aa: 2 × 0.97
    AdoptionFactory(municipality=c, innovation=InnovationFactory(), started_on=today)  # 2 × 1
    ranking_recompute(reference_date=today)

    page = text(client.get("/en/ranking/"))

    assert (
        '<span aria-hidden="true">▲ 1</span>'
        '<span class="koploper-visually-hidden">up 1 place</span>' in page
    )
    assert (
        '<span aria-hidden="true">▼ 2</span>'
        '<span class="koploper-visually-hidden">down 2 places</span>' in page
    )
    assert '<span class="koploper-badge">new</span>' in page


def test_leaderboard_filters_by_country_province_region_and_size_class(client, make_board):
    run, towns = make_board(4)
    region = Region.objects.create(name="Regio Test", slug="regio-test")
    region.municipalities.set([towns[1], towns[3]])
    belgian = MunicipalityFactory(
        code="44021", name="Gent", country="BE", province="Oost-Vlaanderen", population=272_657
    )
    AdoptionFactory(
        municipality=belgian, innovation=InnovationFactory(), started_on=timezone.localdate()
    )
    ranking_recompute()

    assert board_names(client.get("/en/ranking/?country=BE")) == ["Gent"]
    assert board_names(client.get("/en/ranking/?province=NL-GE")) == [
        "Gemeente 01",
        "Gemeente 03",
    ]
    assert board_names(client.get("/en/ranking/?region=regio-test")) == [
        "Gemeente 01",
        "Gemeente 03",
    ]
    by_size = client.get("/en/ranking/?size_class=gte250k")
    assert board_names(by_size) == ["Gent"]
    assert "Rank in size class" in text(by_size)


def test_leaderboard_and_map_tell_the_two_limburgs_apart(client, reference_municipalities):
    """Province names alone do not: the board, its filter and the map table say the country."""
    heerlen = Municipality.objects.get(name="Heerlen")
    hasselt = Municipality.objects.get(name="Hasselt")
    for town in (heerlen, hasselt):
        AdoptionFactory(municipality=town, started_on=timezone.localdate())
    ranking_recompute()

    board = text(client.get("/en/ranking/"))
    nl_only = client.get("/en/ranking/?province=NL-LI")
    map_table = text(client.get("/en/ranking/map/"))

    assert (
        '>Heerlen</a> <span class="koploper-muted koploper-board__province">Limburg (NL)' in board
    )
    assert (
        '>Hasselt</a> <span class="koploper-muted koploper-board__province">Limburg (BE)' in board
    )
    # Grouped by country, and a closed drop-down still tells them apart.
    assert '<option value="NL-LI">Limburg (NL)</option>' in board
    assert '<option value="BE-VLI">Limburg (BE)</option>' in board
    assert '<option value="NL-UT">Utrecht</option>' in board
    assert board.index('<optgroup label="Netherlands">') < board.index('value="NL-LI"')
    assert board.index('<optgroup label="Belgium">') < board.index('value="BE-VLI"')
    assert board_names(nl_only) == ["Heerlen"]
    assert ">Heerlen</a></th><td>Limburg (NL)</td>" in map_table
    assert ">Hasselt</a></th><td>Limburg (BE)</td>" in map_table


def test_leaderboard_region_is_a_corop_region_or_arrondissement(client, reference_municipalities):
    today = timezone.localdate()
    innovation = InnovationFactory()
    for code in ("GM0363", "GM0362", "GM0344", "44021"):  # Amsterdam, Amstelveen, Utrecht, Gent
        AdoptionFactory(
            municipality=reference_municipalities.get(code=code),
            innovation=innovation,
            started_on=today,
        )
    ranking_recompute()

    response = client.get("/en/ranking/?region=groot-amsterdam")

    assert sorted(board_names(response)) == ["Amstelveen", "Amsterdam"]
    page = text(response)
    # The drop-down: 40 COROP regions under Netherlands, 22 arrondissements under Belgium.
    options = re.search(r'<select name="region".*?</select>', page, re.S).group(0)
    assert re.findall(r'<optgroup label="([^"]+)">', options) == ["Netherlands", "Belgium"]
    assert options.count("<option") == 1 + 40 + 22
    assert '<option value="groot-amsterdam" selected>Groot-Amsterdam</option>' in options
    assert board_names(client.get("/en/ranking/?region=arrondissement-gent")) == ["Gent"]


def test_leaderboard_ranks_by_points_per_10k(client):
    from tests.ranking.test_api import per_10k_board

    per_10k_board()

    response = client.get("/en/ranking/?ordering=rank_per_10k")

    assert board_names(response) == ["Dorpje", "Middenstad", "Grootstad"]
    assert "Rank per 10,000 inhabitants" in text(response)
    assert board_names(client.get("/en/ranking/?ordering=rank")) == [
        "Grootstad",
        "Middenstad",
        "Dorpje",
    ]
    unknown = client.get("/en/ranking/?ordering=score")
    assert "Unknown ordering “score”: use rank or rank_per_10k." in text(unknown)
    assert board_names(unknown) == ["Grootstad", "Middenstad", "Dorpje"]


def test_leaderboard_reports_an_unknown_filter_value_and_ignores_it(client, make_board):
    make_board(2)

    response = client.get("/en/ranking/?province=Limburg&country=NL")

    assert (
        "Unknown province “Limburg”: use its ISO 3166-2 code, such as NL-LI (Limburg, "
        "Netherlands) or BE-VLI (Limburg, Belgium)." in text(response)
    )
    assert board_names(response) == ["Gemeente 00", "Gemeente 01"]


def test_leaderboard_is_paginated(client, make_board):
    make_board(53, earlier=False)

    first = client.get("/en/ranking/?province=&unknown=%3Cx%3E")
    second = client.get("/en/ranking/?province=&page=2")

    assert len(board_names(first)) == 50
    assert board_names(second) == ["Gemeente 50", "Gemeente 51", "Gemeente 52"]
    assert 'href="?page=2"' in text(first)


def test_leaderboard_is_served_from_the_cache_of_the_published_run(
    client, make_board, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_board(2)
    client.get("/en/ranking/")

    # The whole page is cached for anonymous visitors, under the board's version (read from
    # the cache too): no query at all.
    with django_assert_num_queries(0):
        response = client.get("/en/ranking/")
    assert board_names(response) == ["Gemeente 00", "Gemeente 01"]

    # Publishing a run bumps the version once it commits: the page shows the new board at
    # once.
    MunicipalityFactory(name="Aanwas")
    AdoptionFactory(
        municipality=MunicipalityFactory(name="Nieuwkomer"),
        innovation=InnovationFactory(),
        stage=Stage.SCALED,
        started_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute()
    assert board_names(client.get("/en/ranking/"))[0] == "Nieuwkomer"


def test_leaderboard_page_cache_is_for_anonymous_visitors_without_messages(client, make_board):
    from tests.factories import UserFactory

    make_board(2)
    client.get("/en/ranking/?size_class=nonsense")
    client.get("/en/ranking/")

    ignored = client.get("/en/ranking/?size_class=nonsense")
    client.force_login(UserFactory(username="bezoeker-lb"))
    signed_in = client.get("/en/ranking/")

    # Rendered afresh both times: the message and the user's name are theirs alone.
    assert "Unknown size class “nonsense”" in text(ignored)
    assert "Unknown region" in text(client.get("/en/ranking/?region=atlantis"))
    assert ("bezoeker-lb" in text(signed_in), board_names(signed_in)) == (
        True,
        ["Gemeente 00", "Gemeente 01"],
    )


LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


def test_leaderboard_with_a_local_memory_cache_shows_a_board_another_process_published(
    client, make_board, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache.backends import locmem
    from django.core.management import call_command
    from django.test import override_settings

    from core import caching

    # The embedded default: each process has its own cache.
    settings.CACHES = {"default": {"BACKEND": LOCAL_MEMORY, "LOCATION": "web"}}
    make_board(2)
    assert board_names(client.get("/en/ranking/")) == ["Gemeente 00", "Gemeente 01"]
    AdoptionFactory(
        municipality=MunicipalityFactory(name="Nieuwkomer"),
        innovation=InnovationFactory(),
        stage=Stage.SCALED,
        started_on=timezone.localdate(),
    )
    # `manage.py recompute_ranking` from the command line: its bump of the board's version
    # reaches only its own local memory, never the web process's.
    command = {"default": {"BACKEND": LOCAL_MEMORY, "LOCATION": "command"}}
    with override_settings(CACHES=command), django_capture_on_commit_callbacks(execute=True):
        call_command("recompute_ranking", stdout=io.StringIO())
        cache.clear()

    # A few seconds later the web process serves the new board.
    later = locmem.time.time() + caching.SOURCE_SECONDS + 1
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert board_names(client.get("/en/ranking/"))[0] == "Nieuwkomer"


@pytest.mark.parametrize("count", [1, 8])
def test_leaderboard_query_count_does_not_grow_with_the_board(
    client, make_board, django_assert_num_queries, count
):
    from core import caching

    make_board(count)
    cache.clear()

    # The current run, regions; then (not cached yet) the count and the page. (The page
    # cache's key holds the board's version, from the cache; with a cache of this process
    # only, the version is the current run's id, read once every few seconds.)
    with django_assert_num_queries(4 if caching.shared_cache() else 5):
        response = client.get("/en/ranking/")
    assert len(board_names(response)) == count


# --- Scorecard ------------------------------------------------------------------------------


def test_scorecard_explains_each_adoptions_points(client):
    today = timezone.localdate()
    town = MunicipalityFactory(name="Houten", slug="houten")
    innovation = InnovationFactory(title="Slimme lantaarnpaal", slug="slimme-lantaarnpaal")
    AdoptionFactory(
        municipality=town,
        innovation=innovation,
        stage=Stage.IMPLEMENTED,
        started_on=today - datetime.timedelta(days=1096),
        stage_since=today - datetime.timedelta(days=1096),
    )
    ranking_recompute()

    page = text(client.get("/en/ranking/houten/"))

    assert "Scorecard of Houten" in page
    assert '<a href="/en/innovations/slimme-lantaarnpaal/">Slimme lantaarnpaal</a>' in page
    assert "Launching customer" in page
    # stage ×2, order ×2, recency 0.5^(1096/1095.75) ≈ ×0.500 → 2.00 points
    row = page[
        page.index("Slimme lantaarnpaal</a>") : page.index(
            "</tr>", page.index("Slimme lantaarnpaal</a>")
        )
    ]
    assert re.findall(r">(×[\d.]+|[\d.]+)</td>", row) == ["×2", "×2", "×0.500", "2.00"]
    assert "(3.0 years)" in row
    assert "1 of 1" in page


def test_scorecard_says_when_adoptions_changed_after_the_board(client):
    today = timezone.localdate()
    town = MunicipalityFactory(name="Wijk", slug="wijk")
    AdoptionFactory(municipality=town, innovation=InnovationFactory(), started_on=today)
    ranking_recompute()
    unchanged = text(client.get("/en/ranking/wijk/"))
    # Verified after the run: on the scorecard at once (computed now), on the board next time.
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Nieuw verifieerd"),
        started_on=today,
        stage=Stage.SCALED,
    )

    changed = text(client.get("/en/ranking/wijk/"))

    note = "Adoptions changed after the board of"
    assert (note in unchanged, note in changed) == (False, True)
    assert "Nieuw verifieerd" in changed
    # Still the published score in the footer: 2 points (pilot, launching customer).
    assert re.findall(r'colspan="7">Score</th><td class="koploper-num">([\d.]+)<', changed) == [
        "2.00"
    ]


def test_scorecard_of_a_municipality_without_points(client, make_board):
    make_board(1)
    MunicipalityFactory(name="Stilstand", slug="stilstand")

    page = text(client.get("/en/ranking/stilstand/"))

    assert "Stilstand is not on the current leaderboard" in page
    assert "No verified adoptions of approved innovations yet." in page


def test_scorecard_unknown_municipality_is_404(client):
    assert client.get("/en/ranking/nergenshuizen/").status_code == 404


def test_scorecard_rank_history_chart_and_table(client, make_board):
    run, towns = make_board(2)

    page = text(client.get(f"/en/ranking/{towns[1].slug}/"))

    start = page.index('<svg class="koploper-chart" ')
    chart = page[start : page.index("</svg>", start)]
    assert 'role="img"' in chart
    assert '<title id="rank-chart-title">Rank of Gemeente 01 over time</title>' in chart
    assert chart.count("<circle") == 2
    assert "<polyline" in chart
    table = page[page.index("Rank on each recent board") :]
    earlier = run.reference_date - datetime.timedelta(days=30)
    assert re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="koploper-num">(\d+)</td>', table
    ) == [
        (f"{run.reference_date.day} {run.reference_date:%B %Y}", "2"),
        (f"{earlier.day} {earlier:%B %Y}", "2"),
    ]


@pytest.mark.parametrize("count", [1, 6])
def test_scorecard_query_count_does_not_grow_with_adoptions_or_runs(
    client, django_assert_num_queries, count
):
    today = timezone.localdate()
    town = MunicipalityFactory(slug="veelzijdig")
    for i in range(count):
        AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(),
            started_on=today - datetime.timedelta(days=30),
        )
        ranking_recompute(reference_date=today - datetime.timedelta(days=count - i))

    # Municipality, current run (with its previous one), entry, contributions, history
    # runs, history entries; with a previous board also why it moved: the previous entry
    # and the changes (the stage history only when an adoption changed stage).
    with django_assert_num_queries(6 if count == 1 else 8):
        response = client.get("/en/ranking/veelzijdig/")
    assert text(response).count("Innovatie ") >= count


# --- Map ------------------------------------------------------------------------------------


def test_map_colours_scored_municipalities_and_links_every_one(client, reference_municipalities):
    utrecht = reference_municipalities.get(code="GM0344")
    AdoptionFactory(
        municipality=utrecht, innovation=InnovationFactory(), started_on=timezone.localdate()
    )
    ranking_recompute()

    page = text(client.get("/en/ranking/map/"))

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<path") == 627
    assert svg.count('<a href="/en/ranking/') == 627
    assert "<title>Utrecht: 2.00 points, rank 1</title>" in svg
    assert svg.count('fill="#253494"') == 1  # the one scored municipality: darkest class
    assert svg.count('fill="#e6e6e6"') == 626
    assert "Kadaster / Centraal Bureau voor de Statistiek, 2024" in page
    assert "Statbel" in page
    table = page[page.index("The map as a table") :]
    assert '<a href="/en/ranking/utrecht/">Utrecht</a>' in table


def test_map_without_a_run_shows_every_municipality_without_score(client, reference_municipalities):
    page = text(client.get("/en/ranking/map/"))

    assert "The leaderboard has not been computed yet" in page
    # Every municipality's shape is grey (the legend's swatch has that colour too).
    assert len(re.findall(r'<path d="[^"]*" fill="#e6e6e6"', page)) == 627


def test_map_is_cached_per_run(client, reference_municipalities, django_assert_max_num_queries):
    client.get("/en/ranking/map/")

    with django_assert_max_num_queries(1):
        client.get("/en/ranking/map/")


# --- Badge ----------------------------------------------------------------------------------


def test_badge_shows_the_current_rank(client, make_board):
    run, towns = make_board(3)

    response = client.get(f"/ranking/badge/{towns[1].code}.svg?lang=en")

    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    svg = text(response)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert '<text x="98.0" y="14" fill="#000">#2 of 3</text>' in svg or ">#2 of 3</text>" in svg
    assert "<title>Koploper – Gemeente 01: #2 of 3</title>" in svg


@pytest.mark.translated
def test_badge_carries_the_range_of_the_rank(client):
    varied_board()
    run = ranking_recompute(reference_date=REF)
    entry = next(e for e in run.entries.select_related("municipality") if e.rank_low < e.rank_high)

    english = text(client.get(f"/ranking/badge/{entry.municipality.code}.svg?lang=en"))
    dutch = text(client.get(f"/ranking/badge/{entry.municipality.code}.svg"))

    value = f"#{entry.rank} ({entry.rank_low}–{entry.rank_high})"
    assert f">{value} of 12</text>" in english
    assert f">{value} van 12</text>" in dutch


def test_badge_of_an_unranked_municipality_says_so(client, make_board):
    make_board(1)
    town = MunicipalityFactory(code="GM0999")

    svg = text(client.get("/ranking/badge/GM0999.svg?lang=en"))

    assert ">not ranked</text>" in svg
    assert town.name in svg


def test_badge_unknown_code_is_404(client):
    assert client.get("/ranking/badge/GM0000.svg").status_code == 404


def test_badge_answers_not_modified_for_its_etag(client, make_board):
    run, towns = make_board(1)
    first = client.get(f"/ranking/badge/{towns[0].code}.svg")

    again = client.get(f"/ranking/badge/{towns[0].code}.svg", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# --- Open data ------------------------------------------------------------------------------


def test_open_data_csv_is_the_current_board(client, make_board):
    run, towns = make_board(2)

    response = client.get("/ranking/open-data/leaderboard.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
    rows = list(csv.DictReader(io.StringIO(text(response))))
    entries = list(RankingEntry.objects.filter(run=run).select_related("municipality"))
    assert rows == [
        {
            "rank": str(e.rank),
            "municipality_code": e.municipality.code,
            "municipality_name": e.municipality.name,
            "country": "NL",
            "province_code": e.municipality.province_code,
            "province": e.municipality.province,
            "size_class": e.size_class,
            "population": str(e.population),
            "score": str(round(float(e.score), 6)),
            "score_per_10k": str(round(e.score_per_10k, 6)),
            "size_class_rank": str(e.size_class_rank),
            "adoptions": "1",
            "innovations": "1",
            "launching_customer_count": "1" if e.rank == 1 else "0",
            "koploper": "false",
            "movement": "0",
            "rank_low": str(e.rank),
            "rank_median": str(e.rank),
            "rank_high": str(e.rank),
            "size_class_rank_low": str(e.rank),
            "size_class_rank_median": str(e.rank),
            "size_class_rank_high": str(e.rank),
            "performance_group": "strong" if e.rank == 1 else "follower",
            "rank_per_10k": str(e.rank),
        }
        for e in entries
    ]


def test_open_data_json_is_the_current_board_with_its_run_and_licence(client, make_board):
    run, towns = make_board(1)

    data = json.loads(text(client.get("/ranking/open-data/leaderboard.json")))

    entry = RankingEntry.objects.get(run=run)
    assert data["license"] == "CC0-1.0"
    assert data["run"]["id"] == run.pk
    assert data["run"]["reference_date"] == run.reference_date.isoformat()
    assert data["run"]["formula_version"] == "v1"
    assert data["entries"] == [
        {
            "rank": 1,
            "municipality_code": towns[0].code,
            "municipality_name": towns[0].name,
            "country": "NL",
            "province_code": "NL-UT",
            "province": "Utrecht",
            "size_class": "20k-50k",
            "population": 45000,
            "score": float(entry.score),
            "score_per_10k": round(entry.score_per_10k, 6),
            "size_class_rank": 1,
            "adoptions": 1,
            "innovations": 1,
            "launching_customer_count": 1,
            "koploper": False,
            "movement": 0,
            "rank_low": 1,
            "rank_median": 1,
            "rank_high": 1,
            "size_class_rank_low": 1,
            "size_class_rank_median": 1,
            "size_class_rank_high": 1,
            "performance_group": "strong",
            "rank_per_10k": 1,
        }
    ]
    assert data["run"]["sensitivity"]["settings"]["draws"] == 1000


def test_open_data_before_the_first_run_is_404(client):
    assert client.get("/ranking/open-data/leaderboard.csv").status_code == 404
    assert client.get("/ranking/open-data/leaderboard.json").status_code == 404
