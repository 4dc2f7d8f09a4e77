"""Step: supplier organisations sign up, each with its first member (data/suppliers.json).

Dutch suppliers carry a KvK number, Flemish ones an enterprise number; all fictitious and
well-formed. The demo supplier (accounts.DEMO_SUPPLIER) comes with the `leverancier`
account. Plans `demo.suppliers`: name → the file's row plus `joined` (when it signed up)
and `member` (the username that writes its innovations)."""

import datetime

from django.contrib.auth import get_user_model

from innovations.models import Supplier
from innovations.services import supplier_member_add
from portal.services import supplier_signup, user_create

from .accounts import DEMO_SUPPLIER

# Suppliers join over the first months after the portal opened.
JOINING_PERIOD_DAYS = 420


def _signup(row: dict) -> None:
    contact = row["contact"]
    if get_user_model().objects.filter(username=contact["username"]).exists():
        return
    account = {
        "username": contact["username"],
        "email": f"{contact['username']}@{row['website'].removeprefix('https://')}",
        "password": None,  # no usable password: nobody signs in as a demo supplier  # nosec B105
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "language": contact.get("language", "nl"),
    }
    existing = Supplier.objects.filter(name=row["name"]).first()
    if existing is not None:
        # The organisation exists (made otherwise, say by an older demo): its demo
        # contact joins it.
        supplier_member_add(supplier=existing, user=user_create(**account))
        return
    supplier_signup(
        **account,
        organisation_name=row["name"],
        registration_number=row["registration_number"],
        country=row["country"],
        size=row["size"],
        website=row["website"],
    )


def plan(demo) -> None:
    rows = demo.data("suppliers.json")
    if demo.small:
        from .innovations import load_specs

        needed = {spec["supplier"] for spec in load_specs(small=True)} | {DEMO_SUPPLIER}
        rows = [row for row in rows if row["name"] in needed]
    for index, row in enumerate(rows):
        rng = demo.rng("supplier", row["name"])
        if row["name"] == DEMO_SUPPLIER:
            joined = demo.opened + datetime.timedelta(hours=1)
            member = "leverancier"
        else:
            spread = JOINING_PERIOD_DAYS * index / len(rows)
            joined = demo.opened + datetime.timedelta(
                days=spread + rng.uniform(1, 20), hours=rng.randint(8, 17)
            )
            member = row["contact"]["username"]
            demo.add(joined, f"supplier {row['name']}", lambda row=row: _signup(row))
        demo.suppliers[row["name"]] = {**row, "joined": joined, "member": member}
