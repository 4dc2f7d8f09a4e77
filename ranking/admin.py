from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.outbox import enqueue_on_commit
from municipalities.admin import ProvinceFilter

from .models import RankingEntry, RankingRun, RunStatus, RunTrigger
from .tasks import recompute


@admin.register(RankingRun)
class RankingRunAdmin(admin.ModelAdmin):
    """Every run with its status, timings and counts; runs are written by the service only."""

    change_list_template = "ranking/admin/run_change_list.html"
    list_display = (
        "id",
        "status",
        "is_current",
        "reference_date",
        "trigger",
        "started_at",
        "duration",
        "contribution_count",
        "entry_count",
    )
    list_display_links = ("id", "status")
    list_filter = ("status", "trigger", "is_current")
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in RankingRun._meta.fields] + ["duration"]

    @admin.display(description=_("duration"))
    def duration(self, run):
        return run.duration

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path(
                "start/",
                self.admin_site.admin_view(self.start_run_view),
                name="ranking_rankingrun_start",
            )
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_start_run": request.user.is_superuser,
            "running": RankingRun.objects.filter(status=RunStatus.RUNNING).first(),
        }
        return super().changelist_view(request, extra_context)

    def start_run_view(self, request):
        return _start_run(request)


@require_POST
def _start_run(request):
    """Enqueue a recompute (eager without a broker); the list shows how it went."""
    if not request.user.is_superuser:
        raise PermissionDenied
    user_id = request.user.pk
    enqueue_on_commit(recompute, trigger=RunTrigger.ADMIN, user_id=user_id)
    messages.success(
        request,
        _("A ranking run has been started. Reload this page to follow its status."),
    )
    return redirect("admin:ranking_rankingrun_changelist")


class EntryProvinceFilter(ProvinceFilter):
    field = "municipality__province_code"


@admin.register(RankingEntry)
class RankingEntryAdmin(admin.ModelAdmin):
    list_display = (
        "run",
        "rank",
        "rank_range",
        "municipality",
        "score",
        "size_class_rank",
        "adoption_count",
        "launching_customer_count",
        "performance_group",
        "rank_per_10k",
        "previous_rank",
    )
    list_filter = (
        "performance_group",
        "size_class",
        "municipality__country",
        EntryProvinceFilter,
    )
    list_select_related = ("run", "municipality")
    search_fields = ("municipality__name", "municipality__code")
    ordering = ("-run", "position")
    show_full_result_count = False

    @admin.display(description=_("range (5–95%)"))
    def rank_range(self, entry):
        return f"{entry.rank_low}–{entry.rank_high}" if entry.has_interval else "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
