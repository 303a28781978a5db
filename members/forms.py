"""Forms of the roster pages. The ID number is checked by `members.services`
(GB 11643 checksum, birth date, uniqueness); these forms only parse input."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.forms import BootstrapForm, DateInput
from branches.models import OrgUnit, PartyGroup

from .models import Member

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


class MemberUpdateForm(MemberFormBase):
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
