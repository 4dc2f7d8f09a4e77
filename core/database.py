"""The one "are we on PostgreSQL" check. The embedded default runs on SQLite; a few reads
(full-text search, the ranking's set-based SQL, facets) take a faster PostgreSQL path."""

from django.db import connection


def on_postgresql() -> bool:
    """Whether the default database connection is PostgreSQL."""
    return connection.vendor == "postgresql"
