"""Pilots that scale: a pilot's scale-up plan (who writes and reads it, bad input), the
pilots due for a decision, the reminders through the outbox, and how pilots ended on the
innovation and municipality pages."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit import outbox
from audit.models import AuditEntry, OutgoingMail
from core.exceptions import TransitionNotAllowed
from municipalities.adoption_facts import pilot_outcome_refresh
from municipalities.enums import Stage, Verification
from municipalities.models import AdoptionChange, AdoptionStageChange, Evaluation
from procurement import scaleup
from procurement.models import PilotReminder, ScaleUpPlan
from procurement.tasks import remind_pilots
from tests.factories import AdoptionFactory, InnovationFactory, buyer_user, reviewer_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    """Run the outbox's after-commit tasks at once (the test's transaction never commits)."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


@pytest.fixture
def pilot(municipality, innovation):
    return AdoptionFactory(
        municipality=municipality,
        innovation=innovation,
        stage=Stage.PILOT,
        started_on=datetime.date(2026, 3, 1),
    )


def plan_values(**overrides):
    values = {
        "goal": "Minder storingsmeldingen",
        "success_criteria": "30% minder meldingen",
        "decision_on": datetime.date(2027, 3, 1),
        "budget": "€ 250.000 per jaar",
        "route": None,
        "partners": "Regio Utrecht",
    }
    values.update(overrides)
    return values


# --- The plan ---------------------------------------------------------------------------


def test_plan_save_creates_then_changes_one_plan(buyer, pilot, routes):
    first = scaleup.scale_up_plan_save(user=buyer, adoption=pilot, **plan_values())
    second = scaleup.scale_up_plan_save(
        user=buyer, adoption=pilot, **plan_values(route=routes["innovation-partnership"])
    )

    assert first.pk == second.pk
    assert list(ScaleUpPlan.objects.values_list("adoption_id", "route__code", "updated_by")) == [
        (pilot.pk, "innovation-partnership", buyer.pk)
    ]


def test_plan_save_records_what_changed_in_the_audit_log(buyer, pilot, routes):
    first = scaleup.scale_up_plan_save(user=buyer, adoption=pilot, **plan_values())
    scaleup.scale_up_plan_save(
        user=buyer, adoption=pilot, **plan_values(route=routes["innovation-partnership"])
    )

    rows = AuditEntry.objects.filter(action="scale_up_plan.save").order_by("id")
    assert [(e.actor_id, e.object_type, e.object_id, e.changes) for e in rows] == [
        (
            buyer.pk,
            "procurement.scaleupplan",
            str(first.pk),
            {
                "goal": [None, "Minder storingsmeldingen"],
                "success_criteria": [None, "30% minder meldingen"],
                "decision_on": [None, "2027-03-01"],
                "budget": [None, "€ 250.000 per jaar"],
                "partners": [None, "Regio Utrecht"],
            },
        ),
        (
            buyer.pk,
            "procurement.scaleupplan",
            str(first.pk),
            {"route": [None, routes["innovation-partnership"].pk]},
        ),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decision_on": datetime.date(2026, 2, 28)}, "decision_on"),
        ({"decision_on": None}, "decision_on"),
        ({"decision_on": datetime.date(2040, 1, 1)}, "decision_on"),
        ({"goal": "   "}, "goal"),
        ({"success_criteria": "x" * 3001}, "success_criteria"),
    ],
)
def test_plan_save_refuses_bad_input_and_stores_nothing(buyer, pilot, overrides, field):
    with pytest.raises(ValidationError) as raised:
        scaleup.scale_up_plan_save(user=buyer, adoption=pilot, **plan_values(**overrides))

    assert list(raised.value.message_dict) == [field]
    assert ScaleUpPlan.objects.count() == 0


def test_plan_save_refuses_other_buyers_and_reviewers(pilot, other_buyer):
    for user in (other_buyer, reviewer_user(username="beoordelaar")):
        with pytest.raises(PermissionDenied):
            scaleup.scale_up_plan_save(user=user, adoption=pilot, **plan_values())

    assert ScaleUpPlan.objects.count() == 0


def test_plan_save_refuses_an_adoption_that_is_no_longer_a_pilot(buyer, pilot):
    pilot.stage = Stage.IMPLEMENTED
    pilot.save()

    with pytest.raises(TransitionNotAllowed):
        scaleup.scale_up_plan_save(user=buyer, adoption=pilot, **plan_values())

    assert ScaleUpPlan.objects.count() == 0


def test_plan_page_saves_for_the_buyer(client, buyer, pilot, routes):
    client.force_login(buyer)
    url = reverse("procurement:plan", args=[pilot.pk])

    page = client.get(url)
    saved = client.post(
        url,
        {
            "goal": "Minder meldingen",
            "success_criteria": "30% minder",
            "decision_on": "2027-03-01",
            "route": "market-consultation",
        },
    )

    assert page.status_code == 200
    assert saved.status_code == 302
    plan = ScaleUpPlan.objects.get()
    assert (plan.decision_on, plan.route.code) == (datetime.date(2027, 3, 1), "market-consultation")


def test_plan_page_answers_bad_input_with_400_and_the_message(client, buyer, pilot):
    client.force_login(buyer)

    response = client.post(
        reverse("procurement:plan", args=[pilot.pk]),
        {"goal": "Doel", "success_criteria": "Criteria", "decision_on": "2025-01-01"},
    )

    assert response.status_code == 400
    assert "The decision date cannot be before the pilot started" in response.content.decode()
    assert ScaleUpPlan.objects.count() == 0


def test_plan_page_per_role(client, pilot, buyer, other_buyer, supplier):
    url = reverse("procurement:plan", args=[pilot.pk])
    reviewer = reviewer_user(username="beoordelaar")
    scaleup.scale_up_plan_save(user=buyer, adoption=pilot, **plan_values())

    anonymous = client.get(url)
    client.force_login(other_buyer)
    other = client.get(url)
    client.force_login(reviewer)
    read = client.get(url)
    post = client.post(url, {"goal": "x", "success_criteria": "y", "decision_on": "2027-01-01"})

    assert anonymous.status_code == 302
    assert other.status_code == 404
    assert read.status_code == 200
    assert "Save the plan" not in read.content.decode()
    assert "Minder storingsmeldingen" in read.content.decode()
    assert post.status_code == 403
    assert ScaleUpPlan.objects.get().goal == "Minder storingsmeldingen"


def test_adoption_page_offers_the_plan_to_its_buyers_only(client, buyer, other_buyer, pilot):
    url = reverse("municipalities:adoption_detail", args=[pilot.pk])

    client.force_login(buyer)
    own = client.get(url).content.decode()
    client.force_login(other_buyer)
    other = client.get(url).content.decode()

    assert "Write a scale-up plan" in own
    assert 'id="scale-up-plan"' not in other


def test_api_put_and_get_a_plan(client, buyer, pilot, routes):
    client.force_login(buyer)
    url = f"/api/v1/adoptions/{pilot.pk}/scale-up-plan"

    missing = client.get(url)
    put = client.put(
        url,
        {**plan_values(decision_on="2027-03-01"), "route": "sbir"},
        content_type="application/json",
    )
    got = client.get(url)

    assert missing.status_code == 404
    assert put.status_code == 200
    assert got.json() == put.json()
    assert (got.json()["decision_on"], got.json()["route"]) == ("2027-03-01", "sbir")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # Before the pilot started: a rule of the plan, 422 (portal.problems).
        ({"goal": "Doel", "success_criteria": "C", "decision_on": "2026-01-01"}, 422),
        ({"goal": "Doel", "success_criteria": "C", "decision_on": "morgen"}, 400),
        # A well-formed code of no route: 422 (portal.problems).
        (
            {"goal": "Doel", "success_criteria": "C", "decision_on": "2027-01-01", "route": "nope"},
            422,
        ),
        ({"goal": "", "success_criteria": "C", "decision_on": "2027-01-01"}, 400),
    ],
)
def test_api_refuses_bad_plans_with_400(client, buyer, pilot, routes, body, status):
    client.force_login(buyer)

    response = client.put(
        f"/api/v1/adoptions/{pilot.pk}/scale-up-plan", body, content_type="application/json"
    )

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert ScaleUpPlan.objects.count() == 0


def test_api_plan_per_role(client, pilot, other_buyer, buyer):
    url = f"/api/v1/adoptions/{pilot.pk}/scale-up-plan"
    body = {**plan_values(decision_on="2027-03-01")}
    anonymous = client.put(url, body, content_type="application/json")
    client.force_login(other_buyer)
    other = client.put(url, body, content_type="application/json")
    client.force_login(reviewer_user(username="beoordelaar"))
    reviewer = client.put(url, body, content_type="application/json")
    pilot.stage = Stage.SCALED
    pilot.save()
    client.force_login(buyer)
    no_pilot = client.put(url, body, content_type="application/json")

    assert (anonymous.status_code, other.status_code, reviewer.status_code) == (401, 404, 403)
    assert no_pilot.status_code == 409
    assert ScaleUpPlan.objects.count() == 0


# --- Which pilots are due -----------------------------------------------------------------


def test_pilots_due_by_decision_date_or_age(municipality, buyer, settings):
    settings.KOPLOPER_PILOT_DECISION_MONTHS = 12
    old = AdoptionFactory(municipality=municipality, started_on=datetime.date(2025, 11, 1))
    young = AdoptionFactory(municipality=municipality, started_on=datetime.date(2026, 6, 1))
    evaluated = AdoptionFactory(municipality=municipality, started_on=datetime.date(2025, 1, 1))
    Evaluation.objects.create(
        adoption=evaluated, goals_met="met", lessons_learned="Goed", would_recommend=True
    )
    planned_later = AdoptionFactory(municipality=municipality, started_on=datetime.date(2025, 1, 1))
    ScaleUpPlan.objects.create(adoption=planned_later, **plan_values())
    decision_passed = AdoptionFactory(
        municipality=municipality, started_on=datetime.date(2026, 5, 1)
    )
    ScaleUpPlan.objects.create(
        adoption=decision_passed, **plan_values(decision_on=datetime.date(2026, 12, 1))
    )
    waiting = AdoptionFactory(municipality=municipality, started_on=datetime.date(2025, 1, 1))
    AdoptionChange.objects.create(
        adoption=waiting,
        stage=Stage.IMPLEMENTED,
        started_on=waiting.started_on,
        stage_since=datetime.date(2026, 11, 1),
        status=Verification.CLAIMED,
    )
    AdoptionFactory(
        municipality=municipality, started_on=datetime.date(2024, 1, 1), stage=Stage.SCALED
    )

    due = {a.pk: scaleup.due_reason(a) for a in scaleup.pilots_due(today=TODAY)}
    settings.KOPLOPER_PILOT_DECISION_MONTHS = 6
    due_sooner = {a.pk for a in scaleup.pilots_due(today=TODAY)}

    assert due == {old.pk: "too_long", decision_passed.pk: "decision_date"}
    assert due_sooner == {old.pk, young.pk, decision_passed.pk}
    assert young.pk not in due


def test_dashboard_lists_pilots_due_for_a_decision(client, buyer, pilot, municipality):
    ScaleUpPlan.objects.create(adoption=pilot, **plan_values(decision_on=datetime.date(2026, 3, 2)))
    client.force_login(buyer)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Pilots due for a decision" in page
    assert reverse("procurement:plan", args=[pilot.pk]) in page


def test_api_lists_the_callers_pilots_due(client, buyer, pilot, other_buyer):
    ScaleUpPlan.objects.create(adoption=pilot, **plan_values(decision_on=datetime.date(2026, 3, 2)))
    client.force_login(buyer)
    own = client.get("/api/v1/pilots-due").json()
    client.force_login(other_buyer)
    other = client.get("/api/v1/pilots-due").json()

    assert [(row["adoption"], row["reason"]) for row in own["results"]] == [
        (pilot.pk, "decision_date")
    ]
    assert other["count"] == 0


def test_api_pilots_due_queries_do_not_grow(
    client, buyer, municipality, django_assert_max_num_queries
):
    client.force_login(buyer)
    AdoptionFactory(municipality=municipality, started_on=datetime.date(2024, 1, 1))
    with django_assert_max_num_queries(8):
        one = client.get("/api/v1/pilots-due")
    for year in range(2015, 2023):
        AdoptionFactory(municipality=municipality, started_on=datetime.date(year, 1, 1))
    with django_assert_max_num_queries(8):
        many = client.get("/api/v1/pilots-due")

    assert (one.json()["count"], many.json()["count"]) == (1, 9)


# --- Reminders ----------------------------------------------------------------------------


def test_reminders_mail_the_buyers_once_per_period(buyer, pilot, municipality, settings):
    settings.KOPLOPER_PILOT_REMINDER_DAYS = 30
    colleague = buyer_user(municipality, username="collega", email="c@example.org")
    buyer.email = "inkoper@example.org"
    buyer.save()
    ScaleUpPlan.objects.create(
        adoption=pilot, **plan_values(decision_on=datetime.date(2026, 11, 1))
    )

    first = scaleup.pilot_reminders_send(today=TODAY)
    again = scaleup.pilot_reminders_send(today=TODAY + datetime.timedelta(days=29))
    sent_first = sorted(m.to[0] for m in mail.outbox)
    later = scaleup.pilot_reminders_send(today=TODAY + datetime.timedelta(days=30))

    assert (first, again, later) == (1, 0, 1)
    assert sent_first == sorted([buyer.email, colleague.email])
    assert len(mail.outbox) == 4
    assert PilotReminder.objects.get().count == 2
    assert OutgoingMail.objects.filter(task="procurement.send_pilot_reminder").count() == 4


def test_reminder_task_sends_nothing_for_pilots_not_due(buyer, pilot):
    buyer.email = "inkoper@example.org"
    buyer.save()
    ScaleUpPlan.objects.create(adoption=pilot, **plan_values(decision_on=datetime.date(2099, 1, 1)))

    assert remind_pilots() == 0
    assert mail.outbox == []


@pytest.mark.translated
def test_reminder_is_in_the_buyers_language(pilot, municipality):
    buyer_user(municipality, username="nl", email="nl@example.org", language="nl")
    buyer_user(municipality, username="en", email="en@example.org", language="en")
    ScaleUpPlan.objects.create(
        adoption=pilot, **plan_values(decision_on=datetime.date(2026, 11, 1))
    )

    scaleup.pilot_reminders_send(today=TODAY)

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    title = pilot.innovation.title
    assert subjects == {
        "nl@example.org": f"Pilot “{title}”: tijd om te beslissen over opschalen",
        "en@example.org": f"Pilot “{title}”: time to decide on scaling up",
    }


# --- How pilots ended -----------------------------------------------------------------------


def _history(adoption, *stages):
    previous = ""
    for stage in stages:
        AdoptionStageChange.objects.create(
            adoption=adoption, from_stage=previous, to_stage=stage, stage_since=adoption.started_on
        )
        previous = stage
    # As where a verified state takes effect: its pilot outcome follows the history.
    pilot_outcome_refresh(adoption_ids=[adoption.pk])


def test_innovation_and_municipality_pages_show_how_pilots_ended(client, municipality, innovation):
    running = AdoptionFactory(innovation=innovation, municipality=municipality)
    _history(running, Stage.PILOT)
    scaled = AdoptionFactory(innovation=innovation, stage=Stage.SCALED)
    _history(scaled, Stage.PILOT, Stage.SCALED)
    stopped = AdoptionFactory(innovation=innovation, stage=Stage.ENDED)
    _history(stopped, Stage.PILOT, Stage.ENDED)
    direct = AdoptionFactory(innovation=innovation, stage=Stage.IMPLEMENTED)
    _history(direct, Stage.IMPLEMENTED)
    claimed = AdoptionFactory(
        innovation=innovation, stage=Stage.SCALED, verification=Verification.CLAIMED
    )
    _history(claimed, Stage.PILOT)
    own_scaled = AdoptionFactory(
        municipality=municipality, innovation=InnovationFactory(), stage=Stage.IMPLEMENTED
    )
    _history(own_scaled, Stage.PILOT, Stage.IMPLEMENTED)

    innovation_page = client.get(reverse("innovations:detail", args=[innovation.slug]))
    municipality_page = client.get(reverse("municipalities:detail", args=[municipality.slug]))

    assert (
        "Of 3 verified pilots: 1 led to implementation or scaling, 1 ended without going "
        "further, 1 still running." in innovation_page.content.decode()
    )
    text = municipality_page.content.decode()
    assert (
        "Of 2 verified pilots: 1 led to implementation or scaling, 0 ended without going "
        "further, 1 still running." in text
    )
    assert "Led to implementation or scaling" in text
