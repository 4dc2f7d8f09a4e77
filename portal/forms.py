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

from .services import email_taken, username_taken


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
    "username",
    "password1",
    "password2",
    "language",
]
ORGANISATION_FIELDS = ["organisation_name", "country", "registration_number", "size", "website"]
MEMBERSHIP_FIELDS = ["municipality", "job_title", "motivation"]


class AccountForm(GuardedTextFieldsMixin, SetPasswordMixin, forms.Form):
    """The personal account: who you are and how you log in."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. You log in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the link to reset your password here."),
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
        username_field = get_user_model()._meta.get_field("username")
        self.fields["username"].validators = list(username_field.validators)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username_taken(username):
            raise ValidationError(
                _("This username is taken. Choose another one, or log in if it is yours."),
                code="username_taken",
            )
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_taken(email):
            raise ValidationError(
                _(
                    "An account with this e-mail address exists. Log in, or reset your "
                    "password if you forgot it."
                ),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords()
        # The similarity validator compares the password with the user's own details.
        user = get_user_model()(
            username=cleaned_data.get("username", ""),
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
            "username": data["username"],
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
    """Django's login form, with the username's length checked before anyone authenticates:
    Django only sets it on the widget, and an over-long name would reach the failed-login
    record of the login protection (a 255-character column) and fail there."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PasswordResetForm(BasePasswordResetForm):
    """Django's form; the mail goes out in the language the user chose for e-mails."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
