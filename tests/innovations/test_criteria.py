"""One name per review criterion (innovations.enums.Criterion), defined once: the review
form, the innovation page, the comparison and the supplier's view all use it, in Dutch and
in English."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from innovations.enums import Criterion, Decision, Status
from innovations.models import Review
from municipalities.models import ShortlistItem
from tests.factories import buyer_user, reviewer_user, supplier_user
from tests.innovations.helpers import SCORES, innovation_in

ROOT = Path(__file__).resolve().parents[2]
# The names the pages used before, as the first-time user found them.
OLD_NAMES = [
    "Aansluiting en schaalbaarheid<",
    "aansluiting ",
    "nieuwheid",
    "onderbouwing",
    ">Publieke waarde<",
    ">Aansluiting<",
    "Fit and scalability<",
    ">Public value<",
    ">Fit<",
]


def _pages(client, language: str) -> dict[str, str]:
    innovation = innovation_in(Status.APPROVED)
    in_review = innovation_in(Status.IN_REVIEW, supplier=innovation.supplier)
    reviewer = reviewer_user()
    for reviewed in (innovation, in_review):
        Review.objects.create(
            innovation=reviewed, reviewer=reviewer, decision=Decision.APPROVE, **SCORES
        )
    other = innovation_in(Status.APPROVED)
    buyer = buyer_user()
    for item in (innovation, other):
        ShortlistItem.objects.create(user=buyer, innovation=item)
    pages = {}
    with translation.override(language):
        client.force_login(reviewer)
        pages["review form"] = client.get(reverse("review:detail", args=[in_review.pk]))
        pages["innovation page"] = client.get(reverse("innovations:detail", args=[innovation.slug]))
        client.force_login(buyer)
        pages["comparison"] = client.get(
            reverse("municipalities:compare"), {"innovation": [innovation.slug, other.slug]}
        )
        client.force_login(supplier_user(innovation.supplier))
        pages["supplier's view"] = client.get(reverse("innovations:manage", args=[in_review.pk]))
    return {name: response.content.decode() for name, response in pages.items()}


@pytest.mark.translated
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_criteria_have_one_name_on_every_page(client, language):
    pages = _pages(client, language)
    with translation.override(language):
        names = [str(label) for label in Criterion.labels]

    missing = {page: [n for n in names if n not in html] for page, html in pages.items()}
    old = {page: [n for n in OLD_NAMES if n in html] for page, html in pages.items()}

    assert missing == {page: [] for page in pages}
    assert old == {page: [] for page in pages}


def test_criteria_are_named_in_one_place():
    """Only innovations/enums.py spells the criteria out; templates and code use it."""
    english = [str(label) for label in Criterion.labels] + ["Fit and scalability", "Public value"]
    pattern = re.compile("|".join(re.escape(f'"{name}"') for name in english))
    found = [
        str(path.relative_to(ROOT))
        for folder in ("innovations", "municipalities", "portal", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
        and "migrations" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8"))
    ]

    assert found == ["innovations/enums.py"]
