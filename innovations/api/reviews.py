"""API of the review queue: list, claim and decide submitted innovations.

Anonymous callers get 401, non-reviewers 403, innovations of the reviewer's own supplier
404, transitions the state does not allow 409 (DESIGN.md "Roles" and the API contract)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..access import get_innovation_for_review
from ..enums import Decision, Domain
from ..models import Innovation, Review
from ..workflow import (
    CLAIM,
    innovation_transition,
    required_approvals,
)
from .common import DomainsField, HistorySerializer, IsReviewer, SupplierNameSerializer


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
                {"feedback": [_("Tell the supplier what to change.")]}, code="rule"
            )
        if attrs["decision"] == Decision.REJECT and not feedback:
            raise serializers.ValidationError(
                {"feedback": [_("Give the supplier the reason for the rejection.")]}, code="rule"
            )
        return attrs


class WholeNumberFilter(filters.NumberFilter):
    """A whole number (NumberFilter would take 3.5); documented as an integer."""

    field_class = forms.IntegerField


class ReviewQueueFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in selectors.QUEUE_STATES],
        help_text="Default: submitted and in_review, the work still to do.",
    )
    domain = filters.ChoiceFilter(choices=Domain.choices, field_name="domains__code")
    older_than_days = WholeNumberFilter(
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
