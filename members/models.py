"""The member roster (SPEC §3): fields of the national member record, status
with history, ID numbers encrypted and masked, audited reveals."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import OrgUnit, TimeStampedModel
from branches.rules import whole_years

from . import idnumbers


class Member(TimeStampedModel):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("入党申请人")
        ACTIVIST = "activist", _("入党积极分子")
        CANDIDATE = "candidate", _("发展对象")
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")
        TRANSFERRED_OUT = "transferred_out", _("转出")
        SUSPENDED = "suspended", _("停止党籍")
        EXPELLED = "expelled", _("出党/除名")
        DECEASED = "deceased", _("死亡")

    # members of the party counted in the branch (正式 + 预备)
    PARTY_STATUSES = (Status.PROBATIONARY, Status.FULL)
    PIPELINE_STATUSES = (Status.APPLICANT, Status.ACTIVIST, Status.CANDIDATE)
    LEFT_STATUSES = (Status.TRANSFERRED_OUT, Status.SUSPENDED, Status.EXPELLED, Status.DECEASED)

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Education(models.TextChoices):
        POSTGRADUATE = "postgraduate", _("研究生")
        BACHELOR = "bachelor", _("大学本科")
        COLLEGE = "college", _("大学专科")
        SECONDARY_VOCATIONAL = "vocational", _("中专")
        HIGH_SCHOOL = "high_school", _("高中")
        MIDDLE_SCHOOL = "middle_school", _("初中及以下")

    class Category(models.TextChoices):
        EMPLOYED = "employed", _("在岗职工")
        FARMER = "farmer", _("农牧渔民")
        RETIRED = "retired", _("退休人员")
        STUDENT = "student", _("学生")
        OTHER = "other", _("其他")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    id_number_encrypted = models.TextField(_("身份证号（密文）"), blank=True, editable=False)
    id_number_digest = models.CharField(_("身份证号摘要"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    post = models.CharField(_("职务/岗位"), max_length=60, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices, default=Category.EMPLOYED)
    application_date = models.DateField(_("申请入党日期"), null=True, blank=True)
    activist_date = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_date = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    join_date = models.DateField(_("入党日期"), null=True, blank=True, help_text=_("支部大会通过接收为预备党员的日期"))
    full_member_date = models.DateField(_("转正日期"), null=True, blank=True)
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("所在党支部"), on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        "branches.PartyGroup", verbose_name=_("党小组"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.FULL)
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    remarks = models.TextField(_("备注"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="member",
    )

    history = HistoricalRecords(excluded_fields=["id_number_encrypted"])

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"], condition=~Q(id_number_digest=""), name="member_unique_id_number"
            ),
            models.CheckConstraint(
                condition=Q(full_member_date__isnull=True) | Q(join_date__isnull=False),
                name="member_full_date_needs_join_date",
            ),
        ]
        indexes = [
            # member list of a branch filtered by status (roster page, rule facts)
            models.Index(fields=["branch", "status"], name="member_branch_status_idx"),
            models.Index(fields=["name"], name="member_name_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number(self) -> str:
        """Plain ID number — only for code paths that checked and audited access."""
        return idnumbers.decrypt(self.id_number_encrypted)

    def set_id_number(self, value: str) -> None:
        value = idnumbers.normalize(value)
        if not value:
            self.id_number_encrypted = self.id_number_digest = self.id_number_masked = ""
            return
        self.id_number_encrypted = idnumbers.encrypt(value)
        self.id_number_digest = idnumbers.digest(value)
        self.id_number_masked = idnumbers.mask(value)

    def party_years(self, on: date | None = None) -> int | None:
        """党龄 counts from the full-membership date (转正日期)."""
        if not self.full_member_date:
            return None
        return whole_years(self.full_member_date, on or date.today())

    def age(self, on: date | None = None) -> int:
        return whole_years(self.birth_date, on or date.today())

    @property
    def is_party_member(self) -> bool:
        return self.status in self.PARTY_STATUSES

    def clean(self):
        errors = {}
        today = date.today()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("出生日期不能晚于今天。")
        order = [
            ("application_date", _("申请入党日期")),
            ("activist_date", _("确定积极分子日期")),
            ("candidate_date", _("确定发展对象日期")),
            ("join_date", _("入党日期")),
            ("full_member_date", _("转正日期")),
        ]
        previous = None
        for field, label in order:
            value = getattr(self, field)
            if value and value > today:
                errors[field] = _("%(label)s不能晚于今天。") % {"label": label}
            elif value and previous and value < previous[1]:
                errors[field] = _("%(label)s不能早于%(prev)s。") % {"label": label, "prev": previous[0]}
            if value:
                previous = (label, value)
        if self.status == self.Status.FULL and not self.full_member_date:
            errors["full_member_date"] = _("正式党员须填写转正日期。")
        if self.status == self.Status.PROBATIONARY and not self.join_date:
            errors["join_date"] = _("预备党员须填写入党日期。")
        if self.branch_id and not self.branch.is_branch:
            errors["branch"] = _("党员只能编入党支部。")
        if self.party_group_id and self.party_group.branch_id != self.branch_id:
            errors["party_group"] = _("党小组必须属于该党员所在党支部。")
        if errors:
            raise ValidationError(errors)


class MemberStatusChange(TimeStampedModel):
    """Status history: every change of a member's status is a dated row."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=20, choices=Member.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Member.Status.choices)
    date = models.DateField(_("变动日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("状态变动")
        verbose_name_plural = _("状态变动")
        ordering = ["member_id", "date", "id"]


class IdNumberAccess(models.Model):
    """Audit of every reveal of a full ID number."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="id_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT)
    accessed_at = models.DateTimeField(_("查看时间"), auto_now_add=True)
    channel = models.CharField(_("途径"), max_length=20)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("身份证号查看记录")
        verbose_name_plural = _("身份证号查看记录")
        ordering = ["-accessed_at"]
