"""Forms validate the shape of the input; the rules live in the services (adoptions.py,
challenges.py, memberships.py), whose ValidationErrors the views put back on the form
(form.add_error(None, error))."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import GuardedTextFieldsMixin
from innovations.enums import Domain, Reconfirmation
from innovations.models import Innovation

from .adoption_rules import STAGE_MOVES
from .enums import GoalsMet, ResponseStatus, Stage, Verification
from .models import (
    Adoption,
    AdoptionChange,
    Challenge,
    ChallengeResponse,
    Evaluation,
    Municipality,
)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_field(model, name, **kwargs):
    """The form field of a model field: its label, length limits and help text."""
    return model._meta.get_field(name).formfield(**kwargs)


class AdoptionForm(GuardedTextFieldsMixin, forms.Form):
    """Record an adoption. Administrators, who buy for no municipality, name one."""

    municipality = forms.CharField(
        label=_("Municipality code"),
        max_length=8,
        help_text=_("The official code, for example GM0344 (Utrecht) or 44021 (Gent)."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    started_on = forms.DateField(
        label=_("Start date"),
        widget=_date_input(),
        help_text=_("When the pilot or contract started (not before 2000)."),
    )
    evidence_reference = _model_field(Adoption, "evidence_reference")
    evidence_description = _model_field(
        Adoption,
        "evidence_description",
        help_text=_("What shows that your municipality uses it: a decision, a report, a link."),
    )
    contact_name = _model_field(Adoption, "contact_name")
    contact_email = _model_field(Adoption, "contact_email")

    def __init__(self, *args, choose_municipality: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_municipality:
            del self.fields["municipality"]

    def clean_municipality(self):
        code = self.cleaned_data["municipality"].strip().upper()
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise forms.ValidationError(_("No municipality has this code."))
        return municipality


class AdoptionUpdateForm(GuardedTextFieldsMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    stage_since = forms.DateField(
        label=_("In this stage since"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty when the stage changes today."),
    )
    started_on = forms.DateField(label=_("Start date"), widget=_date_input())
    evidence_reference = _model_field(Adoption, "evidence_reference")
    evidence_description = _model_field(Adoption, "evidence_description")
    contact_name = _model_field(Adoption, "contact_name")
    contact_email = _model_field(Adoption, "contact_email")

    @classmethod
    def for_adoption(cls, adoption: Adoption, data=None, *, waiting: AdoptionChange | None = None):
        """The form on the adoption as the buyer left it: its change waiting for a reviewer
        if there is one. A verified adoption offers only the stages it may move to."""
        state = waiting or adoption
        initial = {
            "stage": state.stage,
            "started_on": state.started_on,
            "evidence_reference": state.evidence_reference,
            "evidence_description": state.evidence_description,
            "contact_name": adoption.contact_name,
            "contact_email": adoption.contact_email,
        }
        form = cls(data, initial=initial)
        if adoption.verification == Verification.VERIFIED:
            allowed = STAGE_MOVES[adoption.stage]
            form.fields["stage"].choices = [c for c in Stage.choices if c[0] in allowed]
        return form


class EvaluationForm(GuardedTextFieldsMixin, forms.Form):
    goals_met = forms.ChoiceField(
        label=_("Did the innovation meet your goals?"),
        choices=GoalsMet.choices,
        widget=forms.RadioSelect,
    )
    lessons_learned = _model_field(
        Evaluation,
        "lessons_learned",
        help_text=_("What went well, what did not, and what would you do differently?"),
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend it to other municipalities?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_adoption(cls, adoption: Adoption, data=None):
        evaluation = getattr(adoption, "evaluation", None)
        initial = {}
        if evaluation is not None:
            initial = {
                "goals_met": evaluation.goals_met,
                "lessons_learned": evaluation.lessons_learned,
                "would_recommend": "yes" if evaluation.would_recommend else "no",
            }
        return cls(data, initial=initial)


class VerifyForm(GuardedTextFieldsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify: the evidence holds")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the municipality"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject: say what is missing or wrong."),
    )


class ChallengeForm(GuardedTextFieldsMixin, forms.Form):
    """Post a challenge. Administrators, who buy for no municipality, name one."""

    municipality = forms.CharField(
        label=_("Municipality code"),
        max_length=8,
        help_text=_("The official code, for example GM0344 (Utrecht) or 44021 (Gent)."),
    )
    title = _model_field(Challenge, "title")
    problem_statement = _model_field(
        Challenge,
        "problem_statement",
        help_text=_(
            "Describe the problem, not a solution: who has it, how big it is, what you tried."
        ),
    )
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    deadline = forms.DateField(
        label=_("Deadline for answers"), widget=_date_input(), help_text=_("A date in the future.")
    )

    def __init__(self, *args, choose_municipality: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_municipality:
            del self.fields["municipality"]

    clean_municipality = AdoptionForm.clean_municipality


class ResponseForm(GuardedTextFieldsMixin, forms.Form):
    innovation = forms.ModelChoiceField(
        label=_("Your innovation"),
        queryset=Innovation.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose one of your approved innovations"),
    )
    pitch = _model_field(
        ChallengeResponse,
        "pitch",
        help_text=_("How does your innovation solve this municipality's problem?"),
    )

    def __init__(self, *args, supplier=None, **kwargs):
        super().__init__(*args, **kwargs)
        if supplier is not None:
            self.fields["innovation"].queryset = (
                Innovation.objects.current().for_supplier(supplier).order_by("title")
            )
            # Say why an approved innovation is missing from the list.
            waiting = Innovation.objects.approved().for_supplier(supplier)
            if waiting.exclude(reconfirmation=Reconfirmation.CURRENT).exists():
                self.fields["innovation"].help_text = _(
                    "An innovation whose approval is to be reconfirmed is not in this list "
                    "until a reviewer reconfirms it."
                )


class ResponseMarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (ResponseStatus.INTERESTED, ResponseStatus.INTERESTED.label),
            (ResponseStatus.DECLINED, ResponseStatus.DECLINED.label),
        ]
    )
