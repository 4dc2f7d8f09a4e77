"""The catalogue's narrow row per listed innovation (PostgreSQL only): what a search reads
per match.

A frequent word matches tens of thousands of innovations. Ranking them, counting them and
counting their facets reads each match's row where its full-text index lives, and the
innovation table's rows are wide (the long texts and the ~1 KB search vector inline, under
PostgreSQL's 2 KB toast threshold): a word in a quarter of the catalogue read 15,000 of the
table's 62,000 pages at national scale. `innovations_listing` holds, for each innovation the
catalogue lists by default (published, approval current), only what the catalogue reads per
match: the facet columns, the published date, the title, `rank_vector` (title and summary,
to rank) and `match_vector`, the search vector stripped of its positions (to match; a
search with a phrase, which needs positions, reads the innovations instead:
catalogue.uses_listing). Its GIN index is on `match_vector`, so the matches are found and read
in this table alone (~100 MB instead of 490 MB; docs/performance.md has the plans).

Kept by triggers on innovations_innovation in the writing transaction (migration 0019):
every change of an innovation — publication, withdrawal, reconfirmation, revision approval,
the adoption facts, the domain bits, the supplier's size, an edited title or summary, a
renamed supplier (its innovations' vectors are recomputed) — is an UPDATE of its row, and
one statement-level trigger per INSERT (COPY included) and UPDATE statement adds, changes
or removes the listing rows of the rows it wrote. A deleted innovation's row goes with it
(foreign key, ON DELETE CASCADE).

On SQLite the table stays empty and unused (its search is an FTS5 table, search.py)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .models import Innovation


class Listing(models.Model):
    innovation = models.OneToOneField(
        Innovation,
        on_delete=models.DO_NOTHING,  # the database cascades (migration 0019)
        primary_key=True,
        related_name="listing",
        db_constraint=False,
    )
    # The same names as on Innovation, so that the catalogue's filters, facets and orders
    # apply to either.
    published_at = models.DateTimeField(null=True)
    route = models.CharField(max_length=20)
    maturity = models.PositiveSmallIntegerField(null=True)
    supplier_size = models.CharField(max_length=8)
    adoption_count = models.PositiveIntegerField()
    adopter_province_mask = models.PositiveIntegerField()
    domain_mask = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    rank_vector = SearchVectorField(null=True)
    match_vector = SearchVectorField(null=True)

    class Meta:
        db_table = "innovations_listing"

    def __str__(self) -> str:
        return self.title
