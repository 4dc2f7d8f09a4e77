"""API of saved searches, follows, notifications and their settings (the web pages' twins).

Serializers only validate; the services write (searches.py, follows.py, notifications.py)
and access.py decides who. Anonymous callers get 401, signed-in users without the role
403, another user's saved search, follow or notification 404, and so does following
something the caller cannot see."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from innovations.validators import require_changes

from . import access, follows, notifications, searches
from .enums import Channel, Frequency, Kind
from .models import Follow, Notification, SavedSearch

# --- Permissions ------------------------------------------------------------------------------


class IsBuyer(permissions.BasePermission):
    message = gettext_lazy("This is for municipal buyers.")

    def has_permission(self, request, view):
        return access.may_save_searches(request.user)


class MayFollow(permissions.BasePermission):
    message = gettext_lazy("This is for municipal buyers and suppliers.")

    def has_permission(self, request, view):
        user = request.user
        return access.may_follow_innovations(user) or access.may_follow_challenges(user)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- Saved searches ---------------------------------------------------------------------------


def _public(name: str) -> str:
    """A catalogue filter's name as the catalogue API's query key (maturity_min →
    maturityMin)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _saved_filters() -> dict[str, str]:
    """Public key → the catalogue filter's name, for every filter a search keeps."""
    return {
        _public(name): name for name in sorted(searches.known_parameters() - searches.NOT_SAVED)
    }


FILTERS_HELP = (
    "The catalogue's filters, keyed as the query keys of GET /innovations (q, domain, route, "
    "maturityMin, maturityMax, supplierSize, province, hasAdoptions); each a text or a list "
    "of texts. Empty: every innovation."
)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "string", "maxLength": 200},
                {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 20},
            ]
        },
        "description": FILTERS_HELP,
        "example": {"domain": ["energy", "mobility"], "route": "market-ready"},
    }
)
class FiltersField(serializers.Field):
    """Written: an object of filters (text or list of texts); read: every value a list."""

    default_error_messages = {"not_an_object": gettext_lazy("Give the filters as an object.")}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        known = _saved_filters()
        unknown = sorted(str(key)[:40] for key in data if key not in known)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown filters: %(names)s. Known filters: %(known)s.")
                % {"names": ", ".join(unknown[:10]), "known": ", ".join(known)}
            )
        query = QueryDict(mutable=True)
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            if len(values) > 20 or not all(
                isinstance(item, str) and len(item) <= 200 for item in values
            ):
                raise serializers.ValidationError(
                    _("Give each filter as a text or a list of at most 20 texts.")
                )
            query.setlist(known[key], values)
        return query

    def to_representation(self, value):
        query = QueryDict(value)
        return {_public(name): query.getlist(name) for name in sorted(query)}


class SavedSearchSerializer(serializers.ModelSerializer):
    filters = FiltersField(source="query", help_text=FILTERS_HELP)
    catalogue_url = serializers.SerializerMethodField(
        help_text="The catalogue page with these filters."
    )
    feed_url = serializers.SerializerMethodField(
        help_text="Its public Atom feed: the newest innovations it finds, no personal data."
    )

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "filters",
            "frequency",
            "catalogue_url",
            "feed_url",
            "created_at",
            "digest_until",
        ]
        read_only_fields = ["id", "created_at", "digest_until"]
        extra_kwargs = {
            "frequency": {"help_text": "How often what is new is mailed: daily, weekly or none."},
            "digest_until": {"help_text": "The next digest lists what is new after this."},
        }

    def get_catalogue_url(self, search) -> str:
        path = reverse("innovations:catalogue")
        query = f"?{search.query}" if search.query else ""
        return _absolute(self.context.get("request"), path + query)

    def get_feed_url(self, search) -> str:
        return _absolute(self.context.get("request"), reverse("alerts:feed", args=[search.feed_id]))


class SavedSearchCreateSerializer(serializers.Serializer):
    filters = FiltersField(required=False, help_text=FILTERS_HELP)
    name = serializers.CharField(
        max_length=searches.NAME_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Empty or left out: named after its filters.",
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.WEEKLY)


class SavedSearchUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=searches.NAME_MAX_LENGTH, required=False, allow_blank=True
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)

    def validate(self, attrs):
        return require_changes(attrs)


def _as_filters_error(error: DjangoValidationError) -> Exception:
    """A service's error on `query` is the API's error on `filters`; one without a field
    (the limit) stays as it is."""
    if not hasattr(error, "error_dict"):
        return error
    messages = error.message_dict
    if "query" in messages:
        messages["filters"] = messages.pop("query")
    return exceptions.ValidationError(messages)


@extend_schema(tags=["saved searches"])
class SavedSearchListView(generics.ListCreateAPIView):
    """GET: the caller's saved searches, by name. POST: save a catalogue search (a buyer
    keeps at most 25; unknown filters and a search saved already are 400)."""

    permission_classes = [IsBuyer]
    serializer_class = SavedSearchSerializer
    filter_backends = []

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.request.user).order_by("name", "pk")

    @extend_schema(
        request=SavedSearchCreateSerializer,
        responses={
            201: SavedSearchSerializer,
            400: OpenApiResponse(
                description="Unknown filters or values, saved already, or the most a buyer "
                "may keep (25)."
            ),
            403: OpenApiResponse(description="Not a municipal buyer."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = SavedSearchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            search = searches.saved_search_create(
                user=request.user,
                query=data.get("filters") or QueryDict(),
                name=data.get("name", ""),
                frequency=data["frequency"],
            )
        except DjangoValidationError as error:
            raise _as_filters_error(error) from None
        body = SavedSearchSerializer(search, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["saved searches"])
class SavedSearchDetailView(APIView):
    permission_classes = [IsBuyer]

    @extend_schema(responses={200: SavedSearchSerializer})
    def get(self, request, pk):
        """One of the caller's saved searches (anyone else's: 404)."""
        search = access.own_saved_search(request.user, pk)
        return Response(SavedSearchSerializer(search, context={"request": request}).data)

    @extend_schema(request=SavedSearchUpdateSerializer, responses={200: SavedSearchSerializer})
    def patch(self, request, pk):
        """Rename a saved search, or change how often it is mailed."""
        search = access.own_saved_search(request.user, pk)
        serializer = SavedSearchUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        search = searches.saved_search_update(
            user=request.user, saved_search=search, **serializer.validated_data
        )
        return Response(SavedSearchSerializer(search, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        """Delete a saved search (its feed goes with it)."""
        search = access.own_saved_search(request.user, pk)
        searches.saved_search_delete(user=request.user, saved_search=search)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Follows ----------------------------------------------------------------------------------


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

    innovation = serializers.SlugField(
        max_length=140, required=False, help_text="A published innovation's slug (buyers)."
    )
    challenge = serializers.IntegerField(
        min_value=1, required=False, help_text="A challenge's id (buyers and suppliers)."
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
        return _absolute(self.context.get("request"), notifications.link(notification))


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="The notifications to mark as read; left out: all of the caller's.",
    )


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
        """Mark notifications as read: the ones in `ids` (others' ids change nothing), or
        all of the caller's."""
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


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": Channel.values},
        "description": "Kind of notification → mail, portal or off.",
        "example": {"new_challenge": "mail"},
    }
)
class ChannelsField(serializers.DictField):
    child = serializers.ChoiceField(choices=Channel.choices)


class AlertSettingsUpdateSerializer(serializers.Serializer):
    channels = ChannelsField()

    def validate_channels(self, value):
        kinds = self.context["kinds"]
        unknown = sorted(str(kind)[:40] for kind in value if kind not in kinds)
        if unknown:
            raise serializers.ValidationError(
                _("Not a kind of notification you can receive: %(kinds)s. Yours: %(yours)s.")
                % {"kinds": ", ".join(unknown[:10]), "yours": ", ".join(kinds) or "-"}
            )
        return require_changes(value)


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
