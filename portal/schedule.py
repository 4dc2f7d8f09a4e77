"""The Celery beat schedule, defined once (settings.CELERY_BEAT_SCHEDULE): the nightly
leaderboard recompute at 03:00, the mails still due every ten minutes, the outbox's
pruning, the alerts' collection, digests and mails, the pilot reminders, the
approvals' expiry and the removal of sign-ups never confirmed."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "recompute-ranking-nightly": {
        "task": "ranking.recompute",
        "schedule": crontab(hour=3, minute=0),
    },
    # Mails whose task could not be enqueued (broker down) or did not finish.
    "send-pending-mails": {
        "task": "audit.send_pending_mails",
        "schedule": crontab(minute="*/10"),
    },
    # Sent and given-up mails past MAIL_RETENTION_DAYS.
    "prune-outbox": {
        "task": "audit.prune_outbox",
        "schedule": crontab(hour=4, minute=30),
    },
    # Alerts: what happened becomes notifications; saved-search digests in the morning,
    # then the day's notification mail; the insight counters to the database.
    "alerts-collect": {"task": "alerts.collect", "schedule": crontab(minute="*/5")},
    "alerts-digests": {"task": "alerts.make_digests", "schedule": crontab(hour=7, minute=0)},
    "alerts-notification-mails": {
        "task": "alerts.make_notification_mails",
        "schedule": crontab(hour=7, minute=30),
    },
    "alerts-flush-insight": {"task": "alerts.flush_insight", "schedule": crontab(minute="*/10")},
    # Pilots due for a decision: their buyers are reminded (at most once per period).
    "remind-pilots": {"task": "procurement.remind_pilots", "schedule": crontab(hour=6, minute=0)},
    # Approvals: reminders before they end, and "to be reconfirmed" once they have.
    "expire-approvals": {
        "task": "innovations.expire_approvals",
        "schedule": crontab(hour=5, minute=30),
    },
    # Sign-ups whose confirmation link expired unused: address and organisation freed.
    "remove-expired-signups": {
        "task": "portal.remove_expired_signups",
        "schedule": crontab(hour=4, minute=45),
    },
}
