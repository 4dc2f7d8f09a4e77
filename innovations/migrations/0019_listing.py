"""The catalogue's narrow row per listed innovation, `innovations_listing` (innovations/listing.py),
with the full-text index where the matches are found: a search reads ~1 KB per match there
instead of the innovation's wide row (docs/performance.md). Kept on PostgreSQL only (the
table stays empty on SQLite, whose search is its FTS5 table).

Listed: published (approved, not a revision) with a current approval, what the catalogue
shows by default. Kept by statement-level triggers on innovations_innovation (every write
of an innovation is an INSERT or UPDATE of its row, COPY included); a deleted innovation's
row goes by the foreign key. Backfilled here."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "innovation_id, published_at, route, maturity, supplier_size, adoption_count, "
    "adopter_province_mask, domain_mask, title, rank_vector, match_vector"
)
VALUES = (
    "{r}.id, {r}.published_at, {r}.route, {r}.maturity, {r}.supplier_size, {r}.adoption_count, "
    "{r}.adopter_province_mask, {r}.domain_mask, {r}.title, {r}.rank_vector, "
    "strip({r}.search_vector)"
)
LISTED = "{r}.status = 'approved' AND {r}.revision_of_id IS NULL AND {r}.reconfirmation = ''"
# What the listing copies, to compare old and new rows.
COPIED = (
    "published_at, route, maturity, supplier_size, adoption_count, adopter_province_mask, "
    "domain_mask, title, rank_vector, search_vector"
)
UPSERT = (
    "ON CONFLICT (innovation_id) DO UPDATE SET published_at = EXCLUDED.published_at, "
    "route = EXCLUDED.route, maturity = EXCLUDED.maturity, "
    "supplier_size = EXCLUDED.supplier_size, adoption_count = EXCLUDED.adoption_count, "
    "adopter_province_mask = EXCLUDED.adopter_province_mask, "
    "domain_mask = EXCLUDED.domain_mask, title = EXCLUDED.title, "
    "rank_vector = EXCLUDED.rank_vector, match_vector = EXCLUDED.match_vector"
)


def _row(template: str, alias: str) -> str:
    return template.format(r=alias)


def _compared(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{c.strip()}" for c in COPIED.split(",")) + ")"


FORWARDS = f"""
ALTER TABLE innovations_listing ADD CONSTRAINT innovations_listing_innovation
    FOREIGN KEY (innovation_id) REFERENCES innovations_innovation (id) ON DELETE CASCADE;

CREATE FUNCTION innovations_listing_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_listing ({COLUMNS})
        SELECT {_row(VALUES, "n")} FROM new_rows AS n WHERE {_row(LISTED, "n")}
        ORDER BY n.id
    {UPSERT};
    RETURN NULL;
END
$$;

CREATE TRIGGER innovations_listing_inserted AFTER INSERT ON innovations_innovation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION innovations_listing_inserted();

CREATE FUNCTION innovations_listing_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM innovations_listing AS l USING new_rows AS n
        WHERE l.innovation_id = n.id AND NOT ({_row(LISTED, "n")});
    INSERT INTO innovations_listing ({COLUMNS})
        SELECT {_row(VALUES, "n")} FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
        WHERE {_row(LISTED, "n")}
            AND (NOT ({_row(LISTED, "o")}) OR {_compared("o")} IS DISTINCT FROM {_compared("n")})
        ORDER BY n.id
    {UPSERT};
    RETURN NULL;
END
$$;

CREATE TRIGGER innovations_listing_updated AFTER UPDATE ON innovations_innovation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION innovations_listing_updated();

INSERT INTO innovations_listing ({COLUMNS})
    SELECT {_row(VALUES, "i")} FROM innovations_innovation AS i WHERE {_row(LISTED, "i")};

CREATE INDEX innovations_listing_match ON innovations_listing USING gin (match_vector);
"""  # noqa: S608 - constant column lists and conditions of this module; no values  # nosec B608

BACKWARDS = """
DROP TRIGGER IF EXISTS innovations_listing_updated ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_listing_inserted ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_listing_updated();
DROP FUNCTION IF EXISTS innovations_listing_inserted();
DROP INDEX IF EXISTS innovations_listing_match;
ALTER TABLE innovations_listing DROP CONSTRAINT IF EXISTS innovations_listing_innovation;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0018_published_ids")]

    operations = [
        migrations.CreateModel(
            name="Listing",
            fields=[
                (
                    "innovation",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="listing",
                        serialize=False,
                        to="innovations.innovation",
                    ),
                ),
                ("published_at", models.DateTimeField(null=True)),
                ("route", models.CharField(max_length=20)),
                ("maturity", models.PositiveSmallIntegerField(null=True)),
                ("supplier_size", models.CharField(max_length=8)),
                ("adoption_count", models.PositiveIntegerField()),
                ("adopter_province_mask", models.PositiveIntegerField()),
                ("domain_mask", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=120)),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("match_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={"db_table": "innovations_listing"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
