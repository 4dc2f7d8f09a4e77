from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_translations_dutch_catalogue_is_complete():
    catalogue = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))

    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]

    assert missing == []


@pytest.mark.translated
@pytest.mark.django_db
def test_translations_home_page_speaks_dutch_and_english(client):
    dutch = client.get("/nl/").content.decode()
    english = client.get("/en/").content.decode()

    assert "Innovaties die gemeenten echt gebruiken" in dutch
    assert "Innovations that municipalities actually use" in english
