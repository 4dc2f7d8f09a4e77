from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The portal's user. Roles come from memberships and permissions (see portal.roles)."""

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("Language of the e-mails this user receives."),
    )
    # A sign-up made on the site stays inactive until its address is confirmed by the link
    # mailed to it (portal.signup). Only such an account is activated by a link: an account
    # an administrator deactivated is not.
    awaiting_confirmation = models.BooleanField(
        _("awaiting confirmation"),
        default=False,
        help_text=_("Signed up, but the e-mail address is not confirmed yet."),
    )

    # When the last confirmation link was mailed (its token's time): an account whose last
    # link expired unused is removed (portal.signup_cleanup).
    confirmation_sent_at = models.DateTimeField(
        _("confirmation link sent"), null=True, blank=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
