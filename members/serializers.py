"""API serializers of the member roster. The full ID number never leaves
through them: `id_number` is write-only, `id_number_masked` is what is read."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from branches import scoping
from branches.models import OrgUnit, PartyGroup
from branches.serializers import ScopedPrimaryKeyRelatedField, branches_editable_by, enum_schema

from . import rules
from .conf import TransferPolicy
from .models import DevelopmentStep, DuesMonth, DuesRate, ImportRun, InactivityHandling, Member, Training, Transfer


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


# --------------------------------------------------------------------------- 党费


def editable_members(user):
    return scoping.members_editable_by(user)


class MemberRef(ScopedPrimaryKeyRelatedField):
    """A member the requesting user may change."""

    def __init__(self, **kwargs):
        kwargs.setdefault("not_found", _("党员不存在，或不在您的管理范围内。"))
        super().__init__(scope=editable_members, queryset=Member.objects.all(), **kwargs)


class BranchRef(ScopedPrimaryKeyRelatedField):
    """A 党支部 the requesting user may change."""

    def __init__(self, **kwargs):
        kwargs.setdefault("not_found", _("党支部不存在，或不在您的管理范围内。"))
        super().__init__(scope=branches_editable_by, queryset=OrgUnit.objects.all(), **kwargs)


class MonthField(serializers.DateField):
    """A month as "2026-03" (or any day of it); stored as the 1st."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        kwargs.setdefault("help_text", _("月份，格式 2026-03"))
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        return super().to_internal_value(value).replace(day=1)


MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": 0, "required": False, "allow_null": True}


class DuesRateSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = DuesRate
        fields = ["id", "category", "category_display", "upper_bound", "percent", "fixed_amount", "fixed_max"]


class DuesMonthSerializer(serializers.ModelSerializer):
    """Read: the ledger row. Write: the member, the month and what was paid;
    what was due is computed from the rate table."""

    member = MemberRef()
    member_name = serializers.CharField(source="member.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    month = MonthField()
    base_pay = serializers.DecimalField(**MONEY, label=_("月工资收入"))
    fixed_amount = serializers.DecimalField(**MONEY, write_only=True, label=_("固定金额"),
                                            help_text=_("按固定金额交纳（如农牧渔民0.2–1元）时填写"))
    paid_in_full = serializers.BooleanField(write_only=True, required=False, default=False,
                                            help_text=_("按应交金额足额交纳"))
    amount_paid = serializers.DecimalField(**MONEY, label=_("实交金额"))
    extra = serializers.DecimalField(**MONEY, label=_("自愿多交"))
    settled = serializers.BooleanField(read_only=True, help_text=_("已足额交纳或经批准免交"))

    class Meta:
        model = DuesMonth
        fields = [
            "id", "member", "member_name", "branch", "branch_name", "month", "base_pay", "percent", "amount_due",
            "fixed_amount", "paid_in_full", "amount_paid", "extra", "exempt", "paid_on", "receipt_no", "note",
            "settled", "created_at", "updated_at",
        ]
        read_only_fields = ["branch", "percent", "amount_due", "created_at", "updated_at"]


class DuesRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(label=_("党员ID"))
    base_pay = serializers.DecimalField(**MONEY)
    fixed_amount = serializers.DecimalField(**MONEY)
    paid_in_full = serializers.BooleanField(required=False, default=False)
    amount_paid = serializers.DecimalField(**MONEY)
    extra = serializers.DecimalField(**MONEY)
    exempt = serializers.BooleanField(required=False, default=False)
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DuesBatchSerializer(serializers.Serializer):
    branch = BranchRef()
    month = MonthField()
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    rows = DuesRowSerializer(many=True)


class DuesStatusSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    branch_id = serializers.IntegerField()
    start = serializers.DateField(allow_null=True, help_text=_("本支部台账中应交的第一个月"))
    last_paid = serializers.DateField(allow_null=True, help_text=_("最近有交纳（或免交）的月份"))
    last_settled = serializers.DateField(allow_null=True, help_text=_("党费交至：最近足额交纳的月份"))
    owed_months = serializers.IntegerField(help_text=_("截至上月未足额交纳的月数"))
    owed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("已登记月份的欠交金额"))


# --------------------------------------------------------------------------- 学时


class StudyHoursSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    meetings = serializers.DecimalField(max_digits=6, decimal_places=1, help_text=_("会议计入的学时"))
    trainings = serializers.DecimalField(max_digits=6, decimal_places=1, help_text=_("培训计入的学时"))
    total = serializers.DecimalField(max_digits=6, decimal_places=1)
    required = serializers.DecimalField(max_digits=6, decimal_places=1, help_text=_("32；书记、支委56"))
    committee = serializers.BooleanField(help_text=_("书记或支委"))
    shortfall = serializers.DecimalField(max_digits=6, decimal_places=1)
    is_short = serializers.BooleanField()


class TrainingSerializer(serializers.ModelSerializer):
    branch = BranchRef()
    participants = ScopedPrimaryKeyRelatedField(
        scope=editable_members, queryset=Member.objects.all(), many=True,
        not_found=_("参训人员不存在，或不在您的管理范围内。"),
    )

    class Meta:
        model = Training
        fields = ["id", "branch", "title", "organiser", "start_date", "full_days", "half_days", "hours",
                  "credited_hours", "note", "participants", "created_at", "updated_at"]
        read_only_fields = ["credited_hours", "created_at", "updated_at"]


# --------------------------------------------------------------------------- 发展党员


class DevelopmentStepSerializer(serializers.ModelSerializer):
    member = MemberRef()
    member_name = serializers.CharField(source="member.name", read_only=True)
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    stage = serializers.IntegerField(source="definition.stage", read_only=True)
    people = ScopedPrimaryKeyRelatedField(
        scope=scoping.members_visible_to, queryset=Member.objects.all(), many=True, required=False,
        not_found=_("人员不存在，或不在您的管理范围内。"), help_text=_("培养联系人（⑤）或入党介绍人（⑨）"),
    )

    class Meta:
        model = DevelopmentStep
        fields = ["id", "member", "member_name", "step", "step_display", "stage", "date", "document", "responsible",
                  "people", "hours", "extension_months", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_step(self, step):
        if self.instance is not None and step != self.instance.step:
            raise serializers.ValidationError(_("不能修改步骤序号；请登记新的步骤。"))
        return step


class DevelopmentFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    step = serializers.IntegerField()
    message = serializers.CharField()
    due = serializers.DateField(allow_null=True)


class PipelinePersonSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Member.Status.choices)
    branch_id = serializers.IntegerField()
    steps = serializers.SerializerMethodField(help_text=_("已登记的步骤序号"))
    next_step = serializers.SerializerMethodField()
    findings = DevelopmentFindingSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_steps(self, row):
        return sorted(row.steps)

    @extend_schema_field(OpenApiTypes.INT)
    def get_next_step(self, row):
        return row.next_step.number if row.next_step else None


class TimelineSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Member.Status.choices)
    steps = DevelopmentStepSerializer(many=True)
    next_step = serializers.IntegerField(allow_null=True)
    findings = DevelopmentFindingSerializer(many=True)


# --------------------------------------------------------------------------- 组织关系转接


@extend_schema_field(enum_schema(Transfer.State.choices), component_name="TransferStateEnum")
class TransferStateField(serializers.CharField):
    pass


class TransferSerializer(serializers.ModelSerializer):
    """Read: a letter with its state. Create: issue a letter for a member (转出)."""

    member = MemberRef()
    to_branch = ScopedPrimaryKeyRelatedField(
        scope=scoping.branches_visible_to, queryset=OrgUnit.objects.all(), required=False, allow_null=True,
        not_found=_("接收党支部不存在，或不在您的管理范围内。"),
    )
    state = TransferStateField(read_only=True, help_text=_("issued 已开具 / received 已报到 / overdue 逾期 / "
                                                           "cancelled 已撤销"))
    dues_paid_until = MonthField(required=False, allow_null=True)
    same_city = serializers.BooleanField(write_only=True, required=False, default=False,
                                         help_text=_("市内转接：有效期默认10天"))
    validity_days = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                             help_text=_("留空：市内10天，其他30天；最长90天"))
    issued_on = serializers.DateField(required=False)
    receipt_due = serializers.SerializerMethodField(help_text=_("回执应寄回日期（转出介绍信；转入为空）"))
    receipt_late = serializers.SerializerMethodField(help_text=_("回执逾期未回（或回执晚于应寄回日期）"))

    class Meta:
        model = Transfer
        fields = [
            "id", "direction", "state", "serial_no", "member", "from_branch", "to_branch", "name", "gender", "age",
            "ethnicity", "party_status", "id_number_masked", "from_org", "to_org", "dues_paid_until", "issued_on",
            "validity_days", "same_city", "expires_on", "received_on", "receipt_note", "receipt_due",
            "receipt_late", "cancelled_on", "note", "created_at", "updated_at",
        ]
        read_only_fields = [
            "direction", "serial_no", "from_branch", "name", "gender", "age", "ethnicity", "party_status",
            "id_number_masked", "from_org", "expires_on", "received_on", "receipt_note", "cancelled_on",
            "created_at", "updated_at",
        ]
        extra_kwargs = {"to_org": {"required": False}}

    def _receipt_months(self) -> int:
        """The policy's months, read once per response (not once per letter)."""
        root = self.root
        if not hasattr(root, "receipt_months_cache"):
            root.receipt_months_cache = TransferPolicy.current().receipt_months
        return root.receipt_months_cache

    @extend_schema_field(OpenApiTypes.DATE)
    def get_receipt_due(self, transfer):
        if transfer.direction != Transfer.Direction.OUT:
            return None
        return rules.receipt_due(transfer.issued_on, self._receipt_months())

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_receipt_late(self, transfer):
        return transfer.direction == Transfer.Direction.OUT and rules.receipt_late(
            issued_on=transfer.issued_on, received_on=transfer.received_on, cancelled_on=transfer.cancelled_on,
            on=timezone.localdate(), months=self._receipt_months(),
        )


class TransferReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField(required=False)
    receipt_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    party_group = ScopedPrimaryKeyRelatedField(
        scope=scoping.party_groups_visible_to, queryset=PartyGroup.objects.all(), required=False, allow_null=True,
        default=None, not_found=_("党小组不存在，或不在您的管理范围内。"),
    )


class TransferCancelSerializer(serializers.Serializer):
    cancelled_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200)


class TransferInSerializer(serializers.Serializer):
    """A letter from outside the system, and the person it introduces."""

    branch = BranchRef()
    serial_no = serializers.CharField(max_length=30)
    from_org = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    received_on = serializers.DateField(required=False)
    validity_days = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    dues_paid_until = MonthField(required=False, allow_null=True)
    party_status = serializers.ChoiceField(choices=Transfer.PARTY_STATUS_CHOICES)
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Member.Gender.choices)
    ethnicity = serializers.CharField(max_length=20, required=False, default="汉族")
    birth_date = serializers.DateField()
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Member.Category.choices, required=False,
                                       default=Member.Category.EMPLOYED)
    join_date = serializers.DateField(required=False, allow_null=True)
    full_member_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --------------------------------------------------------------------------- six-month rule


class SixMonthCaseSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    branch_id = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=InactivityHandling.Rule.choices)
    since = serializers.DateField(help_text=_("连续未交/未参加的第一个月"))
    months = serializers.IntegerField()
    last = serializers.DateField(allow_null=True, help_text=_("最近交纳的月份 / 最近参加组织生活的月份"))
    handled = serializers.BooleanField()
    handling = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_handling(self, case):
        return case.handling.pk if case.handling else None


class InactivityHandlingSerializer(serializers.ModelSerializer):
    member = MemberRef()
    since = MonthField()

    class Meta:
        model = InactivityHandling
        fields = ["id", "member", "rule", "since", "handled_on", "measure", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # recording a streak again corrects it (the service updates)


# --------------------------------------------------------------------------- imports


class ImportRunSerializer(serializers.ModelSerializer):
    report_url = serializers.SerializerMethodField()
    error_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportRun
        fields = ["id", "dataset", "branch", "filename", "outcome", "row_count", "created_count", "error_count",
                  "errors", "report_url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_report_url(self, run):
        if not run.report:
            return None
        request = self.context.get("request")
        url = reverse("member-import-report", args=[run.pk])
        return request.build_absolute_uri(url) if request else url


class ImportUploadSerializer(serializers.Serializer):
    dataset = serializers.ChoiceField(choices=ImportRun.Dataset.choices)
    branch = BranchRef()
    file = serializers.FileField(help_text=_("按模板填写的 .xlsx 文件"))
