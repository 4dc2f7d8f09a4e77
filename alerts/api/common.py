"""What the alerts API's views share: who may call them, absolute links."""

from django.utils.translation import gettext_lazy
from rest_framework import permissions

from .. import access


class IsBuyer(permissions.BasePermission):
    message = gettext_lazy("This is for municipal buyers.")

    def has_permission(self, request, view):
        return access.may_save_searches(request.user)


class MayFollow(permissions.BasePermission):
    message = gettext_lazy("This is for municipal buyers and suppliers.")

    def has_permission(self, request, view):
        user = request.user
        return access.may_follow_innovations(user) or access.may_follow_challenges(user)


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path
