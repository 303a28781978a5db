"""API serializers of the member roster. The full ID number never leaves
through them: `id_number` is write-only, `id_number_masked` is what is read."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches import scoping
from branches.models import OrgUnit, PartyGroup
from branches.serializers import ScopedPrimaryKeyRelatedField, branches_editable_by

from .models import Member


class MemberSerializer(serializers.ModelSerializer):
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    education_display = serializers.CharField(source="get_education_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    branch = ScopedPrimaryKeyRelatedField(
        scope=branches_editable_by,
        queryset=OrgUnit.objects.all(),
        not_found=_("党支部不存在，或不在您的管理范围内。"),
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    party_group = ScopedPrimaryKeyRelatedField(
        scope=scoping.party_groups_visible_to,
        queryset=PartyGroup.objects.all(),
        not_found=_("党小组不存在，或不在您的管理范围内。"),
        allow_null=True,
        required=False,
    )
    party_group_name = serializers.CharField(source="party_group.name", read_only=True, default=None)
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        label=_("身份证号"),
        help_text=_("18位身份证号；只写不读，读取时见 id_number_masked。传空字符串表示清除。"),
    )
    party_years = serializers.SerializerMethodField(help_text=_("党龄（年），自转正日期起算"))

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "gender_display",
            "ethnicity",
            "birth_date",
            "native_place",
            "education",
            "education_display",
            "id_number",
            "id_number_masked",
            "phone",
            "work_unit",
            "post",
            "category",
            "category_display",
            "application_date",
            "activist_date",
            "candidate_date",
            "join_date",
            "full_member_date",
            "party_years",
            "branch",
            "branch_name",
            "party_group",
            "party_group_name",
            "status",
            "status_display",
            "is_mobile",
            "remarks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id_number_masked", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_party_years(self, member):
        return member.party_years()

    def validate_status(self, status):
        if self.instance is not None and status != self.instance.status:
            raise serializers.ValidationError(
                _("党员状态变动须通过“变更状态”接口（change-status）办理，以留存变动记录。")
            )
        return status


class StatusChangeSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Member.Status.choices, label=_("新状态"))
    date = serializers.DateField(label=_("变动日期"))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("原因"))


class IdNumberSerializer(serializers.Serializer):
    id_number = serializers.CharField(label=_("身份证号"))
