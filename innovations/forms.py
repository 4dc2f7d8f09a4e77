"""Forms of the supplier and reviewer pages. They only validate; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import GuardedTextFieldsMixin, normalise_registration_number

from .enums import Criterion, Decision, Domain, Route, Status
from .models import EDITABLE_FIELDS, Innovation, Supplier
from .selectors import QUEUE_STATES


class SupplierForm(GuardedTextFieldsMixin, forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Starting with https://"),
    )

    class Meta:
        model = Supplier
        fields = ["name", "registration_number", "country", "website", "size"]
        help_texts = {
            "registration_number": _(
                "Dutch chamber of commerce (KvK) number of 8 digits, or Belgian enterprise "
                "number such as 0123.456.749."
            ),
        }
        widgets = {"size": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("registration_number")
        country = cleaned.get("country")
        if number and country:
            try:
                cleaned["registration_number"] = normalise_registration_number(number, country)
            except ValidationError as error:
                self.add_error("registration_number", error)
        return cleaned


MATURITY_CHOICES = [("", _("Not yet known"))] + [
    (str(level), _("TRL %(level)s") % {"level": level}) for level in range(1, 10)
]


class InnovationForm(GuardedTextFieldsMixin, forms.ModelForm):
    """All content fields of an innovation. A draft may be saved incomplete; submitting
    checks completeness (selectors.missing_for_submission)."""

    domains = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every policy domain the innovation serves."),
    )
    route = forms.ChoiceField(
        label=_("Procurement route"),
        choices=[("", _("Not yet chosen"))] + list(Route.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    maturity = forms.TypedChoiceField(
        label=_("Maturity (TRL)"),
        choices=MATURITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Technology readiness level: 1–3 research, 4–6 development and "
            "demonstration, 7–9 proven in practice."
        ),
    )

    class Meta:
        model = Innovation
        fields = list(EDITABLE_FIELDS)
        help_texts = {
            "summary": _("One or two sentences that a buyer reads in the catalogue."),
            "price_indication": _("For example: € 12,000 per year for a municipality."),
            "evidence": _("Results of pilots, evaluations, certifications."),
            "references": _("Municipalities or organisations that use it, with a contact."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 5}),
            "references": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = [d.code for d in self.instance.domains.all()]
        self.fields["title"].error_messages["required"] = _("Give the innovation a title.")

    def changes(self) -> dict:
        """The cleaned values as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SupplierChoiceForm(forms.Form):
    """For an administrator who adds an innovation on behalf of a supplier."""

    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.all(), empty_label=_("Choose a supplier")
    )


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(GuardedTextFieldsMixin, forms.Form):
    """The rubric (four scores 1–5), the decision, feedback and an internal note."""

    novelty = forms.TypedChoiceField(
        label=Criterion.NOVELTY.label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How new is it for municipalities? 1 = common, 5 = breakthrough."),
    )
    evidence = forms.TypedChoiceField(
        label=Criterion.EVIDENCE.label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How well is it proven? 1 = idea only, 5 = proven at scale."),
    )
    public_value = forms.TypedChoiceField(
        label=Criterion.PUBLIC_VALUE.label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Benefit for residents, climate and society. 1 = little, 5 = great."),
    )
    fit = forms.TypedChoiceField(
        label=Criterion.FIT.label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Can municipalities of every size adopt it? 1 = hardly, 5 = easily."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label=_("Feedback for the supplier"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when you request changes or reject: the supplier reads this."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only reviewers see this."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        feedback = (cleaned.get("feedback") or "").strip()
        if decision == Decision.REQUEST_CHANGES and not feedback:
            self.add_error("feedback", _("Tell the supplier what to change."))
        if decision == Decision.REJECT and not feedback:
            self.add_error("feedback", _("Give the supplier the reason for the rejection."))
        return cleaned

    SCORE_FIELDS = tuple(Criterion.values)

    def score_fields(self):
        return [self[name] for name in self.SCORE_FIELDS]

    def other_fields(self):
        return [self[name] for name in ("decision", "feedback", "internal_note")]

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in self.SCORE_FIELDS}


AGE_CHOICES = [
    ("", _("Any age")),
    ("7", _("Waiting 7 days or more")),
    ("14", _("Waiting 14 days or more")),
    ("30", _("Waiting 30 days or more")),
]


class QueueFilterForm(forms.Form):
    """The review queue's filters; invalid values are dropped with a message."""

    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("To do (submitted and in review)"))]
        + [(s.value, s.label) for s in QUEUE_STATES],
    )
    domain = forms.ChoiceField(
        label=_("Domain"), required=False, choices=[("", _("All domains"))] + list(Domain.choices)
    )
    age = forms.ChoiceField(label=_("Waiting time"), required=False, choices=AGE_CHOICES)
    assigned = forms.ChoiceField(
        label=_("Claimed by"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))],
    )


class SupplierStatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states"))] + list(Status.choices),
    )
