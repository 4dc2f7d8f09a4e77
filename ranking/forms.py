from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import Country, provinces_by_country
from municipalities.enums import SizeClass
from municipalities.filters import (
    UNKNOWN_COUNTRY,
    UNKNOWN_PROVINCE,
    UNKNOWN_REGION,
    UNKNOWN_SIZE_CLASS,
    region_choices,
)

from .selectors import UNKNOWN_ORDERING


class BoardFilterForm(forms.Form):
    """The leaderboard's filters; only validates (an unknown value is an error, with a
    message that says which value and what is allowed)."""

    country = forms.ChoiceField(
        label=_("Country"), required=False, error_messages={"invalid_choice": UNKNOWN_COUNTRY}
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False, error_messages={"invalid_choice": UNKNOWN_PROVINCE}
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, error_messages={"invalid_choice": UNKNOWN_REGION}
    )
    size_class = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_SIZE_CLASS},
    )
    # The same values as the API's `ordering`: the board by points, or by points per 10,000
    # inhabitants (fair to small municipalities).
    ordering = forms.ChoiceField(
        label=_("Rank by"),
        required=False,
        choices=[
            ("rank", _("Points")),
            ("rank_per_10k", _("Points per 10,000 inhabitants")),
        ],
        error_messages={"invalid_choice": UNKNOWN_ORDERING},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *Country.choices]
        # Grouped by country: the value is the ISO 3166-2 code (two provinces are "Limburg").
        self.fields["province"].choices = [("", _("All provinces")), *provinces_by_country()]
        self.fields["size_class"].choices = [("", _("All size classes")), *SizeClass.choices]
        self.fields["region"].choices = [("", _("All regions")), *region_choices()]

    def error_messages_for_page(self) -> list[str]:
        """One message per unknown value, for the page (the value is left out)."""
        return [str(error) for errors in self.errors.values() for error in errors]

    def filters(self) -> dict:
        """The valid filters (the invalid ones are left out and reported by the view)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "country": data.get("country") or "",
            "province": data.get("province") or "",
            "region": data.get("region") or "",
            "size_class": data.get("size_class") or "",
            "ordering": data.get("ordering") or "",
        }
