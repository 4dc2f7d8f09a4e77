"""What the supplier and review APIs share: the role permissions and the small serializers."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

from ..access import is_reviewer, supplier_for
from ..enums import Domain
from ..models import StatusChange, Supplier


class IsSupplier(permissions.BasePermission):
    """Members of a supplier organisation, and administrators."""

    message = gettext_lazy("This is for members of a supplier organisation.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            user.is_superuser or supplier_for(user) is not None
        )


class IsReviewer(permissions.BasePermission):
    message = gettext_lazy("This is for reviewers.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and is_reviewer(request.user)


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices)))
class DomainsField(serializers.MultipleChoiceField):
    """A list of domain codes; written as a JSON list, read sorted."""

    def __init__(self, **kwargs):
        super().__init__(choices=Domain.choices, allow_empty=True, **kwargs)

    def to_internal_value(self, data):
        # A JSON array only, as documented: REST framework's field takes any iterable (an
        # object's keys, a string's letters).
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return sorted(super().to_internal_value(data))

    def to_representation(self, value):
        return sorted(domain.code for domain in value.all())


class SupplierNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["slug", "name"]


class HistorySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="actor_label")
    # The system's notes in the caller's language, a reviewer's feedback as written.
    reason = serializers.CharField(source="note")

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "reason", "by", "created_at"]
