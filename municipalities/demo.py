"""Demo data of this app, called by `manage.py seed_demo` (idempotent, realistic Dutch content).

Runs after innovations.demo: adoptions over the approved demo innovations, spread over
Dutch and Flemish municipalities in every stage, mostly verified, with stage histories,
evaluations and TenderNed-like references; open challenges with answers. Nothing is changed
on a second run: every row is looked up by its natural key first. Dates are relative to
today, so the demo looks current whenever it is loaded."""

# ruff: noqa: S311 - seeded generators make the demo data reproducible; nothing here is secret

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from innovations.models import Innovation, SupplierMember

from .adoption_facts import adoption_facts_refresh
from .enums import ChallengeStatus, MembershipStatus, ResponseStatus, Stage, Verification
from .models import (
    Adoption,
    AdoptionStageChange,
    BuyerMembership,
    Challenge,
    ChallengeResponse,
    Evaluation,
    Municipality,
)
from .reference import municipalities_load_reference

UTRECHT = "GM0344"  # the demo buyer `inkoper` buys for Utrecht

# Municipalities that adopt in the demo: every Dutch province, the Flemish provinces,
# every size class. The first ones get more adoptions (they are listed first).
ADOPTERS = [
    "GM0344",  # Utrecht
    "GM0363",  # Amsterdam
    "GM0599",  # Rotterdam
    "GM0772",  # Eindhoven
    "44021",  # Gent
    "GM0307",  # Amersfoort
    "GM0193",  # Zwolle
    "11002",  # Antwerpen
    "GM0014",  # Groningen
    "GM0268",  # Nijmegen
    "24062",  # Leuven
    "GM0355",  # Zeist
    "GM0321",  # Houten
    "GM0150",  # Deventer
    "GM0855",  # Tilburg
    "GM0518",  # 's-Gravenhage
    "31005",  # Brugge
    "GM0356",  # Nieuwegein
    "GM0935",  # Maastricht
    "GM0080",  # Leeuwarden
    "GM0106",  # Assen
    "GM0034",  # Almere
    "GM0392",  # Haarlem
    "GM0546",  # Leiden
    "12025",  # Mechelen
    "71072",  # Hasselt
    "GM0718",  # Vlissingen
    "GM0200",  # Apeldoorn
    "GM0153",  # Enschede
    "34022",  # Kortrijk
    "GM0310",  # De Bilt
    "GM0448",  # Texel
    "GM0345",  # Veenendaal
    "GM0503",  # Delft
    "GM0758",  # Breda
    "13040",  # Turnhout
    "24038",  # Herent
    "GM0917",  # Heerlen
    "GM0114",  # Emmen
    "GM0361",  # Alkmaar
    "46021",  # Sint-Niklaas
    "GM0513",  # Gouda
]

FIRST_NAMES = [
    "Anouk", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Jeroen",
    "Karim", "Lotte", "Maarten", "Nadia", "Olivier", "Petra", "Ruben", "Sophie", "Thijs",
    "Wouter", "Yasmina", "Zeynep", "Pieter-Jan", "Griet", "Stijn", "Lien",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "Mulder",
    "de Boer", "Bos", "Vermeulen", "Hendriks", "Peeters", "Claes", "Janssens", "Maes",
    "Wouters", "Dekker", "van Dijk", "El Idrissi", "Yilmaz", "Kramer",
]  # fmt: skip
ROLES_AT_MUNICIPALITY = [
    "strategisch inkoper",
    "projectleider innovatie",
    "beleidsadviseur duurzaamheid",
    "contractmanager",
    "programmamanager smart city",
]

EVIDENCE = {
    Stage.PILOT: [
        "Pilot van twaalf maanden in de wijk {wijk}, gegund na een marktconsultatie en een "
        "meervoudig onderhandse procedure. Het college informeerde de raad per "
        "raadsinformatiebrief.",
        "Proeftuin met {aantal} deelnemers, betaald uit het innovatiebudget. Evaluatie na "
        "afloop door een extern bureau.",
    ],
    Stage.IMPLEMENTED: [
        "Na een geslaagde pilot in {wijk} is de oplossing via een Europese openbare "
        "aanbesteding voor de hele gemeente ingekocht (looptijd vier jaar, twee keer "
        "verlengbaar).",
        "Opgenomen in de begroting; de leverancier levert onder een raamovereenkomst met "
        "prestatie-indicatoren die elk kwartaal worden besproken.",
    ],
    Stage.SCALED: [
        "Uitgerold over alle wijken en samen met {aantal} buurgemeenten ingekocht via een "
        "gezamenlijke aanbesteding in de regio.",
        "Opgeschaald van pilot naar gemeentebrede dienst; de aanpak is overgenomen in het "
        "regionale programma en gedeeld met andere gemeenten.",
    ],
    Stage.ENDED: [
        "Pilot in {wijk} na één jaar gestopt: de beoogde besparing bleef uit en de koppeling "
        "met onze systemen kostte meer dan verwacht.",
        "Contract na de eerste termijn niet verlengd; de functie is opgenomen in een breder "
        "platform dat we inmiddels gebruiken.",
    ],
}
WIJKEN = [
    "Overvecht", "Kanaleneiland", "het centrum", "Noord", "de Schilderswijk", "Zuidoost",
    "Stadsdeel West", "de binnenstad", "het havengebied", "Hoograven", "Sint-Amandsberg",
]  # fmt: skip

LESSONS = {
    "met": [
        "Begin klein, maar spreek vooraf af wanneer je opschaalt. Door de heldere "
        "KPI's konden we het college snel overtuigen. Betrek de wijkteams vanaf dag één.",
        "De leverancier dacht echt mee. Reken wel op extra tijd voor de privacytoets "
        "(DPIA) en de aansluiting op onze eigen systemen.",
        "Bewoners waren na drie maanden enthousiast. De besparing was groter dan in het "
        "businessplan, vooral in de wintermaanden.",
        "Door samen met twee buurgemeenten in te kopen kregen we een betere prijs en "
        "deelden we de implementatiekosten. Die regionale samenwerking raden we iedereen aan.",
        "Het beheer ligt nu bij de buitendienst; de storingen zijn met een derde gedaald. "
        "Maak vooraf afspraken over onderhoud en reactietijden in het contract.",
    ],
    "partly": [
        "Technisch werkte het goed, maar de organisatie was er nog niet klaar voor. Zorg "
        "voor een vaste eigenaar binnen de gemeente en voldoende beheercapaciteit.",
        "De helft van de doelen gehaald. De data waren bruikbaar, de gedragsverandering "
        "bij inwoners bleef achter. Combineer het met een communicatiecampagne.",
        "In de nieuwbouwwijk werkte het uitstekend, in de oudere wijken veel minder. Kies "
        "je pilotlocatie met zorg en meet vooraf een nulsituatie.",
    ],
    "not": [
        "De oplossing paste niet bij de schaal van onze gemeente. Voor grotere steden is "
        "het waarschijnlijk wel interessant; vraag referenties van vergelijkbare gemeenten.",
        "Te vroeg ingestapt: het product was nog niet volwassen genoeg. Spreek bij een "
        "pilot een exit-moment en eigendom van de data af.",
        "De aanbesteding liep vertraging op en toen de pilot startte was het budget "
        "grotendeels op. Reserveer geld voor de evaluatie en voor opschaling.",
    ],
}

REJECTION_NOTES = [
    "Het TenderNed-kenmerk verwijst naar een andere opdracht. Wilt u de juiste publicatie "
    "of het contractnummer toevoegen?",
    "De startdatum ligt voor de oprichting van de leverancier; controleer de datum.",
    "Geen bewijs gevonden dat de pilot al is gestart. Voeg een raadsbesluit, "
    "opdrachtbevestiging of verslag toe.",
]
VERIFY_NOTES = [
    "Publicatie op TenderNed gecontroleerd.",
    "Opdrachtbevestiging en raadsinformatiebrief gezien.",
    "Bevestigd door de leverancier en de contactpersoon van de gemeente.",
    "",
]

CHALLENGES = [
    # municipality, title, domain, days until the deadline, problem statement
    (
        "GM0344",
        "Hittestress in versteende wijken",
        "climate-adaptation",
        75,
        "In Kanaleneiland en Overvecht loopt de temperatuur op zomerse dagen tot vijf graden "
        "hoger op dan in de rest van de stad. Ouderen en kwetsbare bewoners hebben daar last "
        "van. Wij zoeken oplossingen om hitte te meten, te voorspellen en te verminderen: "
        "vergroening, verkoeling, waterberging of slimme waarschuwingen voor inwoners.",
    ),
    (
        "GM0344",
        "Energie besparen in gemeentelijk vastgoed",
        "energy",
        45,
        "Onze sporthallen, scholen en buurthuizen verbruiken samen meer dan 30 GWh per jaar. "
        "Wij willen het energieverbruik met een kwart verlagen zonder grote verbouwingen: "
        "slimme regeling van verwarming, ventilatie en verlichting, inzicht in het verbruik "
        "per gebouw en zonnepanelen op daken die dat dragen.",
    ),
    (
        "GM0363",
        "Minder afval en betere scheiding bij hoogbouw",
        "circular-economy",
        60,
        "In hoogbouwwijken wordt nog geen 20 procent van het afval gescheiden. Containers "
        "staan ver weg en zitten vaak vol. Wij zoeken slimme inzamelsystemen, beloning van "
        "goed scheidingsgedrag of andere manieren om grondstoffen terug te winnen.",
    ),
    (
        "GM0193",
        "Eenzaamheid onder ouderen vroeg signaleren",
        "care",
        90,
        "Steeds meer ouderen wonen langer thuis en raken uit beeld. Wij willen eenzaamheid "
        "eerder signaleren en mensen in contact brengen met buren, vrijwilligers en "
        "welzijnswerk, zonder inbreuk op hun privacy.",
    ),
    (
        "44021",
        "Veilige schoolroutes voor fietsende kinderen",
        "mobility",
        50,
        "Rond basisscholen is het 's ochtends druk en onoverzichtelijk. Wij zoeken "
        "oplossingen die verkeersstromen meten, gevaarlijke punten in kaart brengen en "
        "ouders en kinderen helpen om veilig met de fiets naar school te gaan.",
    ),
    (
        "GM0772",
        "Netcongestie op bedrijventerreinen",
        "energy",
        120,
        "Bedrijven op onze terreinen kunnen niet verduurzamen omdat het stroomnet vol zit. "
        "Wij zoeken slimme energiehubs, opslag en het delen van capaciteit tussen bedrijven.",
    ),
    (
        "GM0321",
        "Wateroverlast na hevige buien",
        "climate-adaptation",
        30,
        "Na hevige buien lopen kelders en tunnels onder water. Wij willen beter voorspellen "
        "waar het misgaat en regenwater langer vasthouden in de openbare ruimte.",
    ),
]
CLOSED_CHALLENGE = (
    "GM0344",
    "Digitaal parkeervergunningen aanvragen",
    "digital-services",
    "Bewoners moeten voor een parkeervergunning nog een papieren formulier invullen. Wij "
    "zochten een digitale oplossing die aansluit op ons zaaksysteem.",
)
PITCHES = [
    "Onze oplossing draait al in {count} gemeenten en past precies op dit probleem. Wij "
    "starten graag met een pilot van drie maanden in één wijk, met vooraf afgesproken "
    "KPI's en een eerlijke evaluatie.",
    "Wij hebben ervaring met vergelijkbare vraagstukken en leveren binnen acht weken een "
    "werkende proef. De data blijven van de gemeente; koppeling via open standaarden.",
    "Graag lichten wij in een gesprek toe hoe wij dit aanpakken. Wij werken samen met een "
    "lokale sociale onderneming voor installatie en beheer.",
]

STAGE_WEIGHTS = [(Stage.PILOT, 35), (Stage.IMPLEMENTED, 30), (Stage.SCALED, 20), (Stage.ENDED, 15)]
VERIFICATION_WEIGHTS = [
    (Verification.VERIFIED, 80),
    (Verification.CLAIMED, 12),
    (Verification.REJECTED, 8),
]
TARGET_ADOPTIONS = 80


def _write(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person(rng: random.Random, municipality: Municipality) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = f"{first[0]}.{last.replace(' ', '').replace('-', '')}".lower()
    return f"{first} {last}", f"{local}@gemeente-{municipality.slug}.example"


def _buyer(municipality: Municipality, username: str | None = None):
    """The demo buyer of a municipality, created if missing (without a usable password: the
    documented demo accounts are made by portal.demo)."""
    User = get_user_model()
    username = username or f"inkoper-{municipality.slug}"[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        rng = random.Random(username)  # seeded demo data, not secrets  # nosec B311
        name, email = _person(rng, municipality)
        first, _, last = name.partition(" ")
        user = User(
            username=username,
            email=email if username != "inkoper" else "inkoper@example.org",
            first_name=first,
            last_name=last,
        )
        user.set_unusable_password()
        user.save()
    BuyerMembership.objects.get_or_create(
        user=user,
        defaults={
            "municipality": municipality,
            "status": MembershipStatus.APPROVED,
            "job_title": random.Random(username).choice(ROLES_AT_MUNICIPALITY),  # seeded demo data  # nosec B311
            "decided_at": timezone.now(),
        },
    )
    return user


def _reference(rng: random.Random, municipality: Municipality, started_on: datetime.date) -> str:
    if municipality.country == "BE":
        if rng.random() < 0.6:
            return f"e-Procurement {started_on.year}-{rng.randint(500000, 599999)}"
        return f"Bestek {started_on.year}/{rng.randint(10, 250):03d}"
    if rng.random() < 0.65:
        return f"TenderNed {rng.randint(300000, 459999)}"
    prefix = "".join(ch for ch in municipality.name.upper() if ch.isalpha())[:3]
    return f"Contract {prefix}-{started_on.year}-{rng.randint(1, 999):04d}"


def _dates(rng: random.Random, stage: str, today: datetime.date):
    """Start date and the dates of each later stage, oldest first, none in the future."""
    started_on = today - datetime.timedelta(days=rng.randint(120, 3200))
    path = {
        Stage.PILOT: [Stage.PILOT],
        Stage.IMPLEMENTED: [Stage.PILOT, Stage.IMPLEMENTED],
        Stage.SCALED: [Stage.PILOT, Stage.IMPLEMENTED, Stage.SCALED],
        Stage.ENDED: [Stage.PILOT, Stage.ENDED],
    }[stage]
    steps = [(path[0], started_on)]
    day = started_on
    for next_stage in path[1:]:
        room = (today - day).days
        if room < 2:
            break
        day = day + datetime.timedelta(days=rng.randint(1, max(1, min(room - 1, 540))))
        steps.append((next_stage, day))
    return started_on, steps


def _seed_adoptions(innovations, today, reviewer, stdout) -> int:
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=ADOPTERS)}
    codes = [code for code in ADOPTERS if code in municipalities]
    per_innovation = max(2, min(12, round(TARGET_ADOPTIONS / len(innovations))))
    created = utrecht_count = 0
    for position, innovation in enumerate(innovations):
        rng = random.Random(f"adoptions:{innovation.slug}")  # seeded demo data, not secrets  # nosec B311
        # Earlier innovations in the list get a few more adopters, so the board has a head.
        count = min(len(codes), per_innovation + (2 if position < 3 else 0) - position % 2)
        chosen = rng.sample(codes, count)
        # Utrecht, the demo buyer's municipality, uses two in three innovations and leaves
        # the rest to others, so that "municipalities like yours use …" has suggestions.
        if position % 3 == 2 and UTRECHT in chosen:
            chosen.remove(UTRECHT)
        elif position % 3 != 2 and UTRECHT not in chosen and UTRECHT in municipalities:
            chosen[-1] = UTRECHT
        for code in chosen:
            municipality = municipalities[code]
            if Adoption.objects.filter(municipality=municipality, innovation=innovation).exists():
                continue
            verification = None
            if code == UTRECHT:
                # The demo buyer sees one adoption waiting and one rejected on the dashboard.
                utrecht_count += 1
                verification = {2: Verification.CLAIMED, 3: Verification.REJECTED}.get(
                    utrecht_count
                )
            _create_adoption(rng, municipality, innovation, today, reviewer, verification)
            created += 1
    return created


def _moment(day: datetime.date, today: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time during office hours on `day`, but never in the future."""
    moment = datetime.datetime.combine(
        min(day, today), datetime.time(rng.randint(8, 16), rng.randint(0, 59))
    )
    return min(timezone.make_aware(moment), timezone.now())


def _create_adoption(rng, municipality, innovation, today, reviewer, verification) -> Adoption:
    stage = _pick(rng, STAGE_WEIGHTS)
    verification = verification or _pick(rng, VERIFICATION_WEIGHTS)
    started_on, steps = _dates(rng, stage, today)
    stage, stage_since = steps[-1]
    buyer = _buyer(municipality, "inkoper" if municipality.code == UTRECHT else None)
    contact_name, contact_email = _person(rng, municipality)
    evidence = rng.choice(EVIDENCE[stage]).format(
        wijk=rng.choice(WIJKEN), aantal=rng.randint(3, 60)
    )
    verified_at = None
    if verification != Verification.CLAIMED:
        verified_at = _moment(stage_since + datetime.timedelta(days=rng.randint(3, 40)), today, rng)
    adoption = Adoption.objects.create(
        municipality=municipality,
        innovation=innovation,
        stage=stage,
        started_on=started_on,
        stage_since=stage_since,
        evidence_reference=_reference(rng, municipality, started_on),
        evidence_description=evidence,
        contact_name=contact_name,
        contact_email=contact_email,
        claimed_by=buyer,
        verification=verification,
        verified_by=reviewer if verification != Verification.CLAIMED else None,
        verified_at=verified_at,
        verification_note=(
            rng.choice(REJECTION_NOTES)
            if verification == Verification.REJECTED
            else rng.choice(VERIFY_NOTES)
            if verification == Verification.VERIFIED
            else ""
        ),
    )
    # Backdate the record so the demo reads like history: decided claims were recorded a
    # little before their verification, open claims in the last weeks, each stage change
    # around the day it happened.
    if verified_at is not None:
        recorded = verified_at - datetime.timedelta(days=rng.randint(1, 10))
    else:
        recorded = timezone.now() - datetime.timedelta(
            days=rng.randint(1, 40), hours=rng.randint(0, 9)
        )
    Adoption.objects.filter(pk=adoption.pk).update(created_at=recorded, updated_at=recorded)
    previous = ""
    last_recorded = None
    for step_stage, step_date in steps:
        change = AdoptionStageChange.objects.create(
            adoption=adoption,
            from_stage=previous,
            to_stage=step_stage,
            stage_since=step_date,
            changed_by=buyer,
        )
        when = _moment(step_date + datetime.timedelta(days=rng.randint(0, 5)), today, rng)
        # Never before the previous change, so the history reads in the order it happened.
        when = min(when, recorded)
        if last_recorded is not None:
            when = max(when, last_recorded)
        last_recorded = when
        AdoptionStageChange.objects.filter(pk=change.pk).update(created_at=when)
        previous = step_stage
    # Evaluations: most adoptions that went beyond a pilot, every ended one, some pilots.
    chance = {Stage.PILOT: 0.25, Stage.IMPLEMENTED: 0.6, Stage.SCALED: 0.7, Stage.ENDED: 1.0}
    if verification == Verification.VERIFIED and rng.random() < chance[stage]:
        goals = {
            Stage.PILOT: rng.choice(["met", "partly"]),
            Stage.IMPLEMENTED: rng.choice(["met", "met", "partly"]),
            Stage.SCALED: "met",
            Stage.ENDED: rng.choice(["not", "partly"]),
        }[stage]
        Evaluation.objects.create(
            adoption=adoption,
            goals_met=goals,
            lessons_learned=rng.choice(LESSONS[goals]),
            would_recommend=goals != "not",
        )
    return adoption


def _seed_challenges(innovations, today, stdout) -> tuple[int, int]:
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=ADOPTERS)}
    created_challenges = created_responses = 0
    for code, title, domain, days, text in CHALLENGES:
        municipality = municipalities.get(code)
        if municipality is None:
            continue
        buyer = _buyer(municipality, "inkoper" if code == UTRECHT else None)
        challenge, created = Challenge.objects.get_or_create(
            municipality=municipality,
            title=title,
            defaults={
                "problem_statement": text,
                "domain": domain,
                "deadline": today + datetime.timedelta(days=days),
                "created_by": buyer,
            },
        )
        created_challenges += created
        if created:
            created_responses += _seed_responses(challenge, innovations)
    code, title, domain, text = CLOSED_CHALLENGE
    if code in municipalities:
        _, created = Challenge.objects.get_or_create(
            municipality=municipalities[code],
            title=title,
            defaults={
                "problem_statement": text,
                "domain": domain,
                "deadline": today - datetime.timedelta(days=20),
                "status": ChallengeStatus.CLOSED,
                "created_by": _buyer(municipalities[code], "inkoper"),
            },
        )
        created_challenges += created
    return created_challenges, created_responses


def _seed_responses(challenge, innovations) -> int:
    """Two or three answers from different suppliers, preferring the challenge's domain."""
    rng = random.Random(f"responses:{challenge.title}")  # seeded demo data, not secrets  # nosec B311
    in_domain = [i for i in innovations if challenge.domain in {d.code for d in i.domains.all()}]
    others = [i for i in innovations if i not in in_domain]
    candidates, suppliers = [], set()
    for innovation in in_domain + rng.sample(others, min(2, len(others))):
        if innovation.supplier_id not in suppliers:
            candidates.append(innovation)
            suppliers.add(innovation.supplier_id)
    created = 0
    for index, innovation in enumerate(candidates[: rng.randint(2, 3)]):
        member = (
            SupplierMember.objects.filter(supplier=innovation.supplier)
            .select_related("user")
            .first()
        )
        ChallengeResponse.objects.get_or_create(
            challenge=challenge,
            innovation=innovation,
            defaults={
                "pitch": rng.choice(PITCHES).format(count=rng.randint(2, 9)),
                "status": [ResponseStatus.INTERESTED, ResponseStatus.NEW, ResponseStatus.DECLINED][
                    index % 3
                ],
                "created_by": member.user if member else None,
            },
        )
        created += 1
    return created


@transaction.atomic
def seed(stdout=None) -> None:
    """Buyers, adoptions, evaluations, stage histories and challenges (idempotent)."""
    if not Municipality.objects.filter(code=UTRECHT).exists():
        municipalities_load_reference()
    utrecht = Municipality.objects.get(code=UTRECHT)
    _buyer(utrecht, "inkoper")
    innovations = list(
        Innovation.objects.approved()
        .select_related("supplier")
        .prefetch_related("domains")
        .order_by("published_at", "slug")
    )
    if not innovations:
        _write(stdout, "Adoptions and challenges: skipped, there are no approved innovations.")
        return
    today = timezone.localdate()
    reviewer = get_user_model().objects.filter(username="beoordelaar").first()
    adoptions = _seed_adoptions(innovations, today, reviewer, stdout)
    # The adoptions above are written directly, not through the services: tell the
    # catalogue their counts and provinces as adoption_verify would have.
    adoption_facts_refresh(innovation_ids=[innovation.pk for innovation in innovations])
    challenges, responses = _seed_challenges(innovations, today, stdout)
    _write(
        stdout,
        f"Adoptions: {adoptions} created ({Adoption.objects.count()} in all); "
        f"challenges: {challenges} created, {responses} answers.",
    )
