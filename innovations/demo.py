"""Demo data of this app, called by `manage.py seed_demo` (idempotent, realistic Dutch content).

Nine suppliers with 27 innovations across all ten domains and in every state of the review
workflow, written through the same services as the portal (so every history row and review
is real), then dated back over the past months. The demo supplier `leverancier` (Zonnewijzer
B.V.) owns five of them; the demo reviewer `beoordelaar` has work waiting in the queue.
Suppliers, users and innovations are matched by name, so running it again adds nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count
from django.utils import timezone

from .enums import Status
from .models import Innovation, Review, StatusChange, Supplier
from .services import innovation_create, innovation_update, supplier_create, supplier_member_add
from .workflow import (
    APPROVE,
    CLAIM,
    REJECT,
    REQUEST_CHANGES,
    SUBMIT,
    WITHDRAW,
    innovation_transition,
    required_approvals,
)

DEMO_PASSWORD = "koploper-demo"  # noqa: S105 - local demo data only; the same as portal.demo  # nosec B105

SUPPLIERS = [
    # name, country, size, registration number, website, contact username, first, last
    ("Zonnewijzer B.V.", "NL", "sme", "90817263", "https://zonnewijzer.example", None, "", ""),
    ("Groenstroom Mobiliteit B.V.", "NL", "sme", "71234509", "https://groenstroom.example",
     "demo-groenstroom", "Lotte", "Visser"),
    ("ZorgSamen Technologie B.V.", "NL", "micro", "69012345", "https://zorgsamen.example",
     "demo-zorgsamen", "Ahmed", "Yilmaz"),
    ("Circulair Bouwen Nederland B.V.", "NL", "large", "30198765", "https://circulairbouwen.example",
     "demo-circulair", "Marieke", "Jansen"),
    ("Veilige Wijk B.V.", "NL", "micro", "84561237", "https://veiligewijk.example",
     "demo-veiligewijk", "Dennis", "de Boer"),
    ("DigiGemeente B.V.", "NL", "sme", "55443322", "https://digigemeente.example",
     "demo-digigemeente", "Priya", "Ramdin"),
    ("KlimaatAdaptief B.V.", "NL", "sme", "61726354", "https://klimaatadaptief.example",
     "demo-klimaat", "Bas", "Vermeulen"),
    ("Leerlab Vlaanderen BV", "BE", "micro", "0123.456.749", "https://leerlab.example",
     "demo-leerlab", "Ine", "Claes"),
    ("Smart Industry Twente B.V.", "NL", "large", "08123456", "https://smartindustrytwente.example",
     "demo-twente", "Gerrit", "Nijhuis"),
]  # fmt: skip

# What happened to each innovation, step by step. "changes" and "reject" carry the
# reviewer's feedback; "revise" proposes a change to a published innovation.
APPROVED = ["submit", "claim", "approve"]
APPROVED_AFTER_CHANGES = ["submit", "claim", "changes", "submit", "claim", "approve"]

INNOVATIONS = [
    # --- Zonnewijzer B.V. (the demo supplier) ------------------------------------------------
    {
        "supplier": "Zonnewijzer B.V.",
        "title": "Zonnedakscan voor gemeentelijk vastgoed",
        "summary": "Luchtfoto's en AI bepalen per gemeentelijk gebouw hoeveel zonnepanelen "
        "erop passen en wat ze opleveren.",
        "description": "De scan combineert actuele luchtfoto's, het AHN-hoogtebestand en "
        "verbruiksgegevens. Per dak krijgt de gemeente een legplan, de verwachte opbrengst "
        "en de terugverdientijd, klaar voor een aanbesteding.",
        "domains": ["energy", "climate-adaptation"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 4.500 eenmalig voor een gemeente tot 50.000 inwoners",
        "evidence": "Toegepast in 14 gemeenten; in Amersfoort leidde de scan tot 3,2 MWp op "
        "scholen en sporthallen.",
        "references": "Gemeente Amersfoort, Gemeente Zeist",
        "steps": APPROVED_AFTER_CHANGES + ["revise", "submit"],
        "feedback": "Vermeld hoe u omgaat met monumentale panden en asbestdaken.",
        "revision": {
            "summary": "Luchtfoto's en AI bepalen per gemeentelijk gebouw, ook "
            "monumenten, hoeveel zonnepanelen erop passen en wat ze opleveren."
        },
        "days_ago": 150,
    },
    {
        "supplier": "Zonnewijzer B.V.",
        "title": "Slimme laadpleinplanner",
        "summary": "Bepaalt waar in de wijk laadpalen nodig zijn, op basis van "
        "netcapaciteit en het aantal elektrische auto's.",
        "description": "Een kaartapplicatie die netbeheerdersdata, parkeerdruk en "
        "RDW-registraties combineert tot een uitrolplan voor laadinfrastructuur.",
        "domains": ["energy", "mobility"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 9.000 per jaar",
        "evidence": "Pilot met twee netbeheerders; 18% minder netverzwaring nodig.",
        "references": "Gemeente Utrecht",
        "steps": APPROVED + ["revise", "submit", "claim", "approve"],
        "revision": {
            "maturity": 9,
            "evidence": "Uitgerold in 6 gemeenten; 18% minder "
            "netverzwaring nodig dan bij uitrol op aanvraag.",
        },
        "days_ago": 200,
    },
    {
        "supplier": "Zonnewijzer B.V.",
        "title": "Warmtepomp-adviesbot",
        "summary": "Een chatbot die bewoners persoonlijk advies geeft over een warmtepomp.",
        "description": "Op basis van bouwjaar, isolatie en energielabel adviseert de bot "
        "hybride of volledig elektrisch, met subsidies van de gemeente erbij.",
        "domains": ["energy", "housing", "digital-services"],
        "route": "needs-development",
        "maturity": 5,
        "price_indication": "€ 6.000 per jaar plus € 0,10 per gesprek",
        "evidence": "Gebruikersonderzoek met 120 bewoners in Nieuwegein.",
        "references": "",
        "steps": ["submit", "claim", "changes"],
        "feedback": "Hoe borgt u dat het advies onafhankelijk is van leveranciers van "
        "warmtepompen? Voeg ook de resultaten van het gebruikersonderzoek toe.",
        "days_ago": 40,
    },
    {
        "supplier": "Zonnewijzer B.V.",
        "title": "Thuisbatterij-deelplan voor buurten",
        "summary": "Een buurtbatterij die zonnestroom van daken deelt.",
        "description": "",
        "domains": ["energy"],
        "route": "",
        "maturity": None,
        "price_indication": "",
        "evidence": "",
        "references": "",
        "steps": [],
        "days_ago": 6,
    },
    {
        "supplier": "Zonnewijzer B.V.",
        "title": "Energiecoach op afstand",
        "summary": "Videogesprekken met een energiecoach voor huishoudens met energiearmoede.",
        "description": "Gecertificeerde coaches helpen bewoners per video met kleine "
        "besparende maatregelen; de gemeente ontvangt een anonieme effectmeting.",
        "domains": ["energy", "care"],
        "route": "market-ready",
        "maturity": 7,
        "price_indication": "€ 85 per huishouden",
        "evidence": "1.400 huishoudens geholpen; gemiddeld 11% lager verbruik.",
        "references": "Gemeente Arnhem",
        "steps": ["submit"],
        "days_ago": 3,
    },
    # --- Groenstroom Mobiliteit ---------------------------------------------------------------
    {
        "supplier": "Groenstroom Mobiliteit B.V.",
        "title": "Deelfietsen voor kleine kernen",
        "summary": "Elektrische deelfietsen in dorpen, beheerd door een dorpscoöperatie.",
        "description": "De gemeente financiert de stallingen, het dorp beheert de fietsen. "
        "Een app regelt reserveren en betalen; bewoners zonder smartphone gebruiken een pas.",
        "domains": ["mobility", "climate-adaptation"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 1.200 per fiets per jaar",
        "evidence": "Drie jaar in Noord-Friesland: 40.000 ritten, 22% minder autoritten "
        "binnen het dorp.",
        "references": "Gemeente Noardeast-Fryslân",
        "steps": APPROVED,
        "days_ago": 320,
    },
    {
        "supplier": "Groenstroom Mobiliteit B.V.",
        "title": "Fietsvriendelijke verkeerslichten",
        "summary": "Verkeerslichten die naderende fietsers herkennen en eerder groen geven.",
        "description": "Radar op de kruising telt fietsers en geeft bij regen en drukte "
        "voorrang. Koppelt aan bestaande verkeersregelinstallaties via de iVRI-standaard.",
        "domains": ["mobility", "safety"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 14.000 per kruising",
        "evidence": "Gemiddelde wachttijd voor fietsers 34% korter in de pilot.",
        "references": "Gemeente Groningen",
        "steps": APPROVED,
        "days_ago": 260,
    },
    {
        "supplier": "Groenstroom Mobiliteit B.V.",
        "title": "Elektrische buurtbus op afroep",
        "summary": "Een vraaggestuurde elektrische buurtbus voor wijken zonder OV.",
        "description": "Reizigers bellen of boeken in een app; software plant de ritten. "
        "Vrijwillige chauffeurs rijden, de gemeente levert de laadplek.",
        "domains": ["mobility", "care"],
        "route": "needs-development",
        "maturity": 6,
        "price_indication": "€ 65.000 per bus per jaar",
        "evidence": "Proefrit van zes maanden in twee kernen.",
        "references": "",
        "steps": ["submit", "claim"],
        "claimed_by": "beoordelaar",
        "days_ago": 12,
    },
    # --- ZorgSamen Technologie ----------------------------------------------------------------
    {
        "supplier": "ZorgSamen Technologie B.V.",
        "title": "Valdetectie met slimme vloersensoren",
        "summary": "Sensoren onder de vloer melden een val, zonder camera of polsband.",
        "description": "Geschikt voor zelfstandig wonende ouderen. Bij een val gaat een "
        "melding naar de mantelzorger of de alarmcentrale.",
        "domains": ["care", "housing"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 32 per woning per maand",
        "evidence": "Onderzoek met 250 woningen: 92% van de vallen binnen een minuut gemeld.",
        "references": "Gemeente Enschede, Woonzorg Twente",
        "steps": APPROVED_AFTER_CHANGES,
        "feedback": "Beschrijf hoe u met privacy en de AVG omgaat.",
        "days_ago": 280,
    },
    {
        "supplier": "ZorgSamen Technologie B.V.",
        "title": "Beeldzorg-app voor thuiszorg",
        "summary": "Beeldbellen tussen cliënt en wijkverpleegkundige, ook voor "
        "mensen met weinig digitale vaardigheden.",
        "description": "Een tablet met één knop; de verpleegkundige belt op vaste tijden.",
        "domains": ["care", "digital-services"],
        "route": "market-ready",
        "maturity": 7,
        "price_indication": "€ 18 per cliënt per maand",
        "evidence": "Drie thuiszorgorganisaties gebruiken het.",
        "references": "Zorggroep Noord",
        "steps": ["submit"],
        "days_ago": 21,
    },
    {
        "supplier": "ZorgSamen Technologie B.V.",
        "title": "Medicijndispenser met herinnering",
        "summary": "Een dispenser die op tijd de juiste medicijnen geeft.",
        "description": "Geeft een signaal en meldt een gemiste inname aan de mantelzorger.",
        "domains": ["care"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 25 per maand",
        "evidence": "Op de markt sinds 2019.",
        "references": "",
        "steps": ["submit", "claim", "reject"],
        "feedback": "Dit is een bestaand en breed verkrijgbaar product; het voegt voor "
        "gemeenten niets nieuws toe en valt onder de zorgverzekering, niet de Wmo.",
        "days_ago": 90,
    },
    # --- Circulair Bouwen Nederland -----------------------------------------------------------
    {
        "supplier": "Circulair Bouwen Nederland B.V.",
        "title": "Materialenpaspoort voor gemeentelijke gebouwen",
        "summary": "Legt vast welke materialen in een gebouw zitten, zodat ze later "
        "hergebruikt kunnen worden.",
        "description": "Vanuit BIM-modellen of een inspectie ter plaatse; gekoppeld aan "
        "Madaster en de landelijke materialenbank.",
        "domains": ["circular-economy", "housing"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 2,50 per m² bruto vloeroppervlak",
        "evidence": "Paspoorten voor 60 schoolgebouwen; 70% van de materialen herbruikbaar.",
        "references": "Gemeente Rotterdam",
        "steps": APPROVED,
        "days_ago": 240,
    },
    {
        "supplier": "Circulair Bouwen Nederland B.V.",
        "title": "Modulaire flexwoningen van hout",
        "summary": "Verplaatsbare houten woningen voor spoedzoekers, binnen twaalf weken "
        "geplaatst.",
        "description": "De modules zijn na 15 jaar te verplaatsen en na 50 jaar volledig "
        "uit elkaar te halen. Energieneutraal.",
        "domains": ["housing", "circular-economy", "climate-adaptation"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 118.000 per woning",
        "evidence": "650 woningen geplaatst in 9 gemeenten.",
        "references": "Gemeente Haarlem, Gemeente Leiden",
        "steps": APPROVED,
        "days_ago": 180,
    },
    {
        "supplier": "Circulair Bouwen Nederland B.V.",
        "title": "Sloophout-marktplaats",
        "summary": "Een online marktplaats voor hout uit gemeentelijke sloopprojecten.",
        "description": "Sloopaannemers bieden hout aan; lokale makers en aannemers kopen.",
        "domains": ["circular-economy"],
        "route": "market-ready",
        "maturity": 7,
        "price_indication": "5% commissie per transactie",
        "evidence": "120 ton hout verhandeld in 2023.",
        "references": "Gemeente Almere",
        "steps": APPROVED + ["withdraw"],
        "days_ago": 300,
    },
    # --- Veilige Wijk -------------------------------------------------------------------------
    {
        "supplier": "Veilige Wijk B.V.",
        "title": "Meebewegende straatverlichting",
        "summary": "Ledlampen die dimmen als er niemand is en oplichten waar iemand loopt.",
        "description": "Bewegingssensoren in de armaturen; 60% minder stroom en minder "
        "lichtvervuiling, zonder dat de straat onveilig voelt.",
        "domains": ["safety", "energy"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 420 per lichtmast",
        "evidence": "Bewonersenquête in Eindhoven: 81% voelt zich even veilig of veiliger.",
        "references": "Gemeente Eindhoven",
        "steps": APPROVED,
        "days_ago": 210,
    },
    {
        "supplier": "Veilige Wijk B.V.",
        "title": "Anonieme meldapp voor overlast",
        "summary": "Bewoners melden overlast en ondermijning anoniem aan de gemeente.",
        "description": "Meldingen komen bij de wijkboa en de gemeente binnen; de melder "
        "blijft anoniem maar kan wel vragen beantwoorden.",
        "domains": ["safety", "digital-services"],
        "route": "needs-development",
        "maturity": 5,
        "price_indication": "€ 7.500 per jaar",
        "evidence": "Pilot in één wijk, 210 meldingen in drie maanden.",
        "references": "",
        "steps": ["submit", "claim", "changes"],
        "feedback": "Leg uit hoe u misbruik (valse meldingen) voorkomt en hoe de app "
        "aansluit op Meldingen Openbare Ruimte.",
        "days_ago": 55,
    },
    # --- DigiGemeente -------------------------------------------------------------------------
    {
        "supplier": "DigiGemeente B.V.",
        "title": "Chatbot voor de gemeentelijke balie",
        "summary": "Beantwoordt vragen van inwoners over paspoorten, afval en parkeren, "
        "dag en nacht.",
        "description": "Getraind op de eigen website van de gemeente; draagt over aan een "
        "medewerker als de vraag te ingewikkeld wordt. Voldoet aan de WCAG.",
        "domains": ["digital-services"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 12.000 per jaar",
        "evidence": "35% minder telefoontjes naar het KCC in Zwolle.",
        "references": "Gemeente Zwolle, Gemeente Deventer",
        "steps": APPROVED,
        "days_ago": 340,
    },
    {
        "supplier": "DigiGemeente B.V.",
        "title": "Toegankelijke formulierenbouwer",
        "summary": "Gemeenten bouwen zelf digitale formulieren die voldoen aan de WCAG.",
        "description": "Gebouwd op NL Design System; koppelt aan zaaksystemen via ZGW-API's.",
        "domains": ["digital-services"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 15.000 per jaar",
        "evidence": "In gebruik bij 4 gemeenten.",
        "references": "Gemeente Tilburg",
        "steps": ["submit"],
        "days_ago": 9,
    },
    {
        "supplier": "DigiGemeente B.V.",
        "title": "Open-data-dashboard voor raadsleden",
        "summary": "Raadsleden zien in één oogopslag de cijfers van hun gemeente.",
        "description": "",
        "domains": ["digital-services"],
        "route": "",
        "maturity": 4,
        "price_indication": "",
        "evidence": "",
        "references": "",
        "steps": [],
        "days_ago": 2,
    },
    # --- KlimaatAdaptief ----------------------------------------------------------------------
    {
        "supplier": "KlimaatAdaptief B.V.",
        "title": "Regenwatersensoren in het riool",
        "summary": "Sensoren waarschuwen voordat het riool overloopt bij een hoosbui.",
        "description": "Draadloze waterhoogtemeters in putten, met een voorspelling op "
        "basis van de buienradar. De beheerder kan gemalen op tijd bijsturen.",
        "domains": ["climate-adaptation", "safety"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 650 per sensor plus € 3.000 per jaar",
        "evidence": "Twee jaar in Den Bosch: geen ondergelopen kelders meer in de pilotwijk.",
        "references": "Gemeente 's-Hertogenbosch",
        "steps": APPROVED,
        "days_ago": 230,
    },
    {
        "supplier": "KlimaatAdaptief B.V.",
        "title": "Ontwerptool voor groene schoolpleinen",
        "summary": "Leerlingen ontwerpen samen een groen schoolplein dat regenwater vasthoudt.",
        "description": "Een lesprogramma met ontwerptool; de uitkomst is een bestek voor de "
        "aannemer, met een berekening van de waterberging.",
        "domains": ["education", "climate-adaptation"],
        "route": "market-ready",
        "maturity": 7,
        "price_indication": "€ 3.500 per school",
        "evidence": "42 schoolpleinen vergroend, samen 1,2 miljoen liter waterberging.",
        "references": "Gemeente Amsterdam",
        "steps": APPROVED_AFTER_CHANGES,
        "feedback": "Geef aan wat het onderhoud van het plein na oplevering kost.",
        "days_ago": 190,
    },
    {
        "supplier": "KlimaatAdaptief B.V.",
        "title": "Hittekaart per straat",
        "summary": "Laat per straat zien waar het in een hittegolf het warmst wordt.",
        "description": "Satellietdata en sensoren op lantaarnpalen, met advies voor "
        "vergroening en koele plekken.",
        "domains": ["climate-adaptation", "care"],
        "route": "needs-development",
        "maturity": 6,
        "price_indication": "€ 8.000 per jaar",
        "evidence": "Gevalideerd met metingen in drie wijken.",
        "references": "",
        "steps": ["submit", "claim"],
        "claimed_by": "beoordelaar-oost",
        "days_ago": 16,
    },
    # --- Leerlab Vlaanderen -------------------------------------------------------------------
    {
        "supplier": "Leerlab Vlaanderen BV",
        "title": "Digitale leesbegeleiding voor basisscholen",
        "summary": "Een leesapp die meeleest en kinderen helpt bij moeilijke woorden.",
        "description": "Spraakherkenning volgt het voorlezen; de leerkracht ziet de "
        "voortgang per kind. Ontwikkeld met Vlaamse en Nederlandse scholen.",
        "domains": ["education", "digital-services"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 9 per leerling per jaar",
        "evidence": "Effectstudie met 1.100 leerlingen: +0,4 AVI-niveau in een schooljaar.",
        "references": "Stad Gent, Gemeente Breda",
        "steps": APPROVED,
        "days_ago": 270,
    },
    {
        "supplier": "Leerlab Vlaanderen BV",
        "title": "Taalapp voor nieuwkomers",
        "summary": "Nederlands leren met situaties uit de eigen gemeente.",
        "description": "Lessen over het gemeentehuis, de huisarts en de school, in 12 brontalen.",
        "domains": ["education", "care"],
        "route": "needs-development",
        "maturity": 6,
        "price_indication": "€ 40 per deelnemer",
        "evidence": "Pilot met 80 statushouders.",
        "references": "",
        "steps": ["submit"],
        "days_ago": 31,
    },
    # --- Smart Industry Twente ----------------------------------------------------------------
    {
        "supplier": "Smart Industry Twente B.V.",
        "title": "Voorspellend onderhoud voor gemalen",
        "summary": "Trillingssensoren voorspellen wanneer een pomp in een gemaal stukgaat.",
        "description": "Machine learning op trillings- en stroomdata; onderhoud wordt "
        "gepland voordat een storing optreedt.",
        "domains": ["industry-4-0", "climate-adaptation"],
        "route": "market-ready",
        "maturity": 8,
        "price_indication": "€ 1.800 per gemaal per jaar",
        "evidence": "70% minder storingen bij 35 gemalen in Hengelo.",
        "references": "Gemeente Hengelo, Waterschap Vechtstromen",
        "steps": APPROVED,
        "days_ago": 250,
    },
    {
        "supplier": "Smart Industry Twente B.V.",
        "title": "Digitale tweeling van de buitenruimte",
        "summary": "Een 3D-model van bomen, riolering en bestrating voor planning en beheer.",
        "description": "Koppelt BGT, BOR-systemen en sensoren; simuleert het effect van ingrepen.",
        "domains": ["industry-4-0", "digital-services"],
        "route": "needs-development",
        "maturity": 5,
        "price_indication": "€ 40.000 per jaar",
        "evidence": "Proof of concept in één wijk.",
        "references": "",
        "steps": ["submit", "claim"],
        "claimed_by": "beoordelaar",
        "days_ago": 25,
    },
    {
        "supplier": "Smart Industry Twente B.V.",
        "title": "3D-geprinte straatmeubels",
        "summary": "Bankjes en bloembakken geprint van gerecycled plastic.",
        "description": "Ontwerp op maat, geprint in de fabriek in Enschede.",
        "domains": ["industry-4-0", "circular-economy"],
        "route": "market-ready",
        "maturity": 9,
        "price_indication": "€ 1.400 per bank",
        "evidence": "Eigen testen in de fabriek.",
        "references": "",
        "steps": ["submit", "claim", "reject"],
        "feedback": "Er ontbreekt onderbouwing van de levensduur en de brandveiligheid, en "
        "vergelijkbare producten zijn al breed verkrijgbaar.",
        "days_ago": 120,
    },
]

REVIEWERS = [
    # username, first name, last name
    ("beoordelaar", "Joke", "Peeters"),
    ("beoordelaar-oost", "Ruud", "Hendriks"),
]
SCORES = {"novelty": 4, "evidence": 4, "public_value": 4, "fit": 3}
LOW_SCORES = {"novelty": 2, "evidence": 2, "public_value": 3, "fit": 2}


def _user(username: str, first_name: str, last_name: str, *, password: str | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.org",
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _reviewer(username, first_name, last_name, password=None):
    user = _user(username, first_name, last_name, password=password)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["innovations", "municipalities"],
            codename__in=["review_innovation", "verify_adoption"],
        )
    )
    return get_user_model().objects.get(pk=user.pk)  # without a stale permission cache


def _supplier(name, country, size, number, website, member):
    supplier = Supplier.objects.filter(name=name).first()
    if supplier is None:
        supplier = supplier_create(
            name=name, country=country, size=size, registration_number=number, website=website
        )
    if member is not None and not hasattr(member, "supplier_membership"):
        supplier_member_add(supplier=supplier, user=member)
    return supplier


def seed(stdout=None) -> None:
    leverancier = _user("leverancier", "Sanne", "de Vries", password=DEMO_PASSWORD)
    reviewers = {
        username: _reviewer(
            username, first, last, password=DEMO_PASSWORD if username == "beoordelaar" else None
        )
        for username, first, last in REVIEWERS
    }
    suppliers, members = {}, {}
    for name, country, size, number, website, contact, first, last in SUPPLIERS:
        member = leverancier if contact is None else _user(contact, first, last)
        member = get_user_model().objects.get(pk=member.pk)
        suppliers[name] = _supplier(name, country, size, number, website, member)
        members[name] = member

    created = 0
    for spec in INNOVATIONS:
        supplier = suppliers[spec["supplier"]]
        if Innovation.objects.filter(
            supplier=supplier, title=spec["title"], revision_of__isnull=True
        ).exists():
            continue
        _innovation(spec, supplier, members[spec["supplier"]], reviewers)
        created += 1
    if stdout is not None:
        counts = dict(
            Innovation.objects.filter(revision_of__isnull=True)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in Status.values)
        stdout.write(f"Innovations: {created} created ({summary}).")


def _innovation(spec, supplier, member, reviewers) -> Innovation:
    fields = {
        name: spec[name]
        for name in (
            "summary",
            "description",
            "route",
            "maturity",
            "price_indication",
            "evidence",
            "references",
        )
    }
    innovation = innovation_create(
        supplier=supplier,
        user=member,
        title=spec["title"],
        domains=spec["domains"],
        contact_name=member.get_full_name() or supplier.name,
        contact_email=member.email,
        **fields,
    )
    first, second = reviewers["beoordelaar"], reviewers["beoordelaar-oost"]
    # Rotate who reviews, so that the queue and the histories show both reviewers.
    reviewer = second if innovation.pk % 2 else first
    current = innovation
    for step in spec["steps"]:
        if step == "revise":
            current, _ = innovation_update(
                innovation=innovation, user=member, **spec.get("revision", {})
            )
            continue
        if step == "claim":
            claimer = reviewers.get(spec.get("claimed_by", ""), reviewer)
            current = _act(current, claimer, CLAIM)
        elif step == "approve":
            current = _approve(current, reviewer, [first, second])
        elif step == "changes":
            current = _act(
                current, reviewer, REQUEST_CHANGES, scores=LOW_SCORES, feedback=spec["feedback"]
            )
        elif step == "reject":
            current = _act(current, reviewer, REJECT, scores=LOW_SCORES, feedback=spec["feedback"])
        else:
            current = _act(current, member, {"submit": SUBMIT, "withdraw": WITHDRAW}[step])
    _date_back(innovation, spec["days_ago"])
    return innovation


def _act(innovation, user, action, **kwargs):
    return innovation_transition(
        innovation=innovation, user=user, action=action, notify=False, **kwargs
    )


def _approve(innovation, reviewer, all_reviewers):
    """Approve with as many different reviewers as KOPLOPER_REQUIRED_APPROVALS asks."""
    order = [reviewer] + [r for r in all_reviewers if r.pk != reviewer.pk]
    for index in range(required_approvals()):
        user = order[index % len(order)]
        if index:
            innovation = _act(innovation, user, CLAIM)
        innovation = _act(innovation, user, APPROVE, scores=SCORES, feedback=_praise(innovation))
        if innovation.status == Status.APPROVED:
            break
    return innovation


def _praise(innovation) -> str:
    if innovation.revision_of_id:
        return "De wijziging is duidelijk en goed onderbouwd."
    return "Goed onderbouwd, met bewijs uit de praktijk. Geschikt voor de catalogus."


def _date_back(innovation: Innovation, days_ago: int) -> None:
    """Spread the history of an innovation (and of its revisions) over the past
    `days_ago` days: the steps a few days apart, the latest still in the past."""
    rows = [innovation, *innovation.revisions.all()]
    changes = list(StatusChange.objects.filter(innovation__in=rows).order_by("created_at", "id"))
    start = timezone.now() - datetime.timedelta(days=days_ago)
    step = datetime.timedelta(days=max(1, days_ago // max(1, len(changes) + 1)))
    for index, change in enumerate(changes):
        when = start + step * index + datetime.timedelta(hours=9 + index % 7)
        StatusChange.objects.filter(pk=change.pk).update(created_at=when)
        change.created_at = when
    for row in rows:
        own = [c for c in changes if c.innovation_id == row.pk]
        if not own:
            continue
        submitted = [c.created_at for c in own if c.to_status == Status.SUBMITTED]
        published = [
            c.created_at
            for c in own
            if c.to_status == Status.APPROVED and c.from_status == Status.IN_REVIEW
        ]
        Innovation.objects.filter(pk=row.pk).update(
            created_at=own[0].created_at,
            updated_at=own[-1].created_at,
            submitted_at=submitted[-1] if submitted else None,
            published_at=published[0] if published else None,
        )
        # A review was written just before the status change it caused.
        decisions = [c for c in own if c.from_status == Status.IN_REVIEW and c.actor_id is not None]
        reviews = list(Review.objects.filter(innovation=row).order_by("id"))
        for review, change in zip(reviews, decisions, strict=False):
            Review.objects.filter(pk=review.pk).update(
                created_at=change.created_at - datetime.timedelta(minutes=20)
            )
