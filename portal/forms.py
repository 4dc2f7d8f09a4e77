"""Sign-up forms. They only validate; portal.services creates the accounts."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.countries import Country
from core.validators import GuardedTextFieldsMixin, normalise_registration_number
from innovations.enums import SupplierSize
from innovations.models import Supplier
from municipalities.models import Municipality

from .backends import AWAITING_CONFIRMATION


class Fieldset:
    """A part of a form, shaped like a form for includes/form_fields.html."""

    def __init__(self, form: forms.Form, legend: str, names: list[str]):
        self.legend = legend
        self.fields = [form[name] for name in names]

    def visible_fields(self):
        return self.fields

    def hidden_fields(self):
        return []

    def non_field_errors(self):
        return []


ACCOUNT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "password1",
    "password2",
    "language",
]
ORGANISATION_FIELDS = ["organisation_name", "country", "registration_number", "size", "website"]
MEMBERSHIP_FIELDS = ["municipality", "job_title", "motivation"]
# The longest e-mail address (RFC 5321's path limit); fits the login protection's column.
EMAIL_MAX_LENGTH = 254


class AccountForm(GuardedTextFieldsMixin, SetPasswordMixin, forms.Form):
    """The personal account: who you are and how you log in. The e-mail address is the
    username; whether it has an account already is not checked here (portal.signup)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        # It becomes the username, which has at most 150 characters.
        max_length=150,
        help_text=_("You log in with it. We send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails we send you."),
    )

    def __init__(self, *args, language: str = "nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords()
        # The similarity validator compares the password with the user's own details.
        user = get_user_model()(
            username=cleaned_data.get("email", ""),
            email=cleaned_data.get("email", ""),
            first_name=cleaned_data.get("first_name", ""),
            last_name=cleaned_data.get("last_name", ""),
        )
        if "password2" not in self.errors:
            self.validate_password_for_user(user, password_field_name="password1")  # noqa: S106 - a field name  # nosec B106
        return cleaned_data

    def account_data(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "password": data["password1"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "language": data["language"],
        }


class OrganisationForm(GuardedTextFieldsMixin, forms.Form):
    """A supplier organisation; its registration number must be valid and not yet known."""

    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ChoiceField(label=_("Country of registration"), choices=Country.choices)
    registration_number = forms.CharField(
        label=_("Chamber of commerce (KvK) or enterprise number"),
        max_length=20,
        help_text=_(
            "Dutch organisations: the 8-digit KvK number. Belgian organisations: the "
            "10-digit enterprise number, e.g. 0123.456.749."
        ),
    )
    size = forms.ChoiceField(
        label=_("Size of the organisation"),
        choices=SupplierSize.choices,
        initial=SupplierSize.SME,
        widget=forms.RadioSelect,
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        number = cleaned_data.get("registration_number")
        country = cleaned_data.get("country")
        if number and country:
            try:
                normalised = normalise_registration_number(number, country)
            except ValidationError as error:
                self.add_error("registration_number", error)
            else:
                if Supplier.objects.filter(registration_number=normalised).exists():
                    self.add_error(
                        "registration_number",
                        ValidationError(
                            _(
                                "An organisation with this number is already registered. "
                                "Ask a colleague or an administrator to add you to it."
                            ),
                            code="organisation_exists",
                        ),
                    )
        return cleaned_data

    def supplier_data(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation_name": data["organisation_name"],
            "registration_number": data["registration_number"],
            "country": data["country"],
            "size": data["size"],
            "website": data["website"],
        }


class SupplierSignupForm(OrganisationForm, AccountForm):
    """A new account and the supplier organisation it works for."""

    def role_data(self) -> dict:
        return self.supplier_data()

    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(self, _("Your organisation"), ORGANISATION_FIELDS),
            Fieldset(self, _("Your account"), ACCOUNT_FIELDS),
        ]


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # The province helps tell similar names apart in a list of 627.
        return f"{obj.name} ({obj.province})"


class MembershipRequestForm(GuardedTextFieldsMixin, forms.Form):
    """Which municipality the user buys for, and why."""

    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name", "province"),
        empty_label=_("Choose your municipality"),
        help_text=_("The municipality you work for. An administrator checks your request."),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=120)
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What do you want to use Koploper for? This helps the administrator decide."),
    )

    def membership_data(self) -> dict:
        data = self.cleaned_data
        return {
            "municipality": data["municipality"],
            "job_title": data["job_title"],
            "motivation": data["motivation"],
        }


class BuyerSignupForm(MembershipRequestForm, AccountForm):
    """A new account with a request to buy for a municipality."""

    def role_data(self) -> dict:
        return self.membership_data()

    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(self, _("Your municipality"), MEMBERSHIP_FIELDS),
            Fieldset(self, _("Your account"), ACCOUNT_FIELDS),
        ]


class LoginForm(AuthenticationForm):
    """Django's login form, by e-mail address or username (portal.backends), with the
    length checked before anyone authenticates: Django only sets it on the widget, and an
    over-long name would reach the failed-login record of the login protection (a
    255-character column) and fail there."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct e-mail address or username and password. Note that the "
            "password is case-sensitive."
        ),
        "awaiting_confirmation": _(
            "Your account is not confirmed yet. Follow the link in the e-mail we sent you "
            "when you signed up. No e-mail, or has the link expired? Sign up again with the "
            "same address: we send you a new link."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("E-mail address or username")
        username.max_length = EMAIL_MAX_LENGTH
        username.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)
        username.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))

    def get_invalid_login_error(self):
        # The right password of an account awaiting confirmation (portal.backends).
        if getattr(self.request, AWAITING_CONFIRMATION, False):
            return ValidationError(
                self.error_messages["awaiting_confirmation"], code="awaiting_confirmation"
            )
        return super().get_invalid_login_error()


class PasswordResetForm(BasePasswordResetForm):
    """Django's form; the mail goes out in the language the user chose for e-mails."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
