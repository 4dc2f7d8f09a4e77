"""What the alerts API's views share: who may call them, absolute links."""

from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers

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


# The largest id the database holds (BigAutoField): a larger number names nothing, and the
# database would refuse it with an error rather than find no row.
MAX_ID = 2**63 - 1


class TextSlugField(serializers.SlugField):
    """A slug given as text: a number is not a slug that was meant."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
