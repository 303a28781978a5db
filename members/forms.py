"""Forms of the roster pages. The ID number is checked by `members.services`
(GB 11643 checksum, birth date, uniqueness); these forms only parse input."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.forms import BootstrapForm, DateInput
from branches.models import OrgUnit, PartyGroup
from config.concurrency import VersionedForm

from .models import DevelopmentStep, ImportRun, InactivityHandling, Member, Training, Transfer

PERSONAL_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "phone",
    "work_unit",
    "post",
    "category",
)
PARTY_DATE_FIELDS = ("application_date", "activist_date", "candidate_date", "join_date", "full_member_date")
FIELD_ORDER = [*PERSONAL_FIELDS[:4], "id_number"]


class MemberFormBase(BootstrapForm):
    model = Member
    field_order = FIELD_ORDER
    group_label_with_branch = True

    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_group"].queryset = groups.select_related("branch").order_by("branch__path", "name")
        if not self.group_label_with_branch:
            self.fields["party_group"].label_from_instance = lambda group: group.name


class MemberCreateForm(MemberFormBase):
    model_fields = (*PERSONAL_FIELDS, "status", *PARTY_DATE_FIELDS, "branch", "party_group", "is_mobile", "remarks")

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["id_number"].help_text = _("18位，末位可为X；保存后只显示脱敏号码。")


class MemberUpdateForm(VersionedForm, MemberFormBase):
    """Status changes have their own form (history); moving a member to another
    branch is a transfer (组织关系转接), not an edit."""

    model_fields = (*PERSONAL_FIELDS, *PARTY_DATE_FIELDS, "party_group", "is_mobile", "remarks")
    group_label_with_branch = False

    def __init__(self, *args, masked_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["id_number"]
        if masked_id:
            field.widget.attrs["placeholder"] = masked_id
            field.help_text = _("当前：%(masked)s。留空表示不修改；填写则替换为新号码。") % {"masked": masked_id}
        else:
            field.help_text = _("尚未登记。18位，末位可为X。")


class MemberStatusForm(BootstrapForm):
    to_status = forms.ChoiceField(label=_("新状态"), choices=Member.Status.choices)
    date = forms.DateField(label=_("变动日期"), widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class MemberFilterForm(BootstrapForm):
    """Filters of the roster list; choices come only from what the user may see."""

    ON_ROLL, ALL = "", "all"

    q = forms.CharField(label=_("姓名或电话"), required=False, max_length=50)
    branch = forms.ModelChoiceField(
        label=_("党支部"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部党支部")
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    category = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=[("", _("全部类别")), *Member.Category.choices]
    )
    is_mobile = forms.ChoiceField(
        label=_("流动党员"), required=False, choices=[("", _("不限")), ("1", _("是")), ("0", _("否"))]
    )
    party_group = forms.ModelChoiceField(
        label=_("党小组"), queryset=PartyGroup.objects.none(), required=False, empty_label=_("全部党小组")
    )

    def __init__(self, *args, branches, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["status"].choices = [
            (self.ON_ROLL, _("在册（不含已离开）")),
            *Member.Status.choices,
            (self.ALL, _("全部（含已离开）")),
        ]
        if groups is None:
            self.fields["party_group"].disabled = True
            self.fields["party_group"].help_text = _("先选择党支部")
        else:
            self.fields["party_group"].queryset = groups.order_by("name")
            self.fields["party_group"].label_from_instance = lambda g: g.name

    def filter(self, queryset):
        """Apply the filters that validated; an invalid one is shown and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(name__icontains=q) | Q(phone__icontains=q))
        if data.get("branch"):
            queryset = queryset.filter(branch=data["branch"])
        status = data.get("status", self.ON_ROLL)
        if status == self.ON_ROLL:
            queryset = queryset.exclude(status__in=Member.LEFT_STATUSES)
        elif status != self.ALL:
            queryset = queryset.filter(status=status)
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("is_mobile"):
            queryset = queryset.filter(is_mobile=data["is_mobile"] == "1")
        if data.get("party_group"):
            queryset = queryset.filter(party_group=data["party_group"])
        return queryset


# --------------------------------------------------------------------------- shared widgets


class MonthInput(forms.DateInput):
    """The browser's month picker; it sends "2026-03"."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("请输入有效的月份，如 2026-03。")}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01", "min": "0"}


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=10, decimal_places=2,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
        error_messages={"max_decimal_places": _("金额最多保留两位小数（到分）。"),
                        "min_value": _("金额不能为负数。"), "invalid": _("请输入有效的金额。")},
        **kwargs,
    )


# --------------------------------------------------------------------------- 党费


class DuesSheetForm(BootstrapForm):
    """A branch's month for every member at once: one set of fields per member
    (named by member id), one payment date for the batch."""

    ROW_FIELDS = ("base_pay", "fixed_amount", "paid_in_full", "amount_paid", "extra", "exempt", "receipt_no")

    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput(), required=False,
                              help_text=_("本次登记的交纳日期，留空按今天。"))

    def __init__(self, *args, sheet, fixed_categories: dict, **kwargs):
        """`fixed_categories`: {category: standard amount} of the personnel
        categories the rate table charges a fixed amount (the others pay a
        share of their pay)."""
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.fixed_categories = fixed_categories
        for row in sheet:
            pk, record = row.member.pk, row.record
            fixed = row.member.category in self.fixed_categories
            self.fields[f"base_pay_{pk}"] = money_field(_("月工资收入"), initial=(
                record.base_pay if record else row.last_base) if not fixed else None)
            self.fields[f"fixed_amount_{pk}"] = money_field(_("每月金额"), initial=(
                (record.amount_due if record and not record.exempt else row.last_fixed) if fixed else None))
            self.fields[f"paid_in_full_{pk}"] = forms.BooleanField(
                label=_("已足额交纳"), required=False, initial=bool(record and record.settled and not record.exempt))
            self.fields[f"amount_paid_{pk}"] = money_field(_("实交金额"), help_text=_("未足额时填写"))
            self.fields[f"extra_{pk}"] = money_field(_("自愿多交"), initial=record.extra if record and record.extra
                                                     else None)
            self.fields[f"exempt_{pk}"] = forms.BooleanField(label=_("免交"), required=False,
                                                             initial=bool(record and record.exempt))
            self.fields[f"receipt_no_{pk}"] = forms.CharField(label=_("票据号"), max_length=40, required=False,
                                                              initial=record.receipt_no if record else "")
            if record and not record.settled and record.amount_paid:
                self.fields[f"amount_paid_{pk}"].initial = record.amount_paid
            if fixed:
                self.fields[f"fixed_amount_{pk}"].widget.attrs["placeholder"] = _("标准 %(amount)s") % {
                    "amount": fixed_categories[row.member.category]}

    def rows(self):
        """(sheet row, {field name: bound field}, pays a fixed amount) for the template."""
        return [
            (row, {name: self[f"{name}_{row.member.pk}"] for name in self.ROW_FIELDS},
             row.member.category in self.fixed_categories)
            for row in self.sheet
        ]

    def row_data(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"member": row.member, **{name: data.get(f"{name}_{row.member.pk}") for name in self.ROW_FIELDS}}
            for row in self.sheet
        ]

    def add_row_errors(self, message_dict: dict) -> None:
        """Errors of dues_month_record_many ("<member id>.<field>") onto the row's field."""
        for key, messages in message_dict.items():
            pk, _dot, field = key.partition(".")
            name = f"{field}_{pk}"
            for message in messages:
                self.add_error(name if name in self.fields else None, message)



# --------------------------------------------------------------------------- 学时


class TrainingForm(VersionedForm, BootstrapForm):
    model = Training
    model_fields = ("title", "organiser", "start_date", "full_days", "half_days", "hours", "note")

    participants = forms.ModelMultipleChoiceField(
        label=_("参训人员"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名参训人员。")},
    )

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = (
            Member.objects.filter(branch=branch).exclude(status__in=Member.LEFT_STATUSES).order_by("name", "pk")
        )
        self.fields["participants"].label_from_instance = lambda m: f"{m.name}（{m.get_status_display()}）"
        self.fields["full_days"].help_text = _("1天计8学时")
        self.fields["half_days"].help_text = _("半天计4学时")


# --------------------------------------------------------------------------- 发展党员


class DevelopmentStepForm(VersionedForm, BootstrapForm):
    """One step; the fields that do not apply to it are removed."""

    model = DevelopmentStep
    model_fields = ("date", "document", "responsible", "hours", "extension_months", "note")

    people = forms.ModelMultipleChoiceField(label="", queryset=Member.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, definition, branch, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition.people:
            field = self.fields["people"]
            field.label = definition.people_label
            field.queryset = (
                Member.objects.filter(branch=branch, status=Member.Status.FULL).exclude(pk=member.pk).order_by("name")
            )
            low, high = definition.people
            field.help_text = _("选%(n)s名正式党员") % {"n": low if low == high else f"{low}–{high}"}
        else:
            del self.fields["people"]
        if definition.needs_hours:
            self.fields["hours"].required = True
            self.fields["hours"].help_text = _("不少于24学时（3天）")
        else:
            del self.fields["hours"]
        if definition.allows_extension:
            self.fields["extension_months"].help_text = _("如支部大会决定延长预备期，填6–12个月；只能延长一次。")
        else:
            del self.fields["extension_months"]


# --------------------------------------------------------------------------- 组织关系转接


class TransferOutForm(BootstrapForm):
    to_branch = forms.ModelChoiceField(label=_("接收党支部（本系统内）"), queryset=OrgUnit.objects.none(),
                                       required=False, empty_label=_("— 转往系统外的党组织 —"))
    to_org = forms.CharField(label=_("接收党组织名称"), max_length=100, required=False,
                             help_text=_("转往系统外时必填，如“中共××县委组织部”"))
    same_city = forms.BooleanField(label=_("市内转接（有效期10天）"), required=False)
    validity_days = forms.IntegerField(label=_("有效期（天）"), required=False, min_value=1,
                                       help_text=_("留空：市内10天，其他30天；最长90天。"))
    issued_on = forms.DateField(label=_("开具日期"), widget=DateInput())
    dues_paid_until = MonthField(label=_("党费交至"), required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches

    def clean(self):
        data = super().clean()
        if not data.get("to_branch") and not (data.get("to_org") or "").strip():
            self.add_error("to_org", _("请选择接收党支部，或填写系统外接收党组织名称。"))
        return data


class TransferReceiveForm(BootstrapForm):
    received_on = forms.DateField(label=_("报到/回执日期"), widget=DateInput())
    receipt_note = forms.CharField(label=_("回执说明"), max_length=200, required=False)
    party_group = forms.ModelChoiceField(label=_("编入党小组"), queryset=PartyGroup.objects.none(), required=False)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["party_group"]
        else:
            self.fields["party_group"].queryset = groups
            self.fields["party_group"].label_from_instance = lambda g: g.name


class TransferCancelForm(BootstrapForm):
    cancelled_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class TransferInForm(MemberFormBase):
    """A letter from outside: the letter's fields and the person's record."""

    model_fields = (*PERSONAL_FIELDS, "join_date", "full_member_date", "party_group")
    field_order = ["serial_no", "from_org", "issued_on", "received_on", "validity_days", "dues_paid_until",
                   "party_status", *FIELD_ORDER]
    group_label_with_branch = False

    serial_no = forms.CharField(label=_("介绍信编号"), max_length=30)
    from_org = forms.CharField(label=_("转出党组织"), max_length=100)
    issued_on = forms.DateField(label=_("开具日期"), widget=DateInput())
    received_on = forms.DateField(label=_("报到日期"), widget=DateInput())
    validity_days = forms.IntegerField(label=_("有效期（天）"), required=False, min_value=1)
    dues_paid_until = MonthField(label=_("党费交至"), required=False)
    party_status = forms.ChoiceField(label=_("党员类别"), choices=Transfer.PARTY_STATUS_CHOICES)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --------------------------------------------------------------------------- six-month rule, imports


class InactivityHandleForm(BootstrapForm):
    model = InactivityHandling
    model_fields = ("handled_on", "measure", "note")


class ImportForm(BootstrapForm):
    dataset = forms.ChoiceField(label=_("导入内容"), choices=ImportRun.Dataset.choices)
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                                          "spreadsheetml.sheet"}),
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("上传的文件是空的。")},
    )
