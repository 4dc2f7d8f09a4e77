"""API of challenges, their answers and suggestions (DESIGN.md, API contract v1). Serializers
only validate; every write is a call into the challenges service (municipalities/challenges.py)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from innovations.enums import Domain
from innovations.models import Innovation

from .. import challenges, matchmaking, selectors
from ..access import buyer_municipality, can_act_for, get_challenge_for_viewer
from ..filters import ChallengeFilter
from ..models import Challenge, ChallengeResponse, Municipality
from .common import (
    InnovationBriefSerializer,
    MunicipalityBriefSerializer,
    SupplierBriefSerializer,
)


class ChallengeSerializer(serializers.ModelSerializer):
    municipality = MunicipalityBriefSerializer()
    response_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "title",
            "problem_statement",
            "domain",
            "status",
            "deadline",
            "municipality",
            "response_count",
            "created_at",
        ]


class ChallengeCreateSerializer(serializers.Serializer):
    municipality = serializers.CharField(
        max_length=8,
        required=False,
        help_text="Official code; default: the municipality you buy for.",
    )
    title = serializers.CharField(max_length=160)
    problem_statement = serializers.CharField(max_length=5000)
    domain = serializers.ChoiceField(choices=Domain.choices)
    deadline = serializers.DateField(help_text="A date in the future.")

    def validate_municipality(self, value):
        municipality = Municipality.objects.filter(code=value.strip().upper()).first()
        if municipality is None:
            raise serializers.ValidationError(
                _("No municipality has this code."), code="does_not_exist"
            )
        return municipality


class ResponseSerializer(serializers.ModelSerializer):
    innovation = InnovationBriefSerializer()

    class Meta:
        model = ChallengeResponse
        fields = ["id", "innovation", "pitch", "status", "created_at"]


class ResponseCreateSerializer(serializers.Serializer):
    innovation = serializers.SlugField(
        max_length=140, help_text="Slug of one of your own approved innovations."
    )
    pitch = serializers.CharField(max_length=3000)

    def validate_innovation(self, value):
        innovation = Innovation.objects.filter(slug=value).first()
        if innovation is None:
            raise serializers.ValidationError(_("No innovation has this slug."))
        return innovation


class ResponseMarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[r.value for r in challenges.RESPONSE_MARKS])


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["text", "domain", "similar_adoptions", "maturity"])
    label = serializers.CharField()
    points = serializers.FloatField()


class SuggestedInnovationSerializer(serializers.ModelSerializer):
    supplier = SupplierBriefSerializer()
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Innovation
        fields = ["slug", "title", "summary", "maturity", "domains", "supplier"]


class SuggestionSerializer(serializers.Serializer):
    innovation = SuggestedInnovationSerializer()
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)
    similar_municipalities = MunicipalityBriefSerializer(many=True)


@extend_schema(tags=["challenges"])
class ChallengeListView(generics.ListCreateAPIView):
    """GET: open challenges, soonest deadline first. POST: a buyer posts a challenge for
    their own municipality."""

    serializer_class = ChallengeSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChallengeFilter

    def get_queryset(self):
        return selectors.open_challenges()

    @extend_schema(
        request=ChallengeCreateSerializer,
        responses={
            201: ChallengeSerializer,
            400: OpenApiResponse(description="A field error, e.g. a deadline not in the future."),
            403: OpenApiResponse(description="Not a buyer of this municipality."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = ChallengeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        municipality = data.pop("municipality", None) or buyer_municipality(request.user)
        if municipality is None:
            raise PermissionDenied(_("Only municipal buyers can post challenges."))
        challenge = challenges.challenge_post(user=request.user, municipality=municipality, **data)
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["challenges"])
class ChallengeDetailView(APIView):
    permission_classes = []

    @extend_schema(responses={200: ChallengeSerializer})
    def get(self, request, pk):
        """One open challenge (closed ones only for their own municipality)."""
        challenge = get_challenge_for_viewer(request.user, pk)
        challenge.response_count = challenge.responses.count()
        return Response(ChallengeSerializer(challenge).data)


@extend_schema(tags=["challenges"])
class ChallengeCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: ChallengeSerializer,
            403: OpenApiResponse(description="Not a buyer of this municipality."),
            409: OpenApiResponse(description="Already closed."),
        },
    )
    def post(self, request, pk):
        """Close a challenge: it leaves the public list and takes no more answers."""
        challenge = get_challenge_for_viewer(request.user, pk)
        challenge = challenges.challenge_close(user=request.user, challenge=challenge)
        challenge.response_count = challenge.responses.count()
        return Response(ChallengeSerializer(challenge).data)


@extend_schema(tags=["challenges"])
class ChallengeResponseListView(generics.ListCreateAPIView):
    """GET: the answers to a challenge (its municipality's buyers only).
    POST: a supplier answers with one of its own approved innovations and a pitch."""

    serializer_class = ResponseSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_challenge(self) -> Challenge:
        return get_challenge_for_viewer(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        challenge = self.get_challenge()
        if not can_act_for(self.request.user, challenge.municipality):
            raise PermissionDenied(_("Only buyers of this municipality can read the answers."))
        return challenge.responses.select_related("innovation__supplier").order_by(
            "created_at", "id"
        )

    @extend_schema(
        request=ResponseCreateSerializer,
        responses={
            201: ResponseSerializer,
            400: OpenApiResponse(
                description="Unknown innovation, not your own, not approved, or already sent."
            ),
            403: OpenApiResponse(description="Not a supplier."),
            409: OpenApiResponse(description="The challenge no longer takes answers."),
        },
    )
    def post(self, request, *args, **kwargs):
        challenge = self.get_challenge()
        serializer = ResponseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = challenges.challenge_respond(
            user=request.user,
            challenge=challenge,
            **serializer.validated_data,
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["challenges"])
class ChallengeResponseMarkView(APIView):
    permission_classes = [IsAuthenticated]
    patch_is_partial = False  # the status is required (portal.openapi documents it so)

    @extend_schema(
        request=ResponseMarkSerializer,
        responses={
            200: ResponseSerializer,
            400: OpenApiResponse(description="Unknown status."),
            403: OpenApiResponse(description="Not a buyer of this municipality."),
        },
    )
    def patch(self, request, pk, response_pk):
        """Mark an answer as interesting or declined."""
        challenge = get_challenge_for_viewer(request.user, pk)
        response = get_object_or_404(
            challenge.responses.select_related("innovation__supplier", "challenge__municipality"),
            pk=response_pk,
        )
        serializer = ResponseMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = challenges.challenge_response_mark(
            user=request.user,
            response=response,
            **serializer.validated_data,
        )
        return Response(ResponseSerializer(response).data)


@extend_schema(tags=["challenges"])
class SuggestionListView(generics.GenericAPIView):
    """Approved innovations suggested for a challenge, best first, each with the reasons:
    text relevance, domain, verified adoptions by similar municipalities, maturity."""

    serializer_class = SuggestionSerializer
    permission_classes = []
    filter_backends = []

    @extend_schema(responses={200: SuggestionSerializer(many=True)})
    def get(self, request, pk):
        challenge = get_challenge_for_viewer(request.user, pk)
        suggestions = matchmaking.challenge_suggestions(challenge, limit=20)
        page = self.paginate_queryset(suggestions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
