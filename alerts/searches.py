"""Saved searches: a buyer keeps a catalogue search, gets what is new in it by mail and as
an Atom feed.

A saved search is the catalogue's own query string. It is checked by the catalogue's
own filters (`innovations.filters.CatalogueFilter`) when it is saved and applied by them
when it is read, so a search finds here what it finds on the catalogue page: nothing of
the catalogue's logic is copied (this module is the one place that calls it)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from innovations.enums import VETTING_NOTES, Status
from innovations.filters import CatalogueFilter
from innovations.models import Innovation, StatusChange

from .access import may_save_searches
from .enums import Frequency
from .models import SavedSearch

# Enough for every serious use; a flood is refused with a message (the bad input).
MAX_SAVED_SEARCHES = 25
# Catalogue parameters that are not part of what a search finds: left out, not refused.
NOT_SAVED = {"page", "ordering", "page_size", "pageSize", "format"}
NAME_MAX_LENGTH = 120


def _filterset(data: QueryDict) -> CatalogueFilter:
    # Innovations, not the catalogue's narrow rows, for a search too: the digests and feeds
    # filter, join and prefetch on them.
    return CatalogueFilter(data, queryset=Innovation.objects.approved(), listing=False)


def known_parameters() -> set[str]:
    return set(CatalogueFilter.base_filters)


def canonical_query(data: QueryDict | dict) -> str:
    """The saved form of a catalogue query: known filters only, each checked by the
    catalogue's filters, empty values left out, keys and values sorted. Raises
    ValidationError naming every unknown parameter or invalid value."""
    if not isinstance(data, QueryDict):
        data = _as_querydict(data)
    unknown = sorted(set(data) - known_parameters() - NOT_SAVED)
    if unknown:
        raise ValidationError(
            {
                "query": _("Unknown filters: %(names)s. Known filters: %(known)s.")
                % {
                    "names": ", ".join(name[:40] for name in unknown[:10]),
                    "known": ", ".join(sorted(known_parameters() - NOT_SAVED)),
                }
            },
            code="unknown",
        )
    filterset = _filterset(data)
    if not filterset.is_valid():
        raise ValidationError(
            {
                "query": [
                    f"{filterset.form.fields[name].label}: {' '.join(messages)}"
                    if name in filterset.form.fields
                    else " ".join(messages)
                    for name, messages in filterset.errors.items()
                ]
            },
            code="invalid",
        )
    kept = QueryDict(mutable=True)
    for name in sorted(set(data) - NOT_SAVED):
        values = sorted({value.strip() for value in data.getlist(name) if value.strip()})
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def _as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in values):
            raise ValidationError({"query": _("Give each filter as text or a list of texts.")})
        query.setlist(str(name), [str(item) for item in values])
    return query


def describe(query: str) -> list[tuple[str, str]]:
    """The search as (filter label, chosen value labels) pairs, for people."""
    filterset = _filterset(QueryDict(query))
    filterset.is_valid()
    described = []
    for name, field in filterset.form.fields.items():
        values = QueryDict(query).getlist(name)
        if not values:
            continue
        choices = dict(getattr(field, "choices", []) or [])
        labels = [str(choices.get(value, value)) for value in values]
        if name == "q":
            labels = [f"“{value}”" for value in values]
        described.append((str(field.label), ", ".join(labels)))
    return described


def default_name(query: str) -> str:
    parts = [value for _label, value in describe(query)]
    return (" · ".join(parts) or _("All innovations"))[:NAME_MAX_LENGTH]


def matching(saved_search: SavedSearch) -> QuerySet[Innovation]:
    """Published innovations the search finds now, in the catalogue's own order."""
    filterset = _filterset(QueryDict(saved_search.query))
    if not filterset.is_valid():
        # A value that became unknown since (a province without adoptions now): the
        # search finds nothing rather than everything.
        return Innovation.objects.none()
    return filterset.qs


def published_between(since: datetime.datetime, until: datetime.datetime) -> Exists:
    """Condition: the innovation was approved in (since, until]: published for the first
    time or a new version approved (both append an `approved` status change). The steps of
    a reconfirmation append one too (StatusChange.is_reconfirmation): they keep the text
    and its approval, so they are neither."""
    return Exists(
        StatusChange.objects.filter(
            innovation=OuterRef("pk"),
            to_status=Status.APPROVED,
            created_at__gt=since,
            created_at__lte=until,
        ).exclude(system_note__in=list(VETTING_NOTES.values()))
    )


def new_matches(
    saved_search: SavedSearch, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[Innovation]:
    """What the search finds that is new or changed in (since, until]."""
    return matching(saved_search).filter(published_between(since, until))


# --- Writes ----------------------------------------------------------------------------------


def _require(user: AbstractBaseUser) -> None:
    if not may_save_searches(user):
        raise PermissionDenied(_("Only municipal buyers can save searches."))


def _clean_name(name: str, query: str) -> str:
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("Keep the name under %(n)d characters.") % {"n": NAME_MAX_LENGTH}}
        )
    return name or default_name(query)


def _clean_frequency(frequency: str) -> str:
    if frequency not in Frequency.values:
        raise ValidationError(
            {"frequency": _("Choose one of: %(values)s.") % {"values": ", ".join(Frequency.values)}}
        )
    return frequency


def saved_search_create(
    *, user: AbstractBaseUser, query: QueryDict | dict, name: str = "", frequency: str
) -> SavedSearch:
    """Save a catalogue search for `user`. Its first digest lists what is new after now.

    Refuses unknown filters and invalid values (ValidationError on `query`), a search
    saved already, and more than MAX_SAVED_SEARCHES per user."""
    _require(user)
    canonical = canonical_query(query)
    frequency = _clean_frequency(frequency)
    name = _clean_name(name, canonical)
    with transaction.atomic():
        # Lock the user's row so that two simultaneous saves cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
            raise ValidationError(
                _(
                    "You have %(max)d saved searches, the most there can be. Delete one you "
                    "no longer need first."
                )
                % {"max": MAX_SAVED_SEARCHES},
                code="limit",
            )
        try:
            with transaction.atomic():
                now = timezone.now()
                return SavedSearch.objects.create(
                    user=user,
                    name=name,
                    query=canonical,
                    frequency=frequency,
                    created_at=now,
                    digest_until=now,
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "query": ValidationError(
                        _("You have saved this search already."), code="duplicate"
                    )
                }
            ) from None


def saved_search_update(
    *,
    user: AbstractBaseUser,
    saved_search: SavedSearch,
    name: str | None = None,
    frequency: str | None = None,
) -> SavedSearch:
    """Rename a saved search or change how often it is mailed."""
    _require(user)
    fields = []
    if name is not None:
        saved_search.name = _clean_name(name, saved_search.query)
        fields.append("name")
    if frequency is not None:
        saved_search.frequency = _clean_frequency(frequency)
        fields.append("frequency")
    if fields:
        saved_search.save(update_fields=fields)
    return saved_search


def saved_search_delete(*, user: AbstractBaseUser, saved_search: SavedSearch) -> None:
    _require(user)
    saved_search.delete()


def saved_search_unsubscribe(*, saved_search: SavedSearch) -> bool:
    """Stop the digest mails of a saved search (from a signed link: no user to check).
    Returns False when they were stopped already."""
    updated = (
        SavedSearch.objects.filter(pk=saved_search.pk)
        .exclude(frequency=Frequency.NONE)
        .update(frequency=Frequency.NONE)
    )
    return bool(updated)
