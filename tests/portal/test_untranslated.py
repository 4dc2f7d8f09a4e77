"""No untranslated text in the Dutch UI: every page of the URL configuration (the
authorization matrix's world: one object of each kind, one user per role), as each role
that may see it, rendered in Dutch, SVGs included, and every form sent back empty with its
errors. tests/i18n_check.py says what counts; the browser journeys run the same check on
every page they visit (tests/e2e/helpers.py)."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from ranking.models import RankingEntry
from tests.i18n_check import GettextMisses, untranslated_text
from tests.security import test_authz_matrix as matrix
from tests.security.test_authz_matrix import MATRIX, ROLES, URLS, url_for


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The authorization matrix's world (one object of each kind, one user per role), made
    as Dutch users make it: what the portal names for them (a saved search) is Dutch."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(LOCALE_PATHS=[settings.BASE_DIR / "locale"]),
        translation.override("nl"),
    ):
        yield matrix.World()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.translated, pytest.mark.django_db]

MARKUP = ("text/html", "image/svg+xml")


# Pages made of sections that depend on the role: every role that may open them.
EVERY_ROLE = {"dashboard"}


def _pages():
    """(key, method, role) of every page a role may open (200) and every form sent back
    with its errors (400): as the first role allowed, or every allowed role (EVERY_ROLE)."""
    pages = []
    for key, methods in MATRIX.items():
        if key.startswith(("api", "schema")) or key not in URLS:
            continue
        for method, row in methods.items():
            if method not in URLS[key][1] or method not in ("GET", "POST"):
                continue
            wanted = "200" if method == "GET" else "400"
            roles = [role for role, token in zip(ROLES, row, strict=True) if token == wanted]
            pages += [(key, method, role) for role in roles[: None if key in EVERY_ROLE else 1]]
    return pages


def _render_all(world) -> dict[str, list[str]]:
    found = {}
    # The board's municipalities too: their scorecards carry the rank chart (SVG).
    on_board = [
        ("GET", reverse("ranking:scorecard", kwargs={"slug": slug}), "anon")
        for slug in RankingEntry.objects.filter(run__is_current=True).values_list(
            "municipality__slug", flat=True
        )
    ]
    pages = [(method, url_for(key, world, "nl"), role) for key, method, role in _pages()]
    for method, url, role in pages + on_board:
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = client.get(url) if method == "GET" else client.post(url, {})
        if not response["Content-Type"].startswith(MARKUP):
            continue
        problems = untranslated_text(response.content.decode())
        if problems:
            found[f"{method} {url} as {role}"] = problems
    return found


def test_untranslated_nothing_on_any_dutch_page(world):
    with GettextMisses() as misses:
        found = _render_all(world)

    assert sorted(misses.missed) == []
    assert found == {}


def test_untranslated_check_sees_what_it_must():
    """The check itself: each kind of untranslated text is found, Dutch passes."""
    page = """<html lang="nl"><head><meta name="description" content="Alle innovaties">
    <title>Koploper</title></head><body>
    <h1>Stage history</h1><p>Fase: implemented</p><p>This is the rank of the town.</p>
    <svg><title>Rank of Utrecht over time</title></svg>
    <a lang="en" href="/en/">Stage history</a><p>Geverifieerd sinds 4 december 2026</p>
    <img alt="Rank of Utrecht"><script>var stage = "implemented";</script></body></html>"""

    assert untranslated_text(page) == [
        "English: Stage history",
        "raw value implemented: Fase: implemented",
        "English sentence: This is the rank of the town.",
        "English: Rank of Utrecht over time",
    ]


def test_untranslated_gettext_misses_are_recorded_in_dutch_only():
    from django.utils import translation

    with GettextMisses() as misses:
        with translation.override("nl"):
            translation.gettext("Stage history")  # in the catalogue
            translation.gettext("A sentence nobody translated")
        with translation.override("en"):
            translation.gettext("Another one in English")

    assert misses.missed == {"A sentence nobody translated"}


def test_untranslated_verification_message_names_the_stage_in_dutch(client):
    from django.urls import reverse

    from municipalities.enums import Stage, Verification
    from tests.factories import AdoptionFactory, reviewer_user

    adoption = AdoptionFactory(stage=Stage.IMPLEMENTED, verification=Verification.CLAIMED)
    client.force_login(reviewer_user())

    with GettextMisses() as misses:
        page = client.post(
            reverse("municipalities:adoption_verify", args=[adoption.pk]),
            {"decision": "verify", "note": ""},
            follow=True,
        )

    text = page.content.decode()
    assert f"Geverifieerd: {adoption.municipality.name} – {adoption.innovation.title}" in text
    assert "(Ingevoerd)" in text
    assert (untranslated_text(text), misses.missed) == ([], set())


def test_untranslated_system_note_is_in_the_readers_language(client):
    """A system note is written once, by whoever caused it, and read in every language."""
    from django.urls import reverse
    from django.utils import translation

    from innovations.enums import Status
    from innovations.models import StatusChange
    from innovations.services import innovation_update
    from innovations.workflow import CLAIM, SUBMIT, innovation_transition
    from tests.factories import reviewer_user, supplier_user
    from tests.innovations.helpers import SCORES, innovation_in

    original = innovation_in(Status.APPROVED)
    member = supplier_user(original.supplier)
    reviewer = reviewer_user()
    with translation.override("en"):  # the reviewer works in English
        revision, _created = innovation_update(innovation=original, user=member, summary="Beter")
        innovation_transition(innovation=revision, user=member, action=SUBMIT)
        innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
        innovation_transition(innovation=revision, user=reviewer, action="approve", scores=SCORES)
    client.force_login(member)

    with translation.override("nl"):
        dutch = client.get(reverse("innovations:manage", args=[original.pk])).content.decode()
    with translation.override("en"):
        english = client.get(reverse("innovations:manage", args=[original.pk])).content.decode()

    assert f"Wijzigingen van revisie #{revision.pk} gepubliceerd." in dutch
    assert f"Changes of revision #{revision.pk} published." in english
    assert StatusChange.objects.filter(innovation=original).get().reason == ""


def test_untranslated_api_permission_message_follows_the_request(client):
    from django.urls import reverse

    from tests.factories import AdoptionFactory, buyer_user

    adoption = AdoptionFactory()
    client.force_login(buyer_user())
    url = reverse("api:adoption-verify", args=[adoption.pk])

    dutch = client.post(url, {"decision": "verify"}, "application/json", HTTP_ACCEPT_LANGUAGE="nl")
    english = client.post(
        url, {"decision": "verify"}, "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert (dutch.status_code, english.status_code) == (403, 403)
    assert dutch.json()["detail"] == "Alleen beoordelaars kunnen toepassingen verifiëren."
    assert english.json()["detail"] == "Only reviewers can verify adoptions."
