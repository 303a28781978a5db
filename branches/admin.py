from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alert,
    AlertRule,
    CommitteeTerm,
    Election,
    ElectionCandidate,
    Notification,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    RulePolicy,
    TermAdjustment,
)
from .rules import quorum_met


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "sector", "parent", "depth", "is_active")
    list_filter = ("kind", "sector", "is_active")
    search_fields = ("name",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth")


@admin.register(PartyGroup)
class PartyGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "branch", "leader")
    search_fields = ("name", "branch__name")
    autocomplete_fields = ("branch", "leader")


class RoleTenureInline(admin.TabularInline):
    model = RoleTenure
    extra = 0
    autocomplete_fields = ("member",)


class TermAdjustmentInline(admin.TabularInline):
    model = TermAdjustment
    extra = 0


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(SimpleHistoryAdmin):
    list_display = ("org_unit", "number", "start_date", "due_end_date", "actual_end_date", "seats")
    list_filter = ("org_unit__sector",)
    search_fields = ("org_unit__name",)
    autocomplete_fields = ("org_unit",)
    raw_id_fields = ("election",)
    inlines = [RoleTenureInline, TermAdjustmentInline]


@admin.register(RoleTenure)
class RoleTenureAdmin(SimpleHistoryAdmin):
    list_display = ("member", "role", "term", "start_date", "end_date")
    list_filter = ("role",)
    search_fields = ("member__name", "term__org_unit__name")
    autocomplete_fields = ("member",)
    raw_id_fields = ("term",)


class CandidateInline(admin.TabularInline):
    model = ElectionCandidate
    extra = 0
    autocomplete_fields = ("member",)
    readonly_fields = ("elected",)


@admin.register(Election)
class ElectionAdmin(SimpleHistoryAdmin):
    list_display = ("org_unit", "kind", "date", "voters_due", "voters_present", "quorum_met")
    list_filter = ("kind", "quorum_met")
    search_fields = ("org_unit__name",)
    autocomplete_fields = ("org_unit",)
    readonly_fields = ("quorum_met",)
    inlines = [CandidateInline]

    def save_model(self, request, obj, form, change):
        obj.quorum_met = quorum_met(obj.voters_due, obj.voters_present)
        super().save_model(request, obj, form, change)


@admin.register(RulePolicy)
class RulePolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "term_years", "min_full_members", "committee_threshold", "secretary_min_party_years")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org_unit", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__first_name", "org_unit__name")
    autocomplete_fields = ("user", "org_unit")


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    """SPEC §7 lead times and recipients, as data."""

    list_display = (
        "kind", "stages", "stage_unit", "lookback_days", "season_start", "notify_secretary", "notify_superior",
        "notify_org_department", "send_email", "is_active",
    )
    list_editable = ("notify_secretary", "notify_superior", "notify_org_department", "send_email", "is_active")
    readonly_fields = ("kind",)

    def has_add_permission(self, request):
        return False  # one row per kind, created by the data migration

    def has_delete_permission(self, request, obj=None):
        return False  # switch a kind off with "启用" instead


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ("user", "read_at", "email_due", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised by the sweep only: read-only here."""

    list_display = ("kind", "level", "org_unit", "subject", "period", "stage", "raised_on", "notified_at")
    list_filter = ("kind", "level", "raised_on")
    search_fields = ("org_unit__name", "subject")
    date_hierarchy = "raised_on"
    list_select_related = ("org_unit",)
    inlines = [NotificationInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # alerts are only ever added (the dashboard's cached overdue count relies on it: assessment.score_cache)
        return False
