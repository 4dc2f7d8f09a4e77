"""API of saved searches: a buyer's own, in the catalogue API's filter keys."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.validators import require_changes

from .. import access, searches
from ..enums import Frequency
from ..models import SavedSearch
from .common import IsBuyer, absolute


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
    "The catalogue's filters, keyed as the query keys of GET /innovations "
    f"({', '.join(_saved_filters())}); each a text or a list of texts. Empty: every innovation."
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
        "propertyNames": {"enum": list(_saved_filters())},
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
        return absolute(self.context.get("request"), path + query)

    def get_feed_url(self, search) -> str:
        return absolute(self.context.get("request"), reverse("alerts:feed", args=[search.feed_id]))


class SavedSearchCreateSerializer(serializers.Serializer):
    filters = FiltersField(help_text=FILTERS_HELP + " {} saves the whole catalogue.")
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
                query=data["filters"],
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
