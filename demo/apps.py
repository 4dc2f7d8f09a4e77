from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (no models): `manage.py seed_demo`."""

    name = "demo"
    verbose_name = "Demo"
