"""The ground floor: infrastructure that every domain app may use, and that knows no domain.

Caching (data versions, the anonymous page cache), the error types the services raise,
the text validators, the countries and provinces, the one mail helper and the one "are we
on PostgreSQL" check. Nothing here imports a project app; every app may import this."""
