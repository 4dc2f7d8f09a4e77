"""Open data beside the leaderboard's: the catalogue (approved innovations) and the verified
adoptions as CSV and JSON (core.open_data): CC0, columns documented, cells that a
spreadsheet would run as a formula neutralised, streamed with a fixed number of queries."""

import csv
import io
import json

import pytest

from core.open_data import neutralise
from innovations.enums import Status
from municipalities.enums import Verification
from tests.factories import AdoptionFactory, InnovationFactory, SupplierFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/open-data/catalogue"
ADOPTIONS = "/open-data/adoptions"


def content(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content(response))))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+31 30 123", "'+31 30 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Slimme lantaarn", "Slimme lantaarn"),
        ("", ""),
        (-3, -3),  # a number stays a number
        (True, "true"),
        (None, None),
    ],
)
def test_formula_cells_are_neutralised(value, cell):
    assert neutralise(value) == cell


def test_catalogue_csv_has_the_approved_innovations_only_with_neutralised_cells(client):
    supplier = SupplierFactory(name="=cmd|' /C calc'!A0")
    shown = InnovationFactory(title='=HYPERLINK("http://evil.example")', supplier=supplier)
    InnovationFactory(status=Status.SUBMITTED, published_at=None)
    InnovationFactory(status=Status.DRAFT, published_at=None)

    response = client.get(CATALOGUE + ".csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == [shown.slug]
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["supplier"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["domains"] == "energy"
    assert rows[0]["maturity"] == "7"


def test_catalogue_json_states_the_licence_and_documents_every_column(client):
    innovation = InnovationFactory(title="=1+1")

    data = json.loads(content(client.get(CATALOGUE + ".json")))

    assert data["license"] == "CC0-1.0"
    assert data["license_url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert set(data["columns"]) == set(data["results"][0])
    assert all(description for description in data["columns"].values())
    # JSON keeps the text as it is: no spreadsheet reads it.
    assert data["results"][0]["title"] == "=1+1"
    assert data["results"][0]["slug"] == innovation.slug


def test_adoptions_are_the_verified_ones_of_published_innovations_without_contacts(client):
    verified = AdoptionFactory(contact_name="Anna", contact_email="anna@example.org")
    AdoptionFactory(verification=Verification.CLAIMED)
    AdoptionFactory(innovation=InnovationFactory(status=Status.WITHDRAWN))

    rows = csv_rows(client.get(ADOPTIONS + ".csv"))
    data = json.loads(content(client.get(ADOPTIONS + ".json")))

    assert [int(row["id"]) for row in rows] == [verified.pk]
    assert rows[0]["municipality_code"] == verified.municipality.code
    assert rows[0]["innovation_slug"] == verified.innovation.slug
    assert [row["id"] for row in data["results"]] == [verified.pk]
    assert set(data["columns"]) == set(rows[0]) == set(data["results"][0])
    text = content(client.get(ADOPTIONS + ".csv")) + json.dumps(data)
    assert "anna@example.org" not in text and "Anna" not in text


def test_empty_downloads_have_their_header(client):
    assert content(client.get(CATALOGUE + ".csv")).splitlines()[0].startswith("slug,title,")
    assert json.loads(content(client.get(ADOPTIONS + ".json")))["results"] == []


def test_downloads_stream_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Three queries whatever the size: the rows come from an iterator, the file is never
    built in memory."""
    for _ in range(30):
        AdoptionFactory()

    with django_assert_max_num_queries(3):
        catalogue = content(client.get(CATALOGUE + ".csv"))
    with django_assert_max_num_queries(3):
        adoptions = content(client.get(ADOPTIONS + ".csv"))

    assert len(catalogue.splitlines()) == 31
    assert len(adoptions.splitlines()) == 31


def test_only_reads(client):
    assert client.post(CATALOGUE + ".csv").status_code == 405


@pytest.mark.translated
def test_the_leaderboard_page_links_the_downloads(client):
    page = client.get("/en/ranking/").content.decode()

    for url in (CATALOGUE + ".csv", CATALOGUE + ".json", ADOPTIONS + ".csv", ADOPTIONS + ".json"):
        assert f'href="{url}"' in page
