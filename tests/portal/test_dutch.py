"""Dutch that reads (issue 18, item 7): statuses are not pressed into sentences, a name
ending in a full stop gets no second one, one date format in both languages, the province
is called a province, and mail subjects are plain text."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from innovations.enums import Status
from innovations.workflow import SUBMIT, innovation_transition
from municipalities.enums import Stage, Verification
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import SCORES, innovation_in

pytestmark = [pytest.mark.translated, pytest.mark.django_db]

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_dutch_decision_message_is_a_sentence(client):
    innovation = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user()
    innovation.assigned_reviewer = reviewer
    innovation.save()
    client.force_login(reviewer)

    with translation.override("nl"):
        response = client.post(
            reverse("review:decide", args=[innovation.pk]),
            {"decision": "request_changes", "feedback": "Meer bewijs graag.", **SCORES},
            follow=True,
        )

    assert _messages(response) == [
        "Besluit vastgelegd: de leverancier wordt gevraagd de innovatie aan te passen."
    ]


def test_dutch_status_in_a_refusal_is_named_not_declined(client):
    innovation = innovation_in(Status.SUBMITTED)
    client.force_login(supplier_user(innovation.supplier))

    with translation.override("nl"):
        response = client.get(reverse("innovations:edit", args=[innovation.pk]), follow=True)

    assert _messages(response) == [
        "Deze innovatie kan niet worden bewerkt zolang haar status ‘Ingediend’ is."
    ]


def test_dutch_name_ending_in_a_stop_gets_no_second_one(client):
    supplier = SupplierFactory(name="Slimstraat B.V.")
    innovation = InnovationFactory(supplier=supplier, title="Slimme straatlantaarn")
    municipality = MunicipalityFactory(name="Utrecht")
    client.force_login(buyer_user(municipality))

    with translation.override("nl"):
        page = client.get(reverse("municipalities:adoption_create", args=[innovation.slug]))

    text = page.content.decode()
    assert "Utrecht gebruikt <strong>Slimme straatlantaarn</strong> (Slimstraat B.V.)." in text
    assert "B.V.." not in text


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "4 december 2026"), ("en", "4 December 2026")]
)
def test_dutch_one_date_format_in_both_languages(client, language, expected):
    adoption = AdoptionFactory(
        started_on=datetime.date(2026, 12, 4),
        stage_since=datetime.date(2026, 12, 4),
        verification=Verification.VERIFIED,
    )

    with translation.override(language):
        municipality = client.get(
            reverse("municipalities:detail", args=[adoption.municipality.slug])
        ).content.decode()
        detail = client.get(
            reverse("municipalities:adoption_detail", args=[adoption.pk])
        ).content.decode()

    assert expected in municipality
    assert expected in detail
    assert "4 Dec 2026" not in municipality + detail
    assert "Dec. 4, 2026" not in municipality + detail


def test_dutch_templates_name_no_date_format_of_their_own():
    """Dates go through |date (DATE_FORMAT) or a named format, never a format string (a
    month's name alone, "F" or "M", is no date)."""
    own = re.compile(r'\|date:"(?![A-Z_]+_FORMAT"|F"|M")')
    found = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.is_file() and own.search(path.read_text(encoding="utf-8"))
    )

    assert found == []


def test_dutch_dashboard_says_province_where_it_means_the_province(client):
    utrecht = MunicipalityFactory(name="Utrecht", province="Utrecht", country="NL")
    neighbour = MunicipalityFactory(name="Zeist", province="Utrecht", country="NL")
    AdoptionFactory(municipality=neighbour, innovation=InnovationFactory())
    client.force_login(buyer_user(utrecht))

    with translation.override("nl"):
        page = client.get(reverse("dashboard")).content.decode()

    assert "in de provincie Utrecht" in page


def test_dutch_mail_subject_is_plain_text(django_capture_on_commit_callbacks):
    innovation = innovation_in(Status.DRAFT, title="Bob's <Zon> & co")
    reviewer_user(email="r@example.org", language="nl")

    with django_capture_on_commit_callbacks(execute=True):
        innovation_transition(
            innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
        )

    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == "Nieuwe innovatie om te beoordelen: Bob's <Zon> & co"
    assert (
        "<title>Nieuwe innovatie om te beoordelen: Bob&#x27;s &lt;Zon&gt; &amp; co</title>" in html
    )


def test_dutch_recorded_decision_reads_as_what_happened(client):
    """The form's choice is an instruction ("Wijzigingen vragen"); the supplier's and the
    reviewer's tables of recorded reviews say what was decided."""
    innovation = innovation_in(Status.IN_REVIEW)
    reviewer = reviewer_user()
    innovation.assigned_reviewer = reviewer
    innovation.save()
    client.force_login(reviewer)
    client.post(
        reverse("review:decide", args=[innovation.pk]),
        {"decision": "request_changes", "feedback": "Meer bewijs graag.", **SCORES},
    )
    client.force_login(supplier_user(innovation.supplier))

    with translation.override("nl"):
        page = client.get(reverse("innovations:manage", args=[innovation.pk])).content.decode()

    feedback = page.split('id="feedback-heading"')[1].split("</table>")[0]
    assert "<td>Wijzigingen gevraagd</td>" in feedback
    assert "Wijzigingen vragen" not in feedback


def test_dutch_a_rank_is_a_plaats_on_every_page():
    """One word for a rank: the board says "Plaats", so the scorecard and the dashboard do."""
    with translation.override("nl"):
        words = [
            translation.gettext(text)
            for text in ("Rank", "Rank in size class", "Rank over time")
            + ("Rank on each recent board",)
        ]

    assert words == [
        "Plaats",
        "Plaats in grootteklasse",
        "Plaats door de tijd",
        "Plaats op elke recente ranglijst",
    ]


def test_dutch_empty_queue_says_so_once(client):
    """An empty queue shows its empty text, not also a count of nothing ("0 innovaties")."""
    client.force_login(reviewer_user())

    with translation.override("nl"):
        page = client.get(reverse("review:queue")).content.decode()

    assert "Niets te beoordelen met deze filters." in page
    assert "0 innovaties" not in page


def test_dutch_page_of_follows_is_named_what_you_follow(client):
    client.force_login(buyer_user())

    with translation.override("nl"):
        page = client.get(reverse("alerts:follows")).content.decode()

    assert '<h1 class="utrecht-heading-1">Wat u volgt</h1>' in page
    assert "Volgend" not in page


def test_dutch_choice_of_innovation_says_what_to_choose(client):
    """A select starts with an instruction, not Django's "---------"."""
    innovation = InnovationFactory(title="Slimme straatlantaarn")
    client.force_login(supplier_user(innovation.supplier))

    with translation.override("nl"):
        page = client.get(
            reverse("municipalities:challenge_respond", args=[ChallengeFactory().pk])
        ).content.decode()

    assert '<option value="" selected>Kies een van uw goedgekeurde innovaties</option>' in page
    assert "---------" not in page


def test_dutch_one_word_for_the_implemented_stage():
    """The stage "implemented" is "ingevoerd" (and its noun "invoering") everywhere: in its
    label, the stage rules, the formula and the pilot outcomes; never "geïmplementeerd"."""
    catalogue = polib.pofile(
        str(Path(__file__).resolve().parents[2] / "locale/nl/LC_MESSAGES/django.po")
    )
    dutch = [
        text
        for entry in catalogue
        if not entry.obsolete
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text
    ]
    with translation.override("nl"):
        labels = [str(label) for label in Stage.labels]
        formula = translation.gettext("stage: pilot 1, implemented 2, scaled up 3, ended 0;")

    assert labels == ["Pilot", "Ingevoerd", "Opgeschaald", "Beëindigd"]
    assert [t for t in dutch if re.search(r"implement", t, re.IGNORECASE)] == []
    assert formula == "fase: pilot 1, ingevoerd 2, opgeschaald 3, beëindigd 0;"


def test_dutch_guide_answers_agree_with_de_oplossing():
    """ "Is de oplossing op de markt?" is answered with "ze" (de oplossing), not "het"."""
    from procurement.enums import OnMarket

    with translation.override("nl"):
        question = translation.gettext("Is the solution on the market?")
        answers = [str(label) for label in OnMarket.labels][:3]

    assert question == "Is de oplossing op de markt?"
    assert answers == [
        "Ja, ze is te koop zoals ze is",
        "Gedeeltelijk: ze moet worden aangepast aan onze situatie",
        "Nee, ze moet nog worden ontwikkeld",
    ]
