"""Audit entries are written once: the model, its queryset and (on PostgreSQL, for any
code at all) the database refuse to change or delete them."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(admin):
    return audit_record(actor=admin, action="test.write", obj=admin, changes={"x": [1, 2]})


def test_audit_record_writes_who_what_and_when(entry, admin):
    stored = AuditEntry.objects.get()
    assert (
        stored.actor_id,
        stored.actor_name,
        stored.action,
        stored.object_type,
        stored.object_id,
        stored.object_repr,
        stored.changes,
    ) == (
        admin.pk,
        "beheerder",
        "test.write",
        "portal.user",
        str(admin.pk),
        "beheerder",
        {"x": [1, 2]},
    )
    assert stored.created_at is not None


def test_an_entry_cannot_be_saved_again_or_deleted(entry):
    entry.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.values_list("action", flat=True).get() == "test.write"


def test_the_database_refuses_an_update_by_raw_sql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'test.rewritten'")
    assert AuditEntry.objects.values_list("action", flat=True).get() == "test.write"


@pytest.mark.postgres
def test_postgresql_refuses_a_delete_by_raw_sql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1


def test_deleting_the_actor_keeps_the_entry_and_the_name(entry, admin):
    admin.delete()

    stored = AuditEntry.objects.get()
    assert (stored.actor_id, stored.actor_name) == (entry.actor_id, "beheerder")


def test_an_anonymous_actor_is_recorded_as_the_system(admin):
    from django.contrib.auth.models import AnonymousUser

    audit_record(actor=AnonymousUser(), action="test.write", obj=admin)
    assert AuditEntry.objects.values_list("actor_id", "actor_name").get() == (None, "")
