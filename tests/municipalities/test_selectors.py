import pytest

from innovations.enums import Status
from municipalities.enums import Verification
from municipalities.matchmaking import challenge_suggestions, significant_words, specific_words
from municipalities.selectors import used_by_similar_municipalities
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
)


@pytest.fixture
def catalogue(db):
    """A small hand-made catalogue around a challenge of a mid-sized Utrecht municipality."""
    home = MunicipalityFactory(name="Thuisdorp", province="Utrecht", population=45_000)
    same_province = MunicipalityFactory(name="Bergstad", province="Utrecht", population=150_000)
    same_size = MunicipalityFactory(name="Veldhoven-Oost", province="Gelderland", population=30_000)
    neither = MunicipalityFactory(name="Maasland", province="Limburg", population=300_000)
    heat_pumps = InnovationFactory(
        slug="warmtepompen",
        title="Slimme warmtepompen voor scholen",
        summary="Warmtepompen die schoolgebouwen verduurzamen.",
        description="Bespaart energie in schoolgebouwen door slimme regeling.",
        maturity=8,
        domains=["energy"],
    )
    solar = InnovationFactory(
        slug="zonnedaken",
        title="Zonnedaken op sporthallen",
        summary="Zonnestroom voor sporthallen.",
        description="Panelen op daken van sporthallen.",
        maturity=9,
        domains=["energy"],
    )
    coach = InnovationFactory(
        slug="energiecoach",
        title="Coach-app voor huishoudens",
        summary="Een app die huishoudens helpt.",
        description="Huishoudens besparen energie met persoonlijk advies.",
        maturity=5,
        domains=["digital-services"],
    )
    scooters = InnovationFactory(
        slug="deelscooters",
        title="Deelscooters voor wijken",
        summary="Elektrische deelscooters.",
        description="Minder autoverkeer in woonwijken.",
        maturity=6,
        domains=["mobility"],
    )
    InnovationFactory(
        slug="concept-warmte",
        title="Warmtepompen concept",
        description="Energie besparen in schoolgebouwen.",
        status=Status.SUBMITTED,
        domains=["energy"],
    )
    used = InnovationFactory(
        slug="al-in-gebruik",
        title="Warmtepompen die wij al gebruiken",
        description="Energie besparen in schoolgebouwen.",
        domains=["energy"],
    )
    AdoptionFactory(municipality=same_province, innovation=heat_pumps)
    AdoptionFactory(municipality=same_size, innovation=heat_pumps)
    AdoptionFactory(municipality=neither, innovation=solar)
    AdoptionFactory(municipality=neither, innovation=scooters)
    AdoptionFactory(municipality=same_size, innovation=coach, verification=Verification.CLAIMED)
    AdoptionFactory(municipality=home, innovation=used, verification=Verification.CLAIMED)
    challenge = ChallengeFactory(
        municipality=home,
        title="Warmtepompen in schoolgebouwen",
        problem_statement="Wij willen energie besparen in onze schoolgebouwen.",
        domain="energy",
    )
    return {"challenge": challenge, "home": home}


def _ranked(suggestions):
    return [(s.innovation.slug, [r.code for r in s.reasons]) for s in suggestions]


@pytest.mark.django_db
def test_significant_words_drops_stop_words_numbers_and_repeats():
    words = significant_words("Wij willen de 2 energie-rekening van de gemeente, energie!")

    assert words == ["energie", "rekening"]


def _assert_suggestions(catalogue):
    suggestions = challenge_suggestions(catalogue["challenge"])

    assert _ranked(suggestions) == [
        ("warmtepompen", ["text", "domain", "similar_adoptions", "maturity"]),
        ("zonnedaken", ["domain", "maturity"]),
        ("energiecoach", ["text", "maturity"]),
    ]
    best = suggestions[0]
    assert [m.name for m in best.similar_municipalities] == ["Bergstad", "Veldhoven-Oost"]
    assert best.reasons[2].label == (
        "Used by similar municipalities, in the province of Utrecht: Bergstad; "
        "of the same size: Veldhoven-Oost."
    )
    assert best.score > suggestions[1].score > suggestions[2].score


def test_suggestions_rank_text_domain_similar_adopters_and_maturity(catalogue, settings):
    _assert_suggestions(catalogue)


@pytest.mark.postgres
def test_suggestions_use_dutch_full_text_on_postgres(catalogue):
    _assert_suggestions(catalogue)


@pytest.mark.django_db
def test_suggestions_with_no_significant_words_rank_by_domain(catalogue):
    challenge = catalogue["challenge"]
    challenge.title = "Het"
    challenge.problem_statement = "Wij willen dat."
    challenge.save()

    suggestions = challenge_suggestions(challenge)

    assert _ranked(suggestions) == [
        ("warmtepompen", ["domain", "similar_adoptions", "maturity"]),
        ("zonnedaken", ["domain", "maturity"]),
    ]


def test_used_by_similar_municipalities_lists_verified_ones_not_used_yet(catalogue):
    result = used_by_similar_municipalities(catalogue["home"])

    assert [(i.slug, i.similar_count) for i in result] == [("warmtepompen", 2)]


@pytest.mark.postgres
def test_suggestions_match_plurals_compounds_and_accents_on_postgres(db):
    """Dutch stemming, prefixes and unaccented matching: "lantaarnpalen" finds the title
    "lantaarnpaal", "warmte" finds "warmtepompen", "café" finds "cafe"; one word in a
    description alone is too little to suggest an innovation of another domain."""
    home = MunicipalityFactory(province="Utrecht")
    InnovationFactory(slug="lamp", title="Slimme lantaarnpaal", domains=["safety"])
    InnovationFactory(slug="pomp", title="Warmtepompen", domains=["housing"])
    InnovationFactory(slug="cafe", title="Terras van het cafe", domains=["housing"])
    InnovationFactory(
        slug="batterij", title="Buurtbatterij", description="Bij het café.", domains=["energy"]
    )
    InnovationFactory(slug="fiets", title="Fietsenstalling", domains=["mobility"])
    challenge = ChallengeFactory(
        municipality=home,
        title="Licht en warmte",
        problem_statement="Onze lantaarnpalen bij het café",
        domain="care",
    )

    suggestions = challenge_suggestions(challenge)

    assert sorted(_ranked(suggestions)) == [
        ("cafe", ["text", "maturity"]),
        ("lamp", ["text", "maturity"]),
        ("pomp", ["text", "maturity"]),
    ]


# Words a problem statement shares with much of the catalogue ("aanpak", "maanden") and
# the few that name its subject.
COMMON = (
    "aanpak proef maanden resultaten evaluatie begeleiding aanbesteding onderhoud "
    "ondernemers wijken bewoners kosten"
)


@pytest.mark.django_db
def test_specific_words_are_the_rarest_in_the_catalogue():
    for n in range(3):
        InnovationFactory(description=f"Onze {COMMON} en tegels nummer {n}.")
    InnovationFactory(title="Tegelwippen", description="Tegels eruit, planten erin.")

    words, counts = specific_words(["aanpak", "tegelwippen", "tegels", "onbekendwoord"])

    # Rarest first; a word no innovation holds matches nothing and comes last.
    assert words == ["tegelwippen", "aanpak", "tegels", "onbekendwoord"]
    assert counts["tegelwippen"] == 1
    assert counts["onbekendwoord"] == 0


@pytest.mark.django_db
def test_suggestions_start_from_the_most_specific_words():
    """A statement of many words: the innovation that shares its rare words (in the
    title) ranks above the many that share only its common ones (each in the
    description). Counted over all the statement's words alike, the common ones made
    those fully relevant and the specific one came last."""
    home = MunicipalityFactory(province="Utrecht")
    for n in range(6):
        InnovationFactory(
            slug=f"algemeen-{n}",
            title=f"Dienstverlening {n}",
            description=f"Onze {COMMON}.",
            domains=["climate-adaptation"],
        )
    InnovationFactory(
        slug="tegelwippen",
        title="Tegelwippen met hittekaart en regentonnen",
        description="Tegels eruit, groen erin.",
        domains=["climate-adaptation"],
    )
    challenge = ChallengeFactory(
        municipality=home,
        title="Tegelwippen",
        problem_statement=f"Wij zoeken een {COMMON} voor hittekaart en regentonnen.",
        domain="climate-adaptation",
    )

    suggestions = challenge_suggestions(challenge)

    assert suggestions[0].innovation.slug == "tegelwippen"
    assert [r.code for r in suggestions[0].reasons] == ["text", "domain", "maturity"]
    assert suggestions[0].score > suggestions[1].score


def test_used_by_similar_municipalities_leaves_out_ended_adoptions(catalogue):
    """A similar municipality that stopped using an innovation is no reason to suggest it:
    on the dashboard ("Municipalities like yours use …") nor as a challenge suggestion's
    reason."""
    ended = InnovationFactory(slug="gestopt", title="Warmtepompen, gestopt", domains=["energy"])
    for name in ("Stopdorp", "Stopstad"):
        AdoptionFactory(
            municipality=MunicipalityFactory(name=name, province="Utrecht"),
            innovation=ended,
            stage="ended",
        )

    result = used_by_similar_municipalities(catalogue["home"])
    reasons = {
        s.innovation.slug: [r.code for r in s.reasons]
        for s in challenge_suggestions(catalogue["challenge"])
    }

    assert [(i.slug, i.similar_count) for i in result] == [("warmtepompen", 2)]
    assert "similar_adoptions" not in reasons.get("gestopt", [])


def test_used_by_similar_municipalities_most_used_first_then_by_title(catalogue):
    """Counted from the similar municipalities' adoptions; a tie at the cut goes to the older
    innovation, and what is shown is ordered by count, then title."""
    neighbour = MunicipalityFactory(name="Buurdorp", province="Utrecht")
    zebra = InnovationFactory(slug="zebra", title="Zebrapaden")
    aap = InnovationFactory(slug="aap", title="Apenrots")
    later = InnovationFactory(slug="later", title="Aardwarmte")
    for innovation in (zebra, aap, later):
        AdoptionFactory(municipality=neighbour, innovation=innovation)

    three = used_by_similar_municipalities(catalogue["home"], limit=3)
    two = used_by_similar_municipalities(catalogue["home"], limit=2)

    assert [(i.slug, i.similar_count) for i in three] == [
        ("warmtepompen", 2),
        ("aap", 1),
        ("zebra", 1),
    ]
    assert [i.slug for i in two] == ["warmtepompen", "zebra"]
