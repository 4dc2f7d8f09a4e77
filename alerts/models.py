"""Saved searches, follows, notifications and the counts behind supplier insight.

This app sits above `municipalities`: it reads what the lower apps record (the audit log,
the innovations' status history, adoptions, shortlists) and never asks them to call it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from municipalities.models import Challenge

from .enums import Frequency, Kind, Metric


def new_feed_id() -> str:
    # 128 bits: the feed's address is its only secret.
    return secrets.token_urlsafe(16)


class SavedSearch(models.Model):
    """A buyer's catalogue search: the catalogue's own query string, checked by the
    catalogue's filters when saved, and how often to mail what is new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    # Canonical: the known filters only, keys sorted, no page and no sort order.
    query = models.CharField(_("search"), max_length=1000, blank=True)
    frequency = models.CharField(
        _("e-mail"), max_length=8, choices=Frequency, default=Frequency.WEEKLY
    )
    feed_id = models.CharField(max_length=32, unique=True, default=new_feed_id, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The end of the window the last digest covered: the next one lists what is new or
    # changed after it.
    digest_until = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="alerts_search_unique"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="alerts_search_frequency"
            ),
        ]
        indexes = [models.Index(fields=["frequency", "digest_until"], name="alerts_search_due")]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A user follows one innovation or one challenge."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(innovation__isnull=True, challenge__isnull=False)
                | Q(innovation__isnull=False, challenge__isnull=True),
                name="alerts_follow_one_object",
            ),
            models.UniqueConstraint(
                fields=["user", "innovation"],
                condition=Q(innovation__isnull=False),
                name="alerts_follow_innovation_once",
            ),
            models.UniqueConstraint(
                fields=["user", "challenge"],
                condition=Q(challenge__isnull=False),
                name="alerts_follow_challenge_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.innovation or self.challenge}"


class Notification(models.Model):
    """Something that happened, for one user. The text is rendered when shown (in the
    reader's language) from `kind` and `data`, which holds names as they were then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    # What it is about, unique per user: the collector may read an event twice (a task
    # run twice, or a re-read of the last minutes), the user hears of it once.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Whether it goes into the daily mail (the user's channel for its kind), and when it did.
    mail = models.BooleanField(default=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="alerts_notification_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="alerts_notification_list"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="alerts_unread"),
            models.Index(
                fields=["user"],
                condition=Q(mail=True, mailed_at__isnull=True),
                name="alerts_to_mail",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class AlertSettings(models.Model):
    """A user's channel per kind of notification (absent kinds: DEFAULT_CHANNELS), and the
    day their last notification mail was made (at most one a day)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_settings"
    )
    channels = models.JSONField(default=dict, blank=True)
    mailed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class Watermark(models.Model):
    """How far a collector has read an append-only history (the last id it may skip)."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("watermark")
        verbose_name_plural = _("watermarks")

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"


class InsightDay(models.Model):
    """One count of one innovation on one day: kept for 90 days (README, insight)."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    metric = models.CharField(max_length=16, choices=Metric)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "day", "metric"], name="alerts_insight_day_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.innovation_id} {self.day} {self.metric}={self.count}"


class InsightMonth(models.Model):
    """One count of one innovation in one month (`month` is its first day): kept."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    metric = models.CharField(max_length=16, choices=Metric)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month"]
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "month", "metric"], name="alerts_insight_month_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.innovation_id} {self.month:%Y-%m} {self.metric}={self.count}"
