import datetime

import pytest
from django.utils import timezone

from municipalities.enums import Stage
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory


@pytest.fixture
def make_board(db):
    """make_board(n): n municipalities on a published board, the first one leading; a
    board of 30 days earlier comes first so that movement is known. Returns the current run
    and the municipalities in board order."""

    def make(count: int, *, earlier: bool = True):
        today = timezone.localdate()
        innovation = InnovationFactory(title="Slimme straatverlichting")
        towns = []
        for i in range(count):
            town = MunicipalityFactory(
                name=f"Gemeente {i:02d}", province="Utrecht" if i % 2 == 0 else "Gelderland"
            )
            AdoptionFactory(
                municipality=town,
                innovation=innovation,
                stage=Stage.SCALED if i == 0 else Stage.PILOT,
                started_on=today - datetime.timedelta(days=400 - i),
                stage_since=today - datetime.timedelta(days=100),
            )
            towns.append(town)
        if earlier:
            ranking_recompute(reference_date=today - datetime.timedelta(days=30))
        return ranking_recompute(reference_date=today), towns

    return make
