"""Demo accounts, one per role, for local use only (printed by `make run`)."""

from django.contrib.auth import get_user_model

from municipalities.models import Municipality
from municipalities.reference import municipalities_load_reference

from .services import user_create_with_role

DEMO_PASSWORD = "koploper-demo"  # noqa: S105 - local demo data only  # nosec B105

DEMO_ACCOUNTS = [
    # username, role, organisation / municipality code
    ("leverancier", "supplier", "Zonnewijzer B.V."),
    ("inkoper", "buyer", "GM0344"),  # Utrecht
    ("beoordelaar", "reviewer", None),
    ("beheerder", "admin", None),
]

DEMO_NAMES = {
    "leverancier": ("Sanne", "de Vries"),
    "inkoper": ("Mohamed", "El Amrani"),
    "beoordelaar": ("Joke", "Peeters"),
    "beheerder": ("Koen", "Bakker"),
}
# A fictitious, well-formed KvK number for the demo supplier.
DEMO_SUPPLIER_KVK = "90817263"


def seed(stdout=None) -> None:
    """Create the demo accounts that do not exist yet (matched by username)."""
    User = get_user_model()
    if not Municipality.objects.filter(code="GM0344").exists():
        municipalities_load_reference()
    created = []
    for username, role, where in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        first_name, last_name = DEMO_NAMES[username]
        user_create_with_role(
            username=username,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
            role=role,
            organisation=where if role == "supplier" else "",
            municipality_code=where if role == "buyer" else "",
            registration_number=DEMO_SUPPLIER_KVK if role == "supplier" else "",
            first_name=first_name,
            last_name=last_name,
        )
        created.append(username)
    if stdout is not None:
        stdout.write(
            f"Demo accounts: {len(created)} created, {len(DEMO_ACCOUNTS) - len(created)} existed."
        )
