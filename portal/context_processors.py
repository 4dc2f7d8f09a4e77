from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from . import navigation as navigation_module
from .roles import roles_for


def navigation(request):
    """Header navigation, the user's roles and links to this page in the other languages."""

    def alternates():
        return [
            {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
            for code, name in settings.LANGUAGES
        ]

    return {
        "main_nav": SimpleLazyObject(lambda: navigation_module.main_items(request)),
        "user_nav": SimpleLazyObject(lambda: navigation_module.user_items(request)),
        "user_roles": SimpleLazyObject(lambda: roles_for(request.user)),
        "alternate_languages": SimpleLazyObject(alternates),
    }
