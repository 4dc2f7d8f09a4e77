"""FilterSets of adoptions and challenges, shared by the pages and the API. A value that
does not exist is a form error: 400 in the API, ignored with a message on a page."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from core.countries import Country, province_choices
from innovations.enums import Domain
from innovations.models import Innovation

from .enums import SizeClass, Stage
from .models import Adoption, Challenge, Municipality, Region

# What an unknown value is told, on pages and in the API (the value is echoed escaped).
UNKNOWN_COUNTRY = _("Unknown country “%(value)s”: use NL or BE.")
UNKNOWN_PROVINCE = _(
    "Unknown province “%(value)s”: use its ISO 3166-2 code, such as NL-LI (Limburg, "
    "Netherlands) or BE-VLI (Limburg, Belgium)."
)
UNKNOWN_REGION = _(
    "Unknown region “%(value)s”: use the slug of a COROP region or Flemish arrondissement, "
    "such as groot-amsterdam or arrondissement-gent."
)
UNKNOWN_SIZE_CLASS = _(
    "Unknown size class “%(value)s”: use lt20k, 20k-50k, 50k-100k, 100k-250k or gte250k."
)


def country_filter(field_name: str = "country", **kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=Country.choices,
        error_messages={"invalid_choice": UNKNOWN_COUNTRY},
        **kwargs,
    )


def province_filter(field_name: str = "province_code", **kwargs) -> django_filters.ChoiceFilter:
    """Provinces by ISO 3166-2 code (NL-LI, BE-VLI): the names do not tell them apart."""
    kwargs.setdefault("help_text", _("ISO 3166-2 code of the province, e.g. NL-UT or BE-VLI"))
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=province_choices(),
        error_messages={"invalid_choice": UNKNOWN_PROVINCE},
        **kwargs,
    )


class _ReferenceField(django_filters.fields.ModelChoiceField):
    """A value that names no object is `does_not_exist`, not `invalid_choice`: the value is
    well-formed, it names nothing (the API answers 422, portal.problems)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise ValidationError(
                error.message, code="does_not_exist", params=error.params
            ) from None


class ReferenceFilter(django_filters.ModelChoiceFilter):
    """An object by its natural key (a code, a slug)."""

    field_class = _ReferenceField


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The regions by country for a drop-down: (country name, [(slug, name), …]); regions
    made by hand, without a country, come last. One query."""
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = dict(Country.choices)
    for slug, name, country in Region.objects.order_by("country", "name").values_list(
        "slug", "name", "country"
    ):
        groups.setdefault(country, []).append((slug, name))
    order = [c.value for c in Country] + [""]
    return [
        (str(labels.get(country, _("Other regions"))), groups[country])
        for country in order
        if country in groups
    ]


def region_filter(field_name: str = "regions", **kwargs) -> ReferenceFilter:
    kwargs.setdefault("help_text", _("Slug of a region (a COROP region or arrondissement)"))
    return ReferenceFilter(
        field_name=field_name,
        queryset=Region.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": UNKNOWN_REGION},
        **kwargs,
    )


def size_class_filter(field_name: str = "size_class", **kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=SizeClass.choices,
        error_messages={"invalid_choice": UNKNOWN_SIZE_CLASS},
        **kwargs,
    )


class AdoptionFilter(django_filters.FilterSet):
    municipality = ReferenceFilter(
        label=_("Municipality code"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
    )
    innovation = ReferenceFilter(
        label=_("Innovation"),
        queryset=Innovation.objects.approved(),
        to_field_name="slug",
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    country = country_filter("municipality__country", label=_("Country"))
    province = province_filter("municipality__province_code", label=_("Province"))
    size_class = size_class_filter("municipality__size_class", label=_("Size class"))

    class Meta:
        model = Adoption
        fields = ["municipality", "innovation", "stage", "country", "province", "size_class"]


class ChallengeFilter(django_filters.FilterSet):
    # The page shows domain, country and province; municipality works in links and the API.
    domain = django_filters.ChoiceFilter(
        label=_("Domain"), choices=Domain.choices, empty_label=_("All domains")
    )
    municipality = ReferenceFilter(
        label=_("Municipality code"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
    )
    country = country_filter(
        "municipality__country", label=_("Country"), empty_label=_("All countries")
    )
    province = province_filter(
        "municipality__province_code", label=_("Province"), empty_label=_("All provinces")
    )

    class Meta:
        model = Challenge
        fields = ["domain", "municipality", "country", "province"]


class MunicipalityFilter(django_filters.FilterSet):
    """The municipality list of the page and of the API: by name or official code, country
    and province. Unknown countries, provinces or orderings are a 400 in the API."""

    country = country_filter(label=_("Country"), help_text="NL or BE")
    province = province_filter(label=_("Province"))
    q = django_filters.CharFilter(
        label=_("Name"),
        method="search",
        max_length=100,
        help_text="Part of the name or the official code",
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("population", "population"), ("code", "code")),
        # Lazy labels: django-filter would translate the descending ones at import, in
        # whatever language is active then.
        field_labels={
            "name": _("Name"),
            "-name": _("Name (descending)"),
            "population": _("Population"),
            "-population": _("Population (descending)"),
            "code": _("Code"),
            "-code": _("Code (descending)"),
        },
        help_text="name, population or code; prefix with - for descending",
    )

    class Meta:
        model = Municipality
        fields = ["country", "province"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))


def page_filterset(request: HttpRequest, filterset_class, queryset, *, say_each: bool = False):
    """A page's FilterSet on the request's query. A value that does not exist (a shared link
    to something gone, a typo) is dropped with a message, and the rest still filters: pages
    never answer 400 for a filter. `say_each`: one message per field, its own error text
    (which says what to use), instead of one message naming the fields."""
    filterset = filterset_class(request.GET, queryset=queryset)
    if filterset.is_valid():
        return filterset
    if say_each:
        for errors in filterset.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.warning(
            request,
            _("Some filter values do not exist and were ignored: %(fields)s.")
            % {
                "fields": ", ".join(
                    str(filterset.form.fields[name].label) for name in sorted(filterset.errors)
                )
            },
        )
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in filterset.errors:
            params.setlist(key, values)
    return filterset_class(params, queryset=queryset)
