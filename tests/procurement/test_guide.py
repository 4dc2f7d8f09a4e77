"""The route guide: which routes it recommends for which answers, with the thresholds in
force on the day; bad answers are a 400 with a message per field; nothing is stored."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement import guide
from procurement.models import Threshold
from tests.problems import errors

pytestmark = pytest.mark.django_db

GUIDE_API = "/api/v1/procurement-guide"


def codes(result) -> list[str]:
    return [item.route.code for item in result.recommendations]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # On the market, mature, no development, above the national small-purchase amount.
        (guide.Answers(300_000, "yes", 9, False, "NL"), ["innovation-procurement"]),
        # A small trial purchase in Flanders (below € 30,000).
        (guide.Answers(20_000, "yes", 8, False, "BE"), ["small-purchase"]),
        # Nothing on the market, early, with development: pre-commercial procurement and
        # SBIR in the Netherlands (same score, route order decides) ...
        (guide.Answers(400_000, "no", 3, True, "NL"), ["pre-commercial-procurement", "sbir"]),
        # ... and in Flanders, where SBIR does not exist.
        (guide.Answers(400_000, "no", 3, True, "BE"), ["pre-commercial-procurement"]),
        # Develop and then buy at scale.
        (guide.Answers(2_000_000, "no", 7, True, "NL"), ["innovation-partnership"]),
        # Partly on the market, TRL 6, with development: two routes score the same.
        (
            guide.Answers(150_000, "partly", 6, True, "BE"),
            ["pre-commercial-procurement", "innovation-partnership"],
        ),
        # Not known whether it exists: find out first.
        (guide.Answers(100_000, "unknown", 5, False, "NL"), ["market-consultation"]),
    ],
)
def test_guide_recommends_one_or_two_routes(routes, answers, expected):
    result = guide.recommend(answers, on=datetime.date(2026, 6, 1))

    assert codes(result) == expected
    assert all(item.reasons for item in result.recommendations)


def test_guide_uses_the_threshold_in_force_on_the_day(routes):
    # € 218,000 is above the 2026 EU threshold (€ 216,000), below the 2024–2025 one (€ 221,000).
    answers = guide.Answers(218_000, "yes", 9, False, "NL")

    before = guide.recommend(answers, on=datetime.date(2025, 12, 31))
    after = guide.recommend(answers, on=datetime.date(2026, 1, 1))

    assert (before.band, after.band) == ("below_eu", "above_eu")
    assert [t.amount for t in after.thresholds] == [50_000, 216_000]


def test_guide_reads_thresholds_as_data_a_new_row_changes_the_advice(routes):
    answers = guide.Answers(40_000, "yes", 9, False, "NL")
    assert codes(guide.recommend(answers, on=datetime.date(2026, 6, 1))) == ["small-purchase"]

    Threshold.objects.create(
        code="nl-small-purchase",
        jurisdiction="NL",
        kind="supplies_services",
        name_nl="Enkelvoudig onderhands",
        name_en="Single quotation",
        amount=30_000,
        valid_from=datetime.date(2026, 3, 1),
        source_title="Inkoopbeleid",
    )

    result = guide.recommend(answers, on=datetime.date(2026, 6, 1))
    assert (result.band, codes(result)) == ("below_eu", ["innovation-procurement"])


def test_guide_follows_routes_edited_in_the_admin(routes):
    routes["sbir"].is_active = False
    routes["sbir"].save()

    result = guide.recommend(guide.Answers(400_000, "no", 3, True, "NL"))

    assert "sbir" not in codes(result) + [route.code for route, _why in result.others]


def test_guide_page_shows_the_recommendation_with_reasons_and_steps(client, routes):
    response = client.get(
        reverse("procurement:guide"),
        {
            "value": "400000",
            "on_market": "no",
            "maturity": "3",
            "co_development": "yes",
            "country": "NL",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert [r.route.code for r in response.context["result"].recommendations] == [
        "pre-commercial-procurement",
        "sbir",
    ]
    assert "It is made for developing a solution with suppliers." in body
    assert "data-print" in body  # the print button (shown by print.js)
    assert "RVO" in body  # where to get help, in the Netherlands


def test_guide_page_from_an_innovation_suggests_its_maturity(client, routes, innovation):
    response = client.get(reverse("procurement:guide"), {"innovation": innovation.slug})

    form = response.context["form"]
    assert (
        response.context["innovation"],
        form["maturity"].value(),
        form["on_market"].value(),
    ) == (
        innovation,
        7,
        "yes",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "-1"),
        ("value", "99999999999999"),
        ("value", "veel"),
        ("maturity", "0"),
        ("maturity", "10"),
        ("on_market", "misschien"),
        ("co_development", "perhaps"),
        ("country", "DE"),
    ],
)
def test_guide_page_refuses_answers_out_of_range_with_a_message(client, routes, field, value):
    answers = {
        "value": "400000",
        "on_market": "no",
        "maturity": "3",
        "co_development": "yes",
        "country": "NL",
    }
    answers[field] = value

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("procurement:guide"), answers)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["result"] is None
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_guide_api_answers_with_routes_reasons_next_steps_and_thresholds(client, routes):
    response = client.get(
        GUIDE_API,
        {
            "estimatedValue": 20000,
            "onMarket": "yes",
            "maturity": 8,
            "coDevelopment": "false",
            "country": "BE",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    data = response.json()
    assert response.status_code == 200
    assert data["value_band"] == "small"
    assert [r["route"]["code"] for r in data["recommendations"]] == ["small-purchase"]
    assert data["recommendations"][0]["next_steps"][0].startswith("Estimate the value")
    assert [t["code"] for t in data["thresholds"]] == ["be-small-purchase", "eu-supplies-services"]


def test_guide_api_lists_every_bad_answer_at_once(client, routes):
    response = client.get(
        GUIDE_API,
        {
            "estimatedValue": -1,
            "onMarket": "maybe",
            "maturity": 12,
            "coDevelopment": "x",
            "country": "DE",
        },
    )

    assert response.status_code == 400
    assert set(errors(response)) == {
        "estimatedValue",
        "onMarket",
        "maturity",
        "coDevelopment",
        "country",
    }


def test_guide_api_needs_every_answer(client, routes):
    response = client.get(GUIDE_API, {"estimatedValue": 1000})

    assert response.status_code == 400
    assert set(errors(response)) == {"onMarket", "maturity", "coDevelopment", "country"}
