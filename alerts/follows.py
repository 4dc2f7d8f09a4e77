"""Following an innovation or a challenge: the writes and the reads around them."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from innovations.models import Innovation
from municipalities.models import Challenge

from .access import challenge_visible_to, may_follow_challenges, may_follow_innovations
from .models import Follow

# A follow is cheap to keep; the cap only stops a script from filling the table.
MAX_FOLLOWS = 500


def _create(*, user: AbstractBaseUser, **target) -> tuple[Follow, bool]:
    existing = Follow.objects.filter(user=user, **target).first()
    if existing is not None:
        return existing, False
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise ValidationError(
            _("You follow %(max)d things, the most there can be. Stop following some first.")
            % {"max": MAX_FOLLOWS},
            code="limit",
        )
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, **target), True
    except IntegrityError:
        # A double submit: the database keeps the pair unique, the first one stays.
        return Follow.objects.get(user=user, **target), False


def follow_innovation(*, user: AbstractBaseUser, innovation: Innovation) -> tuple[Follow, bool]:
    """Follow a published innovation (the caller found it through access.visible_
    innovation, so an unpublished one is a 404 before this). Returns (follow, created)."""
    if not may_follow_innovations(user):
        raise PermissionDenied(_("Only municipal buyers can follow innovations."))
    if not Innovation.objects.approved().filter(pk=innovation.pk).exists():
        raise Http404
    return _create(user=user, innovation=innovation)


def follow_challenge(*, user: AbstractBaseUser, challenge: Challenge) -> tuple[Follow, bool]:
    """Follow a challenge the user may see. Returns (follow, created)."""
    if not may_follow_challenges(user):
        raise PermissionDenied(_("Only suppliers and municipal buyers can follow challenges."))
    if not challenge_visible_to(user, challenge):
        raise Http404
    return _create(user=user, challenge=challenge)


def follow_delete(*, user: AbstractBaseUser, follow: Follow) -> None:
    """Stop following (the caller found the follow among the user's own)."""
    if follow.user_id != user.pk:
        raise PermissionDenied
    follow.delete()


def unfollow(*, user: AbstractBaseUser, innovation=None, challenge=None) -> bool:
    """Stop following an innovation or a challenge. Returns False when not followed."""
    target = {"innovation": innovation} if innovation is not None else {"challenge": challenge}
    deleted, _rows = Follow.objects.filter(user=user, **target).delete()
    return bool(deleted)


def followed_innovation_ids(user: AbstractBaseUser) -> set[int]:
    """Ids of the innovations `user` follows; one query, cached on the user."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_koploper_followed"):
        user._koploper_followed = set(
            Follow.objects.filter(user=user, innovation__isnull=False).values_list(
                "innovation_id", flat=True
            )
        )
    return user._koploper_followed


def follows_of(user: AbstractBaseUser):
    """The user's follows with what they follow, newest first (one query)."""
    return Follow.objects.filter(user=user).select_related(
        "innovation__supplier", "challenge__municipality"
    )
