from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import idnumbers
from .models import (
    DevelopmentStep,
    DuesMonth,
    DuesRate,
    IdNumberAccess,
    ImportRun,
    InactivityHandling,
    Member,
    MemberStatusChange,
    Training,
    Transfer,
)


class MemberAdminForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("身份证号"), required=False, help_text=_("留空则不修改；保存后加密存储，列表中只显示脱敏号码。")
    )

    class Meta:
        model = Member
        fields = "__all__"  # noqa: DJ007 - the admin edits every roster field

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        if not value:
            return ""
        value = idnumbers.validate_id_number(value)
        clash = Member.objects.filter(id_number_digest=idnumbers.digest(value)).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("该身份证号已登记在其他党员名下。"))
        return value

    def save(self, commit=True):
        if self.cleaned_data.get("id_number"):
            self.instance.set_id_number(self.cleaned_data["id_number"])
        return super().save(commit)


class StatusChangeInline(admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "date", "reason", "changed_by")
    can_delete = False


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = ("name", "gender", "branch", "status", "id_number_masked", "is_mobile")
    list_filter = ("status", "category", "is_mobile", "branch__sector")
    search_fields = ("name", "phone")
    autocomplete_fields = ("branch", "party_group", "user")
    readonly_fields = ("id_number_masked",)
    inlines = [StatusChangeInline]


@admin.register(IdNumberAccess)
class IdNumberAccessAdmin(admin.ModelAdmin):
    list_display = ("member", "user", "channel", "accessed_at", "ip_address")
    list_filter = ("channel",)
    search_fields = ("member__name", "user__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is append-only (members.models.IdNumberAccess)


@admin.register(DuesRate)
class DuesRateAdmin(admin.ModelAdmin):
    """The 党费 standards are data: the administrator keeps them current."""

    list_display = ("category", "upper_bound", "percent", "fixed_amount", "fixed_max")
    list_filter = ("category",)
    ordering = ("category", "upper_bound")


class ReadOnlyRecordAdmin(SimpleHistoryAdmin):
    """Records written through the pages and the API (services check the rules
    there); the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DuesMonth)
class DuesMonthAdmin(ReadOnlyRecordAdmin):
    list_display = ("member", "branch", "month", "base_pay", "amount_due", "amount_paid", "extra", "exempt", "paid_on")
    list_filter = ("exempt", "month")
    search_fields = ("member__name", "receipt_no")
    date_hierarchy = "month"
    list_select_related = ("member", "branch")


@admin.register(Training)
class TrainingAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "branch", "start_date", "credited_hours")
    search_fields = ("title", "organiser")
    date_hierarchy = "start_date"
    list_select_related = ("branch",)


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(ReadOnlyRecordAdmin):
    list_display = ("member", "step", "date", "document", "responsible")
    list_filter = ("step",)
    search_fields = ("member__name", "document")
    list_select_related = ("member",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyRecordAdmin):
    list_display = ("serial_no", "name", "direction", "from_org", "to_org", "issued_on", "expires_on", "received_on")
    list_filter = ("direction",)
    search_fields = ("serial_no", "name", "from_org", "to_org")
    date_hierarchy = "issued_on"


@admin.register(InactivityHandling)
class InactivityHandlingAdmin(ReadOnlyRecordAdmin):
    list_display = ("member", "rule", "since", "handled_on", "measure")
    list_filter = ("rule", "measure")
    search_fields = ("member__name",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "dataset", "branch", "filename", "outcome", "row_count", "created_count")
    list_filter = ("dataset", "outcome")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
