"""Writing the audit log. Services of every app call audit_record inside their own
transaction, so a change and its entry are committed or rolled back together."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from .models import AuditEntry


def field_values(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` of `obj`, foreign keys by id (`supplier` → its id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value differs between two snapshots."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def created_values(values: dict[str, Any]) -> dict[str, list]:
    """{field: [None, value]} for a new object, leaving out the fields it leaves empty."""
    return {name: [None, value] for name, value in values.items() if value not in (None, "", [])}


def removed_values(values: dict[str, Any]) -> dict[str, list]:
    """{field: [value, None]} for a removed object, leaving out the fields it left empty."""
    return {name: [value, None] for name, value in values.items() if value not in (None, "", [])}


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
    changes: dict[str, list] | None = None,
) -> AuditEntry:
    """Append one entry: `actor` (None for the system) did `action` to `obj`, changing
    `changes` ({field: [old, new]}). Call it inside the transaction of the change."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )


@contextmanager
def audit_changes(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
    fields: Iterable[str],
    extra: Callable[[], dict[str, Any]] | None = None,
    only_if_changed: bool = False,
) -> Iterator[dict[str, list]]:
    """Record what the block changes of `obj`: its `fields` (and the values `extra()`
    returns, such as its domains) are read before and after the block, and one entry holds
    the differences. The block may add changes of its own to the dict it is given (a
    revision's id). `only_if_changed`: no entry when nothing changed. Nothing is recorded
    if the block raises. A new object (not saved yet; the block saves it) had nothing
    before: every value it gets is a change. Use it inside the transaction of the change:

        with audit_changes(actor=user, action="supplier.update", obj=supplier, fields=F):
            supplier.name = name
            supplier.save(update_fields=["name"])
    """
    fields = tuple(fields)

    def snapshot() -> dict[str, Any]:
        return {**field_values(obj, fields), **(extra() if extra is not None else {})}

    before = {} if obj._state.adding else snapshot()
    added: dict[str, list] = {}
    yield added
    changes = {**added, **changed_values(before, snapshot())}
    if changes or not only_if_changed:
        audit_record(actor=actor, action=action, obj=obj, changes=changes)
