"""API of adoptions and their verification (DESIGN.md, API contract v1). Serializers only
validate; every write is a call into the adoptions service (municipalities/adoptions.py)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from core.validators import require_changes
from innovations.models import Innovation

from .. import adoptions, evaluations, selectors
from ..access import (
    get_adoption_for_viewer,
    may_see_adoption_internals,
    require_verifier,
    sees_adopter_contacts,
)
from ..enums import GoalsMet, Stage, Verification
from ..filters import AdoptionFilter
from ..models import Adoption, AdoptionChange, Municipality
from .common import InnovationBriefSerializer, MunicipalityBriefSerializer


class EvaluationSerializer(serializers.Serializer):
    goals_met = serializers.ChoiceField(choices=GoalsMet.choices)
    lessons_learned = serializers.CharField(max_length=5000)
    would_recommend = serializers.BooleanField()


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)


class AdoptionSerializer(serializers.ModelSerializer):
    municipality = MunicipalityBriefSerializer()
    innovation = InnovationBriefSerializer()
    evaluation = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField(
        help_text="The municipality's contact person; for signed-in buyers only, else null."
    )

    class Meta:
        model = Adoption
        fields = [
            "id",
            "municipality",
            "innovation",
            "stage",
            "started_on",
            "stage_since",
            "evidence_reference",
            "evidence_description",
            "verification",
            "evaluation",
            "contact",
        ]

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, adoption):
        evaluation = getattr(adoption, "evaluation", None)
        return EvaluationSerializer(evaluation).data if evaluation is not None else None

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, adoption):
        request = self.context.get("request")
        if request is None or not sees_adopter_contacts(request.user):
            return None
        return {"name": adoption.contact_name, "email": adoption.contact_email}


class StageChangeSerializer(serializers.Serializer):
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    stage_since = serializers.DateField()
    created_at = serializers.DateTimeField()


class ClaimedChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdoptionChange
        fields = [
            "id",
            "stage",
            "started_on",
            "stage_since",
            "evidence_reference",
            "evidence_description",
            "status",
            "note",
            "created_at",
        ]


def _claimed_change(adoption: Adoption) -> dict | None:
    """The buyer's latest claimed change of a verified adoption while it waits (`claimed`)
    or after a reviewer rejected it (`rejected`, with the note); None otherwise. Reads the
    prefetched `changes`."""
    latest = max(adoption.changes.all(), key=lambda c: (c.created_at, c.pk), default=None)
    if latest is None or latest.status == Verification.VERIFIED:
        return None
    return ClaimedChangeSerializer(latest).data


class OwnAdoptionSerializer(AdoptionSerializer):
    """An adoption as its municipality's buyers and the reviewers see it: the verified state
    (or the claim, while never verified), and the change a buyer claims beside it."""

    stage_changes = StageChangeSerializer(many=True, read_only=True)
    claimed_change = serializers.SerializerMethodField(
        help_text="A change of the verified adoption that waits for a reviewer, or was "
        "rejected (status, note); the verified fields above stay public until it is verified."
    )

    class Meta(AdoptionSerializer.Meta):
        fields = [
            *AdoptionSerializer.Meta.fields,
            "verification_note",
            "stage_changes",
            "claimed_change",
        ]

    @extend_schema_field(ClaimedChangeSerializer(allow_null=True))
    def get_claimed_change(self, adoption):
        return _claimed_change(adoption)


class AdoptionDetailSerializer(AdoptionSerializer):
    """One adoption for anyone: the verification note and the stage history are for its
    municipality's buyers and the reviewers (context `own`), null for others. One shape,
    so that the schema describes every answer."""

    verification_note = serializers.SerializerMethodField()
    stage_changes = serializers.SerializerMethodField()
    claimed_change = serializers.SerializerMethodField()

    class Meta(OwnAdoptionSerializer.Meta):
        pass

    @extend_schema_field(ClaimedChangeSerializer(allow_null=True))
    def get_claimed_change(self, adoption):
        return _claimed_change(adoption) if self.context["own"] else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verification_note(self, adoption):
        return adoption.verification_note if self.context["own"] else None

    @extend_schema_field(StageChangeSerializer(many=True, allow_null=True))
    def get_stage_changes(self, adoption):
        if not self.context["own"]:
            return None
        return StageChangeSerializer(adoption.stage_changes.all(), many=True).data


class AdoptionCreateSerializer(serializers.Serializer):
    municipality = serializers.CharField(
        max_length=8, help_text="Official code of your municipality, e.g. GM0344."
    )
    innovation = serializers.SlugField(max_length=140, help_text="Slug of an approved innovation.")
    stage = serializers.ChoiceField(choices=Stage.choices)
    started_on = serializers.DateField(help_text="Not in the future, not before 2000-01-01.")
    stage_since = serializers.DateField(
        required=False, help_text="When the current stage began; default: started_on."
    )
    evidence_reference = serializers.CharField(
        max_length=120,
        required=False,
        default="",
        allow_blank=True,
        help_text="A TenderNed publication number or a contract reference.",
    )
    evidence_description = serializers.CharField(
        max_length=3000, required=False, default="", allow_blank=True
    )
    contact_name = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Default: the caller's name (send an empty string for no contact).",
    )
    contact_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="Default: the caller's e-mail address (send an empty string for none).",
    )

    def validate_municipality(self, value):
        municipality = Municipality.objects.filter(code=value.strip().upper()).first()
        if municipality is None:
            raise serializers.ValidationError(
                _("No municipality has this code."), code="does_not_exist"
            )
        return municipality

    def validate_innovation(self, value):
        innovation = Innovation.objects.approved().filter(slug=value).first()
        if innovation is None:
            raise serializers.ValidationError(
                _(
                    "No approved innovation in the catalogue has this slug; only approved "
                    "innovations can be adopted."
                ),
                code="does_not_exist",
            )
        return innovation


class AdoptionUpdateSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    stage_since = serializers.DateField(
        required=False, help_text="When the new stage began; default: today."
    )
    started_on = serializers.DateField(required=False)
    evidence_reference = serializers.CharField(max_length=120, required=False, allow_blank=True)
    evidence_description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        return require_changes(attrs)


class VerifySerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["verify", "reject"])
    note = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required when rejecting; the municipality reads it.",
    )


def _adoption_for_viewer(user, pk) -> Adoption:
    queryset = Adoption.objects.select_related(
        "municipality", "innovation__supplier", "evaluation"
    ).prefetch_related("stage_changes", "changes")
    return get_adoption_for_viewer(user, pk, queryset=queryset)


@extend_schema(tags=["adoptions"])
class AdoptionListView(generics.ListCreateAPIView):
    """GET: verified adoptions of published innovations (open data), filterable.
    POST: a buyer records an adoption for their own municipality; a reviewer verifies it."""

    serializer_class = AdoptionSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AdoptionFilter

    def get_queryset(self):
        return selectors.public_adoptions().order_by("-started_on", "id")

    @extend_schema(
        request=AdoptionCreateSerializer,
        responses={
            201: OwnAdoptionSerializer,
            400: OpenApiResponse(
                description="A field error: a value of the wrong type or format, or a "
                "missing field."
            ),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not a buyer of this municipality."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = AdoptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adoption = adoptions.adoption_record(user=request.user, **serializer.validated_data)
        adoption = _adoption_for_viewer(request.user, adoption.pk)
        data = OwnAdoptionSerializer(adoption, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["adoptions"])
class AdoptionDetailView(APIView):
    """One adoption: public once verified; its municipality's buyers and the reviewers
    see it in any state, with the verification note and the stage history."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: AdoptionDetailSerializer})
    def get(self, request, pk):
        adoption = _adoption_for_viewer(request.user, pk)
        own = may_see_adoption_internals(request.user, adoption)
        context = {"request": request, "own": own}
        return Response(AdoptionDetailSerializer(adoption, context=context).data)

    @extend_schema(
        request=AdoptionUpdateSerializer,
        responses={
            200: OwnAdoptionSerializer,
            400: OpenApiResponse(description="A field error."),
            403: OpenApiResponse(description="Not a buyer of this municipality."),
        },
    )
    def patch(self, request, pk):
        """Change the stage (it takes `stage_since`, default today), dates, evidence or
        contact. The contact changes at once. Of a verified adoption, a new stage, date or
        evidence is a claimed change (`claimed_change`) that waits for a reviewer while the
        verified state stays public and counted; stages move forward only (pilot →
        implemented → scaled, any → ended) and a stage's date never goes back. A claim that
        was never verified is corrected in place."""
        adoption = _adoption_for_viewer(request.user, pk)
        serializer = AdoptionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adoptions.adoption_update(
            user=request.user,
            adoption=adoption,
            **serializer.validated_data,
        )
        adoption = _adoption_for_viewer(request.user, pk)
        return Response(OwnAdoptionSerializer(adoption, context={"request": request}).data)


@extend_schema(tags=["adoptions"])
class EvaluationView(APIView):
    """The municipality's evaluation of an adoption (goals met, lessons, recommendation)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=EvaluationSerializer,
        responses={
            200: EvaluationSerializer,
            400: OpenApiResponse(description="A field error."),
            403: OpenApiResponse(description="Not a buyer of this municipality."),
        },
    )
    def put(self, request, pk):
        adoption = _adoption_for_viewer(request.user, pk)
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = evaluations.evaluation_save(
            user=request.user,
            adoption=adoption,
            **serializer.validated_data,
        )
        return Response(EvaluationSerializer(evaluation).data)


@extend_schema(tags=["review"])
class VerificationQueueView(generics.ListAPIView):
    """Adoptions with a claim waiting for verification, oldest first (reviewers): new
    adoptions, and verified ones with a `claimed_change`."""

    serializer_class = OwnAdoptionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        require_verifier(self.request.user)
        return (
            selectors.verification_queue(self.request.user)
            .select_related("evaluation")
            .prefetch_related("stage_changes", "changes")
        )


@extend_schema(tags=["review"])
class VerifyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=VerifySerializer,
        responses={
            200: OwnAdoptionSerializer,
            400: OpenApiResponse(description="Unknown decision, or a rejection without a note."),
            403: OpenApiResponse(
                description="Not a reviewer, or your own claim or your own supplier's innovation."
            ),
            409: OpenApiResponse(description="The adoption is not waiting for verification."),
        },
    )
    def post(self, request, pk):
        """Verify or reject what waits: a claimed adoption, or the claimed change of a
        verified one (verified, it replaces the verified state; rejected, the verified state
        stays)."""
        require_verifier(request.user)
        adoption = get_object_or_404(Adoption.objects.select_related("innovation"), pk=pk)
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adoptions.adoption_verify(
            user=request.user,
            adoption=adoption,
            **serializer.validated_data,
        )
        adoption = _adoption_for_viewer(request.user, pk)
        return Response(OwnAdoptionSerializer(adoption, context={"request": request}).data)
