from django.contrib import admin

from .models import (
    Adoption,
    AdoptionStageChange,
    BuyerMembership,
    Challenge,
    ChallengeResponse,
    Evaluation,
    Municipality,
    Region,
    ShortlistItem,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "province", "population", "size_class")
    list_filter = ("country", "province", "size_class")
    search_fields = ("name", "code")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("municipalities",)


@admin.register(BuyerMembership)
class BuyerMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "municipality", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("user", "municipality", "decided_by")


class StageChangeInline(admin.TabularInline):
    model = AdoptionStageChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "stage_since", "changed_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("municipality", "innovation", "stage", "started_on", "verification")
    list_filter = ("stage", "verification")
    raw_id_fields = ("municipality", "innovation", "claimed_by", "verified_by")
    inlines = [StageChangeInline]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("adoption", "goals_met", "would_recommend")


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
