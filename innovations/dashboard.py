"""Dashboard sections this app offers to the signed-in user; portal renders them.

Each section is a dict with "template" (included by portal/dashboard.html) and any
context that template needs."""

from .access import is_reviewer, supplier_for
from .enums import Status
from .organisation_changes import supplier_changes_waiting
from .selectors import QUEUE_DEFAULT_STATES, review_queue, status_counts


def sections(request) -> list[dict]:
    user = request.user
    result = []
    supplier = supplier_for(user)
    if supplier is not None:
        counts = status_counts(supplier=supplier)
        result.append(
            {
                "template": "innovations/_dashboard_supplier.html",
                "supplier": supplier,
                "counts": [(value, label, counts[value]) for value, label in Status.choices],
                "to_act_on": counts[Status.DRAFT] + counts[Status.CHANGES_REQUESTED],
                "total": sum(counts.values()),
            }
        )
    if is_reviewer(user):
        queue = review_queue(user=user, states=QUEUE_DEFAULT_STATES)
        result.append(
            {
                "template": "innovations/_dashboard_reviewer.html",
                "waiting": queue.filter(status=Status.SUBMITTED).count(),
                "mine": queue.filter(assigned_reviewer=user).count(),
                "organisation_changes": supplier_changes_waiting().count(),
            }
        )
    return result
