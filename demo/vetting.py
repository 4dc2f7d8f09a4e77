"""Step: vetting that expires.

The daily job that reminds suppliers before their approval ends, and marks approvals that
ended as to be reconfirmed, ran over the last months (weekly here, daily in the last week,
to keep the demo quick). Innovations approved more than KOPLOPER_APPROVAL_MONTHS ago (the
first ones of the two suppliers that joined first: demo/data/innovations
"created_days_after_joining"), and not revised since, expired: some of their suppliers
confirmed that the text is current, and the demo reviewer reconfirmed the first of those;
one confirmed approval still waits for a reviewer, and the rest wait for their supplier."""

import datetime

from django.utils import timezone

from innovations.enums import Reconfirmation
from innovations.models import Innovation
from innovations.vetting import CONFIRM_CURRENT, RECONFIRM, approvals_expire, valid_until
from innovations.workflow import innovation_transition

REVIEWER = "beoordelaar"
JOB_WEEKS = 26


def _find(title: str, supplier: str) -> Innovation | None:
    return (
        Innovation.objects.approved()
        .filter(title=title, supplier__name=supplier, revision_of__isnull=True)
        .select_related("supplier")
        .first()
    )


def _confirm(demo, spec: dict) -> None:
    """The supplier confirms that the text is current (once: only while it is due)."""
    innovation = _find(spec["title"], spec["supplier"])
    if innovation is None or innovation.reconfirmation != Reconfirmation.DUE:
        return
    innovation_transition(
        innovation=innovation, user=demo.user(spec["member"]), action=CONFIRM_CURRENT
    )


def _reconfirm(demo, spec: dict) -> None:
    """The reviewer reconfirms it (once: only while it waits for a reviewer)."""
    innovation = _find(spec["title"], spec["supplier"])
    if innovation is None or innovation.reconfirmation != Reconfirmation.CONFIRMED:
        return
    innovation_transition(innovation=innovation, user=demo.user(REVIEWER), action=RECONFIRM)


def _ended(demo, before: datetime.date) -> list[dict]:
    """The planned innovations whose approval ended before `before`, oldest end first
    (a revision's approval starts a new period: those are left out)."""
    ended = [
        spec
        for spec in demo.innovations
        if spec["approved_at"] is not None
        and spec["story"] != "revision_approved"
        and valid_until(timezone.localdate(spec["approved_at"])) < before
    ]
    return sorted(ended, key=lambda spec: valid_until(timezone.localdate(spec["approved_at"])))


def plan(demo) -> None:
    # Weekly over the last half year, daily over the last week (nothing is left past its
    # end unmarked, as with the daily job).
    days = [7 * week for week in range(JOB_WEEKS, 1, -1)] + list(range(7, -1, -1))
    for days_ago in days:
        at = demo.days_ago(days_ago, hour=5)
        day = timezone.localdate(at)
        demo.periodic(at, "approval expiry", lambda d=day: approvals_expire(today=d))
    # Every other supplier whose approval had ended confirms its text; the reviewer
    # reconfirms the oldest of those and leaves the next one waiting in the queue. Each
    # event names its innovation, so that a second seed_demo does nothing again.
    confirm_at = demo.days_ago(3, hour=10)
    confirming = _ended(demo, timezone.localdate(confirm_at))[::2]
    for spec in confirming:
        demo.add(confirm_at, f"confirm current {spec['title']}", lambda s=spec: _confirm(demo, s))
    if len(confirming) >= 2:
        spec = confirming[0]
        demo.add(
            demo.days_ago(1, hour=11),
            f"reconfirm {spec['title']}",
            lambda: _reconfirm(demo, spec),
        )
