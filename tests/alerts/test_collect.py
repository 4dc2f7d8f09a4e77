"""The collector: what the services record in the audit log becomes notifications for
whom it concerns, once, however often the collector runs."""

import datetime

import pytest
from django.utils import timezone

from alerts import collect, follows, notifications
from alerts.enums import Kind
from alerts.models import Notification, Watermark
from alerts.tasks import collect as collect_task
from audit.models import AuditEntry
from innovations.workflow import CLAIM, SUBMIT, innovation_transition
from municipalities.adoptions import adoption_update, adoption_verify
from municipalities.challenges import (
    challenge_close,
    challenge_post,
    challenge_respond,
    challenge_response_mark,
)
from municipalities.evaluations import evaluation_save
from tests.factories import MunicipalityFactory, buyer_user, supplier_user
from tests.innovations.helpers import SCORES

from .conftest import adopt, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(db):
    """The collector has run once (it starts at the present)."""
    collect.collect()


def _later(minutes=10):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def _texts(user):
    return [notifications.message(n) for n in notifications.notifications_of(user)]


def test_the_first_run_starts_at_the_present(buyer, innovation, reviewer):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)

    assert collect.collect() == 0
    assert Watermark.objects.get(name="audit").position == AuditEntry.objects.latest("pk").pk
    assert not Notification.objects.exists()


def test_a_follower_is_told_of_a_new_adopter(started, buyer, innovation, reviewer):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)

    made = collect.collect()

    assert made == 1
    assert _texts(buyer) == ["Houten uses Slimme lantaarnpalen (pilot)."]
    [notification] = Notification.objects.all()
    assert (notification.kind, notification.innovation, notification.mail) == (
        Kind.NEW_ADOPTER,
        innovation,
        True,
    )


def test_a_claim_is_not_news_until_it_is_verified(started, buyer, innovation, reviewer):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adoption = adopt(innovation, MunicipalityFactory(name="Houten"), reviewer, verify=False)
    assert collect.collect() == 0

    adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    assert collect.collect() == 1


def test_a_verified_stage_change_is_news_and_the_claimed_one_is_not(
    started, buyer, innovation, reviewer
):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adoption = adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)
    adoption_update(user=adoption.claimed_by, adoption=adoption, stage="implemented")
    collect.collect()
    assert _texts(buyer) == ["Houten uses Slimme lantaarnpalen (pilot)."]

    adoption_verify(user=reviewer, adoption=adoption, decision="verify")
    collect.collect()

    assert _texts(buyer) == [
        "Houten moved Slimme lantaarnpalen from pilot to implemented.",
        "Houten uses Slimme lantaarnpalen (pilot).",
    ]


def test_a_published_evaluation_and_a_new_version_are_news(
    started, buyer, innovation, reviewer, supplier
):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adoption = adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)
    evaluation_save(
        user=adoption.claimed_by,
        adoption=adoption,
        goals_met="partly",
        lessons_learned="Begin klein.",
        would_recommend=True,
    )
    revision = draft(supplier, title="Slimme lantaarnpalen 2", revision_of=innovation, slug="r")
    innovation_transition(innovation=revision, user=supplier_user(supplier), action=SUBMIT)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM)
    innovation_transition(innovation=revision, user=reviewer, action="approve", scores=SCORES)

    collect.collect()

    # Names as the collector found them: the new version's title.
    assert _texts(buyer) == [
        "A new version of Slimme lantaarnpalen 2 was approved.",
        "Houten published an evaluation of Slimme lantaarnpalen 2.",
        "Houten uses Slimme lantaarnpalen 2 (pilot).",
    ]


def test_running_twice_or_rereading_tells_nothing_twice(started, buyer, innovation, reviewer):
    follows.follow_innovation(user=buyer, innovation=innovation)
    adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)

    first = collect_task.apply().get()
    again = collect_task.apply().get()
    # A run whose watermark was not saved (killed) reads the same entries again.
    Watermark.objects.filter(name="audit").update(position=0)
    reread = collect.collect(now=_later(60))

    assert (first, again, reread) == (1, 0, 0)
    assert Notification.objects.count() == 1


def test_the_watermark_stays_before_entries_that_may_have_company(started, buyer, innovation):
    before = Watermark.objects.get(name="audit").position
    entry = AuditEntry.objects.create(action="test.fresh", object_type="x", object_id="1")

    collect.collect()
    young = Watermark.objects.get(name="audit").position
    collect.collect(now=_later(6))
    settled = Watermark.objects.get(name="audit").position

    assert (young, settled) == (before, entry.pk)


def test_a_supplier_hears_how_a_buyer_marked_their_answer(
    started, buyer, municipality, innovation, supplier_member
):
    challenge = challenge_post(
        user=buyer,
        municipality=municipality,
        title="Minder energie in gebouwen",
        problem_statement="Wij zoeken besparingen.",
        domain="energy",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    response = challenge_respond(
        user=supplier_member, challenge=challenge, innovation=innovation, pitch="Past precies."
    )
    challenge_response_mark(user=buyer, response=response, status="interested")

    collect.collect()

    assert _texts(supplier_member) == [
        "Utrecht marked your answer with Slimme lantaarnpalen to “Minder energie in gebouwen” "
        "as interesting."
    ]


def test_new_challenges_in_a_suppliers_domains_are_opt_in(
    started, buyer, municipality, innovation, supplier_member, supplier
):
    other_member = supplier_user(supplier)
    notifications.alert_settings_update(user=supplier_member, channels={Kind.NEW_CHALLENGE: "mail"})

    def post(domain):
        return challenge_post(
            user=buyer,
            municipality=municipality,
            title=f"Uitdaging {domain}",
            problem_statement="Wij zoeken iets.",
            domain=domain,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )

    post("energy")
    post("care")
    collect.collect()

    assert _texts(supplier_member) == ["Utrecht posted a challenge in energy: “Uitdaging energy”."]
    assert _texts(other_member) == []


@pytest.mark.parametrize("reconfirmation", ["due", "confirmed"])
def test_new_challenges_skip_suppliers_whose_innovation_awaits_reconfirmation(
    started, buyer, municipality, innovation, supplier_member, reconfirmation
):
    """An innovation whose approval ended is out of the catalogue and cannot answer a
    challenge until a reviewer reconfirms it: its supplier is not invited to."""
    notifications.alert_settings_update(user=supplier_member, channels={Kind.NEW_CHALLENGE: "mail"})
    innovation.reconfirmation = reconfirmation
    innovation.save(update_fields=["reconfirmation"])

    def post(title):
        return challenge_post(
            user=buyer,
            municipality=municipality,
            title=title,
            problem_statement="Wij zoeken iets.",
            domain="energy",
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )

    post("Minder energie")
    collect.collect(now=_later())  # settled: the next run does not read it again
    assert _texts(supplier_member) == []

    innovation.reconfirmation = ""  # reconfirmed: in the catalogue again
    innovation.save(update_fields=["reconfirmation"])
    post("Nog minder energie")
    collect.collect()

    assert _texts(supplier_member) == [
        "Utrecht posted a challenge in energy: “Nog minder energie”."
    ]


def test_followers_of_a_challenge_hear_of_its_deadline_and_closing(
    started, buyer, municipality, supplier_member
):
    challenge = challenge_post(
        user=buyer,
        municipality=municipality,
        title="Slimme verlichting",
        problem_statement="Wij zoeken iets.",
        domain="energy",
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    follows.follow_challenge(user=supplier_member, challenge=challenge)

    collect.collect()
    collect.collect()
    challenge_close(user=buyer, challenge=challenge)
    collect.collect()

    texts = _texts(supplier_member)
    assert len(texts) == 2
    assert texts[0] == "Utrecht closed the challenge “Slimme verlichting”."
    assert texts[1].startswith("The challenge “Slimme verlichting” of Utrecht closes on ")


def test_a_kind_turned_off_makes_no_notification(started, buyer, innovation, reviewer):
    notifications.alert_settings_update(user=buyer, channels={Kind.NEW_ADOPTER: "off"})
    follows.follow_innovation(user=buyer, innovation=innovation)
    adopt(innovation, MunicipalityFactory(name="Houten"), reviewer)

    assert collect.collect() == 0


def test_whoever_did_it_is_not_told(started, innovation, reviewer):
    houten = MunicipalityFactory(name="Houten")
    own_buyer = buyer_user(houten)
    follows.follow_innovation(user=own_buyer, innovation=innovation)
    adoption = adopt(innovation, houten, reviewer, verify=False)
    adoption.claimed_by = own_buyer
    adoption.save(update_fields=["claimed_by"])
    adoption_verify(user=reviewer, adoption=adoption, decision="verify")

    assert collect.collect() == 0
