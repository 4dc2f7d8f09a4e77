"""Step: municipal buyers sign up and an administrator approves them, each in time for
the first thing their municipality does in the demo (the steps before this one ask for
them with `demo.buyer(code, when)`)."""

import datetime

from django.contrib.auth import get_user_model

from municipalities.enums import MembershipStatus
from municipalities.memberships import membership_decide
from municipalities.models import BuyerMembership, Municipality
from portal.services import buyer_signup

from .adoption_events import Texts

JOB_TITLES = [
    "strategisch inkoper",
    "projectleider innovatie",
    "beleidsadviseur duurzaamheid",
    "contractmanager",
    "programmamanager smart city",
    "adviseur inkoop en aanbesteden",
    "beleidsmedewerker openbare ruimte",
]


def _signup(username: str, code: str, name: tuple[str, str], job_title: str) -> None:
    if get_user_model().objects.filter(username=username).exists():
        return
    municipality = Municipality.objects.get(code=code)
    first, last = name
    local = Texts.ascii(f"{first}.{last}".replace(" ", "").replace("'", "")).lower()
    buyer_signup(
        username=username,
        email=f"{local}@{municipality.slug}.example",
        password=None,
        first_name=first,
        last_name=last,
        language="nl",
        municipality=municipality,
        job_title=job_title,
        motivation=f"Ik koop innovaties in voor de gemeente {municipality.name}.",
    )


def _approve(username: str) -> None:
    membership = BuyerMembership.objects.filter(
        user__username=username, status=MembershipStatus.REQUESTED
    ).first()
    if membership is None:
        return
    admin = get_user_model().objects.get(username="beheerder")
    membership_decide(membership=membership, approve=True, decided_by=admin)


def plan(demo) -> None:
    from .runner import buyer_username

    texts = Texts(demo)
    earliest = demo.opened + datetime.timedelta(hours=2)
    for code, needed in sorted(demo.buyers_needed.items()):
        username = buyer_username(code)
        if username == "inkoper":
            continue  # a documented account (demo.accounts)
        rng = demo.rng("buyer", code)
        approve_at = max(earliest, needed - datetime.timedelta(hours=rng.uniform(1, 30)))
        signup_at = max(earliest, approve_at - datetime.timedelta(days=rng.uniform(0.5, 6)))
        name = (rng.choice(texts.first_names), rng.choice(texts.last_names))
        job_title = rng.choice(JOB_TITLES)
        demo.add(
            signup_at,
            f"buyer {username}",
            lambda u=username, c=code, n=name, j=job_title: _signup(u, c, n, j),
        )
        demo.add(approve_at, f"approve {username}", lambda u=username: _approve(u))
