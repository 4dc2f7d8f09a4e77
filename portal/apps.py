from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Connect the receivers: the security log's, and the end of API tokens on a new password.
        from . import security, tokens  # noqa: F401
