from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditTrailMixin
from core.countries import province_choices
from core.exceptions import TransitionNotAllowed

from . import adoptions
from .enums import MembershipStatus
from .memberships import (
    membership_decide,
    membership_remove,
    membership_request,
    membership_update,
)
from .models import (
    Adoption,
    AdoptionChange,
    AdoptionStageChange,
    BuyerMembership,
    Challenge,
    ChallengeResponse,
    Evaluation,
    Municipality,
    Region,
    ShortlistItem,
)


class ProvinceFilter(admin.SimpleListFilter):
    """Provinces with their country ("Limburg (NL)", "Limburg (BE)"): the field's own
    choices would list "Limburg" twice. `field` is the path to the province code."""

    title = _("province")
    parameter_name = "province"
    field = "province_code"

    def lookups(self, request, model_admin):
        return province_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "province", "population", "size_class")
    list_filter = ("country", ProvinceFilter, "size_class")
    search_fields = ("name", "code")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country")
    list_filter = ("country",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("municipalities",)


@admin.register(BuyerMembership)
class BuyerMembershipAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("user", "municipality", "job_title", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("user", "municipality")
    search_fields = ("user__username", "user__email", "municipality__name")
    raw_id_fields = ("user", "municipality")
    # Decisions go through the actions (membership_decide), not by editing the status.
    readonly_fields = ("status", "decided_by", "decided_at", "audit_trail")
    actions = ["approve_requests", "reject_requests"]

    # Every write goes through the membership services, which keep the audit log.
    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            membership_update(membership=obj, actor=request.user, **fields)
        else:
            created = membership_request(
                user=obj.user,
                municipality=obj.municipality,
                job_title=obj.job_title,
                motivation=obj.motivation,
                actor=request.user,
            )
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_remove(membership=membership, actor=request.user)

    @admin.action(description=_("Approve the selected requests"))
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected requests"))
    def reject_requests(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        pending = list(queryset.filter(status=MembershipStatus.REQUESTED))
        for membership in pending:
            membership_decide(membership=membership, approve=approve, decided_by=request.user)
        skipped = queryset.count() - len(pending)
        if pending and approve:
            message = ngettext(
                "%(count)d request approved.", "%(count)d requests approved.", len(pending)
            )
            self.message_user(request, message % {"count": len(pending)}, messages.SUCCESS)
        elif pending:
            message = ngettext(
                "%(count)d request rejected.", "%(count)d requests rejected.", len(pending)
            )
            self.message_user(request, message % {"count": len(pending)}, messages.SUCCESS)
        if skipped:
            message = ngettext(
                "%(count)d selected membership was decided already and was left as it is.",
                "%(count)d selected memberships were decided already and were left as they are.",
                skipped,
            )
            self.message_user(request, message % {"count": skipped}, messages.WARNING)


class StageChangeInline(admin.TabularInline):
    model = AdoptionStageChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "stage_since", "changed_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class ClaimedChangeInline(admin.TabularInline):
    model = AdoptionChange
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "stage",
        "stage_since",
        "started_on",
        "evidence_reference",
        "status",
        "claimed_by",
        "created_at",
        "decided_by",
        "note",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Adoption)
class AdoptionAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Read-only but for the verify action: adoptions are recorded, updated and evaluated
    on the portal's own pages (administrators may use all of them), through the services
    that check them and keep the audit log."""

    list_display = ("municipality", "innovation", "stage", "started_on", "verification")
    list_filter = ("stage", "verification", "municipality__country")
    list_select_related = ("municipality", "innovation")
    search_fields = ("municipality__name", "municipality__code", "innovation__title")
    raw_id_fields = ("municipality", "innovation", "claimed_by", "verified_by")
    # Verification goes through the queue (adoptions.adoption_verify), so it is not edited here.
    readonly_fields = ("audit_trail",)
    inlines = [StageChangeInline, ClaimedChangeInline]
    actions = ["verify_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # History is kept: an adoption ends (stage "ended") or is rejected, never deleted.
        return False

    @admin.action(description=_("Verify the selected claimed adoptions and changes"))
    def verify_selected(self, request, queryset):
        verified = skipped = 0
        for adoption in queryset.select_related("innovation"):
            try:
                adoptions.adoption_verify(user=request.user, adoption=adoption, decision="verify")
            except (PermissionDenied, TransitionNotAllowed):
                skipped += 1
            else:
                verified += 1
        self.message_user(
            request,
            _("%(verified)s verified, %(skipped)s skipped (not claimed, or your own claim).")
            % {"verified": verified, "skipped": skipped},
            messages.SUCCESS if verified else messages.WARNING,
        )


@admin.register(Evaluation)
class EvaluationAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Read-only: the municipality writes its evaluation on the adoption's page."""

    list_display = ("adoption", "goals_met", "would_recommend")
    list_filter = ("goals_met", "would_recommend")
    raw_id_fields = ("adoption",)
    readonly_fields = ("audit_trail",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Kept with its adoption: other municipalities learn from failed pilots too.
        return False


@admin.register(ShortlistItem)
class ShortlistItemAdmin(admin.ModelAdmin):
    list_display = ("user", "innovation", "created_at")
    raw_id_fields = ("user", "innovation")


class ChallengeResponseInline(admin.TabularInline):
    model = ChallengeResponse
    extra = 0
    raw_id_fields = ("innovation", "created_by")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "municipality", "domain", "status", "deadline")
    list_filter = ("status", "domain")
    raw_id_fields = ("municipality", "created_by")
    inlines = [ChallengeResponseInline]
