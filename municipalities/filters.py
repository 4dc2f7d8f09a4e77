"""FilterSets of adoptions and challenges, shared by the pages and the API. A value that
does not exist is a form error: 400 in the API, ignored with a message on a page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from innovations.enums import Country, Domain
from innovations.models import Innovation

from .enums import SizeClass, Stage
from .models import Adoption, Challenge, Municipality


def _provinces():
    return [
        (p, p)
        for p in Municipality.objects.order_by("province")
        .values_list("province", flat=True)
        .distinct()
    ]


class AdoptionFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality code"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
    )
    innovation = django_filters.ModelChoiceFilter(
        label=_("Innovation"),
        queryset=Innovation.objects.approved(),
        to_field_name="slug",
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="municipality__country", choices=Country.choices
    )
    province = django_filters.ChoiceFilter(
        label=_("Province"), field_name="municipality__province", choices=_provinces
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Size class"), field_name="municipality__size_class", choices=SizeClass.choices
    )

    class Meta:
        model = Adoption
        fields = ["municipality", "innovation", "stage", "country", "province", "size_class"]


class ChallengeFilter(django_filters.FilterSet):
    # The page shows domain, country and province; municipality works in links and the API.
    domain = django_filters.ChoiceFilter(
        label=_("Domain"), choices=Domain.choices, empty_label=_("All domains")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality code"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="municipality__country",
        choices=Country.choices,
        empty_label=_("All countries"),
    )
    province = django_filters.ChoiceFilter(
        label=_("Province"),
        field_name="municipality__province",
        choices=_provinces,
        empty_label=_("All provinces"),
    )

    class Meta:
        model = Challenge
        fields = ["domain", "municipality", "country", "province"]
