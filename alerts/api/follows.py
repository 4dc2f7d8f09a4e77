"""API of follows: innovations (buyers) and challenges (buyers and suppliers)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, follows
from ..models import Follow
from .common import MAX_ID, MayFollow, TextSlugField


class FollowedInnovationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class FollowedChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    municipality = serializers.CharField(source="municipality.name")


class FollowSerializer(serializers.ModelSerializer):
    innovation = FollowedInnovationSerializer(allow_null=True)
    challenge = FollowedChallengeSerializer(allow_null=True)

    class Meta:
        model = Follow
        fields = ["id", "innovation", "challenge", "created_at"]


class FollowCreateSerializer(serializers.Serializer):
    """Exactly one of innovation and challenge."""

    innovation = TextSlugField(
        max_length=140, required=False, help_text="A published innovation's slug (buyers)."
    )
    challenge = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="A challenge's id (buyers and suppliers).",
    )

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError(
                _("Say what to follow: exactly one of innovation, challenge.")
            )
        return attrs


@extend_schema(tags=["follows"])
class FollowListView(generics.ListCreateAPIView):
    """GET: what the caller follows, newest first. POST: follow a published innovation
    (buyers) or a challenge one can see (buyers and suppliers); something one cannot see is
    404; following it again answers the existing follow with 200."""

    permission_classes = [MayFollow]
    serializer_class = FollowSerializer
    filter_backends = []

    def get_queryset(self):
        return follows.follows_of(self.request.user)

    @extend_schema(
        request=FollowCreateSerializer,
        responses={
            200: OpenApiResponse(FollowSerializer, description="Followed already."),
            201: FollowSerializer,
            400: OpenApiResponse(description="Neither or both of innovation and challenge."),
            403: OpenApiResponse(description="Suppliers follow challenges only."),
            404: OpenApiResponse(description="No such innovation or challenge the caller can see."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = FollowCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "innovation" in data:
            innovation = access.visible_innovation(data["innovation"])
            follow, created = follows.follow_innovation(user=request.user, innovation=innovation)
        else:
            challenge = access.visible_challenge(request.user, data["challenge"])
            follow, created = follows.follow_challenge(user=request.user, challenge=challenge)
        follow = follows.follows_of(request.user).get(pk=follow.pk)
        return Response(
            FollowSerializer(follow).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["follows"])
class FollowDetailView(APIView):
    permission_classes = [MayFollow]

    @extend_schema(responses={200: FollowSerializer})
    def get(self, request, pk):
        """One of the caller's follows (anyone else's: 404)."""
        return Response(FollowSerializer(access.own_follow(request.user, pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        """Stop following."""
        follow = access.own_follow(request.user, pk)
        follows.follow_delete(user=request.user, follow=follow)
        return Response(status=status.HTTP_204_NO_CONTENT)
