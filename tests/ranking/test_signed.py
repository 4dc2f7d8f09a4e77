"""Changes in points carry a real minus sign (U+2212), not a hyphen: on the scorecard's
"why did it move" table, in Dutch and English."""

import datetime
import re

import pytest
from django.utils import translation

from municipalities.enums import Stage
from ranking.models import RankingEntry
from ranking.services import ranking_recompute
from ranking.templatetags.ranking_tags import signed
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.ranking.test_sensitivity import REF

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("nl", 1.5, "+1,50"),
        ("nl", -0.25, f"{MINUS}0,25"),
        ("en", -0.25, f"{MINUS}0.25"),
        ("en", 0, "0.00"),
        # Rounds to zero: no sign at all, not "-0.00" (floatformat's) nor "+0.00".
        ("en", -0.001, "0.00"),
        ("en", 0.001, "0.00"),
        ("en", "not a number", ""),
    ],
)
def test_signed_shows_plus_and_a_real_minus(language, value, shown):
    with translation.override(language):
        assert signed(value) == shown


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_why_moved_shows_losses_with_a_minus_sign(client, language):
    town = MunicipalityFactory(name="Zaktstad", slug="zaktstad")
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Oud"),
        stage=Stage.SCALED,
        started_on=datetime.date(2025, 1, 1),
        stage_since=datetime.date(2025, 1, 1),
    )
    ranking_recompute(reference_date=REF - datetime.timedelta(days=365))
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(title="Nieuw"),
        stage=Stage.PILOT,
        started_on=REF - datetime.timedelta(days=10),
        stage_since=REF - datetime.timedelta(days=10),
    )
    run = ranking_recompute(reference_date=REF)
    assert RankingEntry.objects.filter(run=run, municipality=town).exists()

    page = client.get(f"/{language}/ranking/zaktstad/").content.decode()

    section = page[page.index('id="why-moved"') :]
    section = section[: section.index("</table>")]
    effects = re.findall(r'<td class="koploper-num">([^<]*)</td>\s*</tr>', section)
    assert [e[0] for e in effects] == ["+", MINUS]  # the new pilot first, then the ageing
    assert "-" not in "".join(effects)
