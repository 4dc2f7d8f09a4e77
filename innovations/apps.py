from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from .search import register_sqlite_functions

        # SQLite's search triggers stem text in Python (migration 0008).
        connection_created.connect(register_sqlite_functions, dispatch_uid="koploper_search")
