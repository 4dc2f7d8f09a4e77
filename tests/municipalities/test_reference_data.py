"""The shipped reference data: every Dutch and Flemish municipality, loaded idempotently."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from municipalities.models import Municipality, Region
from municipalities.reference import LoadResult, municipalities_load_reference


def counts_by(field, **filters):
    rows = Municipality.objects.filter(**filters).values(field).annotate(n=Count("id"))
    return {row[field]: row["n"] for row in rows}


@pytest.mark.django_db
def test_reference_data_has_every_municipality_per_country():
    result = municipalities_load_reference()

    assert result == LoadResult(created=627, updated=0, unchanged=0, regions_created=62)
    assert counts_by("country") == {"NL": 342, "BE": 285}


@pytest.mark.django_db
def test_reference_data_province_counts_match_the_sources(reference_municipalities):
    # municipalities/data/SOURCES.md: CBS StatLine 70072ned and Statbel REFNIS 2025.
    assert counts_by("province", country="NL") == {
        "Groningen": 10,
        "Fryslân": 18,
        "Drenthe": 12,
        "Overijssel": 25,
        "Flevoland": 6,
        "Gelderland": 51,
        "Utrecht": 26,
        "Noord-Holland": 44,
        "Zuid-Holland": 50,
        "Zeeland": 13,
        "Noord-Brabant": 56,
        "Limburg": 31,
    }
    assert counts_by("province", country="BE") == {
        "Antwerpen": 67,
        "Vlaams-Brabant": 63,
        "West-Vlaanderen": 62,
        "Oost-Vlaanderen": 55,
        "Limburg": 38,
    }


@pytest.mark.django_db
def test_reference_data_province_codes_tell_the_provinces_apart(reference_municipalities):
    assert counts_by("province_code") == {
        "NL-GR": 10,
        "NL-FR": 18,
        "NL-DR": 12,
        "NL-OV": 25,
        "NL-FL": 6,
        "NL-GE": 51,
        "NL-UT": 26,
        "NL-NH": 44,
        "NL-ZH": 50,
        "NL-ZE": 13,
        "NL-NB": 56,
        "NL-LI": 31,
        "BE-VAN": 67,
        "BE-VBR": 63,
        "BE-VWV": 62,
        "BE-VOV": 55,
        "BE-VLI": 38,
    }
    # Each code belongs to one country and one province name.
    pairs = set(Municipality.objects.values_list("province_code", "country", "province"))
    assert {code[:2] == country for code, country, _ in pairs} == {True}
    assert len(pairs) == 17


@pytest.mark.django_db
def test_reference_data_loader_restores_a_wrong_province_code(reference_municipalities):
    Municipality.objects.filter(code="71072").update(province_code="NL-LI")

    result = municipalities_load_reference()

    assert result == LoadResult(created=0, updated=1, unchanged=626)
    assert Municipality.objects.get(code="71072").province_code == "BE-VLI"


@pytest.mark.django_db
def test_reference_data_population_sums_to_the_national_and_regional_totals(
    reference_municipalities,
):
    totals = dict(
        Municipality.objects.values("country")
        .annotate(total=Sum("population"))
        .values_list("country", "total")
    )

    assert totals == {"NL": 17_942_942, "BE": 6_864_766}


@pytest.mark.django_db
def test_reference_data_spot_checks(reference_municipalities):
    rows = Municipality.objects.filter(code__in=["GM0363", "GM0344", "11002", "73028"])

    assert sorted(rows.values_list("code", "name", "province", "population", "size_class")) == [
        ("11002", "Antwerpen", "Antwerpen", 562_002, "gte250k"),
        ("73028", "Herstappe", "Limburg", 75, "lt20k"),
        ("GM0344", "Utrecht", "Utrecht", 374_238, "gte250k"),
        ("GM0363", "Amsterdam", "Noord-Holland", 931_298, "gte250k"),
    ]


@pytest.mark.django_db
def test_reference_data_slugs_are_unique_and_present(reference_municipalities):
    slugs = list(Municipality.objects.values_list("slug", flat=True))

    assert len(set(slugs)) == 627
    assert "" not in slugs


@pytest.mark.django_db
def test_reference_data_second_load_changes_nothing(reference_municipalities):
    before = list(Municipality.objects.order_by("code").values())

    result = municipalities_load_reference()

    assert result == LoadResult(created=0, updated=0, unchanged=627)
    assert list(Municipality.objects.order_by("code").values()) == before


@pytest.mark.django_db
def test_reference_data_reload_repairs_a_changed_row_and_keeps_its_slug(reference_municipalities):
    Municipality.objects.filter(code="GM0344").update(population=1, slug="utrecht-stad")

    result = municipalities_load_reference()

    utrecht = Municipality.objects.get(code="GM0344")
    assert result == LoadResult(created=0, updated=1, unchanged=626)
    assert (utrecht.population, utrecht.slug) == (374_238, "utrecht-stad")


@pytest.mark.django_db
def test_load_municipalities_command_reports_and_is_idempotent(capsys):
    call_command("load_municipalities")
    call_command("load_municipalities")

    assert capsys.readouterr().out.splitlines() == [
        "Municipalities: 627 created, 0 updated, 0 unchanged; regions: 62 created, 0 updated.",
        "Municipalities: 0 created, 0 updated, 627 unchanged; regions: 0 created, 0 updated.",
    ]
    assert Municipality.objects.count() == 627


@pytest.mark.django_db
def test_reference_data_regions_are_corop_regions_and_flemish_arrondissements(
    reference_municipalities,
):
    regions = Region.objects.exclude(code=None)
    sizes = {r.code: r.municipalities.count() for r in regions}

    assert counts_by_region_country(regions) == {"NL": 40, "BE": 22}
    # Every municipality in exactly one of them, inside one province each.
    assert sum(sizes.values()) == 627
    assert (sizes["CR17"], sizes["CR23"], sizes["44000"], sizes["11000"]) == (26, 12, 13, 28)
    for region in regions:
        provinces = set(region.municipalities.values_list("province_code", flat=True))
        assert len(provinces) == 1, region
    assert list(
        Region.objects.filter(municipalities__code__in=["GM0363", "44021", "GM0917"])
        .order_by("code")
        .values_list("code", "name", "slug", "country")
    ) == [
        ("44000", "Arrondissement Gent", "arrondissement-gent", "BE"),
        ("CR23", "Groot-Amsterdam", "groot-amsterdam", "NL"),
        ("CR39", "Zuid-Limburg", "zuid-limburg", "NL"),
    ]


def counts_by_region_country(regions):
    rows = regions.values("country").annotate(n=Count("id"))
    return {row["country"]: row["n"] for row in rows}


@pytest.mark.django_db
def test_reference_data_reload_restores_region_members_and_leaves_other_regions(
    reference_municipalities,
):
    corop = Region.objects.get(code="CR17")
    amsterdam = Municipality.objects.get(code="GM0363")
    corop.municipalities.add(amsterdam)
    own = Region.objects.create(name="Regio Foodvalley", slug="foodvalley")
    own.municipalities.add(amsterdam)

    result = municipalities_load_reference()

    assert (result.regions_created, result.regions_updated) == (0, 1)
    assert not corop.municipalities.filter(pk=amsterdam.pk).exists()
    assert list(own.municipalities.all()) == [amsterdam]
