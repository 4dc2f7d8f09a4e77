"""Digests of saved searches: exactly what is new or changed since the last one, none
when there is nothing, one per period however often the task runs, in the recipient's
language, with a one-click unsubscribe."""

import datetime

import pytest
from django.core import mail
from django.http import QueryDict
from django.utils import timezone

from alerts import mails, searches
from alerts.models import SavedSearch
from alerts.tasks import make_digests
from audit.models import OutgoingMail
from innovations import vetting
from innovations.models import Innovation, StatusChange
from innovations.workflow import CLAIM, SUBMIT, innovation_transition
from tests.factories import InnovationFactory, supplier_user
from tests.innovations.helpers import SCORES

from .conftest import draft, publish

pytestmark = pytest.mark.django_db


def _search(user, query, frequency="daily", days_ago=1):
    search = searches.saved_search_create(user=user, query=QueryDict(query), frequency=frequency)
    # Saved a while ago: the next digest is due.
    SavedSearch.objects.filter(pk=search.pk).update(
        digest_until=timezone.now() - datetime.timedelta(days=days_ago, minutes=10)
    )
    return search


def _later(**kwargs):
    return timezone.now() + datetime.timedelta(**kwargs)


def test_a_digest_lists_exactly_the_new_matches(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    InnovationFactory(title="Oude zonnepanelen", domains=["energy"])  # published before
    search = _search(buyer, "domain=energy")
    new_energy = [draft(supplier, title=f"Zonnedak {n}", domains=["energy"]) for n in (1, 2)]
    other_domain = draft(supplier, title="Deelfiets", domains=["mobility"])
    not_published = draft(supplier, title="Zonnedak in concept", domains=["energy"])
    for innovation in [*new_energy, other_domain]:
        publish(innovation, reviewer)
    member = supplier_user(supplier)
    innovation_transition(innovation=not_published, user=member, action=SUBMIT, notify=False)

    with django_capture_on_commit_callbacks(execute=True):
        made = mails.digests_make(now=_later(minutes=10))

    assert made == 1
    [message] = mail.outbox
    assert message.to == ["inkoper@example.org"]
    listed = sorted(line for line in message.body.splitlines() if line.startswith("- "))
    assert listed == [
        "- Zonnedak 1 (Zonnewijzer B.V.)",
        "- Zonnedak 2 (Zonnewijzer B.V.)",
    ]
    assert search.refresh_from_db() is None


def test_the_next_digest_lists_only_what_came_after_the_last(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    _search(buyer, "domain=energy")
    publish(draft(supplier, title="Eerste", domains=["energy"]), reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        mails.digests_make(now=_later(minutes=6))  # its window ends a minute from now
    second = publish(draft(supplier, title="Tweede", domains=["energy"]), reviewer)
    StatusChange.objects.filter(innovation=second).update(created_at=_later(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        mails.digests_make(now=_later(days=1, minutes=6))

    assert len(mail.outbox) == 2
    assert "- Eerste (Zonnewijzer B.V.)" in mail.outbox[0].body
    assert "- Tweede (Zonnewijzer B.V.)" in mail.outbox[1].body
    assert "Eerste" not in mail.outbox[1].body


def test_no_digest_when_nothing_is_new(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    search = _search(buyer, "domain=energy")
    publish(draft(supplier, title="Deelfiets", domains=["mobility"]), reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        made = mails.digests_make(now=_later(minutes=10))

    assert (made, mail.outbox, OutgoingMail.objects.count()) == (0, [], 0)
    search.refresh_from_db()
    assert search.digest_until > timezone.now()  # the empty window is done with


def test_a_digest_task_run_twice_sends_once(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    _search(buyer, "domain=energy")
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    # Approved ten minutes ago: a digest made now leaves out the last five minutes.
    StatusChange.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=True):
        first = make_digests.apply().get()
        second = make_digests.apply().get()

    assert (first, second, len(mail.outbox)) == (1, 0, 1)


def test_weekly_digests_wait_a_week(buyer, supplier, reviewer, django_capture_on_commit_callbacks):
    _search(buyer, "domain=energy", frequency="weekly", days_ago=2)
    _search(buyer, "domain=energy&route=market-ready", frequency="none", days_ago=30)
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        made_now = mails.digests_make(now=_later(minutes=10))
        made_later = mails.digests_make(now=_later(days=6))

    assert (made_now, made_later, len(mail.outbox)) == (0, 1, 1)


def test_a_new_version_counts_as_changed(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    published = publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    StatusChange.objects.update(created_at=three_days_ago)
    Innovation.objects.filter(pk=published.pk).update(published_at=three_days_ago)
    _search(buyer, "domain=energy")
    revision = draft(
        supplier, title="Zonnedak 2.0", domains=["energy"], revision_of=published, slug="rev"
    )
    member = supplier_user(supplier)
    innovation_transition(innovation=revision, user=member, action=SUBMIT, notify=False)
    innovation_transition(innovation=revision, user=reviewer, action=CLAIM, notify=False)
    innovation_transition(
        innovation=revision, user=reviewer, action="approve", scores=SCORES, notify=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        made = mails.digests_make(now=_later(minutes=10))

    assert made == 1
    assert "- Zonnedak 2.0 (Zonnewijzer B.V.) — new version" in mail.outbox[0].body


@pytest.mark.translated
def test_the_digest_is_in_the_recipients_language_with_one_click_unsubscribe(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks, settings
):
    settings.KOPLOPER_BASE_URL = "https://koploper.example"
    search = _search(buyer, "domain=energy")  # buyer.language == "nl"
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        mails.digests_make(now=_later(minutes=10))

    [message] = mail.outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://koploper.example/nl/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.subject == f"Koploper: 1 nieuw voor “{search.name}”"
    html = message.alternatives[0][0]
    assert 'lang="nl"' in html and unsubscribe[1:-1] in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("domain=energy", ["- Zonnedak (Zonnewijzer B.V.)"]),
        # The catalogue's opt-in: this search asks for those to be reconfirmed too.
        (
            "domain=energy&approval=all",
            ["- Zonnedak (Zonnewijzer B.V.)", "- Zonnepark (Zonnewijzer B.V.)"],
        ),
    ],
)
def test_a_digest_follows_the_catalogue_when_an_approval_ends_before_it_is_sent(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks, query, expected
):
    _search(buyer, query)
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    ended = publish(draft(supplier, title="Zonnepark", domains=["energy"]), reviewer)
    with django_capture_on_commit_callbacks() as callbacks:  # recorded, not sent yet
        made = mails.digests_make(now=_later(minutes=10))
    ended.refresh_from_db()
    innovation_transition(
        innovation=ended,
        user=None,
        action=vetting.EXPIRE,
        today=ended.approved_until + datetime.timedelta(days=1),
    )

    for callback in callbacks:
        callback()  # the outbox sends the digest now

    assert made == 1
    [message] = mail.outbox
    assert sorted(line for line in message.body.splitlines() if line.startswith("- ")) == expected


def test_a_reconfirmed_approval_is_not_a_new_version(
    buyer, supplier, reviewer, django_capture_on_commit_callbacks
):
    published = publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    long_ago = timezone.now() - datetime.timedelta(days=800)
    StatusChange.objects.update(created_at=long_ago)
    Innovation.objects.filter(pk=published.pk).update(published_at=long_ago)
    _search(buyer, "domain=energy")
    published.refresh_from_db()
    today = published.approved_until + datetime.timedelta(days=1)
    # Its approval ends, the supplier confirms the text, a reviewer reconfirms: all in the
    # digest's window, each appending a status change to `approved`.
    for action, user in [
        (vetting.EXPIRE, None),
        (vetting.CONFIRM_CURRENT, supplier_user(supplier)),
        (vetting.RECONFIRM, reviewer),
    ]:
        innovation_transition(
            innovation=published, user=user, action=action, today=today, notify=False
        )

    with django_capture_on_commit_callbacks(execute=True):
        made = mails.digests_make(now=_later(minutes=10))

    assert (made, mail.outbox) == (0, [])
