from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Attendance,
    EvaluationGrade,
    Meeting,
    MeetingKind,
    MeetingRequirement,
    MemberReport,
    Resolution,
    TalkRecord,
)


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(admin.ModelAdmin):
    """SPEC §4 requirements as data: defaults, 领域 overrides, org-unit overrides."""

    list_display = (
        "name",
        "code",
        "period",
        "min_count",
        "counting",
        "quorum",
        "applies_to",
        "sector",
        "org_unit",
        "is_active",
    )
    list_filter = ("code", "period", "sector", "is_active")
    search_fields = ("name", "code", "org_unit__name")
    autocomplete_fields = ("org_unit",)
    ordering = ("order", "code", "sector")


class MeetingKindInline(admin.TabularInline):
    model = MeetingKind
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("member",)


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("kind", "original_name", "content_type", "size", "uploaded_by")
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """Read-mostly: records are logged and edited through the pages and the API
    (the services check the rules); the admin is for 系统管理员 lookups."""

    list_display = ("date", "kind", "topic", "branch", "expected_count", "present_count", "quorum_met")
    list_filter = ("kind", "quorum_met", "date")
    search_fields = ("topic", "branch__name")
    date_hierarchy = "date"
    raw_id_fields = ("branch", "host", "recorder", "lecturer", "party_group", "created_by")
    readonly_fields = (
        "date",
        "expected_count",
        "present_count",
        "absent_count",
        "observer_count",
        "quorum_rule",
        "quorum_expected",
        "quorum_present",
        "quorum_met",
        "version",
    )
    inlines = [MeetingKindInline, AttendanceInline, ResolutionInline, AttachmentInline]


@admin.register(EvaluationGrade)
class EvaluationGradeAdmin(SimpleHistoryAdmin):
    list_display = ("member", "grade", "meeting")
    list_filter = ("grade",)
    raw_id_fields = ("meeting", "member")


@admin.register(TalkRecord)
class TalkRecordAdmin(SimpleHistoryAdmin):
    list_display = ("date", "talker", "talkee", "branch")
    search_fields = ("talker__name", "talkee__name", "branch__name")
    raw_id_fields = ("branch", "talker", "talkee", "created_by")


@admin.register(MemberReport)
class MemberReportAdmin(SimpleHistoryAdmin):
    list_display = ("date", "member", "topic", "branch")
    search_fields = ("member__name", "topic", "branch__name")
    raw_id_fields = ("branch", "member", "created_by")
