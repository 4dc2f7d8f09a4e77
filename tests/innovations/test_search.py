"""Full-text search of the catalogue: Dutch text on PostgreSQL, the fallback elsewhere."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from innovations import catalogue, search
from innovations.models import Innovation
from tests.factories import InnovationFactory, SupplierFactory


@pytest.fixture
def dutch_catalogue(db):
    """A small hand-made catalogue with compounds, plurals and diacritics."""
    make = InnovationFactory
    return {
        "zon_title": make(
            slug="zon-title",
            title="Zonnepanelen op gemeentelijk vastgoed",
            summary="Daken van scholen en sporthallen leveren stroom.",
            description="Wij leggen panelen op daken.",
        ),
        "zon_description": make(
            slug="zon-description",
            title="Energiecoöperatie in de wijk",
            summary="Bewoners beheren samen hun energie.",
            description="De coöperatie investeert onder meer in zonnepanelen en windmolens.",
        ),
        "warmte": make(
            slug="warmte",
            title="Warmtepompen voor sociale huurwoningen",
            summary="Van het gas af zonder verbouwing.",
            description="Hybride warmtepompen met slimme regeling.",
        ),
        "fiets": make(
            slug="fiets",
            title="Slimme fietsenstalling bij stations",
            summary="Bezetting realtime zichtbaar voor reizigers.",
            description="Sensoren tellen de vrije plekken.",
        ),
        "creche": make(
            slug="creche",
            title="Digitaal aanmeldloket voor de crèche",
            summary="Ouders melden hun kind online aan bij een café-achtige balie.",
            description="Koppeling met de gemeentelijke basisregistratie.",
        ),
        "gemeenten": make(
            slug="gemeenten",
            title="Inkoopsamenwerking",
            summary="Kleine gemeenten kopen samen in.",
            description="Gezamenlijke aanbestedingen.",
            supplier=SupplierFactory(name="Regiokracht B.V.", slug="regiokracht"),
        ),
    }


def _slugs(text):
    return [innovation.slug for innovation in catalogue.search(Innovation.objects.all(), text)]


def _ranked(text):
    queryset = catalogue.order(
        catalogue.search(Innovation.objects.all(), text), "relevance", searching=True
    )
    return [innovation.slug for innovation in queryset]


def test_parse_query_follows_web_search_syntax():
    groups = catalogue.parse_query('zonne panelen or wind -"fossiele brandstof" energie-opslag')

    assert groups == [
        [{"words": ["zonne"], "phrase": False, "negated": False}],
        [
            {"words": ["panelen"], "phrase": False, "negated": False},
            {"words": ["wind"], "phrase": False, "negated": False},
        ],
        [{"words": ["fossiele", "brandstof"], "phrase": True, "negated": True}],
        [{"words": ["energie"], "phrase": False, "negated": False}],
        [{"words": ["opslag"], "phrase": False, "negated": False}],
    ]


@pytest.mark.parametrize(
    "text", ['"', '"unbalanced', "or", "OR OR", "&&|!:*()'", "-", "- -", ":*", "\\", "é"]
)
def test_parse_query_never_fails_on_odd_input(text):
    groups = catalogue.parse_query(text)

    assert all(term["words"] for group in groups for term in group)


def test_parse_query_caps_the_number_of_words():
    groups = catalogue.parse_query(" ".join(f"woord{n}" for n in range(50)))

    assert len(groups) == search.MAX_SEARCH_WORDS


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_vector_is_kept_by_the_database(dutch_catalogue):
    innovation = dutch_catalogue["fiets"]

    Innovation.objects.filter(pk=innovation.pk).update(title="Overdekte scooterparkeerplaats")

    assert _slugs("scooter") == ["fiets"]
    assert _slugs("fietsenstalling") == []


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A word typed in part finds its compounds and plurals.
        ("zonne", {"zon-title", "zon-description"}),
        ("zon", {"zon-title", "zon-description"}),
        ("warmtepomp", {"warmte"}),
        ("warmtepompen", {"warmte"}),
        ("fiets", {"fiets"}),
        ("fietsen", {"fiets"}),
        ("Fietsenstallingen", {"fiets"}),
        # A partial word whose stem is no prefix of the full word's stem ('gemen'/'gemeent').
        ("gemeen", {"zon-title", "creche", "gemeenten"}),
        # Diacritics either way.
        ("creche", {"creche"}),
        ("crèche", {"creche"}),
        ("cafe", {"creche"}),
        ("cooperatie", {"zon-description"}),
        ("coöperatie", {"zon-description"}),
        # All words must occur, or the alternatives given.
        ("zonnepanelen scholen", {"zon-title"}),
        ("warmtepomp or fietsenstalling", {"warmte", "fiets"}),
        ("zonnepanelen -windmolens", {"zon-title"}),
        ('"sociale huurwoningen"', {"warmte"}),
        ('"huurwoningen sociale"', set()),
        # The supplier's name counts too.
        ("regiokracht", {"gemeenten"}),
    ],
)
def test_search_finds_dutch_words(dutch_catalogue, text, expected):
    assert set(_slugs(text)) == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_ranks_title_above_description(dutch_catalogue):
    assert _ranked("zonnepanelen") == ["zon-title", "zon-description"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_rank_vector_holds_title_and_summary_only(dutch_catalogue):
    innovation = dutch_catalogue["fiets"]
    Innovation.objects.filter(pk=innovation.pk).update(
        title="Scooterstalling", summary="Overdekt.", description="Met laadpalen."
    )

    innovation.refresh_from_db()
    assert "scooterstall" in str(innovation.rank_vector)
    assert "laadpal" not in str(innovation.rank_vector)
    assert "laadpal" in str(innovation.search_vector)


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_ranks_description_matches_after_title_and_summary_newest_first(db):
    now = timezone.now()
    for slug, title, description, days_ago in [
        ("old-title", "Afvalbak met sensor", "", 30),
        ("new-description", "Rapportage", "Over afvalbakken.", 1),
        ("older-description", "Dashboard", "Vulgraad van afvalbakken.", 10),
    ]:
        InnovationFactory(
            slug=slug,
            title=title,
            summary="",
            description=description,
            published_at=now - datetime.timedelta(days=days_ago),
        )

    assert _ranked("afval") == ["old-title", "new-description", "older-description"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_ranks_summary_above_description(db):
    InnovationFactory(
        slug="in-description", title="Rapportage", summary="", description="Over afvalbakken."
    )
    InnovationFactory(
        slug="in-summary", title="Dashboard", summary="Vulgraad van afvalbakken.", description=""
    )

    assert _ranked("afval") == ["in-summary", "in-description"]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("text", ['"', "&&|!:*()'", "or", "-", "de het een", "\\'", "a:*b"])
def test_search_with_odd_input_runs_one_query(dutch_catalogue, text):
    with CaptureQueriesContext(connection) as queries:
        _slugs(text)

    assert len(queries) <= 1


@pytest.mark.postgres
@pytest.mark.django_db
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80))
def test_search_accepts_any_text(dutch_catalogue, text):
    # No syntax error from PostgreSQL, whatever is typed.
    assert isinstance(_slugs(text), list)


@pytest.mark.django_db
def test_fallback_search_has_the_same_interface(dutch_catalogue, settings):
    settings.IS_POSTGRES = False

    assert set(_slugs("fiets")) == {"fiets"}
    assert set(_slugs("warmtepomp")) == {"warmte"}
    assert set(_slugs("zonnepanelen scholen")) == {"zon-title"}
    assert set(_slugs("warmtepomp or fietsenstalling")) == {"warmte", "fiets"}
    assert set(_slugs("zonnepanelen -windmolens")) == {"zon-title"}
    assert set(_slugs('"sociale huurwoningen"')) == {"warmte"}
    assert _ranked("zonnepanelen") == ["zon-title", "zon-description"]
    # Without a single word there is nothing to search for: everything stays.
    assert len(_slugs('"&&|!:*')) == len(dutch_catalogue)
