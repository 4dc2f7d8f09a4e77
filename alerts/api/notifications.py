"""API of notifications and their settings, for every signed-in user."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, notifications
from ..enums import Channel, Kind
from ..models import Notification
from .common import MAX_ID, absolute

# --- Notifications ----------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField(help_text="In the language of the request.")
    url = serializers.SerializerMethodField(help_text="The page it is about.")
    innovation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    challenge = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "url",
            "innovation",
            "challenge",
            "created_at",
            "read_at",
        ]

    def get_message(self, notification) -> str:
        return notifications.message(notification)

    def get_url(self, notification) -> str:
        return absolute(self.context.get("request"), notifications.link(notification))


@extend_schema_field({"type": "boolean", "const": True})
class TrueField(serializers.BooleanField):
    """Only `true` means something (false is refused: say which ids instead)."""


class MarkReadSerializer(serializers.Serializer):
    """Exactly one of `ids` and `all`."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=500,
        help_text="The notifications to mark as read (another user's ids change nothing).",
    )
    all = TrueField(required=False, help_text="true: every notification of the caller.")

    def validate(self, attrs):
        if len(attrs) != 1 or attrs.get("all") is False:
            raise serializers.ValidationError(
                _("Say which to mark as read: either ids, or all: true.")
            )
        return attrs


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0, help_text="How many were unread.")
    unread = serializers.IntegerField(min_value=0, help_text="How many are unread now.")


@extend_schema(tags=["notifications"])
class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first (`unread=true`: only the unread ones)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = notifications.notifications_of(self.request.user)
        unread = self.request.query_params.get("unread")
        if unread not in (None, "true", "false"):
            raise exceptions.ValidationError({"unread": [_("Give true or false.")]})
        if unread == "true":
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread",
                str,
                enum=["true", "false"],
                required=False,
                description="true: only the unread notifications.",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["notifications"])
class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedSerializer})
    def post(self, request):
        """Mark notifications as read: the ones in `ids`, or all of the caller's."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications.notifications_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids")
        )
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        return Response({"marked": marked, "unread": unread})


class ChannelSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField(help_text="In the language of the request.")
    channel = serializers.ChoiceField(choices=Channel.choices)


class AlertSettingsSerializer(serializers.Serializer):
    channels = ChannelSerializer(
        many=True, help_text="Every kind of notification that can reach the caller."
    )


class ChannelChoiceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)


class AlertSettingsUpdateSerializer(serializers.Serializer):
    channels = ChannelChoiceSerializer(
        many=True,
        allow_empty=False,
        help_text="The kinds to change, each with its channel: mail, portal or off.",
    )

    def validate_channels(self, value):
        kinds = self.context["kinds"]
        unknown = sorted({row["kind"] for row in value if row["kind"] not in kinds})
        if unknown:
            raise serializers.ValidationError(
                _("Not a kind of notification you can receive: %(kinds)s. Yours: %(yours)s.")
                % {"kinds": ", ".join(unknown), "yours": ", ".join(kinds) or "-"},
                code="rule",
            )
        return {row["kind"]: row["channel"] for row in value}


def _settings_body(user) -> dict:
    channels = notifications.channels_for(user)
    return {
        "channels": [
            {"kind": kind, "label": str(Kind(kind).label), "channel": channels[kind]}
            for kind in access.notification_kinds(user)
        ]
    }


@extend_schema(tags=["notifications"])
class AlertSettingsView(APIView):
    """Per kind of notification: on the portal and in a daily mail, on the portal only, or
    off. Mails about new challenges in a supplier's domains are off until chosen."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: AlertSettingsSerializer})
    def get(self, request):
        return Response(_settings_body(request.user))

    @extend_schema(
        request=AlertSettingsUpdateSerializer,
        responses={
            200: AlertSettingsSerializer,
            400: OpenApiResponse(description="A kind the caller cannot receive, or no channel."),
        },
    )
    def patch(self, request):
        serializer = AlertSettingsUpdateSerializer(
            data=request.data, context={"kinds": access.notification_kinds(request.user)}
        )
        serializer.is_valid(raise_exception=True)
        notifications.alert_settings_update(
            user=request.user, channels=serializer.validated_data["channels"]
        )
        return Response(_settings_body(request.user))
