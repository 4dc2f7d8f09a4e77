"""API of the reconfirmation of approvals that ended (innovations/vetting.py): the
supplier confirms the text is current; reviewers list them and decide."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import vetting
from ..access import get_innovation_for_review, get_innovation_for_supplier
from ..enums import Reconfirmation
from ..models import Innovation
from ..workflow import innovation_transition
from .common import IsReviewer, IsSupplier


class ReconfirmationSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = Innovation
        fields = ["id", "slug", "title", "supplier", "approved_until", "reconfirmation"]


class ReconfirmDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("reconfirm", "reconfirm"), ("request_changes", "request_changes")],
        help_text="`reconfirm`: a new approval period; `request_changes`: back to the "
        "supplier with feedback.",
    )
    feedback = serializers.CharField(
        max_length=vetting.FEEDBACK_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        help_text="For the supplier; required with request_changes.",
    )

    def validate(self, attrs):
        if attrs["decision"] == "request_changes" and not attrs["feedback"].strip():
            raise serializers.ValidationError(
                {"feedback": [_("Tell the supplier what to change.")]}
            )
        return attrs


DECISION_ACTIONS = {"reconfirm": vetting.RECONFIRM, "request_changes": vetting.RECONFIRM_CHANGES}


@extend_schema(
    tags=["review"],
    request=None,
    responses={
        200: ReconfirmationSerializer,
        409: OpenApiResponse(description="The approval has not ended, or was confirmed already."),
    },
)
class SupplierInnovationConfirmCurrent(APIView):
    """An innovation to be reconfirmed: its supplier confirms that the text is current."""

    permission_classes = [IsSupplier]

    def post(self, request, pk):
        innovation = get_innovation_for_supplier(request.user, pk)
        innovation = innovation_transition(
            innovation=innovation, user=request.user, action=vetting.CONFIRM_CURRENT
        )
        return Response(ReconfirmationSerializer(innovation).data)


@extend_schema(tags=["review"])
class ReconfirmationList(generics.ListAPIView):
    """Approvals that ended: those confirmed by their supplier (ready for a reviewer)
    first, then those waiting for the supplier; earliest end first."""

    serializer_class = ReconfirmationSerializer
    permission_classes = [IsReviewer]
    filter_backends = []

    def get_queryset(self):
        return (
            Innovation.objects.approved()
            .exclude(reconfirmation=Reconfirmation.CURRENT)
            .select_related("supplier")
            # "confirmed" sorts before "due": ready for a reviewer first.
            .order_by("reconfirmation", "approved_until", "id")
        )


@extend_schema(
    tags=["review"],
    request=ReconfirmDecisionSerializer,
    responses={
        200: ReconfirmationSerializer,
        400: OpenApiResponse(description="No decision, or request_changes without feedback."),
        403: OpenApiResponse(description="Not a reviewer, or a member of its supplier."),
        409: OpenApiResponse(
            description="Not confirmed by its supplier yet, or another reviewer decided first."
        ),
    },
)
class ReviewInnovationReconfirmation(APIView):
    """A reviewer's light review of an innovation whose supplier confirmed its text."""

    permission_classes = [IsReviewer]

    def post(self, request, pk):
        innovation = get_innovation_for_review(request.user, pk)
        serializer = ReconfirmDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        innovation = innovation_transition(
            innovation=innovation,
            user=request.user,
            action=DECISION_ACTIONS[data["decision"]],
            feedback=data["feedback"],
        )
        return Response(ReconfirmationSerializer(innovation).data)
