"""A buyer's private shortlist of published innovations, and comparing a few of them.

Services (`shortlist_add`, `shortlist_remove`) are the only writes; the views, and any
future API, call them."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from innovations import catalogue
from innovations.models import Innovation
from innovations.selectors import rubric_summaries

from .access import buyer_municipality
from .enums import Stage, Verification
from .models import ShortlistItem

# A shortlist is a short list; the cap keeps the page and the compare choice usable.
MAX_SHORTLIST = 100
MIN_COMPARE = 2
MAX_COMPARE = 4


def may_shortlist(user: AbstractBaseUser) -> bool:
    """Shortlists are for approved municipal buyers, and administrators (DESIGN.md, roles:
    a shortlist is a personal list, so an administrator's is their own)."""
    return user.is_authenticated and (user.is_superuser or buyer_municipality(user) is not None)


def shortlist_add(*, user: AbstractBaseUser, innovation: Innovation) -> bool:
    """Put a published innovation on the buyer's shortlist. Returns False when it was on
    it already (a double submit adds one row: the database keeps the pair unique)."""
    if not may_shortlist(user):
        raise PermissionDenied
    if not Innovation.objects.approved().filter(pk=innovation.pk).exists():
        raise ValidationError(_("Only innovations in the catalogue can be shortlisted."))
    if ShortlistItem.objects.filter(user=user, innovation=innovation).exists():
        return False
    if ShortlistItem.objects.filter(user=user).count() >= MAX_SHORTLIST:
        raise ValidationError(
            _("Your shortlist holds at most %(max)d innovations. Remove one first.")
            % {"max": MAX_SHORTLIST}
        )
    _item, created = ShortlistItem.objects.get_or_create(user=user, innovation=innovation)
    return created


def shortlist_remove(*, user: AbstractBaseUser, innovation: Innovation) -> bool:
    """Take an innovation off the buyer's shortlist. Returns False if it was not on it."""
    if not may_shortlist(user):
        raise PermissionDenied
    deleted, _rows = ShortlistItem.objects.filter(user=user, innovation=innovation).delete()
    return bool(deleted)


def shortlisted_ids(user: AbstractBaseUser) -> set[int]:
    """Ids of the innovations on the user's shortlist; one query, cached on the user."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_koploper_shortlist"):
        user._koploper_shortlist = set(
            ShortlistItem.objects.filter(user=user).values_list("innovation_id", flat=True)
        )
    return user._koploper_shortlist


def shortlist_innovations(user: AbstractBaseUser) -> QuerySet[Innovation]:
    """The published innovations on the user's shortlist, oldest addition first."""
    return catalogue.for_display(
        Innovation.objects.approved().filter(
            pk__in=ShortlistItem.objects.filter(user=user).values("innovation_id")
        )
    ).order_by("title", "pk")


def compare_innovations(user: AbstractBaseUser, slugs: list[str]) -> list[Innovation]:
    """Two to four innovations from the user's shortlist, in the order asked, each with
    its verified adoptions per stage and `rubric` (mean review scores).

    Raises ValidationError with a message for the buyer on any other choice."""
    slugs = list(dict.fromkeys(slug for slug in slugs if slug))
    if len(slugs) > MAX_COMPARE:
        raise ValidationError(
            _("You can compare at most %(max)d innovations at a time; you chose %(n)d.")
            % {"max": MAX_COMPARE, "n": len(slugs)}
        )
    if len(slugs) < MIN_COMPARE:
        raise ValidationError(_("Choose two to four innovations from your shortlist to compare."))
    stage_counts = {
        f"stage_{stage}": Count(
            "adoptions",
            filter=Q(adoptions__verification=Verification.VERIFIED, adoptions__stage=stage),
        )
        for stage in Stage.values
    }
    found = {
        innovation.slug: innovation
        for innovation in shortlist_innovations(user)
        .filter(slug__in=slugs)
        .annotate(**stage_counts)
    }
    if len(found) != len(slugs):
        raise ValidationError(_("You can only compare innovations that are on your shortlist."))
    innovations = [found[slug] for slug in slugs]
    rubrics = rubric_summaries([innovation.pk for innovation in innovations])
    for innovation in innovations:
        innovation.rubric = rubrics.get(innovation.pk, {"count": 0})
        innovation.stages = [
            (label, getattr(innovation, f"stage_{value}")) for value, label in Stage.choices
        ]
    return innovations
