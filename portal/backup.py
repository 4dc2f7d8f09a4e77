"""Backups: every row of the project's models in one gzipped JSON archive, and back.

The archive holds the rows of every model of every installed app (the project's own apps,
auth's groups, DRF's tokens; users are `portal.User`), many-to-many tables included, so
a model added later is covered without touching this module; only the admin's change log,
the sessions, the login lockouts and the content types are left out. Permissions and content
types are created by `migrate` and differ between databases, so they are not copied:
a row that refers to one carries its natural key instead ([app_label, codename]).

Alongside the rows, a manifest: the format version, the migration heads of every app the
archive was made with (an archive only loads into a database at the same heads), and the
row count of every model (checked on import, so a truncated archive is refused).

Import is all or nothing (one transaction), refuses a database that already holds data
unless `replace` is given, and resets PostgreSQL's sequences afterwards so that new rows
do not collide with imported ids. The audit log is append-only against UPDATE and DELETE
only: importing inserts its rows, and replacing empties the table with TRUNCATE on
PostgreSQL (which the trigger leaves alone) or DELETE on SQLite (where only UPDATE is
refused)."""

import datetime
import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models.sql import InsertQuery
from django.utils import timezone

from core.database import on_postgresql

FORMAT_VERSION = 1
# Every installed app's models are backed up except these: the admin's change log, the
# sessions and the login lockouts (axes) are transient; content types are created by
# `migrate` (see BY_NATURAL_KEY).
SKIPPED_APPS = {"admin", "axes", "contenttypes", "sessions"}
# Created by `migrate` in every database; rows referring to them are stored by natural key.
BY_NATURAL_KEY = {Permission, ContentType}
# Derived rows, written by triggers from others as those are loaded (like the search vectors):
# the catalogue's narrow rows (innovations/listing.py).
DERIVED = {"innovations.listing"}


class BackupError(Exception):
    """The archive cannot be written or loaded; the message says why."""


def backup_models() -> list[type[models.Model]]:
    """Every model whose rows the archive holds, in an order that inserts referenced rows
    first (many-to-many tables included)."""
    pending = [m for m in apps.get_models(include_auto_created=True) if _backed_up(m)]
    # Referenced models first (the search vector trigger reads an innovation's supplier);
    # the foreign keys themselves are deferred to the commit, so a cycle would do no harm.
    ordered: list[type[models.Model]] = []
    while pending:
        ready = next(
            (
                model
                for model in pending
                if not any(
                    f.related_model in pending and f.related_model is not model
                    for f in model._meta.concrete_fields
                    if f.is_relation
                )
            ),
            pending[0],
        )
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def _backed_up(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        meta.app_label not in SKIPPED_APPS
        and meta.label_lower not in DERIVED
        and model not in BY_NATURAL_KEY
        and meta.managed
        and not meta.proxy
    )


def _fields(model: type[models.Model]) -> list[models.Field]:
    # The search vector is derived (a trigger computes it from the row on insert).
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, SearchVectorField) and not getattr(f, "generated", False)
    ]


def migration_heads() -> dict[str, list[str]]:
    """The latest migration(s) of each backed-up app in the code, with a check that the
    database has them applied."""
    loader = MigrationLoader(connection)
    heads = {}
    for label in sorted({m._meta.app_label for m in backup_models()}):
        leaves = sorted(name for app, name in loader.graph.leaf_nodes(label) if app == label)
        missing = [n for n in leaves if (label, n) not in loader.applied_migrations]
        if missing:
            raise BackupError(
                f"The database lacks migration {label}.{missing[0]}: run `manage.py migrate`."
            )
        heads[label] = leaves
    return heads


# --- Export ---------------------------------------------------------------------------------


def backup_export(out: BinaryIO) -> dict[str, Any]:
    """Write every backed-up row to `out` as gzipped JSON; returns the manifest.

    On PostgreSQL the rows are read in one REPEATABLE READ transaction: one consistent
    snapshot, even while the portal keeps writing."""
    tables = {}
    with transaction.atomic():
        if on_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in backup_models():
            tables[model._meta.label_lower] = _export_model(model)
        heads = migration_heads()
    manifest = {
        "format": "koploper-backup",
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "django_version": django.get_version(),
        "migrations": heads,
        "counts": {label: len(table["rows"]) for label, table in tables.items()},
    }
    payload = json.dumps({"manifest": manifest, "tables": tables}, cls=_Encoder)
    with gzip.GzipFile(fileobj=out, mode="wb") as archive:
        archive.write(payload.encode())
    return manifest


def _export_model(model: type[models.Model]) -> dict[str, Any]:
    fields = _fields(model)
    natural = {f.attname: f for f in fields if f.is_relation and f.related_model in BY_NATURAL_KEY}
    columns = [f.attname for f in fields]
    rows = list(model._base_manager.order_by("pk").values_list(*columns))
    if natural:
        lookup = {
            name: {obj.pk: list(obj.natural_key()) for obj in f.related_model.objects.all()}
            for name, f in natural.items()
        }
        index = {name: columns.index(name) for name in natural}
        rows = [list(row) for row in rows]
        for row in rows:
            for name, i in index.items():
                if row[i] is not None:
                    row[i] = lookup[name][row[i]]
    return {"fields": columns, "rows": rows}


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        # DjangoJSONEncoder keeps milliseconds only; a backup keeps every microsecond.
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# --- Import ---------------------------------------------------------------------------------


def backup_read(path: Path | str) -> dict[str, Any]:
    """The archive at `path`, checked: gzip, JSON, format, migrations, counts, fields."""
    try:
        with gzip.open(path, "rb") as archive:
            data = json.loads(archive.read())
    except FileNotFoundError:
        raise BackupError(f"No such file: {path}") from None
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Not a Koploper backup (not gzipped JSON): {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        raise BackupError("Not a Koploper backup: no manifest.")
    manifest, tables = data["manifest"], data.get("tables")
    if manifest.get("format") != "koploper-backup" or not isinstance(tables, dict):
        raise BackupError("Not a Koploper backup: unknown format.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Backup format version {manifest.get('format_version')} is not supported "
            f"(this version reads {FORMAT_VERSION})."
        )
    heads = migration_heads()
    if manifest.get("migrations") != heads:
        raise BackupError(
            "The backup was made at other migrations than this database has "
            f"(backup: {manifest.get('migrations')}, database: {heads}); restore it with the "
            "version of Koploper that made it."
        )
    known = {m._meta.label_lower: m for m in backup_models()}
    counts = manifest.get("counts") or {}
    if set(tables) != set(known) or set(counts) != set(known):
        raise BackupError("The backup does not hold the tables this version expects.")
    for label, table in tables.items():
        expected = [f.attname for f in _fields(known[label])]
        if not isinstance(table, dict) or table.get("fields") != expected:
            raise BackupError(f"The backup's columns of {label} do not match this version.")
        if not isinstance(table.get("rows"), list) or len(table["rows"]) != counts[label]:
            raise BackupError(f"The backup is incomplete: {label} lacks rows.")
    return data


def database_is_empty() -> bool:
    return not any(m._base_manager.exists() for m in backup_models())


def backup_import(path: Path | str, *, replace: bool = False) -> dict[str, int]:
    """Load the archive at `path` in one transaction; returns the row count per model.

    Refuses a database holding any backed-up row unless `replace`, which first empties
    every backed-up table (and the sessions, which would otherwise name other users)."""
    data = backup_read(path)
    ordered = backup_models()
    try:
        with transaction.atomic():
            if replace:
                _empty(ordered)
            elif not database_is_empty():
                raise BackupError(
                    "The database already holds data; use --replace to overwrite all of it."
                )
            for model in ordered:
                _import_model(model, data["tables"][model._meta.label_lower])
            _reset_sequences(ordered)
    except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
        raise BackupError(f"The backup could not be loaded, nothing was stored: {exc}") from exc
    return dict(data["manifest"]["counts"])


def _empty(ordered: list[type[models.Model]]) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    extra = [LogEntry, Session]  # they refer to users that are about to go
    if on_postgresql():
        q = connection.ops.quote_name
        tables = ", ".join(q(m._meta.db_table) for m in [*ordered, *extra])
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")  # noqa: S608 - quoted table names
        return
    with connection.cursor() as cursor:
        for model in reversed([*ordered, *extra]):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a quoted table name  # nosec B608


def _import_model(model: type[models.Model], table: dict[str, Any]) -> None:
    fields = {f.attname: f for f in _fields(model)}
    natural = {
        name: f for name, f in fields.items() if f.is_relation and f.related_model in BY_NATURAL_KEY
    }
    keys = {name: _natural_keys(f.related_model) for name, f in natural.items()}
    columns = table["fields"]
    objects = []
    for row in table["rows"]:
        values = {}
        for name, value in zip(columns, row, strict=True):
            if value is not None:
                if name in natural:
                    value = _resolve(keys[name], value, fields[name].related_model)
                else:
                    value = _to_python(fields[name], value)
            values[name] = value
        objects.append(model(**values))
    # A raw insert, as loaddata saves: no pre_save, so auto_now fields keep their values.
    insert_fields = list(fields.values())
    for start in range(0, len(objects), 1000):
        query = InsertQuery(model)
        query.insert_values(insert_fields, objects[start : start + 1000], raw=True)
        query.get_compiler(connection=connection).execute_sql()


def _natural_keys(model: type[models.Model]) -> dict[tuple, int]:
    return {tuple(obj.natural_key()): obj.pk for obj in model.objects.all()}


def _resolve(keys: dict[tuple, int], value: Iterable, model) -> int:
    try:
        return keys[tuple(value)]
    except (KeyError, TypeError):
        raise BackupError(f"Unknown {model._meta.verbose_name} {value!r} in the backup.") from None


def _to_python(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return value  # already decoded by json.loads
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    target = field.target_field if field.is_relation else field
    return target.to_python(value)


def _reset_sequences(ordered: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), ordered)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
