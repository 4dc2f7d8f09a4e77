"""Demo accounts, one per role, for local use only (printed by `make run`)."""

DEMO_PASSWORD = "koploper-demo"  # noqa: S105 - local demo data only

DEMO_ACCOUNTS = [
    # username, role, organisation / municipality code
    ("leverancier", "supplier", "Zonnewijzer B.V."),
    ("inkoper", "buyer", "GM0344"),  # Utrecht
    ("beoordelaar", "reviewer", None),
    ("beheerder", "admin", None),
]
