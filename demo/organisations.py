"""Step: suppliers ask to change their organisation's name or number (demo/data:
organisation_changes.json).

A member's new name or registration number waits for a reviewer before it shows
(innovations.organisation_changes). One supplier asked for another supplier's name weeks
ago and the demo reviewer rejected it; two changes wait in the reviewers' queue
(/review/organisations/). No change is accepted: the other steps find suppliers by name."""

from audit.models import AuditEntry
from innovations.models import Supplier
from innovations.organisation_changes import supplier_change_decide
from innovations.services import supplier_update

REVIEWER = "beoordelaar"


def _requested_before(supplier: Supplier, name: str) -> bool:
    """The member asked for `name` already (it may have been decided since)."""
    updates = AuditEntry.objects.for_object(supplier).filter(action="supplier.update")
    return any((entry.changes.get("pending_name") or [None, None])[1] == name for entry in updates)


def _request(demo, row: dict, member: str) -> None:
    supplier = Supplier.objects.filter(name=row["supplier"]).first()
    if supplier is None or _requested_before(supplier, row["name"]):
        return
    supplier_update(
        supplier=supplier,
        user=demo.user(member),
        name=row["name"],
        country=supplier.country,
        size=supplier.size,
        registration_number=row.get("registration_number", supplier.registration_number),
        website=supplier.website,
    )


def _decide(demo, row: dict) -> None:
    """The reviewer decides, once: only while the change still waits."""
    supplier = Supplier.objects.filter(name=row["supplier"], pending_name=row["name"]).first()
    if supplier is None or supplier.change_requested_at is None:
        return
    supplier_change_decide(
        supplier=supplier, user=demo.user(REVIEWER), accept=row["decision"] == "accept"
    )


def plan(demo) -> None:
    for row in demo.data("organisation_changes.json"):
        planned = demo.suppliers.get(row["supplier"])
        if planned is None:  # not in this demo's size
            continue
        rng = demo.rng("organisation change", row["supplier"])
        requested = demo.days_ago(row["requested_days_ago"], rng=rng)
        demo.add(
            requested,
            f"organisation change {row['supplier']}",
            lambda r=row, m=planned["member"]: _request(demo, r, m),
        )
        if row["decision"]:
            decided = demo.days_ago(row["decided_days_ago"], rng=rng)
            demo.add(
                decided,
                f"organisation change decided {row['supplier']}",
                lambda r=row: _decide(demo, r),
            )
