"""Backups: export_data / import_data carry every row of every model, all or nothing."""

import copy
import gzip
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models.sql import InsertQuery
from django.test import override_settings
from rest_framework.authtoken.models import Token

from audit.models import AuditEntry, OutgoingMail
from innovations.models import Innovation
from municipalities.models import (
    Adoption,
    AdoptionChange,
    Municipality,
    Region,
    ShortlistItem,
)
from portal import backup
from portal.celery import app as celery_app
from portal.models import User
from ranking.models import RankingRun
from tests.factories import UserFactory
from tests.innovations.helpers import ensure_domain_tags

# Not the portal's content: the admin's change log, sessions and lockouts are transient;
# content types and permissions are made by `migrate` (rows referring to them are compared
# by natural key).
NOT_BACKED_UP = {"admin", "axes", "sessions", "contenttypes"}


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in NOT_BACKED_UP and m is not Permission and not m._meta.proxy
    ]


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every model, as whole comparable values, in primary key order."""
    natural = {Permission: lambda pk: Permission.objects.get(pk=pk).natural_key()}
    rows = {}
    for model in _models():
        fields = model._meta.concrete_fields
        values = []
        for row in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            values.append(
                tuple(
                    natural[f.related_model](v) if f.related_model in natural else v
                    for f, v in zip(fields, row, strict=True)
                )
            )
        rows[model._meta.label] = values
    return rows


def _wipe():
    """An empty database as `migrate` leaves it (content types and permissions anew)."""
    call_command("flush", "--noinput", verbosity=0)


@pytest.fixture(scope="module")
def _made_once(django_db_setup, django_db_blocker):
    """The portal's data, made once per module (seeding the demo is the slow part): every
    row of every table, and the snapshot the tests compare with."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # as tests/conftest.py's _eager_celery
    try:
        with django_db_blocker.unblock(), fast:
            rows = _make_portal_data()
            tables = _every_table()
            _wipe()
    finally:
        celery_app.conf.task_always_eager = eager
    return tables, rows


@pytest.fixture
def portal_data(_made_once, transactional_db):
    """The database holds exactly the rows made once, ids included (content types and
    permissions too; PostgreSQL's sequences after them); returns their snapshot."""
    tables, rows = _made_once
    call_command("flush", "--noinput", verbosity=0, inhibit_post_migrate=True)
    _restore(tables)
    assert _snapshot() == rows
    return copy.deepcopy(rows)


def _every_table():
    """Every row of every table, as raw column values. Search vectors are left to the
    database's triggers, which write them again as the rows go in."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model._meta.label_lower in backup.DERIVED:
            continue  # derived rows (the catalogue's narrow rows) come from the triggers too
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, SearchVectorField)]
        names = [f.attname for f in fields]
        rows = [
            dict(zip(names, row, strict=True)) for row in model._base_manager.values_list(*names)
        ]
        if rows:
            tables.append((model, fields, rows))
    return tables


def _restore(tables):
    """Raw inserts, as loaddata saves (no pre_save: auto_now fields keep their values); the
    foreign keys are checked when the transaction commits."""
    with transaction.atomic():
        for model, fields, rows in tables:
            query = InsertQuery(model)
            query.insert_values(fields, [model(**row) for row in rows], raw=True)
            query.get_compiler(connection=connection).execute_sql()
        models = [model for model, _fields, _rows in tables]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def _make_portal_data():
    ensure_domain_tags()  # a data migration's rows, gone after an earlier flush
    call_command("load_municipalities", verbosity=0)
    call_command("seed_demo", size="small", verbosity=0)
    call_command("recompute_ranking", verbosity=0)
    # What the demo does not make: a token, a group with a permission, a direct permission.
    inkoper = User.objects.get(username="inkoper")
    Token.objects.create(user=inkoper)
    group = Group.objects.create(name="Redactie")
    group.permissions.add(Permission.objects.get(codename="change_innovation"))
    inkoper.groups.add(group)
    inkoper.user_permissions.add(Permission.objects.get(codename="view_rankingrun"))
    region = Region.objects.create(name="Regio Utrecht", slug="regio-utrecht")
    region.municipalities.set(Municipality.objects.filter(province="Utrecht"))
    ShortlistItem.objects.get_or_create(
        user=inkoper, innovation=Innovation.objects.approved().first()
    )
    OutgoingMail.objects.create(task="innovations.send_status_mail", kwargs={"user_id": 1})
    verified = Adoption.objects.verified().order_by("pk").first()
    AdoptionChange.objects.create(
        adoption=verified,
        stage=verified.stage,
        started_on=verified.started_on,
        stage_since=verified.stage_since,
        evidence_reference="Contract 2026-1",
        claimed_by=inkoper,
    )
    _alerts_data(inkoper)
    return _snapshot()


def _alerts_data(buyer):
    """A saved search, a follow, a notification, settings, the collector's watermark and
    a day's and a month's insight (until the demo makes them)."""
    from django.http import QueryDict
    from django.utils import timezone

    from alerts import collect, follows, notifications, searches
    from alerts.insight import aggregate, counters

    innovation = Innovation.objects.approved().first()
    searches.saved_search_create(user=buyer, query=QueryDict("domain=energy"), frequency="daily")
    follows.follow_innovation(user=buyer, innovation=innovation)
    notifications.alert_settings_update(user=buyer, channels={"stage_change": "portal"})
    notifications.notify(
        user_ids=[buyer.pk], kind="new_adopter", key="backup", innovation=innovation
    )
    collect.collect()
    counters.counters().record(timezone.localdate(), "views", [innovation.slug], "visitor")
    aggregate.insight_flush()


def test_export_then_import_restores_every_row_of_every_model(portal_data, tmp_path):
    archive = tmp_path / "backup.json.gz"
    call_command("export_data", str(archive), verbosity=0)
    _wipe()
    assert all(rows == [] for rows in _snapshot().values())

    call_command("import_data", str(archive), verbosity=0)

    restored = _snapshot()
    assert restored == portal_data
    # Nearly every model holds rows, so the comparison above is not vacuous. The catalogue's
    # narrow rows, derived and not in the archive, are written again by PostgreSQL's triggers
    # as the innovations go in (compared above); SQLite keeps none (innovations/listing.py).
    unused = set() if connection.vendor == "postgresql" else {"innovations.Listing"}
    empty = sorted(label for label, rows in portal_data.items() if not rows and label not in unused)
    assert empty == [], "give these models a row in portal_data, so that they are compared"
    assert RankingRun.objects.filter(is_current=True).count() == 1


def test_archive_has_a_manifest_with_version_migrations_and_counts(portal_data, tmp_path):
    archive = tmp_path / "backup.json.gz"
    call_command("export_data", str(archive), verbosity=0)

    manifest = json.loads(gzip.decompress(archive.read_bytes()))["manifest"]

    assert manifest["format_version"] == backup.FORMAT_VERSION
    leaves = MigrationLoader(connection).graph.leaf_nodes()
    assert manifest["migrations"] == {
        app: [name for label, name in leaves if label == app] for app in manifest["migrations"]
    }
    assert {"audit", "auth", "authtoken", "innovations", "municipalities", "portal", "ranking"} <= (
        set(manifest["migrations"])
    )
    assert manifest["counts"] == {
        label.lower(): len(rows)
        for label, rows in portal_data.items()
        if label.lower() not in backup.DERIVED  # written again by triggers, not archived
    }


def test_import_refuses_a_database_with_data_unless_replace(portal_data, tmp_path):
    archive = tmp_path / "backup.json.gz"
    call_command("export_data", str(archive), verbosity=0)
    intruder = UserFactory(username="nieuw")

    with pytest.raises(CommandError, match="already holds data; use --replace"):
        call_command("import_data", str(archive), verbosity=0)
    assert User.objects.filter(pk=intruder.pk).exists()

    # The audit log refuses DELETE (PostgreSQL) and UPDATE; --replace empties it all the same.
    assert AuditEntry.objects.exists()
    call_command("import_data", str(archive), "--replace", verbosity=0)

    assert _snapshot() == portal_data


def test_new_rows_after_an_import_get_fresh_ids(portal_data, tmp_path):
    archive = tmp_path / "backup.json.gz"
    call_command("export_data", str(archive), verbosity=0)
    _wipe()
    call_command("import_data", str(archive), verbosity=0)
    highest = User.objects.order_by("-pk").first().pk

    # Without the sequence reset PostgreSQL would hand out id 1 again: an IntegrityError.
    user = UserFactory(username="na-herstel")
    entry = AuditEntry.objects.create(action="test", object_type="x", object_id="1")

    assert user.pk > highest
    assert entry.pk > max(e[0] for e in portal_data["audit.AuditEntry"])


def _write(path, data):
    path.write_bytes(gzip.compress(json.dumps(data).encode()))


def _archive_data(tmp_path):
    archive = tmp_path / "backup.json.gz"
    call_command("export_data", str(archive), verbosity=0)
    return json.loads(gzip.decompress(archive.read_bytes()))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path, data: path.write_bytes(b"no archive"), "not gzipped JSON"),
        (
            lambda path, data: path.write_bytes(gzip.compress(b"{")),
            "not gzipped JSON",
        ),
        (lambda path, data: _write(path, {"tables": {}}), "no manifest"),
        (
            lambda path, data: _write(
                path, {**data, "manifest": {**data["manifest"], "format_version": 99}}
            ),
            "format version 99 is not supported",
        ),
        (
            lambda path, data: _write(
                path,
                {
                    **data,
                    "manifest": {
                        **data["manifest"],
                        "migrations": {**data["manifest"]["migrations"], "ranking": ["0001"]},
                    },
                },
            ),
            "other migrations",
        ),
        (
            lambda path, data: _write(
                path,
                {
                    **data,
                    "tables": {
                        **data["tables"],
                        "ranking.rankingentry": {
                            **data["tables"]["ranking.rankingentry"],
                            "rows": data["tables"]["ranking.rankingentry"]["rows"][:-1],
                        },
                    },
                },
            ),
            "incomplete: ranking.rankingentry",
        ),
        (
            # The last table holds a row twice: found only while inserting, after every
            # other table was written.
            lambda path, data: _write(
                path,
                {
                    **data,
                    "manifest": {
                        **data["manifest"],
                        "counts": {
                            **data["manifest"]["counts"],
                            "ranking.rankingentry": data["manifest"]["counts"][
                                "ranking.rankingentry"
                            ]
                            + 1,
                        },
                    },
                    "tables": {
                        **data["tables"],
                        "ranking.rankingentry": {
                            **data["tables"]["ranking.rankingentry"],
                            "rows": data["tables"]["ranking.rankingentry"]["rows"]
                            + data["tables"]["ranking.rankingentry"]["rows"][:1],
                        },
                    },
                },
            ),
            "could not be loaded, nothing was stored",
        ),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_stored(portal_data, tmp_path, damage, message):
    data = _archive_data(tmp_path)
    assert backup.backup_models()[-1]._meta.label_lower == "ranking.rankingentry"
    _wipe()
    bad = tmp_path / "bad.json.gz"
    damage(bad, data)

    with pytest.raises(CommandError, match=message):
        call_command("import_data", str(bad), verbosity=0)

    assert all(rows == [] for rows in _snapshot().values())
    assert ContentType.objects.exists()  # the database itself is intact


def test_import_of_a_missing_file_is_a_clear_error(transactional_db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_data", str(tmp_path / "nope.json.gz"), verbosity=0)
    assert not User.objects.exists()
