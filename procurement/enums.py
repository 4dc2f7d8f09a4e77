from django.db import models
from django.utils.translation import gettext_lazy as _


class OnMarket(models.TextChoices):
    """The guide's question: can the solution be bought today?"""

    YES = "yes", _("Yes, it can be bought as it is")
    PARTLY = "partly", _("Partly: it needs adapting to our situation")
    NO = "no", _("No, it still has to be developed")
    UNKNOWN = "unknown", _("I do not know yet")


class CoDevelopment(models.TextChoices):
    """What a route asks of the buyer's need to develop the solution with the supplier."""

    REQUIRED = "required", _("Needs co-development")
    EXCLUDED = "excluded", _("Buys what exists, without co-development")
    EITHER = "either", _("Either")


class ValueBand(models.TextChoices):
    """The expected value against the thresholds, lowest first (see procurement.guide)."""

    SMALL = "small", _("Below the national threshold for a small purchase")
    BELOW_EU = "below_eu", _("Between the national and the EU threshold")
    ABOVE_EU = "above_eu", _("At or above the EU threshold")


VALUE_BAND_ORDER = [ValueBand.SMALL, ValueBand.BELOW_EU, ValueBand.ABOVE_EU]


class Jurisdiction(models.TextChoices):
    EU = "EU", _("European Union")
    NL = "NL", _("Netherlands")
    BE = "BE", _("Belgium (Flanders)")


class ContractKind(models.TextChoices):
    SUPPLIES_SERVICES = "supplies_services", _("Supplies and services")
    WORKS = "works", _("Works")
    SOCIAL_SERVICES = "social_services", _("Social and other specific services")


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Subject(models.TextChoices):
    INNOVATION = "innovation", _("An innovation")
    CHALLENGE = "challenge", _("A challenge")
    ROUTE = "route", _("A procurement route")
