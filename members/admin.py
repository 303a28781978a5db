from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import idnumbers
from .models import IdNumberAccess, Member, MemberStatusChange


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
