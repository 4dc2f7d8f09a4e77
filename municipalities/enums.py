from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    # Thresholds in inhabitants; see size_class_for().
    XS = "lt20k", _("fewer than 20,000 inhabitants")
    S = "20k-50k", _("20,000 to 50,000 inhabitants")
    M = "50k-100k", _("50,000 to 100,000 inhabitants")
    L = "100k-250k", _("100,000 to 250,000 inhabitants")
    XL = "gte250k", _("250,000 inhabitants or more")


SIZE_CLASS_BOUNDS = [
    (20_000, SizeClass.XS),
    (50_000, SizeClass.S),
    (100_000, SizeClass.M),
    (250_000, SizeClass.L),
]


def size_class_for(population: int) -> str:
    for upper, size_class in SIZE_CLASS_BOUNDS:
        if population < upper:
            return size_class
    return SizeClass.XL


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Stage(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    IMPLEMENTED = "implemented", _("Implemented")
    SCALED = "scaled", _("Scaled up")
    ENDED = "ended", _("Ended")


class Verification(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class GoalsMet(models.TextChoices):
    MET = "met", _("Goals met")
    PARTLY = "partly", _("Goals partly met")
    NOT_MET = "not", _("Goals not met")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ResponseStatus(models.TextChoices):
    NEW = "new", _("New")
    INTERESTED = "interested", _("Interesting")
    DECLINED = "declined", _("Declined")
