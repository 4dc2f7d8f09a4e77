"""Step: the demo buyer (`inkoper`, Utrecht) keeps a shortlist of innovations that Utrecht
does not use yet, so the shortlist and comparison pages have something to show."""

import datetime

from django.contrib.auth import get_user_model

from innovations.models import Innovation
from municipalities.shortlists import shortlist_add

from .accounts import DEMO_BUYER_MUNICIPALITY

SHORTLIST_SIZE = 4


def _add(title: str, supplier: str) -> None:
    innovation = Innovation.objects.approved().filter(title=title, supplier__name=supplier).first()
    if innovation is not None:
        shortlist_add(user=get_user_model().objects.get(username="inkoper"), innovation=innovation)


def plan(demo) -> None:
    used = {a["innovation"] for a in demo.adoptions if a["code"] == DEMO_BUYER_MUNICIPALITY}
    rng = demo.rng("shortlist")
    candidates = [
        i
        for i in demo.innovations
        if i["approved_at"] is not None
        and i["story"] in ("approved", "approved_after_changes")
        and i["title"] not in used
        and i["approved_at"] < demo.now - datetime.timedelta(days=30)
    ]
    for innovation in rng.sample(candidates, min(SHORTLIST_SIZE, len(candidates))):
        demo.add(
            demo.days_ago(rng.uniform(1, 12), rng=rng),
            f"shortlist {innovation['title']}",
            lambda i=innovation: _add(i["title"], i["supplier"]),
        )
