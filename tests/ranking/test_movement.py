"""Why did it move: the changes since the previous board, joined, ordered and limited in SQL
(ranking.movement_rows), against the comparison of every adoption in Python that
it replaced (`reference_movement` below), on SQLite and on PostgreSQL."""

import datetime
import re

import pytest
from django.db import connection

from municipalities.enums import Stage, Verification
from municipalities.models import Adoption, AdoptionStageChange
from ranking import formula, movement
from ranking.models import RankingEntry
from ranking.selectors import contributions
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.ranking.test_sensitivity import REF

pytestmark = pytest.mark.django_db

PREVIOUS = REF - datetime.timedelta(days=31)


def reference_movement(run, municipality, entry, limit):
    """The movement as computed before it moved to SQL: every adoption's contribution on
    both boards, compared in Python (ranking/movement.py until issue 20)."""
    previous = run.previous_run
    previous_entry = RankingEntry.objects.filter(run=previous, municipality=municipality).first()
    sql, params = formula.scored_adoptions_sql(
        reference_date=previous.reference_date,
        parameters=previous.parameters,
        municipality_id=municipality.pk,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.id, x.points_micro FROM ({sql}) x", params)  # noqa: S608
        before = {pk: int(points) for pk, points in cursor.fetchall()}
    history = {}
    for change in AdoptionStageChange.objects.filter(adoption__municipality=municipality).order_by(
        "created_at", "id"
    ):
        history.setdefault(change.adoption_id, []).append(change)
    verified = dict(
        Adoption.objects.filter(municipality=municipality, verification=Verification.VERIFIED)
        .values_list("pk", "verified_at")
        .order_by()
    )
    published = previous.finished_at
    changes = []
    for c in contributions(run, municipality):
        then = before.get(c.adoption_id)
        verified_at = verified.get(c.adoption_id)
        newly = published is not None and verified_at is not None and verified_at > published
        if c.started_on > previous.reference_date or (
            newly and c.stage_since <= previous.reference_date
        ):
            changes.append(movement.Change(movement.ADDED, c, 0))
        elif c.stage_since > previous.reference_date:
            stage, since = movement._stage_before(
                history.get(c.adoption_id, []), c, previous.reference_date
            )
            points = movement._points_micro(
                parameters=previous.parameters,
                stage=stage,
                order=c.adopter_order,
                since=since,
                reference=previous.reference_date,
            )
            changes.append(movement.Change(movement.CHANGED, c, points, stage_before=stage))
        elif then is not None and then != c.points_micro:
            changes.append(movement.Change(movement.AGED, c, then))

    def effect(c):
        return c.contribution.points_micro - c.before_micro

    explained = sum(effect(c) for c in changes)
    order = {movement.ADDED: 0, movement.CHANGED: 1, movement.AGED: 2}
    changes.sort(key=lambda c: (order[c.kind], -abs(effect(c))))
    listed = [c for c in changes if c.kind != movement.AGED or abs(effect(c)) >= movement.SHOWN]
    shown = {id(c) for c in listed[:limit]}
    hidden = [c for c in changes if id(c) not in shown]
    score_now = entry.score_micro if entry else 0
    score_before = previous_entry.score_micro if previous_entry else 0
    return {
        "changes": [
            (c.kind, c.contribution.adoption_id, c.before_micro, c.stage_before)
            for c in listed[:limit]
        ],
        "more_count": len(hidden),
        "more_micro": sum(effect(c) for c in hidden),
        "rest_micro": score_now - score_before - explained,
    }


def summary(moved) -> dict:
    return {
        "changes": [
            (c.kind, c.contribution.adoption_id, c.before_micro, c.stage_before)
            for c in moved.changes
        ],
        "more_count": moved.more_count,
        "more_micro": moved.more_micro,
        "rest_micro": moved.rest_micro,
    }


def _history(adoption, *steps):
    for from_stage, to_stage, since in steps:
        AdoptionStageChange.objects.create(
            adoption=adoption, from_stage=from_stage, to_stage=to_stage, stage_since=since
        )


def moving_town():
    """A municipality with every kind of change since a board of a month earlier: aged
    (with equal effects), added (started since, and verified since the previous board was
    published), changed stage, and one
    adoption no longer counted (the rest)."""
    town = MunicipalityFactory(name="Bewegstad", slug="bewegstad")
    other = MunicipalityFactory(name="Anderstad")
    day = datetime.timedelta(days=1)
    shared = InnovationFactory(title="Gedeeld")
    AdoptionFactory(municipality=other, innovation=shared, started_on=datetime.date(2020, 1, 1))
    adoptions = {}
    for i in range(6):  # aged, in pairs with equal effects
        adoptions[f"aged {i}"] = AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(title=f"Oud {i}"),
            stage=[Stage.PILOT, Stage.IMPLEMENTED, Stage.SCALED][i // 2],
            started_on=datetime.date(2021, 1, 1) + 300 * (i // 2) * day,
        )
    adoptions["old, shared"] = AdoptionFactory(
        municipality=town, innovation=shared, started_on=datetime.date(2021, 5, 1)
    )
    adoptions["ended"] = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Gestopt"),
        stage=Stage.ENDED,
        started_on=datetime.date(2019, 1, 1),
        stage_since=datetime.date(2020, 1, 1),
    )
    promoted = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Opgeschaald"),
        stage=Stage.PILOT,
        started_on=datetime.date(2024, 6, 1),
    )
    _history(promoted, ("", Stage.PILOT, promoted.started_on))
    implemented = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Geïmplementeerd"),
        stage=Stage.PILOT,
        started_on=datetime.date(2023, 6, 1),
    )
    late = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Laat geverifieerd"),
        stage=Stage.IMPLEMENTED,
        started_on=datetime.date(2022, 9, 1),
        stage_since=datetime.date(2023, 1, 1),
        verification=Verification.CLAIMED,
    )
    dropped = AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Ingetrokken"),
        stage=Stage.SCALED,
        started_on=datetime.date(2022, 1, 1),
    )
    before = ranking_recompute(reference_date=PREVIOUS)

    # Since the previous board: a pilot scaled up, another implemented,
    # a claim verified, two new adoptions, one adoption no longer verified.
    since = PREVIOUS + 10 * day
    _history(promoted, (Stage.PILOT, Stage.SCALED, since))
    Adoption.objects.filter(pk=promoted.pk).update(stage=Stage.SCALED, stage_since=since)
    _history(implemented, ("", Stage.PILOT, implemented.started_on))
    _history(implemented, (Stage.PILOT, Stage.IMPLEMENTED, since + day))
    Adoption.objects.filter(pk=implemented.pk).update(
        stage=Stage.IMPLEMENTED, stage_since=since + day
    )
    Adoption.objects.filter(pk=late.pk).update(
        verification=Verification.VERIFIED,
        verified_at=before.finished_at + datetime.timedelta(hours=1),
    )
    Adoption.objects.filter(pk=dropped.pk).update(verification=Verification.REJECTED)
    for title in ("Nieuw", "Nieuwer"):
        AdoptionFactory(
            municipality=town,
            innovation=InnovationFactory(title=title),
            stage=Stage.PILOT,
            started_on=REF - 5 * day if title == "Nieuw" else REF - 3 * day,
        )
    from municipalities.adoption_facts import adoption_facts_refresh

    adoption_facts_refresh()
    run = ranking_recompute(reference_date=REF)
    return town, run, before


@pytest.mark.parametrize("limit", [50, 3, 1])
def test_movement_in_sql_is_the_comparison_of_every_adoption(limit):
    town, run, _ = moving_town()
    entry = RankingEntry.objects.get(run=run, municipality=town)

    moved = movement.movement(run, town, entry, limit=limit)

    expected = reference_movement(run, town, entry, limit)
    assert summary(moved) == expected
    if limit == 50:
        kinds = [kind for kind, *_ in expected["changes"]]
        assert kinds == ["added"] * 3 + ["changed"] * 2 + ["aged"] * kinds.count("aged")
        assert kinds.count("aged") >= 4
        assert expected["rest_micro"] != 0  # the adoption no longer counted


def test_scorecard_shows_a_previous_boards_movement_reasons(client):
    town, run, before = moving_town()
    entry = RankingEntry.objects.get(run=run, municipality=town)
    previous = RankingEntry.objects.get(run=before, municipality=town)

    page = client.get("/en/ranking/bewegstad/").content.decode()

    section = page[page.index('id="why-moved"') :]
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td>([^<]+)</td>\s*'
        r'<td class="koploper-num">([^<]+)</td>\s*<td class="koploper-num">([^<]+)</td>',
        section,
    )
    # Added: the most points first (the newest), then the claim verified since; then the
    # stage changes, each with its stage on the previous board; then the ageing.
    assert [(title, what) for title, what, *_ in rows[:5]] == [
        ("Nieuwer", "Added"),
        ("Nieuw", "Added"),
        ("Laat geverifieerd", "Added"),
        ("Opgeschaald", "Stage changed (Pilot → Scaled up)"),
        ("Geïmplementeerd", "Stage changed (Pilot → Implemented)"),
    ]
    assert rows[0][2] == "0.00"  # added: nothing before
    assert {what for _, what, *_ in rows[5:]} == {"Aged (recency)"}
    # What the changes do not explain: the adoption that is no longer verified.
    assert "Other changes" in section
    assert f"then rank {previous.rank} with {previous.score:.2f} points." in section
    assert f"Now rank {entry.rank} with {entry.score:.2f} points." in section
