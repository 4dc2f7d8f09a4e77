"""The demo (demo/): the full plan meets the issue's counts, the small replay is made
through the services, is idempotent, and the pages render with it."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alerts.models import Follow, InsightDay, InsightMonth, Notification, SavedSearch
from audit.models import AuditEntry, OutgoingMail
from demo import runner
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from innovations.enums import Domain, Status
from innovations.models import Innovation, Review, StatusChange
from innovations.vetting import valid_until
from municipalities.enums import SizeClass, Stage, Verification
from municipalities.models import Adoption, AdoptionStageChange, Challenge, Evaluation
from portal.celery import app as celery_app
from portal.roles import roles_for
from ranking.models import RankingEntry, RankingRun
from ranking.selectors import rank_history

pytestmark = pytest.mark.django_db

User = get_user_model()

# What the full demo must hold (issue 19, "The demo").
MIN_IN_CATALOGUE = 150
MIN_SUPPLIERS = 40
MIN_MUNICIPALITIES = 250
MONTHLY_BOARDS = 12


def _verified(demo):
    return [a for a in demo.adoptions if a["decision"] == "verify" and a["decide_at"] < demo.now]


def test_full_demo_plan_meets_the_counts(reference_municipalities):
    demo = runner.plan()
    municipalities = {m.code: m for m in reference_municipalities}

    in_catalogue = [i for i in demo.innovations if i["approved_at"] is not None]
    assert len(in_catalogue) >= MIN_IN_CATALOGUE
    assert {d for i in in_catalogue for d in i["domains"]} == set(Domain.values)
    stories = {i["story"] for i in demo.innovations}
    assert {"changes_requested", "rejected", "in_review", "submitted"} <= stories
    assert len(demo.suppliers) >= MIN_SUPPLIERS
    assert {s["country"] for s in demo.suppliers.values()} == {"NL", "BE"}

    verified = _verified(demo)
    adopters = {municipalities[a["code"]] for a in verified}
    assert len(adopters) >= MIN_MUNICIPALITIES
    assert {m.country for m in adopters} == {"NL", "BE"}
    for country in ("NL", "BE"):
        assert {m.size_class for m in adopters if m.country == country} == set(SizeClass.values)
    reached = {stage for a in verified for stage, _day in a["recorded"]}
    reached |= {c["stage"] for a in verified for c in a["changes"] if c["at"] < demo.now}
    assert reached == set(Stage.values)
    goals = {a["evaluation"]["goals_met"] for a in verified if a["evaluation"]}
    assert goals == {"met", "partly", "not"}

    boards = [e for e in demo.events if e.label.startswith("board ")]
    assert len(boards) >= MONTHLY_BOARDS
    assert all(e.barrier for e in boards)
    challenges = [e for e in demo.events if e.label.startswith("challenge ")]
    assert len({e.label for e in challenges}) >= 15
    # Some approvals ended (vetting expires): they show the reconfirmation at work.
    ended = [
        i
        for i in in_catalogue
        if i["story"] != "revision_approved" and valid_until(i["approved_at"].date()) < demo.today
    ]
    assert len(ended) >= 3
    assert "Zonnewijzer B.V." in {i["supplier"] for i in ended}  # the demo supplier's to-do


def test_demo_plan_is_deterministic(reference_municipalities):
    now = timezone.now()

    first = runner.plan(size="small", now=now)
    second = runner.plan(size="small", now=now)

    assert [(e.at, e.label) for e in first.events] == [(e.at, e.label) for e in second.events]
    assert [(a["code"], a["innovation"], a["started_on"]) for a in first.adoptions] == [
        (a["code"], a["innovation"], a["started_on"]) for a in second.adoptions
    ]


def _row_counts():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


PROJECT_APPS = {
    "audit",
    "portal",
    "innovations",
    "municipalities",
    "procurement",
    "alerts",
    "ranking",
    "auth",
    "authtoken",
}


def _fingerprint():
    """What a second run must leave as it was, beyond the row counts: each adoption's
    state, each innovation's state and catalogue facts, each board's entries."""
    return (
        sorted(
            Adoption.objects.values_list(
                "municipality__code", "innovation__title", "stage", "stage_since", "verification"
            )
        ),
        sorted(
            Innovation.objects.values_list(
                "title", "status", "approved_until", "adoption_count", "adopter_provinces"
            )
        ),
        sorted(
            RankingEntry.objects.values_list("run__reference_date", "municipality__code", "rank")
        ),
        AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The small demo, replayed once for the module's tests (each test runs in a
    savepoint of its own inside this fixture's transaction, which is rolled back)."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the mail tasks run in-process, as in `make run`
    try:
        with django_db_blocker.unblock(), transaction.atomic(), fast:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", size="small", verbosity=0)
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def test_small_demo_is_idempotent(small_demo, django_capture_on_commit_callbacks):
    before, fingerprint = _row_counts(), _fingerprint()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", size="small", verbosity=0)

    assert _row_counts() == before
    assert _fingerprint() == fingerprint


def test_small_demo_is_made_through_the_services(small_demo):
    adoptions = Adoption.objects.all()
    claims = AuditEntry.objects.filter(action="adoption.claim")
    assert claims.count() == adoptions.count() > 20
    verified = adoptions.filter(verification=Verification.VERIFIED)
    verifications = AuditEntry.objects.filter(action="adoption.verify")
    assert {int(e.object_id) for e in verifications} >= set(verified.values_list("pk", flat=True))
    # The history holds verified states (DESIGN.md, Adoption changes): a claim never
    # verified has none yet, a verified adoption ends in its verified stage.
    for adoption in adoptions.prefetch_related("stage_changes"):
        history = list(adoption.stage_changes.all())
        if adoption.verification != Verification.VERIFIED:
            assert history == []
            continue
        assert (history[-1].to_stage, history[-1].stage_since) == (
            adoption.stage,
            adoption.stage_since,
        )
    assert AdoptionStageChange.objects.exclude(from_stage="").exists()
    assert Evaluation.objects.exists()
    approved = Innovation.objects.filter(status=Status.APPROVED, revision_of__isnull=True)
    assert approved.count() >= 12
    for innovation in approved:
        assert innovation.reviews.filter(decision="approve").exists()
        assert StatusChange.objects.filter(innovation=innovation, to_status="approved").exists()
    assert Review.objects.exclude(feedback="").count() == Review.objects.count()
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
    assert OutgoingMail.objects.count() > 50


def test_small_demo_is_dated_over_the_past_months(small_demo):
    now = timezone.now()
    oldest = AuditEntry.objects.order_by("created_at").first().created_at
    assert oldest < now - datetime.timedelta(days=700)
    assert not AuditEntry.objects.filter(created_at__gt=now).exists()
    runs = RankingRun.objects.published().order_by("reference_date")
    assert runs.count() >= 4
    assert [r.started_at.date() >= r.reference_date for r in runs] == [True] * runs.count()
    assert runs.last().is_current and runs.last().reference_date == timezone.localdate()
    assert runs.last().previous_run == runs[runs.count() - 2]
    assert not Adoption.objects.filter(stage_since__gt=timezone.localdate()).exists()


def test_small_demo_boards_carry_ranges_and_groups(small_demo, client):
    """Every monthly board of the demo has its sensitivity analysis: ranges, groups, and
    the results the methodology page states."""
    runs = list(RankingRun.objects.published().order_by("reference_date"))
    for run in runs:
        assert run.sensitivity["settings"]["draws"] >= 1000, run
        entries = list(run.entries.all())
        assert entries, run
        for e in entries:
            assert e.rank_low <= e.rank_median <= e.rank_high, e
            assert e.rank_low <= e.rank <= e.rank_high, e
            assert e.performance_group, e
    current = runs[-1]
    assert len({e.performance_group for e in current.entries.all()}) >= 2
    leader = current.entries.order_by("position").first()
    board = client.get(reverse("ranking:leaderboard")).content.decode()
    assert (
        f'{leader.rank} <span class="koploper-range">({leader.rank_low}–{leader.rank_high})'
        in board
    )
    methodology = client.get(reverse("ranking:methodology")).content.decode()
    assert f"{current.sensitivity['moved_more_than']} of the {current.entry_count}" in methodology


def test_small_demo_gives_the_demo_accounts_something_to_do(small_demo):
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    assert {name: roles_for(u) for name, u in users.items()} == {
        "leverancier": {"supplier"},
        "inkoper": {"buyer"},
        "beoordelaar": {"reviewer"},
        "adviseur": {"adviser"},
        "beheerder": {"admin", "reviewer"},
    }
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert users["inkoper"].buyer_membership.municipality.code == "GM0344"
    assert (
        not User.objects.exclude(pk__in=[u.pk for u in users.values()])
        .filter(password__startswith="md5")
        .exists()
    )
    own = Adoption.objects.filter(municipality__code="GM0344")
    assert {Verification.VERIFIED, Verification.CLAIMED, Verification.REJECTED} <= set(
        own.values_list("verification", flat=True)
    )
    assert Challenge.objects.filter(municipality__code="GM0344", status="open").count() == 2
    assert users["inkoper"].shortlist_items.exists()


def test_small_demo_has_routes_and_support_desk_questions(small_demo):
    from procurement.models import ProcurementRoute, Question

    questions = Question.objects.filter(asker__username="inkoper")
    assert ProcurementRoute.objects.count() == 6
    assert set(questions.values_list("status", flat=True)) == {"open", "answered", "closed"}
    assert questions.filter(is_published=True, answered_by__username="adviseur").count() == 2
    assert AuditEntry.objects.filter(action="question.answer").count() == 2


def test_small_demo_has_scale_up_plans_and_a_pilot_due(small_demo):
    from procurement.models import PilotReminder, ScaleUpPlan
    from procurement.scaleup import pilots_due

    inkoper = User.objects.get(username="inkoper")
    own = ScaleUpPlan.objects.filter(adoption__municipality__code="GM0344")
    assert own.filter(updated_by=inkoper).exists()
    assert pilots_due(municipality=own.first().adoption.municipality).exists()
    assert PilotReminder.objects.filter(last_sent_on__isnull=False).exists()
    assert (
        AuditEntry.objects.filter(action="scale_up_plan.save").count()
        == ScaleUpPlan.objects.count()
    )


def test_small_demo_has_approvals_that_expire(small_demo):
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from innovations.models import Innovation, StatusChange

    # Every approval, made through the workflow at its dated moment, holds 24 months from
    # the day of its latest approval (or a revision's, or a reconfirmation).
    for innovation in Innovation.objects.approved():
        days = {
            timezone.localdate(change.created_at)
            for change in StatusChange.objects.filter(innovation__in=[innovation])
        } | {
            timezone.localdate(change.created_at)
            for change in StatusChange.objects.filter(innovation__revision_of=innovation)
        }
        assert innovation.approved_until - relativedelta(months=24) in days, innovation
    # The weekly expiry job ran: nothing is past its approval without being marked.
    today = timezone.localdate()
    assert not Innovation.objects.current().filter(approved_until__lt=today - relativedelta(days=7))


def test_small_demo_has_an_approval_that_ended_and_was_confirmed(small_demo):
    """The first approvals ended: the expiry job marked them, a supplier confirmed one
    (its reviewer's to-do), the other waits for its supplier; a second run (the
    idempotency test) confirms nothing again."""
    ended = Innovation.objects.approved().exclude(reconfirmation="")
    assert set(ended.values_list("reconfirmation", flat=True)) == {"due", "confirmed"}
    assert AuditEntry.objects.filter(action="innovation.expire").count() == ended.count()
    assert AuditEntry.objects.filter(action="innovation.confirm_current").count() == 1
    assert not Innovation.objects.current().filter(pk__in=ended)


def test_small_demo_shows_alerts_at_work(small_demo):
    inkoper = User.objects.get(username="inkoper")
    assert Follow.objects.filter(user=inkoper, innovation__isnull=False).exists()
    assert Follow.objects.filter(challenge__isnull=False).exists()
    assert SavedSearch.objects.filter(user=inkoper).count() == 2
    assert Notification.objects.exists()
    assert InsightDay.objects.exists() and InsightMonth.objects.exists()
    # Page views, comparisons and challenge suggestions were counted too.
    for metric in ("views", "comparisons", "suggestions"):
        assert InsightMonth.objects.filter(metric=metric, count__gt=0).exists(), metric


def test_small_demo_pages_render(small_demo, client):
    leader = RankingRun.objects.get(is_current=True).entries.order_by("position").first()
    challenge = Challenge.objects.filter(
        status="open", deadline__gte=timezone.localdate(), responses__isnull=False
    ).first()
    innovation = Innovation.objects.approved().first()

    pages = {
        "/nl/": None,
        reverse("innovations:catalogue"): innovation.title,
        reverse("innovations:detail", args=[innovation.slug]): innovation.title,
        reverse("ranking:leaderboard"): leader.municipality.name,
        reverse("ranking:map"): None,
        reverse("ranking:scorecard", args=[leader.municipality.slug]): leader.municipality.name,
        reverse("municipalities:challenge_detail", args=[challenge.pk]): challenge.title,
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if text:
            assert escape(text) in response.content.decode(), url
    history = rank_history(leader.municipality)
    assert len([point for point in history if point.entry is not None]) >= 3


def test_small_demo_leaves_the_catalogue_facts_the_services_keep(small_demo):
    """The catalogue's copy of each innovation's use (count and provinces of its verified
    adopters) is what the adoption services keep it at: no adoption went around them."""
    from municipalities.adoption_facts import adoption_facts

    innovations = Innovation.objects.order_by("pk")
    facts = adoption_facts(innovations.values_list("pk", flat=True))
    assert {i.pk: (i.adoption_count, i.adopter_provinces) for i in innovations} == facts
    assert sum(count for count, _provinces in facts.values()) == (
        Adoption.objects.filter(verification=Verification.VERIFIED).count()
    )
    assert len({code for _count, provinces in facts.values() for code in provinces}) >= 3


def test_small_demo_challenges_have_responses_and_suggestions(small_demo, client):
    from municipalities.matchmaking import challenge_suggestions
    from municipalities.models import ChallengeResponse

    challenges = Challenge.objects.all()
    assert {"open", "closed"} <= set(challenges.values_list("status", flat=True))
    responses = ChallengeResponse.objects.all()
    assert {"new", "interested", "declined"} <= set(responses.values_list("status", flat=True))
    assert AuditEntry.objects.filter(action="challenge.post").count() == challenges.count()
    assert AuditEntry.objects.filter(action="challenge.respond").count() == responses.count()
    assert AuditEntry.objects.filter(action="challenge.mark_response").count() == (
        responses.exclude(status="new").count()
    )
    open_ones = challenges.filter(
        status="open", deadline__gte=timezone.localdate(), responses__isnull=False
    ).distinct()
    assert open_ones.exists()
    for challenge in open_ones:
        suggestions = challenge_suggestions(challenge)
        assert suggestions, challenge
        page = client.get(reverse("municipalities:challenge_detail", args=[challenge.pk]))
        assert escape(suggestions[0].innovation.title) in page.content.decode()


def test_small_demo_leaves_organisation_changes_for_the_reviewers(small_demo, client):
    from innovations.models import Supplier
    from innovations.organisation_changes import supplier_changes_waiting

    waiting = list(supplier_changes_waiting())
    rejected = AuditEntry.objects.get(action="supplier.change_reject")

    assert [(s.name, s.pending_name) for s in waiting] == [
        ("KlimaatAdaptief B.V.", "KlimaatAdaptief Groep B.V."),
        ("Afvalslim B.V.", "Afvalslim Nederland B.V."),
    ]
    # A merger's new number; a new name alone keeps the number.
    assert [s.pending_registration_number for s in waiting] == [
        "41526378",
        waiting[1].registration_number,
    ]
    # Asked by a member of the organisation itself.
    assert all(s.members.filter(user=s.change_requested_by).exists() for s in waiting)
    # Asked for another supplier's name, and refused: the name stays.
    assert (rejected.actor_name, rejected.object_repr) == ("beoordelaar", "Robotica Onderhoud B.V.")
    assert Supplier.objects.filter(name="Zorgrobot Nederland B.V.").count() == 1
    client.force_login(User.objects.get(username="beoordelaar"))
    page = client.get(reverse("review:organisation_changes")).content.decode()
    assert "2 changes wait." in page
    assert "Accept “Afvalslim Nederland B.V.”" in page


def test_small_demo_leaves_the_demo_supplier_an_api_token_on_the_account_page(small_demo, client):
    from rest_framework.authtoken.models import Token

    from demo.accounts import API_CLIENT_SINCE_DAYS
    from portal import tokens

    [token] = Token.objects.all()
    assert token.user.username == "leverancier"
    assert timezone.localdate(token.created) == (
        timezone.localdate() - datetime.timedelta(days=API_CLIENT_SINCE_DAYS)
    )
    assert tokens.token_of(token.user) == token  # valid: younger than API_TOKEN_DAYS
    client.force_login(token.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"ending in …{token.key[-4:]}" in page
    assert reverse("token_revoke") in page
