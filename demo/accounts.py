"""Step: the documented demo accounts, one per role, and the other regional reviewers,
and the demo supplier's API token (its account page lists it).

The five accounts of the README sign in with DEMO_PASSWORD; every other account of the
demo has no usable password. They are made when the portal "opened", at the start of
the replay, through the same service as `manage.py create_user`."""

import datetime

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "koploper-demo"  # noqa: S105 - local demo data only  # nosec B105
DEMO_SUPPLIER = "Zonnewijzer B.V."
DEMO_SUPPLIER_KVK = "90817263"  # fictitious, well-formed
DEMO_BUYER_MUNICIPALITY = "GM0344"  # Utrecht

DEMO_ACCOUNTS = [
    # username, role, organisation / municipality code, first name, last name
    ("leverancier", "supplier", DEMO_SUPPLIER, "Sanne", "de Vries"),
    ("inkoper", "buyer", DEMO_BUYER_MUNICIPALITY, "Mohamed", "El Amrani"),
    ("beoordelaar", "reviewer", None, "Joke", "Peeters"),
    ("adviseur", "adviser", None, "Lotte", "Janssens"),
    ("beheerder", "admin", None, "Koen", "Bakker"),
]
# Regional staff who review too (no password: nobody signs in as them).
OTHER_REVIEWERS = [
    ("beoordelaar-oost", "Ruud", "Hendriks"),
    ("beoordelaar-zuid", "Fatima", "Ouali"),
    ("beoordelaar-vlaanderen", "Wim", "Vandenbroucke"),
]
REVIEWERS = ["beoordelaar"] + [username for username, _first, _last in OTHER_REVIEWERS]

# The portal opened this long before today; the replay starts then.
PORTAL_AGE = datetime.timedelta(days=800)
# The demo supplier's programs use the API (their own catalogue keeps the drafts in step):
# a token issued this many days before today, so the account page has one to list and
# revoke. Younger than API_TOKEN_DAYS (30 by default), so it still works.
API_CLIENT_ACCOUNT = "leverancier"
API_CLIENT_SINCE_DAYS = 6


def _create(username, role, where, first_name, last_name, password):
    # Imported here, so that demo.screenshots can read the constants without Django set up.
    from portal.services import user_create_with_role

    if get_user_model().objects.filter(username=username).exists():
        return
    user_create_with_role(
        username=username,
        email=f"{username}@example.org",
        password=password,
        role=role,
        organisation=where if role == "supplier" else "",
        municipality_code=where if role == "buyer" else "",
        registration_number=DEMO_SUPPLIER_KVK if role == "supplier" else "",
        first_name=first_name,
        last_name=last_name,
    )


def _issue_token(username):
    from portal import tokens

    # tokens.issue keeps a valid token: a second seed_demo writes nothing.
    tokens.issue(get_user_model().objects.get(username=username))


def plan(demo) -> None:
    demo.opened = demo.now - PORTAL_AGE
    for offset, (username, role, where, first, last) in enumerate(DEMO_ACCOUNTS):
        demo.add(
            demo.opened + datetime.timedelta(minutes=offset),
            f"account {username}",
            lambda a=(username, role, where, first, last): _create(*a, DEMO_PASSWORD),
        )
    for offset, (username, first, last) in enumerate(OTHER_REVIEWERS, start=10):
        demo.add(
            demo.opened + datetime.timedelta(days=offset),
            f"reviewer {username}",
            lambda a=(username, "reviewer", None, first, last): _create(*a, None),
        )
    demo.add(
        demo.days_ago(API_CLIENT_SINCE_DAYS, hour=9),
        f"api token {API_CLIENT_ACCOUNT}",
        lambda: _issue_token(API_CLIENT_ACCOUNT),
    )
