"""Journey 3: a municipal buyer searches the catalogue with the start of a Dutch word,
filters, shortlists, compares, records an adoption, posts a challenge and reads the
suggested innovations. Checked by axe in English and Dutch; run once more with
JavaScript switched off, as the portal must work without it."""

import datetime
import re

from innovations.enums import Route
from municipalities.enums import Stage, Verification
from municipalities.models import Adoption, Challenge, ShortlistItem
from tests.e2e.helpers import BROWSER, Mouse, audit, field, log_in, screenshot
from tests.factories import InnovationFactory, MunicipalityFactory, SupplierFactory, buyer_user

pytestmark = BROWSER


def seed_catalogue():
    zonnewijzer = SupplierFactory(name="Zonnewijzer B.V.")
    InnovationFactory(
        title="Zonnepanelen op gemeentelijke daken",
        slug="zonnepanelen-op-gemeentelijke-daken",
        summary="Solar panels on municipal roofs, paid for by the energy they save.",
        supplier=zonnewijzer,
        route=Route.MARKET_READY,
        maturity=8,
        domains=["energy"],
    )
    InnovationFactory(
        title="Zonnepanelen boven parkeerplaatsen",
        slug="zonnepanelen-boven-parkeerplaatsen",
        summary="Solar carports that shade cars and charge them.",
        supplier=zonnewijzer,
        route=Route.NEEDS_DEVELOPMENT,
        maturity=5,
        domains=["energy", "mobility"],
    )
    InnovationFactory(
        title="Deelfietsen voor dorpen",
        slug="deelfietsen-voor-dorpen",
        summary="Shared bicycles for villages without a railway station.",
        domains=["mobility"],
    )
    houten = MunicipalityFactory(code="GM0321", name="Houten", slug="houten", population=50_000)
    buyer_user(municipality=houten, username="bram", first_name="Bram", last_name="Peters")
    return houten


def walk_buyer_journey(page, *, check=audit) -> None:
    act = Mouse(page)
    main = page.get_by_role("main")
    results = main.get_by_role("region", name="Results")

    log_in(page, "bram")
    check(page, "buyer-dashboard")

    # Search with the start of a Dutch word: "zonne" finds "zonnepanelen".
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Catalogue")
    )
    act.fill(main.get_by_role("searchbox", name="Search the catalogue"), "zonne")
    act.press(main.get_by_role("button", name="Search", exact=True))
    page.wait_for_url(re.compile(r"/en/innovations/\?.*q=zonne"))
    assert main.get_by_role("status").inner_text() == "2 innovations match “zonne”"
    assert sorted(results.get_by_role("heading", level=3).all_inner_texts()) == [
        "Zonnepanelen boven parkeerplaatsen",
        "Zonnepanelen op gemeentelijke daken",
    ]
    check(page, "catalogue-search")
    act.press(results.get_by_role("button", name="Shortlist “Zonnepanelen boven parkeerplaatsen”"))
    assert (
        "On your shortlist"
        in results.get_by_role("article", name="Zonnepanelen boven parkeerplaatsen").inner_text()
    )

    # Filter: market-ready only.
    act.check(main.get_by_role("radio", name=re.compile(r"^Market-ready")))
    act.press(main.get_by_role("button", name="Apply filters"))
    page.wait_for_url(re.compile(r"route=market-ready"))
    assert main.get_by_role("status").inner_text() == "1 innovation matches “zonne”"
    assert results.get_by_role("heading", level=3).all_inner_texts() == [
        "Zonnepanelen op gemeentelijke daken"
    ]
    check(page, "catalogue-filtered")
    act.press(results.get_by_role("button", name="Shortlist “Zonnepanelen op gemeentelijke daken”"))

    # Compare the two on the shortlist.
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="My shortlist"
        )
    )
    page.wait_for_url(re.compile(r"/en/municipalities/shortlist/$"))
    check(page, "shortlist")
    for checkbox in main.get_by_role("checkbox").all():
        act.check(checkbox)
    act.press(main.get_by_role("button", name=re.compile(r"^Compare selected")))
    page.wait_for_url(re.compile(r"/en/municipalities/shortlist/compare/\?"))
    assert sorted(main.get_by_role("columnheader").all_inner_texts()) == [
        "Zonnepanelen boven parkeerplaatsen",
        "Zonnepanelen op gemeentelijke daken",
    ]
    check(page, "compare")

    # Record the adoption of the market-ready one.
    act.follow(main.get_by_role("link", name="Zonnepanelen op gemeentelijke daken"))
    page.wait_for_url(re.compile(r"/en/innovations/zonnepanelen-op-gemeentelijke-daken/$"))
    check(page, "innovation-detail-buyer")
    act.follow(main.get_by_role("link", name="Record adoption"))
    page.wait_for_url(re.compile(r"/adoptions/record/zonnepanelen-op-gemeentelijke-daken/$"))
    check(page, "adoption-form")
    act.select(field(page, "Stage"), "Pilot")
    act.fill(field(page, "Start date"), "2026-02-01")
    act.fill(field(page, "Contract or tender reference"), "TN412345")
    act.fill(field(page, "Contact person"), "Bram Peters")
    act.press(main.get_by_role("button", name="Record adoption"))
    page.wait_for_url(re.compile(r"/en/municipalities/adoptions/\d+/$"))
    assert "The adoption is recorded" in page.get_by_role("status").inner_text()
    check(page, "adoption-detail")

    # Post a challenge and read the suggestions.
    page.goto("/en/dashboard/")
    act.follow(main.get_by_role("link", name="Post a challenge"))
    page.wait_for_url(re.compile(r"/en/municipalities/challenges/new/$"))
    check(page, "challenge-form")
    act.fill(field(page, "Title"), "Zonne-energie op sporthallen")
    act.fill(
        field(page, "Problem statement"),
        "Our twelve sports halls have large flat roofs and high energy bills. "
        "We look for zonnepanelen that need no investment up front.",
    )
    act.select(field(page, "Domain"), "Energy")
    deadline = datetime.date.today() + datetime.timedelta(days=45)
    act.fill(field(page, "Deadline for answers"), deadline.isoformat())
    act.press(main.get_by_role("button", name="Publish challenge"))
    page.wait_for_url(re.compile(r"/en/municipalities/challenges/\d+/$"))
    assert "Your challenge is published." in page.get_by_role("status").inner_text()
    suggestions = main.get_by_role("region", name="Suggested innovations")
    # The solar carports match the problem and the domain; the roof panels are left out
    # because Houten already uses them, and the bicycles do not match.
    assert suggestions.get_by_role("heading", level=3).all_inner_texts() == [
        "Zonnepanelen boven parkeerplaatsen"
    ]
    reasons = suggestions.get_by_role("listitem").all_inner_texts()
    assert "Same domain: Energy." in reasons
    assert "Maturity: technology readiness level 5 of 9." in reasons
    check(page, "challenge-detail")

    # The municipality's own page lists the adoption and the challenge.
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="My municipality"
        )
    )
    page.wait_for_url(re.compile(r"/en/municipalities/mine/$"))
    for caption in ("Adoptions of your municipality", "Challenges of your municipality"):
        assert main.get_by_role("table", name=caption).get_by_role("row").count() == 2
    check(page, "my-municipality")


def assert_buyer_journey_recorded(houten) -> None:
    assert sorted(
        ShortlistItem.objects.filter(user__username="bram").values_list(
            "innovation__slug", flat=True
        )
    ) == [
        "zonnepanelen-boven-parkeerplaatsen",
        "zonnepanelen-op-gemeentelijke-daken",
    ]
    adoption = Adoption.objects.get()
    assert (
        adoption.municipality,
        adoption.innovation.slug,
        adoption.stage,
        adoption.started_on,
        adoption.evidence_reference,
        adoption.verification,
    ) == (
        houten,
        "zonnepanelen-op-gemeentelijke-daken",
        Stage.PILOT,
        datetime.date(2026, 2, 1),
        "TN412345",
        Verification.CLAIMED,
    )
    challenge = Challenge.objects.get()
    assert (challenge.municipality, challenge.title, challenge.domain) == (
        houten,
        "Zonne-energie op sporthallen",
        "energy",
    )


def test_buyer_journey_search_shortlist_compare_adopt_challenge(page):
    houten = seed_catalogue()
    walk_buyer_journey(page)
    assert_buyer_journey_recorded(houten)


def test_buyer_journey_works_without_javascript(new_page):
    page = new_page(javascript=False)
    houten = seed_catalogue()
    walk_buyer_journey(page, check=lambda page, name: screenshot(page, f"nojs-{name}"))
    assert_buyer_journey_recorded(houten)
