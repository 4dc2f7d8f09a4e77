"""Journey: a municipal buyer goes from an innovation through the route guide and a question
to the support desk, to an adviser's answer (and the public questions and answers). Every
page is checked with axe in English and Dutch."""

import re

from django.contrib.auth.models import Permission

from innovations.enums import Route
from procurement.models import Question
from procurement.services import routes_load_reference
from tests.e2e.helpers import BROWSER, Mouse, audit, field, log_in
from tests.factories import InnovationFactory, MunicipalityFactory, UserFactory, buyer_user

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
    assert (question.status, question.is_published) == ("answered", True)
