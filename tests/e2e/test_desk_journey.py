"""Journeys of issue 14: a municipal buyer goes from an innovation through the route guide
and a question to the support desk, to an adviser's answer (and the public questions and
answers); a buyer plans the scale-up of a pilot that is due for a decision; an approval
ends and is reconfirmed. Every page is checked with axe in English and Dutch."""

import datetime
import re

from django.contrib.auth.models import Permission
from django.core import mail

from innovations import vetting
from innovations.enums import Route
from procurement.models import Question, ScaleUpPlan
from procurement.scaleup import pilot_reminders_send
from procurement.services import routes_load_reference
from tests.e2e.helpers import BROWSER, Mouse, audit, field, log_in
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    UserFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)

pytestmark = BROWSER


def seed():
    routes_load_reference()
    innovation = InnovationFactory(
        title="Slimme lantaarnpalen",
        slug="slimme-lantaarnpalen",
        route=Route.MARKET_READY,
        maturity=8,
    )
    houten = MunicipalityFactory(code="GM0321", name="Houten", slug="houten")
    buyer_user(municipality=houten, username="bram", email="bram@example.org")
    adviser = UserFactory(username="lotte", email="lotte@example.org")
    adviser.user_permissions.add(Permission.objects.get(codename="answer_question"))
    return innovation


def test_buyer_asks_the_way_from_an_innovation_to_an_advisers_answer(new_page):
    seed()
    page = new_page()
    act = Mouse(page)
    main = page.get_by_role("main")

    log_in(page, "bram")
    page.goto("/en/innovations/slimme-lantaarnpalen/")
    panel = main.get_by_role("region", name="How to buy it: the route guide")
    audit(page, "desk-innovation")

    # The guide, opened from the innovation: its maturity and market-readiness are filled in.
    panel.get_by_text("Answer the five questions").click()
    act.fill(field(panel, "Estimated value over the whole term, in euros excluding VAT"), "40000")
    assert field(panel, "Maturity (technology readiness level)").input_value() == "8"
    act.press(panel.get_by_role("button", name="Show the recommended routes"))
    page.wait_for_url(re.compile(r"/en/procurement/guide/\?.*innovation=slimme-lantaarnpalen"))
    result = main.get_by_role("region", name="Recommended route")
    assert result.get_by_role("heading", level=3).all_inner_texts() == [
        "1. Small purchase below the thresholds"
    ]
    assert "below the national threshold for a small purchase (€ 50,000)" in result.inner_text()
    audit(page, "desk-guide")

    # Ask an adviser about buying this innovation.
    act.follow(main.get_by_role("link", name="Slimme lantaarnpalen"))
    act.follow(main.get_by_role("link", name="Ask an adviser about buying this innovation"))
    audit(page, "desk-ask")
    act.fill(
        field(page, "Your question in one line"), "May we buy a pilot of 40 lamp posts directly?"
    )
    act.fill(field(page, "Details"), "A one-year pilot in two districts, about € 40,000.")
    act.check(page.get_by_label(re.compile(r"^Once answered, my question")))
    act.press(main.get_by_role("button", name="Send the question"))
    page.wait_for_url(re.compile(r"/en/desk/questions/\d+/$"))
    assert "Your question has been sent." in page.inner_text("main")
    audit(page, "desk-question")

    # The adviser answers and publishes it without names.
    adviser_page = new_page()
    adviser = Mouse(adviser_page)
    log_in(adviser_page, "lotte")
    adviser.follow(adviser_page.get_by_role("link", name="Support desk"))
    audit(adviser_page, "desk-queue")
    adviser.follow(
        adviser_page.get_by_role("main").get_by_role(
            "link", name="May we buy a pilot of 40 lamp posts directly?"
        )
    )
    adviser.fill(
        field(adviser_page, "Answer"),
        "Yes: below your municipality's threshold a single quotation will do. Agree on a "
        "decision date for scaling up beforehand.",
    )
    adviser.fill(
        field(adviser_page, "Question as published"), "May a municipality buy a pilot directly?"
    )
    adviser.press(adviser_page.get_by_role("button", name="Send the answer"))
    assert "Your answer has been sent to the asker." in adviser_page.inner_text("main")

    # The buyer reads the answer; everyone finds it in the public questions and answers.
    page.reload()
    assert "a single quotation will do" in page.inner_text("main")
    # Closing cannot be undone: the buyer confirms it on a page of its own.
    act.follow(main.get_by_role("link", name="Close this question"))
    assert page.locator("h1").inner_text() == "Close the question?"
    audit(page, "desk-close")
    act.press(main.get_by_role("button", name="Yes, close the question"))
    assert "The question is closed." in page.inner_text("main")
    act.follow(
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Questions and answers"
        )
    )
    act.fill(main.get_by_role("searchbox", name="Search"), "pilot")
    act.press(main.get_by_role("button", name="Search"))
    assert main.get_by_role("heading", level=2).all_inner_texts() == [
        "May a municipality buy a pilot directly?"
    ]
    assert "bram" not in page.inner_text("main")
    audit(page, "desk-published")
    question = Question.objects.get()
    assert (question.status, question.is_published) == ("closed", True)


def test_buyer_plans_the_scale_up_of_a_pilot_that_is_due(new_page):
    """A pilot running for more than a year shows on the buyer's dashboard as due for a
    decision; the buyer writes its scale-up plan; the daily reminder mails the buyer."""
    houten = MunicipalityFactory(code="GM0321", name="Houten", slug="houten")
    buyer_user(municipality=houten, username="bram", email="bram@example.org")
    routes_load_reference()
    pilot = AdoptionFactory(
        municipality=houten,
        innovation=InnovationFactory(title="Slimme lantaarnpalen", slug="slimme-lantaarnpalen"),
        started_on=datetime.date(2024, 9, 1),
    )
    page = new_page()
    act = Mouse(page)
    main = page.get_by_role("main")

    log_in(page, "bram")
    section = main.get_by_role("region", name="Pilots due for a decision")
    assert "more than 12 months, without an evaluation or a next stage" in section.inner_text()
    audit(page, "scaleup-dashboard")
    act.follow(section.get_by_role("link", name="Slimme lantaarnpalen"))
    page.wait_for_url(re.compile(rf"/en/procurement/pilots/{pilot.pk}/plan/$"))

    # A decision date before the pilot started is refused, with the reason, nothing stored.
    act.fill(field(page, "Goal of the pilot"), "Fewer failing street lights in two districts.")
    act.fill(field(page, "Success criteria"), "30% fewer reports\nEnergy use down by a fifth")
    act.fill(field(page, "Decision date"), "2024-08-01")
    act.select(field(page, "Procurement route for scaling"), "Innovation partnership")
    act.press(main.get_by_role("button", name="Save the plan"))
    assert "The decision date cannot be before the pilot started" in page.inner_text("main")
    assert not ScaleUpPlan.objects.exists()

    act.fill(field(page, "Decision date"), "2025-09-01")
    act.fill(field(page, "Budget for scaling"), "€ 250,000 a year")
    act.press(main.get_by_role("button", name="Save the plan"))
    assert "The scale-up plan has been saved." in page.inner_text("main")
    assert "The decision date of its scale-up plan (1 September 2025) has come." in (
        main.get_by_role("status").last.inner_text()
    )
    audit(page, "scaleup-plan")

    # Everyone sees how the municipality's pilots ended, and the innovation's.
    page.goto("/en/municipalities/houten/")
    pilots = main.get_by_role("region", name="How its pilots ended")
    assert "Of 1 verified pilot: 0 led to implementation or scaling" in pilots.inner_text()
    audit(page, "scaleup-municipality")

    mail.outbox.clear()
    assert pilot_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [["bram@example.org"]]
    plan = ScaleUpPlan.objects.get()
    assert (plan.decision_on, plan.route.code) == (
        datetime.date(2025, 9, 1),
        "innovation-partnership",
    )


def test_an_expired_approval_is_confirmed_by_the_supplier_and_reconfirmed(new_page):
    """An approval ended: the innovation leaves the default catalogue but keeps its page;
    its supplier confirms the text, a reviewer reconfirms it, and it is back."""
    supplier = SupplierFactory(name="Zonnewijzer B.V.")
    supplier_user(supplier, username="sanne", email="sanne@example.org")
    reviewer_user(username="ruud", email="ruud@example.org")
    innovation = InnovationFactory(
        supplier=supplier,
        title="Slimme lantaarnpalen",
        slug="slimme-lantaarnpalen",
        approved_until=datetime.date(2025, 1, 31),
        submitted_at=datetime.datetime(2023, 1, 10, tzinfo=datetime.UTC),
    )
    vetting.approvals_expire(today=datetime.date(2025, 2, 1))
    page = new_page()
    act = Mouse(page)
    main = page.get_by_role("main")

    page.goto("/en/innovations/")
    assert "Slimme lantaarnpalen" not in page.inner_text("main")
    page.goto("/en/innovations/slimme-lantaarnpalen/")
    assert "is to be reconfirmed by a regional reviewer" in page.inner_text("main")
    audit(page, "vetting-expired-page")

    log_in(page, "sanne")
    page.goto(f"/en/innovations/supplier/innovations/{innovation.pk}/")
    audit(page, "vetting-supplier")
    act.press(main.get_by_role("button", name="Confirm that the text is current"))
    assert "A reviewer will reconfirm the approval" in page.inner_text("main")

    reviewer_page = new_page()
    reviewer = Mouse(reviewer_page)
    log_in(reviewer_page, "ruud")
    reviewer_page.goto("/en/review/")
    reviewer.follow(reviewer_page.get_by_role("link", name="Approvals to reconfirm"))
    audit(reviewer_page, "vetting-queue")
    reviewer.follow(
        reviewer_page.get_by_role("main").get_by_role("link", name="Slimme lantaarnpalen")
    )
    audit(reviewer_page, "vetting-reconfirm")
    reviewer.check(reviewer_page.get_by_label("Reconfirm: the approval holds for a new period"))
    reviewer.press(reviewer_page.get_by_role("button", name="Record the decision"))
    assert "Your decision on the reconfirmation is recorded." in reviewer_page.inner_text("main")

    page.goto("/en/innovations/")
    assert "Slimme lantaarnpalen" in page.inner_text("main")
    innovation.refresh_from_db()
    assert innovation.reconfirmation == ""
