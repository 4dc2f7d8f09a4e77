"""API of the supplier side: the own organisation and the own innovations.

Serializers only validate; the services write. Anonymous callers get 401, signed-in users
without the role 403, objects they may not see 404, transitions the state does not
allow 409 (DESIGN.md "Roles" and the API contract)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.validators import (
    normalise_registration_number,
    require_changes,
    validate_web_address,
)

from .. import selectors
from ..access import get_innovation_for_supplier, supplier_for
from ..enums import Status
from ..models import EDITABLE_FIELDS, Innovation, Review, Supplier
from ..selectors import missing_for_submission
from ..services import innovation_create, innovation_update, supplier_update
from ..workflow import (
    OPEN_STATES,
    SUBMIT,
    WITHDRAW,
    innovation_transition,
)
from .common import DomainsField, HistorySerializer, IsSupplier, SupplierNameSerializer


class PendingChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    registration_number = serializers.CharField()
    requested_at = serializers.DateTimeField()


class SupplierSerializer(serializers.ModelSerializer):
    """The organisation as the public sees it. A new `name` or `registration_number` sent by
    a member waits for a reviewer: it shows in `pending_change` until then."""

    pending_change = serializers.SerializerMethodField()

    class Meta:
        model = Supplier
        fields = [
            "slug",
            "name",
            "registration_number",
            "website",
            "country",
            "size",
            "pending_change",
        ]
        read_only_fields = ["slug"]

    @extend_schema_field(PendingChangeSerializer(allow_null=True))
    def get_pending_change(self, supplier) -> dict | None:
        if supplier.change_requested_at is None:
            return None
        return {
            "name": supplier.pending_name,
            "registration_number": supplier.pending_registration_number,
            "requested_at": serializers.DateTimeField().to_representation(
                supplier.change_requested_at
            ),
        }

    def validate_website(self, value: str) -> str:
        # What the document's `pattern` says (core.validators.WEB_ADDRESS): stricter than
        # Django's URLValidator alone, which takes text that is no URI (`%zz`, `<`).
        validate_web_address(value)
        return value

    def validate(self, attrs):
        if self.partial:
            require_changes(attrs)
        country = attrs.get("country", getattr(self.instance, "country", None))
        number = attrs.get("registration_number")
        if number is None and "country" in attrs and self.instance is not None:
            # A new country alone: the stored number must fit it (supplier_update checks it).
            number = self.instance.registration_number
        if number:
            try:
                normalised = normalise_registration_number(number, country)
            except DjangoValidationError as error:
                # A rule by country (a KvK number's 8 digits, an enterprise number's check):
                # one no schema states, so a 422 (portal.problems).
                rule = [serializers.ErrorDetail(message, code="rule") for message in error.messages]
                raise serializers.ValidationError({"registration_number": rule}) from None
            if "registration_number" in attrs:
                attrs["registration_number"] = normalised
        return attrs


class FeedbackSerializer(serializers.ModelSerializer):
    """A review as the supplier sees it: no reviewer name, no internal note."""

    class Meta:
        model = Review
        fields = [
            "decision",
            "novelty",
            "evidence",
            "public_value",
            "fit",
            "feedback",
            "created_at",
        ]


CONTENT = list(EDITABLE_FIELDS)


class SupplierInnovationSerializer(serializers.ModelSerializer):
    """An own innovation. `missing` lists the fields still needed before submitting."""

    domains = DomainsField(required=False)
    supplier = SupplierNameSerializer(read_only=True)
    supplier_slug = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Supplier.objects.all(),
        write_only=True,
        required=False,
        help_text="Administrators only: the supplier to add the innovation for.",
    )
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Innovation
        fields = [
            "id",
            "slug",
            *CONTENT,
            "status",
            "revision_of",
            "supplier",
            "supplier_slug",
            "missing",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
        ]
        read_only_fields = [
            "id",
            "slug",
            "status",
            "revision_of",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
        ]

    def validate(self, attrs):
        return require_changes(attrs) if self.partial else attrs

    def get_missing(self, obj) -> list[str]:
        if obj.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
            return []
        return list(missing_for_submission(obj))


class SupplierInnovationDetailSerializer(SupplierInnovationSerializer):
    feedback = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(SupplierInnovationSerializer.Meta):
        fields = [*SupplierInnovationSerializer.Meta.fields, "feedback", "history"]

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_feedback(self, obj):
        return FeedbackSerializer(obj.reviews.order_by("created_at", "id"), many=True).data

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, obj):
        return HistorySerializer(selectors.history(obj, for_supplier=True), many=True).data


class SupplierInnovationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Innovation
        fields = ["status"]


NO_ORGANISATION = OpenApiResponse(
    description="The caller belongs to no supplier organisation (an administrator)."
)


class SupplierOrganisationView(APIView):
    """The caller's supplier organisation."""

    permission_classes = [IsSupplier]

    def _supplier(self, request) -> Supplier:
        supplier = supplier_for(request.user)
        if supplier is None:
            raise exceptions.NotFound(_("You do not belong to a supplier organisation."))
        return Supplier.objects.get(pk=supplier.pk)

    @extend_schema(responses={200: SupplierSerializer, 404: NO_ORGANISATION})
    def get(self, request):
        return Response(SupplierSerializer(self._supplier(request)).data)

    @extend_schema(
        request=SupplierSerializer, responses={200: SupplierSerializer, 404: NO_ORGANISATION}
    )
    def patch(self, request):
        supplier = self._supplier(request)
        serializer = SupplierSerializer(supplier, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            name: serializer.validated_data.get(name, getattr(supplier, name))
            for name in ("name", "country", "size", "registration_number", "website")
        }
        supplier = supplier_update(supplier=supplier, user=request.user, **values)
        return Response(SupplierSerializer(supplier).data)


class SupplierInnovationList(generics.ListCreateAPIView):
    """The caller's own innovations in every state, and their pending revisions (they carry
    `revision_of`). A decided revision is part of its innovation's history, not listed.
    Create adds a draft; it may be incomplete."""

    permission_classes = [IsSupplier]
    serializer_class = SupplierInnovationSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SupplierInnovationFilter

    def get_queryset(self):
        user = self.request.user
        queryset = Innovation.objects.filter(Q(revision_of=None) | Q(status__in=OPEN_STATES))
        supplier = supplier_for(user)
        if supplier is not None:
            queryset = queryset.filter(supplier=supplier)
        return (
            queryset.select_related("supplier")
            .prefetch_related("domains")
            .order_by("-updated_at", "-id")
        )

    @extend_schema(responses={201: SupplierInnovationDetailSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        chosen = data.pop("supplier_slug", None)
        own = supplier_for(request.user)
        if own is not None:
            if chosen is not None and chosen.pk != own.pk:
                raise exceptions.ValidationError(
                    {
                        "supplier_slug": [
                            _("You can only add innovations for your own organisation.")
                        ]
                    }
                )
            supplier = own
        elif chosen is None:
            raise exceptions.ValidationError(
                {"supplier_slug": [_("Choose the supplier to add the innovation for.")]}
            )
        else:
            supplier = chosen
        innovation = innovation_create(supplier=supplier, user=request.user, **data)
        return Response(
            SupplierInnovationDetailSerializer(innovation).data, status=status.HTTP_201_CREATED
        )


class SupplierInnovationDetail(generics.RetrieveUpdateAPIView):
    """One own innovation with the reviewers' feedback and its full history.

    PATCH edits a draft or an innovation sent back for changes. On an approved, published
    innovation it edits the pending revision instead (creating it on the first edit, 201):
    the response is that revision, with its own id and `revision_of` set; the published
    version stays as it is until the revision is approved."""

    permission_classes = [IsSupplier]
    serializer_class = SupplierInnovationDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_innovation_for_supplier(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=SupplierInnovationSerializer,
        responses={
            200: SupplierInnovationDetailSerializer,
            201: SupplierInnovationDetailSerializer,
            409: OpenApiResponse(description="The innovation cannot be edited in its state."),
        },
    )
    def patch(self, request, *args, **kwargs):
        innovation = self.get_object()
        serializer = SupplierInnovationSerializer(innovation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("supplier_slug", None)
        row, created = innovation_update(innovation=innovation, user=request.user, **data)
        return Response(
            SupplierInnovationDetailSerializer(row).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class _SupplierAction(APIView):
    permission_classes = [IsSupplier]
    action = ""

    def post(self, request, pk):
        innovation = get_innovation_for_supplier(request.user, pk)
        innovation = innovation_transition(
            innovation=innovation, user=request.user, action=self.action
        )
        return Response(SupplierInnovationDetailSerializer(innovation).data)


@extend_schema(
    request=None,
    responses={
        200: SupplierInnovationDetailSerializer,
        400: OpenApiResponse(description="Incomplete: each missing field with a message."),
        409: OpenApiResponse(description="Only a draft or changes_requested can be submitted."),
    },
)
class SupplierInnovationSubmit(_SupplierAction):
    """draft or changes_requested → submitted. Refused (400) with every missing field."""

    action = SUBMIT


@extend_schema(
    request=None,
    responses={
        200: SupplierInnovationDetailSerializer,
        409: OpenApiResponse(description="Only an approved innovation can be withdrawn."),
    },
)
class SupplierInnovationWithdraw(_SupplierAction):
    """approved → withdrawn (its pending revision goes with it); a pending revision can be
    withdrawn from any open state."""

    action = WITHDRAW
