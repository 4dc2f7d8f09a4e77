"""API of pilots that scale: a pilot's scale-up plan, and the pilots due for a decision.
Serializers only validate; every write is a call into scaleup.py."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from municipalities.access import buyer_municipality

from . import scaleup
from .access import get_adoption_for_plan
from .models import ProcurementRoute, ScaleUpPlan


class ScaleUpPlanSerializer(serializers.Serializer):
    adoption = serializers.IntegerField(source="adoption_id", read_only=True)
    goal = serializers.CharField(max_length=scaleup.GOAL_MAX)
    success_criteria = serializers.CharField(max_length=scaleup.CRITERIA_MAX)
    decision_on = serializers.DateField(help_text="ISO 8601; not before the pilot started.")
    budget = serializers.CharField(
        max_length=scaleup.BUDGET_MAX, required=False, allow_blank=True, default=""
    )
    route = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProcurementRoute.objects.active(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The code of the procurement route intended for scaling.",
    )
    partners = serializers.CharField(
        max_length=scaleup.PARTNERS_MAX, required=False, allow_blank=True, default=""
    )
    updated_at = serializers.DateTimeField(read_only=True)


class DuePilotSerializer(serializers.Serializer):
    adoption = serializers.IntegerField(source="pk")
    innovation = serializers.CharField(source="innovation.slug")
    innovation_title = serializers.CharField(source="innovation.title")
    started_on = serializers.DateField()
    stage_since = serializers.DateField()
    decision_on = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField(
        help_text="`decision_date`: the plan's decision date has come; `too_long`: a pilot "
        "for longer than the configured months without an evaluation or a next stage."
    )

    def get_decision_on(self, adoption) -> str | None:
        plan = getattr(adoption, "scale_up_plan", None)
        return plan.decision_on.isoformat() if plan else None

    def get_reason(self, adoption) -> str:
        return scaleup.due_reason(adoption)


@extend_schema(tags=["pilots"])
class ScaleUpPlanView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: ScaleUpPlanSerializer,
            404: OpenApiResponse(description="No plan, or not yours to read."),
        }
    )
    def get(self, request, pk):
        """A pilot's scale-up plan (its municipality's buyers, reviewers, administrators)."""
        adoption = get_adoption_for_plan(request.user, pk)
        plan = ScaleUpPlan.objects.select_related("route").filter(adoption=adoption).first()
        if plan is None:
            raise Http404(_("This pilot has no scale-up plan."))
        return Response(ScaleUpPlanSerializer(plan).data)

    @extend_schema(
        request=ScaleUpPlanSerializer,
        responses={
            200: ScaleUpPlanSerializer,
            400: OpenApiResponse(
                description="A field error, e.g. a decision date before the pilot started."
            ),
            403: OpenApiResponse(description="Not a buyer of the adoption's municipality."),
            409: OpenApiResponse(description="The adoption is no longer a pilot."),
        },
    )
    def put(self, request, pk):
        """Write a pilot's scale-up plan (create or replace): its municipality's buyers."""
        adoption = get_adoption_for_plan(request.user, pk)
        serializer = ScaleUpPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = scaleup.scale_up_plan_save(
            user=request.user, adoption=adoption, **serializer.validated_data
        )
        return Response(ScaleUpPlanSerializer(plan).data)


@extend_schema(tags=["pilots"])
class DuePilotListView(generics.ListAPIView):
    """The pilots of the caller's municipality due for a decision, oldest first."""

    serializer_class = DuePilotSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        municipality = buyer_municipality(self.request.user)
        if municipality is None:
            raise PermissionDenied(_("Only municipal buyers can do this."))
        return scaleup.pilots_due(municipality=municipality)
