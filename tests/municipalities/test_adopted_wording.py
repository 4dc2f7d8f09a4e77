"""An innovation's count of municipalities counts every verified adoption, ended ones
included (innovations.adoption_count, the catalogue's fact): the pages say "adopted by",
not "in use at", and the innovation page shows the ended ones apart, by stage."""

import pytest

from tests.factories import AdoptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.translated]


@pytest.fixture
def adopted(innovation):
    for stage in ("pilot", "implemented", "ended"):
        AdoptionFactory(innovation=innovation, stage=stage)
    innovation.refresh_from_db()
    assert innovation.adoption_count == 3
    return innovation


@pytest.mark.parametrize(
    ("language", "fact", "ended"),
    [
        ("nl", "<dt>In gebruik genomen door</dt>\n      <dd>3 gemeenten</dd>", "Beëindigd: 1</li>"),
        ("en", "<dt>Adopted by</dt>\n      <dd>3 municipalities</dd>", "Ended: 1</li>"),
    ],
)
def test_innovation_page_says_adopted_by_and_shows_the_ended_apart(
    client, adopted, language, fact, ended
):
    page = client.get(f"/{language}/innovations/{adopted.slug}/")
    text = page.content.decode()

    assert fact in text
    assert ended in text
    assert "In gebruik bij" not in text and "In use at" not in text


@pytest.mark.parametrize(
    ("language", "fact"),
    [
        ("nl", "<dt>In gebruik genomen door</dt><dd>3 gemeenten</dd>"),
        ("en", "<dt>Adopted by</dt><dd>3 municipalities</dd>"),
    ],
)
def test_catalogue_card_says_adopted_by(client, adopted, language, fact):
    text = client.get(f"/{language}/innovations/").content.decode()

    assert fact in text
