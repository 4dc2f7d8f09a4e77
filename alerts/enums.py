from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    NONE = "none", _("No e-mail")


class Kind(models.TextChoices):
    """What a notification is about. Followers of an innovation get the first four,
    followers of a challenge the next two; the last two are for suppliers."""

    NEW_ADOPTER = "new_adopter", _("A new municipality uses an innovation you follow")
    STAGE_CHANGE = "stage_change", _("An adoption of an innovation you follow changes stage")
    EVALUATION = "evaluation", _("An evaluation of an innovation you follow is published")
    NEW_VERSION = "new_version", _("A new version of an innovation you follow is approved")
    CHALLENGE_DEADLINE = "challenge_deadline", _("The deadline of a challenge you follow nears")
    CHALLENGE_CLOSED = "challenge_closed", _("A challenge you follow is closed")
    NEW_CHALLENGE = "new_challenge", _("A new challenge in the domains of your innovations")
    RESPONSE_MARKED = "response_marked", _("A municipality marks your answer to a challenge")


class Channel(models.TextChoices):
    MAIL = "mail", _("On this site and in a daily e-mail")
    PORTAL = "portal", _("On this site only")
    OFF = "off", _("Off")


# The channel of a kind the user has not chosen for. Mails about new challenges are
# opt-in (the issue); everything a user asked for by following is mailed.
DEFAULT_CHANNELS = {kind: Channel.MAIL for kind in Kind.values}
DEFAULT_CHANNELS[Kind.NEW_CHALLENGE] = Channel.OFF

INNOVATION_KINDS = (Kind.NEW_ADOPTER, Kind.STAGE_CHANGE, Kind.EVALUATION, Kind.NEW_VERSION)
CHALLENGE_KINDS = (Kind.CHALLENGE_DEADLINE, Kind.CHALLENGE_CLOSED)
SUPPLIER_KINDS = (Kind.NEW_CHALLENGE, Kind.RESPONSE_MARKED)


class Metric(models.TextChoices):
    """What supplier insight counts, per innovation and day (README: "What is counted")."""

    VIEWS = "views", _("Page views")
    SHORTLISTS = "shortlists", _("Shortlist additions")
    COMPARISONS = "comparisons", _("Comparisons")
    SUGGESTIONS = "suggestions", _("Shown as a challenge suggestion")
    CLAIMS = "claims", _("Adoption claims")
    VERIFICATIONS = "verifications", _("Verified adoptions")
    FOLLOWERS = "followers", _("Followers")


# Followers is a level (how many at the end of the day or month), the rest are flows
# (how many in the day or month).
LEVEL_METRICS = frozenset({Metric.FOLLOWERS})
