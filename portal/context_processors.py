import functools

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from alerts.notifications import unread_count

from . import navigation as navigation_module
from .roles import roles_for


def navigation(request):
    """Header navigation, the user's roles and links to this page in the other languages."""

    def alternates():
        return [
            {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
            for code, name in settings.LANGUAGES
        ]

    @functools.cache
    def unread() -> int:
        # Called by the header of a signed-in user's page only (templates call callables):
        # from the cache, or one indexed COUNT.
        return unread_count(request.user)

    return {
        "main_nav": SimpleLazyObject(lambda: navigation_module.main_items(request)),
        "user_nav": SimpleLazyObject(lambda: navigation_module.user_items(request)),
        "user_roles": SimpleLazyObject(lambda: roles_for(request.user)),
        "alternate_languages": SimpleLazyObject(alternates),
        "unread_notifications": unread,
    }
