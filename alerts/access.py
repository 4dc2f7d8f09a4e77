"""Who may keep saved searches and follows, and who sees which insight. The one place
these checks live (DESIGN.md, roles: buyers keep their own saved searches and follows,
suppliers follow challenges, administrators may do all; a supplier sees the insight of
their own innovations only)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import Http404

from innovations.access import supplier_for
from innovations.models import Innovation
from municipalities.access import buyer_municipality, may_view_challenge
from municipalities.models import Challenge

from .enums import CHALLENGE_KINDS, INNOVATION_KINDS, SUPPLIER_KINDS, Kind
from .models import Follow, Notification, SavedSearch


def is_buyer(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or buyer_municipality(user) is not None)


def may_save_searches(user: AbstractBaseUser) -> bool:
    return is_buyer(user)


def may_follow_innovations(user: AbstractBaseUser) -> bool:
    return is_buyer(user)


def may_follow_challenges(user: AbstractBaseUser) -> bool:
    return is_buyer(user) or (user.is_authenticated and supplier_for(user) is not None)


def may_see_insight(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (user.is_superuser or supplier_for(user) is not None)


def notification_kinds(user: AbstractBaseUser) -> list[str]:
    """The kinds of notification that can reach `user` (their settings offer these)."""
    kinds = []
    if may_follow_innovations(user):
        kinds += INNOVATION_KINDS
    if may_follow_challenges(user):
        kinds += CHALLENGE_KINDS
    if may_see_insight(user):
        kinds += SUPPLIER_KINDS
    return [Kind(kind).value for kind in kinds]


def visible_innovation(slug: str) -> Innovation:
    """A published innovation by its slug; 404 for anything the public cannot see."""
    innovation = (
        Innovation.objects.approved().select_related("supplier").filter(slug=str(slug)).first()
    )
    if innovation is None:
        raise Http404
    return innovation


def challenge_visible_to(user: AbstractBaseUser, challenge: Challenge) -> bool:
    """As the challenge page: open ones for anyone, others for their municipality."""
    return may_view_challenge(user, challenge)


def visible_challenge(user: AbstractBaseUser, pk) -> Challenge:
    """A challenge `user` may see; 404 otherwise."""
    try:
        challenge = Challenge.objects.select_related("municipality").get(pk=pk)
    except (Challenge.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not challenge_visible_to(user, challenge):
        raise Http404
    return challenge


def insight_innovations(user: AbstractBaseUser):
    """The innovations whose insight `user` may see: their supplier's published ones
    (administrators: all published ones)."""
    queryset = Innovation.objects.approved()
    if user.is_superuser:
        return queryset
    supplier = supplier_for(user)
    if supplier is None:
        return queryset.none()
    return queryset.filter(supplier=supplier)


def insight_innovation(user: AbstractBaseUser, pk) -> Innovation:
    """One innovation for its insight; 404 for another supplier's or an unpublished one."""
    try:
        return insight_innovations(user).select_related("supplier").get(pk=pk)
    except (Innovation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_saved_search(user: AbstractBaseUser, pk):
    """One of the user's own saved searches; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    try:
        return SavedSearch.objects.get(pk=pk, user=user)
    except (SavedSearch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_follow(user: AbstractBaseUser, pk):
    """One of the user's own follows; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Follow.objects.select_related("innovation", "challenge").get(pk=pk, user=user)
    except (Follow.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_notification(user: AbstractBaseUser, pk):
    """One of the user's own notifications; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Notification.objects.select_related("innovation", "challenge").get(pk=pk, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
