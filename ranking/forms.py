from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.enums import Country
from municipalities.enums import SizeClass
from municipalities.models import Municipality, Region


class BoardFilterForm(forms.Form):
    """The leaderboard's filters; only validates (an unknown value is an error)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )
    size_class = forms.ChoiceField(label=_("Size class"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country_names = dict(Country.choices)
        self.fields["country"].choices = [("", _("All countries")), *Country.choices]
        provinces: dict[str, list[tuple[str, str]]] = {}
        pairs = (
            Municipality.objects.order_by("country", "province")
            .values_list("country", "province")
            .distinct()
        )
        for country, province in pairs:
            provinces.setdefault(str(country_names.get(country, country)), []).append(
                (province, province)
            )
        self.fields["province"].choices = [("", _("All provinces")), *provinces.items()]
        self.fields["size_class"].choices = [("", _("All size classes")), *SizeClass.choices]

    def filters(self) -> dict:
        """The valid filters (the invalid ones are left out and reported by the view)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "country": data.get("country") or "",
            "province": data.get("province") or "",
            "region": data.get("region"),
            "size_class": data.get("size_class") or "",
        }
