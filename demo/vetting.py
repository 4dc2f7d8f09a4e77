"""Step: vetting that expires.

The daily job that reminds suppliers before their approval ends, and marks approvals that
ended as to be reconfirmed, ran over the last months (weekly here, daily in the last week,
to keep the demo quick). Innovations approved more than KOPLOPER_APPROVAL_MONTHS ago (the
first ones of the two suppliers that joined first: demo/data/innovations
"created_days_after_joining"), and not revised since, expired: some of their suppliers
confirmed that the text is current, and the demo reviewer reconfirmed the first of those;
one confirmed approval still waits for a reviewer, and the rest wait for their supplier."""

from django.utils import timezone

from innovations.enums import Reconfirmation
from innovations.models import Innovation
from innovations.vetting import CONFIRM_CURRENT, RECONFIRM, approvals_expire
from innovations.workflow import innovation_transition

REVIEWER = "beoordelaar"
JOB_WEEKS = 26


def _due() -> list[Innovation]:
    return list(
        Innovation.objects.approved()
        .filter(reconfirmation=Reconfirmation.DUE)
        .select_related("supplier")
        .order_by("approved_until", "id")
    )


def _confirm(demo, members: dict) -> None:
    """Every other supplier whose approval ended confirms its text."""
    for innovation in _due()[::2]:
        member = members.get((innovation.supplier.name, innovation.title))
        if member is None:
            continue
        innovation_transition(innovation=innovation, user=demo.user(member), action=CONFIRM_CURRENT)


def _reconfirm(demo) -> None:
    """The reviewer reconfirms the oldest confirmed approval and leaves the rest waiting."""
    confirmed = (
        Innovation.objects.approved()
        .filter(reconfirmation=Reconfirmation.CONFIRMED)
        .order_by("approved_until", "id")
    )
    waiting = list(confirmed)
    if len(waiting) < 2:
        return  # keep one waiting for the reviewer's queue
    innovation_transition(innovation=waiting[0], user=demo.user(REVIEWER), action=RECONFIRM)


def plan(demo) -> None:
    members = {(i["supplier"], i["title"]): i["member"] for i in demo.innovations}
    # Weekly over the last half year, daily over the last week (nothing is left past its
    # end unmarked, as with the daily job).
    days = [7 * week for week in range(JOB_WEEKS, 1, -1)] + list(range(7, -1, -1))
    for days_ago in days:
        at = demo.days_ago(days_ago, hour=5)
        day = timezone.localdate(at)
        demo.periodic(at, "approval expiry", lambda d=day: approvals_expire(today=d))
    demo.add(demo.days_ago(3, hour=10), "confirm current texts", lambda: _confirm(demo, members))
    demo.add(demo.days_ago(1, hour=11), "reconfirm an approval", lambda: _reconfirm(demo))
