"""Data migrations of the municipalities app, run on rows as they were before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("municipalities", "0003_adoption_queue_index")]
AFTER = [("municipalities", "0004_municipality_province_code")]


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_municipalities_their_province_code():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("municipalities", "Municipality")
    rows = [
        ("GM0917", "Heerlen", "NL", "Limburg"),
        ("71072", "Hasselt", "BE", "Limburg"),
        ("GM0080", "Leeuwarden", "NL", "Fryslân"),
        ("GM9999", "Nergenshuizen", "NL", "Atlantis"),
    ]
    for code, name, country, province in rows:
        old.objects.create(
            code=code,
            name=name,
            slug=name.lower(),
            country=country,
            province=province,
            population=1000,
            size_class="lt20k",
        )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("municipalities", "Municipality")

        codes = dict(new.objects.values_list("code", "province_code"))
    finally:
        new_executor = MigrationExecutor(connection)
        new_executor.loader.build_graph()
        new_executor.migrate(new_executor.loader.graph.leaf_nodes())

    # An unknown province keeps an empty code; the loader's data always has a known one.
    assert codes == {"GM0917": "NL-LI", "71072": "BE-VLI", "GM0080": "NL-FR", "GM9999": ""}
