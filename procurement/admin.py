"""Administrators edit the procurement routes and thresholds here, in Dutch and English,
with their sources and valid-from dates. Questions are read here; only their publication
can be changed (to withdraw or reword a published question)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditTrailMixin
from core.countries import Country

from .enums import OnMarket
from .models import ProcurementRoute, Question, RouteSource, ScaleUpPlan, Threshold

TEXT_FIELDS = (
    "name",
    "summary",
    "fits",
    "steps",
    "duration",
    "preparation",
    "help_netherlands",
    "help_flanders",
)


class RouteAdminForm(forms.ModelForm):
    on_market = forms.MultipleChoiceField(
        label=_("fits when the solution is on the market"),
        choices=OnMarket.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("countries"), choices=Country.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProcurementRoute
        fields = [
            "code",
            "order",
            "is_active",
            "valid_from",
            *(f"{name}_{lang}" for name in TEXT_FIELDS for lang in ("nl", "en")),
            "maturity_min",
            "maturity_max",
            "on_market",
            "co_development",
            "value_min",
            "value_max",
            "countries",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["on_market"] = self.instance.on_market_values
            self.initial["countries"] = self.instance.country_codes

    def clean_on_market(self):
        return ",".join(self.cleaned_data["on_market"])

    def clean_countries(self):
        return ",".join(self.cleaned_data["countries"])

    def clean(self):
        data = super().clean()
        low, high = data.get("maturity_min"), data.get("maturity_max")
        if low and high and low > high:
            self.add_error("maturity_max", _("The highest maturity is below the lowest."))
        return data


class RouteSourceInline(admin.TabularInline):
    model = RouteSource
    extra = 1


@admin.register(ProcurementRoute)
class ProcurementRouteAdmin(admin.ModelAdmin):
    form = RouteAdminForm
    inlines = [RouteSourceInline]
    list_display = ("name_nl", "name_en", "code", "order", "is_active", "valid_from")
    list_editable = ("order", "is_active")
    search_fields = ("name_nl", "name_en", "code")
    fieldsets = (
        (None, {"fields": ("code", "order", "is_active", "valid_from")}),
        (
            _("Dutch"),
            {
                "fields": (
                    "name_nl",
                    "summary_nl",
                    "fits_nl",
                    "steps_nl",
                    "duration_nl",
                    "preparation_nl",
                    "help_netherlands_nl",
                    "help_flanders_nl",
                )
            },
        ),
        (
            _("English"),
            {
                "fields": (
                    "name_en",
                    "summary_en",
                    "fits_en",
                    "steps_en",
                    "duration_en",
                    "preparation_en",
                    "help_netherlands_en",
                    "help_flanders_en",
                )
            },
        ),
        (
            _("When it fits (read by the route guide)"),
            {
                "fields": (
                    ("maturity_min", "maturity_max"),
                    "on_market",
                    "co_development",
                    ("value_min", "value_max"),
                    "countries",
                )
            },
        ),
    )


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ("name_nl", "code", "jurisdiction", "kind", "amount", "valid_from")
    list_filter = ("jurisdiction", "kind")
    search_fields = ("name_nl", "name_en", "code")


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ("is_published", "public_title", "public_body")

    def clean(self):
        data = super().clean()
        if data.get("is_published"):
            if not self.instance.publish_consent:
                self.add_error("is_published", _("The asker did not agree to publication."))
            elif self.instance.status == "open":
                self.add_error("is_published", _("Only an answered question can be published."))
        return data


@admin.register(Question)
class QuestionAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("title", "status", "created_at", "answered_at", "is_published")
    list_filter = ("status", "is_published")
    search_fields = ("title", "body", "answer")
    list_select_related = ("asker",)
    fields = (
        "asker",
        "innovation",
        "challenge",
        "route",
        "title",
        "body",
        "publish_consent",
        "status",
        "answer",
        "answered_by",
        "answered_at",
        "is_published",
        "public_title",
        "public_body",
        "closed_at",
        "audit_trail",
    )
    readonly_fields = tuple(
        name for name in fields if name not in ("is_published", "public_title", "public_body")
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScaleUpPlan)
class ScaleUpPlanAdmin(admin.ModelAdmin):
    """Read only: buyers write their plans on the portal (scaleup.scale_up_plan_save)."""

    list_display = ("adoption", "decision_on", "route", "updated_at")
    list_filter = ("route",)
    search_fields = ("adoption__innovation__title", "adoption__municipality__name")
    list_select_related = ("adoption__innovation", "adoption__municipality", "route")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
