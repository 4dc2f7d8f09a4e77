"""One recall test set for the catalogue search, run on both databases (SQLite in the
embedded pass, PostgreSQL in the other): Dutch queries with the innovations each must find,
over fixed test data. The same expectations hold on both; where the two differ, DIFFERENCES
below lists the query, what each finds, and why.

Both databases fold, drop stop words and stem in Python (innovations/search.py), so they
agree on words, plurals, prefixes, compounds, phrases, OR and exclusion. They index text
differently in one respect: PostgreSQL's parser also keeps a hyphenated word whole
("led-lamp" as one lexeme besides "led" and "lamp"), SQLite's tokenizer only keeps the
parts. No query of the set depends on that."""

import pytest

from innovations import search
from innovations.catalogue import order
from innovations.models import Innovation
from tests.factories import InnovationFactory, SupplierFactory

pytestmark = pytest.mark.django_db

DATA = {
    "straat": (
        "Slimme straatverlichting",
        "Ledlampen die dimmen als er niemand is.",
        "Bewegingssensoren in elke lantaarnpaal schakelen het licht.",
        "Lichtwerk B.V.",
    ),
    "lamp": (
        "Led-lamp voor sporthallen",
        "Minder energie per lamp.",
        "Vervangt tl-buizen.",
        "Sporthal Techniek",
    ),
    "water": (
        "Regenwateropvang onder pleinen",
        "Kratten houden water vast bij hoosbuien.",
        "Het water zakt langzaam in de bodem.",
        "Aqua Nova",
    ),
    "zon": (
        "Zonnepanelen op gemeentelijk vastgoed",
        "Daken van scholen leveren stroom.",
        "Wij leggen een zonnepaneel op elk geschikt dak.",
        "Zonnig Dak B.V.",
    ),
    "paal": (
        "Lantaarnpalen met laadpunt",
        "Elektrisch laden aan de stoeprand.",
        "Een bestaande lantaarnpaal wordt een laadpaal.",
        "Laadnet",
    ),
    "warmte": (
        "Warmtepompen voor sociale huurwoningen",
        "Van het gas af zonder verbouwing.",
        "Hybride warmtepomp met slimme regeling.",
        "Warmtewinst",
    ),
    "fiets": (
        "Fietsenstalling met bezettingsmeting",
        "Reizigers zien vrije plekken.",
        "Sensoren tellen de fietsen.",
        "Stallingsdata",
    ),
    "creche": (
        "Digitaal aanmeldloket voor de crèche",
        "Ouders melden hun kind online aan.",
        "Koppeling met de basisregistratie.",
        "Kindkompas",
    ),
    "afval": (
        "Afvalbakken met vulgraadsensor",
        "Legen als de bak vol is.",
        "Minder ritten van de vuilniswagen.",
        "Schoon Straatbeeld",
    ),
    "zorg": (
        "Zorgrobot voor thuiswonende ouderen",
        "Herinnert aan medicijnen.",
        "Mantelzorgers krijgen een bericht.",
        "Zorgtech",
    ),
    "groen": (
        "Groene daken voor klimaatadaptatie",
        "Sedumdaken vangen regenwater op.",
        "Verkoeling in hittegolven.",
        "Dakgroen",
    ),
    "onderwijs": (
        "Programmeerlessen op basisscholen",
        "Leerlingen bouwen robots.",
        "Docenten krijgen een training.",
        "Codeklas",
    ),
}

# (query, the innovations it must find). At least 40; every kind of Dutch query a buyer types.
RECALL = [
    # A word finds the compounds it is a later part of (start, middle, end).
    ("verlichting", {"straat"}),
    ("lamp", {"lamp", "straat"}),
    ("sensor", {"straat", "fiets", "afval"}),
    ("water", {"water", "groen"}),
    ("opvang", {"water"}),
    ("paneel", {"zon"}),
    ("paal", {"paal", "straat"}),
    ("pomp", {"warmte"}),
    ("stalling", {"fiets"}),
    ("wagen", {"afval"}),
    ("robot", {"zorg", "onderwijs"}),
    ("adaptatie", {"groen"}),
    ("licht", {"straat"}),
    ("school", {"zon", "onderwijs"}),
    # Whole words, plurals and singulars (stemming).
    ("straatverlichting", {"straat"}),
    ("zonnepaneel", {"zon"}),
    ("zonnepanelen", {"zon"}),
    ("lantaarnpaal", {"paal", "straat"}),
    ("lantaarnpalen", {"paal", "straat"}),
    ("warmtepomp", {"warmte"}),
    ("warmtepompen", {"warmte"}),
    ("fietsenstallingen", {"fiets"}),
    ("daken", {"zon", "groen"}),
    ("ouders", {"creche", "zorg"}),
    ("vuilniswagen", {"afval"}),
    # Prefixes: a word typed in part.
    ("regenwater", {"water", "groen"}),
    ("ledlamp", {"straat"}),
    ("gemeente", {"zon"}),
    ("basis", {"creche", "onderwijs"}),
    ("prog", {"onderwijs"}),
    ("klimaat", {"groen"}),
    # Accents and case.
    ("creche", {"creche"}),
    ("crèche", {"creche"}),
    ("ZORGROBOT", {"zorg"}),
    # Supplier names.
    ("lichtwerk", {"straat"}),
    ("aqua", {"water"}),
    ("codeklas", {"onderwijs"}),
    ("stallingsdata", {"fiets"}),
    # Every word must occur.
    ("sensor lantaarnpaal", {"straat"}),
    ("led sporthallen", {"lamp"}),
    ("led-lamp", {"lamp", "straat"}),
    # "of" and "or" between alternatives.
    ("warmtepomp of fietsenstalling", {"warmte", "fiets"}),
    ("warmtepomp or fietsenstalling", {"warmte", "fiets"}),
    ("zorgrobot OF crèche", {"zorg", "creche"}),
    # Quotes make a phrase (stop words inside keep their place).
    ('"sociale huurwoningen"', {"warmte"}),
    ('"huurwoningen sociale"', set()),
    ('"van het gas af"', {"warmte"}),
    # A minus leaves out.
    ("sensor -afvalbakken", {"straat", "fiets"}),
    ("water -hoosbuien", {"groen"}),
    ("zonnepanelen -scholen", set()),
    ('daken -"regenwater op"', {"zon"}),
]

# Queries whose hits differ between the databases: (query, SQLite's, PostgreSQL's, why).
DIFFERENCES: list[tuple[str, set, set, str]] = []


@pytest.fixture
def recall_catalogue(db):
    for slug, (title, summary, description, supplier) in DATA.items():
        InnovationFactory(
            slug=slug,
            title=title,
            summary=summary,
            description=description,
            supplier=SupplierFactory(name=supplier, slug=f"supplier-{slug}"),
        )


def _found(text: str) -> set[str]:
    return set(search.search(Innovation.objects.approved(), text).values_list("slug", flat=True))


def test_recall_set_is_large_enough():
    assert len(RECALL) >= 40
    assert len({query for query, _ in RECALL}) == len(RECALL)


@pytest.mark.parametrize(("text", "expected"), RECALL)
def test_recall(recall_catalogue, connection_vendor, text, expected):
    differences = {query: (sqlite, postgres) for query, sqlite, postgres, _ in DIFFERENCES}
    if text in differences:
        expected = differences[text][0 if connection_vendor == "sqlite" else 1]

    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # The whole word in the title ranks above the compound in the summary.
        ("lamp", ["lamp", "straat"]),
        # The whole word in the summary ranks above the compound in the summary.
        ("water", ["water", "groen"]),
    ],
)
def test_whole_words_rank_above_compound_parts(recall_catalogue, text, first):
    ranked = order(search.search(Innovation.objects.approved(), text), "relevance", True)

    assert list(ranked.values_list("slug", flat=True)) == first


@pytest.mark.parametrize("text", ["de het een", "of", "or", "-", '""', "- of -", "   "])
def test_stop_words_and_lone_operators_leave_nothing_to_search(text):
    assert not search.has_search_words(text)


@pytest.fixture
def connection_vendor():
    from django.db import connection

    return connection.vendor
