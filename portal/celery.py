"""The Celery app. Tasks are discovered in each app's tasks.py; the beat schedule is
CELERY_BEAT_SCHEDULE in settings. With no REDIS_URL, tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("koploper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
