"""Forms validate the shape of the input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import GuardedTextFieldsMixin

from .enums import Channel, Frequency, Kind
from .models import SavedSearch


class SavedSearchForm(GuardedTextFieldsMixin, forms.Form):
    """Save a catalogue search: `query` is the catalogue's query string, carried in a
    hidden field from the catalogue page."""

    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
    name = forms.CharField(
        label=_("Name"),
        max_length=SavedSearch._meta.get_field("name").max_length,
        required=False,
        help_text=_("For yourself; left empty, the search is named after its filters."),
    )
    frequency = forms.ChoiceField(
        label=_("E-mail me what is new"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )


class SavedSearchEditForm(GuardedTextFieldsMixin, forms.Form):
    name = SavedSearchForm.base_fields["name"]
    frequency = SavedSearchForm.base_fields["frequency"]


class AlertSettingsForm(forms.Form):
    """One choice of channel per kind of notification the user can receive."""

    def __init__(self, *args, kinds: list[str], channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Channel.choices,
                initial=channels[kind],
                widget=forms.RadioSelect,
            )
