"""API of the supplier side (own organisation and innovations) and of the review queue.

Serializers only validate; the services write. Anonymous callers get 401, signed-in users
without the role 403, objects they may not see 404, transitions the state does not
allow 409 (DESIGN.md "Roles" and the API contract)."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .access import get_innovation_for_supplier, is_reviewer, supplier_for
from .enums import Decision, Domain, Status
from .models import Innovation, Review, StatusChange, Supplier
from .services import innovation_create, innovation_update, supplier_update
from .validators import normalise_registration_number, require_changes
from .workflow import (
    CLAIM,
    SUBMIT,
    WITHDRAW,
    get_innovation_for_review,
    innovation_transition,
    missing_for_submission,
    required_approvals,
)

# --- Errors and access ----------------------------------------------------------------------


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


# --- Serializers ----------------------------------------------------------------------------


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices)))
class DomainsField(serializers.MultipleChoiceField):
    """A list of domain codes; written as a JSON list, read sorted."""

    def __init__(self, **kwargs):
        super().__init__(choices=Domain.choices, allow_empty=True, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            self.fail("not_a_list", input_type="str")
        return sorted(super().to_internal_value(data))

    def to_representation(self, value):
        return sorted(domain.code for domain in value.all())


class SupplierNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["slug", "name"]


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["slug", "name", "registration_number", "website", "country", "size"]
        read_only_fields = ["slug"]

    def validate(self, attrs):
        if self.partial:
            require_changes(attrs)
        country = attrs.get("country", getattr(self.instance, "country", None))
        number = attrs.get("registration_number")
        if number:
            try:
                attrs["registration_number"] = normalise_registration_number(number, country)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"registration_number": error.messages}) from None
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


class HistorySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="actor_label")

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "reason", "by", "created_at"]


CONTENT = [
    "title",
    "summary",
    "description",
    "domains",
    "route",
    "maturity",
    "price_indication",
    "evidence",
    "references",
    "contact_name",
    "contact_email",
]


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


class ReviewSerializer(serializers.ModelSerializer):
    """A review as reviewers see it."""

    reviewer = serializers.CharField(source="reviewer.get_username")

    class Meta:
        model = Review
        fields = [
            "reviewer",
            "decision",
            "novelty",
            "evidence",
            "public_value",
            "fit",
            "feedback",
            "internal_note",
            "created_at",
        ]


class ReviewQueueItemSerializer(serializers.ModelSerializer):
    domains = DomainsField(read_only=True)
    supplier = SupplierNameSerializer(read_only=True)
    assigned_reviewer = serializers.CharField(
        source="assigned_reviewer.get_username",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The reviewer who claimed it; null while nobody has.",
    )
    approvals = serializers.IntegerField(
        source="round_approvals",
        read_only=True,
        help_text="Approvals given in the current review round.",
    )
    required_approvals = serializers.SerializerMethodField()

    class Meta:
        model = Innovation
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "domains",
            "route",
            "maturity",
            "supplier",
            "status",
            "revision_of",
            "assigned_reviewer",
            "approvals",
            "required_approvals",
            "submitted_at",
        ]

    def get_required_approvals(self, obj) -> int:
        return required_approvals()


class ReviewInnovationDetailSerializer(ReviewQueueItemSerializer):
    reviews = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(ReviewQueueItemSerializer.Meta):
        fields = [
            *ReviewQueueItemSerializer.Meta.fields,
            "description",
            "price_indication",
            "evidence",
            "references",
            "contact_name",
            "contact_email",
            "reviews",
            "history",
        ]

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, obj):
        return ReviewSerializer(
            obj.reviews.select_related("reviewer").order_by("created_at", "id"), many=True
        ).data

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, obj):
        return HistorySerializer(selectors.history(obj), many=True).data


class ScoresSerializer(serializers.Serializer):
    novelty = serializers.IntegerField(min_value=1, max_value=5)
    evidence = serializers.IntegerField(min_value=1, max_value=5)
    public_value = serializers.IntegerField(min_value=1, max_value=5)
    fit = serializers.IntegerField(min_value=1, max_value=5)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    scores = ScoresSerializer()
    feedback = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        required=False,
        default="",
        help_text="For the supplier; required for request_changes (what to change) and "
        "reject (the reason).",
    )
    internal_note = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default=""
    )

    def validate(self, attrs):
        feedback = attrs.get("feedback", "").strip()
        if attrs["decision"] == Decision.REQUEST_CHANGES and not feedback:
            raise serializers.ValidationError(
                {"feedback": [_("Tell the supplier what to change.")]}
            )
        if attrs["decision"] == Decision.REJECT and not feedback:
            raise serializers.ValidationError(
                {"feedback": [_("Give the supplier the reason for the rejection.")]}
            )
        return attrs


# --- Filters --------------------------------------------------------------------------------


class SupplierInnovationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Innovation
        fields = ["status"]


class ReviewQueueFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in selectors.QUEUE_STATES],
        help_text="Default: submitted and in_review, the work still to do.",
    )
    domain = filters.ChoiceFilter(choices=Domain.choices, field_name="domains__code")
    older_than_days = filters.NumberFilter(
        method="filter_older_than_days",
        min_value=0,
        max_value=3650,
        help_text="Only innovations submitted at least this many days ago.",
    )
    assigned = filters.ChoiceFilter(
        choices=[("me", "me"), ("none", "none")],
        method="filter_assigned",
        help_text="`me`: claimed by the caller; `none`: not claimed.",
    )

    class Meta:
        model = Innovation
        fields = ["status", "domain", "older_than_days", "assigned"]

    def filter_older_than_days(self, queryset, name, value):
        if value != int(value):
            raise exceptions.ValidationError({"older_than_days": ["Give a whole number of days."]})
        since = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(submitted_at__lte=since)

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_reviewer=self.request.user)
        return queryset.filter(assigned_reviewer__isnull=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=selectors.QUEUE_DEFAULT_STATES)
        return queryset


# --- Supplier views ---------------------------------------------------------------------------


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
    """The caller's own innovations in every state, pending revisions included (they carry
    `revision_of`). Create adds a draft; it may be incomplete."""

    permission_classes = [IsSupplier]
    serializer_class = SupplierInnovationSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SupplierInnovationFilter

    def get_queryset(self):
        user = self.request.user
        queryset = Innovation.objects.all()
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


# --- Reviewer views ---------------------------------------------------------------------------


class ReviewInnovationList(generics.ListAPIView):
    """The review queue, oldest submission first; without the caller's own supplier's
    innovations."""

    permission_classes = [IsReviewer]
    serializer_class = ReviewQueueItemSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReviewQueueFilter

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user, states=selectors.QUEUE_STATES)


class ReviewInnovationDetail(generics.RetrieveAPIView):
    permission_classes = [IsReviewer]
    serializer_class = ReviewInnovationDetailSerializer

    def get_object(self):
        innovation = get_innovation_for_review(self.request.user, self.kwargs["pk"])
        return selectors.with_round_approvals(Innovation.objects.filter(pk=innovation.pk)).get()


def _review_response(innovation):
    fresh = (
        selectors.with_round_approvals(Innovation.objects.filter(pk=innovation.pk))
        .select_related("supplier", "assigned_reviewer")
        .get()
    )
    return Response(ReviewInnovationDetailSerializer(fresh).data)


@extend_schema(
    request=None,
    responses={
        200: ReviewInnovationDetailSerializer,
        403: OpenApiResponse(description="Not a reviewer, or a member of its supplier."),
        409: OpenApiResponse(description="Not submitted, or already claimed."),
    },
)
class ReviewInnovationClaim(APIView):
    """submitted → in_review, assigned to the caller (also takes an unassigned in_review
    innovation that awaits a further approval)."""

    permission_classes = [IsReviewer]

    def post(self, request, pk):
        innovation = get_innovation_for_review(request.user, pk)
        innovation = innovation_transition(innovation=innovation, user=request.user, action=CLAIM)
        return _review_response(innovation)


@extend_schema(
    request=DecisionSerializer,
    responses={
        200: ReviewInnovationDetailSerializer,
        400: OpenApiResponse(description="Missing scores or the required feedback."),
        403: OpenApiResponse(
            description="Not a reviewer, a member of its supplier, or approving twice."
        ),
        409: OpenApiResponse(description="Not in review (e.g. another reviewer decided first)."),
    },
)
class ReviewInnovationDecision(APIView):
    """Record a review (four rubric scores 1–5, feedback, internal note) and move the state:
    approve (published once enough reviewers approved), request_changes, reject."""

    permission_classes = [IsReviewer]

    def post(self, request, pk):
        innovation = get_innovation_for_review(request.user, pk)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        innovation = innovation_transition(
            innovation=innovation,
            user=request.user,
            action=data["decision"],
            scores=dict(data["scores"]),
            feedback=data["feedback"],
            internal_note=data["internal_note"],
        )
        return _review_response(innovation)
