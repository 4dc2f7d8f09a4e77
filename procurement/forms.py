from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import Country
from core.validators import GuardedTextFieldsMixin

from . import guide
from .desk import ANSWER_MAX, BODY_MAX, TITLE_MAX
from .enums import OnMarket
from .scaleup import BUDGET_MAX, CRITERIA_MAX, GOAL_MAX, PARTNERS_MAX

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
CHECKED = ("on", "true", "1", "yes")


class CheckboxInput(forms.CheckboxInput):
    """A checkbox that hands the field what was sent, not a bool: any text counts as
    ticked for Django's own checkbox, so a field could not refuse nonsense. (Its name
    keeps the widget_type "checkbox" that includes/form_fields.html lays out.)"""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.BooleanField):
    """A checkbox: ticked ("on", as browsers send it) or not sent; anything else is an error."""

    widget = CheckboxInput

    def to_python(self, value):
        if value in (None, "", False):
            return False
        if value is True or (isinstance(value, str) and value.lower() in CHECKED):
            return True
        raise forms.ValidationError(_("Tick the box or leave it empty."), code="invalid")


class GuideForm(forms.Form):
    """The route guide's five questions (sent by GET: a result is a shareable address)."""

    value = forms.IntegerField(
        label=_("Estimated value over the whole term, in euros excluding VAT"),
        min_value=0,
        max_value=guide.MAX_VALUE,
        help_text=_("A rough figure is enough, for example 80000."),
    )
    on_market = forms.ChoiceField(
        label=_("Is the solution on the market?"),
        choices=OnMarket.choices,
        widget=forms.RadioSelect,
    )
    maturity = forms.TypedChoiceField(
        label=_("Maturity (technology readiness level)"),
        choices=[(level, _("TRL %(level)s") % {"level": level}) for level in guide.MATURITY_LEVELS],
        coerce=int,
        help_text=_("TRL 1 is an idea, TRL 9 is proven in use. The innovation's page gives it."),
    )
    co_development = forms.ChoiceField(
        label=_("Does the solution need to be developed with the supplier?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)

    def answers(self) -> guide.Answers:
        data = self.cleaned_data
        return guide.Answers(
            value=data["value"],
            on_market=data["on_market"],
            maturity=data["maturity"],
            co_development=data["co_development"] == "yes",
            country=data["country"],
        )


class QuestionForm(GuardedTextFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Your question in one line"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Details"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you want to buy, for when, and what you already know."),
    )
    publish_consent = StrictBooleanField(
        label=_(
            "Once answered, my question and the answer may be published without my name, "
            "so that other buyers can learn from them."
        ),
        required=False,
    )


class AnswerForm(GuardedTextFieldsMixin, forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    publish = StrictBooleanField(
        label=_("Publish the question and answer, without names, for every buyer"),
        required=False,
    )
    public_title = forms.CharField(
        label=_("Question as published"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_(
            "Leave empty to publish the asker's own wording; remove anything that identifies them."
        ),
    )
    public_body = forms.CharField(
        label=_("Details as published"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not consent:
            for name in ("publish", "public_title", "public_body"):
                del self.fields[name]


class ScaleUpPlanForm(GuardedTextFieldsMixin, forms.Form):
    """A pilot's scale-up plan; scaleup.scale_up_plan_save checks the dates against the pilot."""

    goal = forms.CharField(
        label=_("Goal of the pilot"),
        max_length=GOAL_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the pilot should show, for example: fewer missed collections."),
    )
    success_criteria = forms.CharField(
        label=_("Success criteria"),
        max_length=CRITERIA_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you will know it worked: measurable where you can, one per line."),
    )
    decision_on = forms.DateField(
        label=_("Decision date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "When you decide whether to implement it, scale it up or end it. The portal "
            "reminds you when this date comes."
        ),
    )
    budget = forms.CharField(
        label=_("Budget for scaling"),
        max_length=BUDGET_MAX,
        required=False,
        help_text=_("An estimate and where it would come from, for example: € 250,000 a year."),
    )
    route = forms.ChoiceField(
        label=_("Procurement route for scaling"),
        required=False,
        help_text=_("The route guide helps you choose."),
    )
    partners = forms.CharField(
        label=_("Partners"),
        max_length=PARTNERS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other municipalities, the region, the supplier, knowledge institutions."),
    )

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.routes = {route.code: route for route in routes}
        self.fields["route"].choices = [("", _("Not chosen yet"))] + [
            (route.code, route.name) for route in routes
        ]

    def clean_route(self):
        code = self.cleaned_data.get("route") or ""
        return self.routes.get(code)
