"""The scorecard: how sure the rank is (chart and table) and why it moved."""

import datetime

import pytest

from municipalities.enums import Stage
from municipalities.models import AdoptionStageChange
from ranking.models import RankingEntry
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.ranking.test_sensitivity import REF, varied_board

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_scorecard_shows_the_interval_as_a_chart_with_a_table(client):
    varied_board()
    run = ranking_recompute(reference_date=REF)
    entry = max(run.entries.select_related("municipality"), key=lambda e: e.rank_high - e.rank_low)

    page = text(client.get(f"/en/ranking/{entry.municipality.slug}/"))

    assert f"({entry.rank_low}–{entry.rank_high})" in page
    assert "How sure is this rank?" in page
    assert (
        f"with 1,000 other reasonable choices it ranks between {entry.rank_low} and "
        f"{entry.rank_high} in 90% of them" in page
    )
    svg = page[page.index('<svg class="koploper-chart koploper-interval"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert '<rect class="koploper-interval__bar"' in svg
    row = (
        f'<td class="koploper-num">{entry.rank}</td><td class="koploper-num">{entry.rank_low}'
        f'</td><td class="koploper-num">{entry.rank_median}</td>'
        f'<td class="koploper-num">{entry.rank_high}</td>'
    )
    assert row in page
    class_row = (
        f'<td class="koploper-num">{entry.size_class_rank}</td><td class="koploper-num">'
        f'{entry.size_class_rank_low}</td><td class="koploper-num">{entry.size_class_rank_median}'
        f'</td><td class="koploper-num">{entry.size_class_rank_high}</td>'
    )
    assert class_row in page
    assert "/en/ranking/methodology/#sensitivity" in page


def test_scorecard_without_verified_adoption_has_no_interval_and_says_so(client):
    varied_board(2)
    MunicipalityFactory(name="Leegdorp", slug="leegdorp")
    ranking_recompute(reference_date=REF)

    page = text(client.get("/en/ranking/leegdorp/"))

    assert (
        "Leegdorp has no verified adoption on this board, so it has no rank and no range." in page
    )
    assert "koploper-interval" not in page


def test_scorecard_with_only_ended_adoptions_says_why_it_has_no_interval(client):
    varied_board(2)
    town = MunicipalityFactory(name="Stopdorp", slug="stopdorp")
    AdoptionFactory(
        municipality=town,
        stage=Stage.ENDED,
        started_on=datetime.date(2024, 1, 1),
        stage_since=datetime.date(2025, 1, 1),
    )
    run = ranking_recompute(reference_date=REF)

    page = text(client.get("/en/ranking/stopdorp/"))

    assert not run.entries.filter(municipality=town).exists()
    assert (
        "Stopdorp has verified adoptions, but none that earns points on this board (they have "
        "ended), so it has no rank and no range." in page
    )
    assert "has no verified adoption" not in page
    assert "koploper-interval" not in page


def test_scorecard_explains_why_it_moved(client):
    town = MunicipalityFactory(name="Beweegstad", slug="beweegstad")
    previous_date = REF - datetime.timedelta(days=365)
    aged = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Oud"),
        stage=Stage.PILOT,
        started_on=datetime.date(2026, 1, 1),
        stage_since=datetime.date(2026, 1, 1),
    )
    scaled = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Opgeschaald"),
        stage=Stage.PILOT,
        started_on=datetime.date(2027, 6, 1),
        stage_since=datetime.date(2027, 6, 1),
    )
    AdoptionStageChange.objects.create(
        adoption=scaled, from_stage="", to_stage=Stage.PILOT, stage_since=scaled.stage_since
    )
    before = ranking_recompute(reference_date=previous_date)
    # After the previous board: the pilot is scaled up, and a new adoption is verified.
    new_since = REF - datetime.timedelta(days=100)
    AdoptionStageChange.objects.create(
        adoption=scaled, from_stage=Stage.PILOT, to_stage=Stage.SCALED, stage_since=new_since
    )
    scaled.stage, scaled.stage_since = Stage.SCALED, new_since
    scaled.save(update_fields=["stage", "stage_since"])
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Nieuw"),
        stage=Stage.PILOT,
        started_on=REF - datetime.timedelta(days=50),
        stage_since=REF - datetime.timedelta(days=50),
    )
    run = ranking_recompute(reference_date=REF)

    page = text(client.get("/en/ranking/beweegstad/"))

    entry = RankingEntry.objects.get(run=run, municipality=town)
    previous = RankingEntry.objects.get(run=before, municipality=town)
    assert run.previous_run_id == before.pk
    section = page[page.index('id="why-moved"') :]
    rows = [
        ("Nieuw", "Added"),
        ("Opgeschaald", "Stage changed (Pilot → Scaled up)"),
        ("Oud", "Aged (recency)"),
    ]
    positions = [section.index(f">{title}</a></th>\n      <td>{what}</td>") for title, what in rows]
    assert positions == sorted(positions)
    # The effects add up to the change of the score: nothing is left unexplained.
    assert "Other changes" not in section
    assert f"then rank {previous.rank} with {previous.score:.2f} points." in section
    assert f"Now rank {entry.rank} with {entry.score:.2f} points." in section
    assert aged.pk


def test_scorecard_query_count(client, django_assert_max_num_queries):
    varied_board(4)
    ranking_recompute(reference_date=REF - datetime.timedelta(days=30))
    run = ranking_recompute(reference_date=REF)
    slug = run.entries.select_related("municipality").first().municipality.slug

    # Municipality, run (with the previous one), entry, contributions, movement (previous
    # entry, changes, stage history of the changed), history (2).
    with django_assert_max_num_queries(9):
        assert client.get(f"/en/ranking/{slug}/").status_code == 200


def test_why_moved_lists_the_largest_changes_and_sums_up_the_rest():
    from ranking import movement

    town = MunicipalityFactory(name="Veelstad", slug="veelstad")
    for i in range(5):
        AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(),
            started_on=datetime.date(2026, 1, 1),
            stage_since=datetime.date(2026, 1, 1) + datetime.timedelta(days=30 * i),
        )
    ranking_recompute(reference_date=REF - datetime.timedelta(days=365))
    run = ranking_recompute(reference_date=REF)
    entry = RankingEntry.objects.get(run=run, municipality=town)

    everything = movement.movement(run, town, entry)
    limited = movement.movement(run, town, entry, limit=2)

    assert [c.kind for c in everything.changes] == ["aged"] * 5
    assert (len(limited.changes), limited.more_count) == (2, 3)
    assert limited.more_micro == sum(
        c.contribution.points_micro - c.before_micro for c in everything.changes[2:]
    )
    assert limited.rest_micro == everything.rest_micro


def test_why_moved_counts_ageing_too_small_to_show_without_listing_it(client):
    from ranking import movement

    town = MunicipalityFactory(name="Stilstad", slug="stilstad")
    for i in range(3):
        AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(title=f"Oud {i}"),
            started_on=datetime.date(2026, 1, 1),
            stage_since=datetime.date(2026, 1, 1),
        )
    ranking_recompute(reference_date=REF - datetime.timedelta(days=1))
    run = ranking_recompute(reference_date=REF)
    entry = RankingEntry.objects.get(run=run, municipality=town)

    moved = movement.movement(run, town, entry)
    page = text(client.get("/en/ranking/stilstad/"))

    # A day of ageing costs each adoption less than half a hundredth of a point.
    assert (moved.changes, moved.more_count) == ([], 3)
    assert moved.more_micro == entry.score_micro - run.previous_run.entries.get().score_micro
    section = page[page.index('id="why-moved"') :]
    # Its rank stayed the same: the heading does not ask why it moved.
    assert "What changed for Stilstad since the previous board?" in page
    assert "Why did Stilstad move?" not in page
    assert "None of its adoptions changed" not in section
    assert "and 3 more adoptions, together" in section
    assert ">Oud 0</a></th>\n      <td>Aged" not in section


def test_scorecard_lists_every_adoption_in_pages(
    client, monkeypatch, django_assert_max_num_queries
):
    from ranking import views

    monkeypatch.setattr(views, "SCORECARD_ROWS", 2)
    town = MunicipalityFactory(name="Veelstad", slug="veelstad")
    for i in range(5):
        AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(title=f"Innovatie {i}"),
            started_on=datetime.date(2026, 1, 1) - datetime.timedelta(days=200 * i),
        )
    ranking_recompute(reference_date=REF)

    pages = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(11):
            response = client.get("/en/ranking/veelstad/", {"page": number})
        pages.append(response.context["contributions"])

    listed = [c.innovation.title for page in pages for c in page.object_list]
    # Every adoption once, the most points (the most recent) first.
    assert listed == [f"Innovatie {i}" for i in range(5)]
    assert "?page=2#contributions-heading" in client.get("/en/ranking/veelstad/").content.decode()


def test_contributions_page_is_a_slice_of_all_with_their_count_and_points():
    from ranking.selectors import contributions, contributions_page

    town = MunicipalityFactory(name="Paginastad", slug="paginastad")
    for i in range(5):
        AdoptionFactory(
            municipality=town,
            # Equal points for some: the order falls back on the start date, then the title.
            innovation=InnovationFactory(title=f"Innovatie {4 - i}"),
            started_on=datetime.date(2026, 1, 1) - datetime.timedelta(days=200 * (i // 2)),
            stage="scaled" if i % 2 else "pilot",
        )
    run = ranking_recompute(reference_date=REF)
    every = contributions(run, town)

    pages = [contributions_page(run, town, number=n, per_page=2) for n in (1, 2, 3)]
    past_the_end = contributions_page(run, town, number=9, per_page=2)

    assert [c.adoption_id for p in pages for c in p.rows] == [c.adoption_id for c in every]
    assert {(p.count, p.points_micro) for p in pages} == {(5, sum(c.points_micro for c in every))}
    assert (past_the_end.number, past_the_end.rows) == (3, pages[2].rows)
    assert contributions_page(run, MunicipalityFactory(), number=1, per_page=2).count == 0
