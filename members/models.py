"""The member roster (SPEC §3): fields of the national member record, status
with history, ID numbers encrypted and masked, audited reveals."""

from datetime import date
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import OrgUnit, TimeStampedModel, acting_user
from branches.rules import whole_years
from config.concurrency import version_field

from . import idnumbers, pipeline, rules


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

    version = version_field()  # optimistic concurrency: config.concurrency
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


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are added, never changed or removed (an audit trail)."""

    def update(self, **kwargs):
        raise PermissionDenied(_("审计记录只能新增，不能修改或删除。"))

    def delete(self):
        raise PermissionDenied(_("审计记录只能新增，不能修改或删除。"))


class IdNumberAccess(models.Model):
    """Audit of every reveal of a full ID number: append-only. The model, its
    queryset and the admin refuse changes and deletions, and a member whose
    number was revealed cannot be deleted with the trail (PROTECT)."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="id_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT)
    accessed_at = models.DateTimeField(_("查看时间"), auto_now_add=True)
    channel = models.CharField(_("途径"), max_length=20)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("身份证号查看记录")
        verbose_name_plural = _("身份证号查看记录")
        ordering = ["-accessed_at"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(_("审计记录只能新增，不能修改或删除。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("审计记录只能新增，不能修改或删除。"))


# --------------------------------------------------------------------------- 党费


class DuesRate(TimeStampedModel):
    """The 党费 rate table as data (SPEC §3): per personnel category, brackets of
    the monthly after-tax pay with inclusive upper bounds (blank: no bound),
    each a percentage of the pay or a fixed monthly amount — with the most a
    branch may set where the standard is a range (农牧渔民 0.2–1 元). Seeded by
    a data migration with the SPEC defaults; edited in the admin."""

    category = models.CharField(_("人员类别"), max_length=20, choices=Member.Category.choices)
    upper_bound = models.DecimalField(
        _("月工资收入上限（含）"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("留空表示无上限（最高一档）。"),
    )
    percent = models.DecimalField(_("交纳比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(_("每月固定金额（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    fixed_max = models.DecimalField(
        _("固定金额上限（元）"), max_digits=8, decimal_places=2, null=True, blank=True,
        help_text=_("支部可在固定金额与此上限之间确定（如农牧渔民0.2–1元）。"),
    )

    class Meta:
        verbose_name = _("党费交纳标准")
        verbose_name_plural = _("党费交纳标准")
        ordering = ["category", "upper_bound"]
        constraints = [
            models.UniqueConstraint(fields=["category", "upper_bound"], name="duesrate_unique_bracket"),
            models.UniqueConstraint(
                fields=["category"], condition=Q(upper_bound__isnull=True), name="duesrate_one_open_bracket"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=False, fixed_amount__isnull=True)
                | Q(percent__isnull=True, fixed_amount__isnull=False),
                name="duesrate_percent_or_fixed",
            ),
            models.CheckConstraint(
                condition=Q(fixed_max__isnull=True) | Q(fixed_max__gte=models.F("fixed_amount")),
                name="duesrate_fixed_range_ordered",
            ),
            models.CheckConstraint(condition=Q(percent__isnull=True) | Q(percent__gte=0), name="duesrate_percent_ge_0"),
        ]

    def __str__(self):
        bound = _("无上限") if self.upper_bound is None else f"≤{self.upper_bound}"
        rate = f"{self.percent}%" if self.percent is not None else f"{self.fixed_amount}元"
        return f"{self.get_category_display()} {bound} {rate}"


class DuesMonth(TimeStampedModel):
    """One month of one member's 党费 ledger: what was due (from the rate table
    and the pay base), what was paid and when. The 党费证 is these rows."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues")
    # the branch that collected it (members move; the branch's ledger stays)
    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="dues")
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    base_pay = models.DecimalField(_("月工资收入（基数）"), max_digits=10, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("交纳比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount_due = models.DecimalField(_("应交金额"), max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(_("实交金额"), max_digits=10, decimal_places=2, default=0)
    extra = models.DecimalField(_("自愿多交"), max_digits=10, decimal_places=2, default=0)
    exempt = models.BooleanField(_("经批准免交"), default=False)
    paid_on = models.DateField(_("交纳日期"), null=True, blank=True)
    receipt_no = models.CharField(_("票据号"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = acting_user(_("登记人"))

    version = version_field()  # optimistic concurrency: config.concurrency
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党费台账")
        verbose_name_plural = _("党费台账")
        ordering = ["member_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="duesmonth_one_row_per_member_month"),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0) & Q(amount_paid__gte=0) & Q(extra__gte=0),
                name="duesmonth_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(amount_paid=0) & Q(extra=0)) | Q(paid_on__isnull=False),
                name="duesmonth_payment_has_date",
            ),
            models.CheckConstraint(condition=Q(exempt=False) | Q(amount_due=0), name="duesmonth_exempt_owes_nothing"),
        ]
        indexes = [
            # the branch's month screen and ledger grid; the first month of a branch's ledger
            models.Index(fields=["branch", "month"], name="duesmonth_branch_month_idx"),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("月份应记为该月1日。")})

    @property
    def settled(self) -> bool:
        return self.exempt or self.amount_paid >= self.amount_due

    @property
    def owed(self):
        return max(self.amount_due - self.amount_paid, 0)

    @property
    def total_paid(self):
        return self.amount_paid + self.extra


# --------------------------------------------------------------------------- 学时


class Training(TimeStampedModel):
    """A training recorded by hand (党校培训, 网络学院, 集中轮训 …): 1 day = 8
    学时, half a day = 4, or hours as stated; credited to each participant."""

    branch = models.ForeignKey(OrgUnit, verbose_name=_("登记党支部"), on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("培训名称"), max_length=200)
    organiser = models.CharField(_("举办单位"), max_length=100, blank=True)
    start_date = models.DateField(_("培训日期"))
    full_days = models.PositiveSmallIntegerField(_("全天（天）"), default=0)
    half_days = models.PositiveSmallIntegerField(_("半天（个）"), default=0)
    hours = models.DecimalField(_("另计学时"), max_digits=5, decimal_places=1, default=0,
                                help_text=_("按学时计的课程（如网络培训）"))
    credited_hours = models.DecimalField(_("计入学时"), max_digits=5, decimal_places=1, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        Member, verbose_name=_("参训人员"), through="TrainingParticipant", related_name="trainings"
    )
    recorded_by = acting_user(_("登记人"))

    version = version_field()  # optimistic concurrency: config.concurrency
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(credited_hours__gt=0), name="training_credits_hours"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["branch", "start_date"], name="training_branch_date_idx")]

    def __str__(self):
        return f"{self.start_date} {self.title}"


class TrainingParticipant(models.Model):
    training = models.ForeignKey(Training, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="rows")
    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="training_rows")

    class Meta:
        verbose_name = _("参训人员")
        verbose_name_plural = _("参训人员")
        constraints = [models.UniqueConstraint(fields=["training", "member"], name="trainingparticipant_unique")]
        indexes = [
            # 学时 per member per year
            models.Index(fields=["member", "training"], name="trainingparticipant_member_idx"),
        ]


# --------------------------------------------------------------------------- 发展党员


class DevelopmentStep(TimeStampedModel):
    """One of the 25 steps of 发展党员 for one person, with its date, document
    and the people responsible. Steps are recorded in order (the service
    refuses a step whose predecessor is missing)."""

    member = models.ForeignKey(
        Member, verbose_name=_("发展对象"), on_delete=models.PROTECT, related_name="development_steps"
    )
    step = models.PositiveSmallIntegerField(_("步骤"), choices=pipeline.STEP_CHOICES)
    date = models.DateField(_("日期"))
    document = models.CharField(_("材料/文书"), max_length=200, blank=True,
                                help_text=_("如入党申请书、谈话记录、备案文号"))
    responsible = models.CharField(_("负责人/经办人"), max_length=100, blank=True)
    people = models.ManyToManyField(
        Member, verbose_name=_("培养联系人/入党介绍人"), blank=True, related_name="development_roles"
    )
    hours = models.DecimalField(_("培训学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = acting_user(_("登记人"))

    version = version_field()  # optimistic concurrency: config.concurrency
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("发展党员步骤")
        verbose_name_plural = _("发展党员步骤")
        ordering = ["member_id", "step"]
        constraints = [
            models.UniqueConstraint(fields=["member", "step"], name="developmentstep_once_per_member"),
            models.CheckConstraint(condition=Q(step__gte=1) & Q(step__lte=pipeline.LAST), name="developmentstep_known"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_step_display()}"

    @property
    def definition(self) -> pipeline.StepDef:
        return pipeline.BY_NUMBER[self.step]


# --------------------------------------------------------------------------- 组织关系转接


class Transfer(TimeStampedModel):
    """An introduction letter (组织关系介绍信). Out: issued by a branch here
    (to a branch here, or to an organisation outside the system); in: a letter
    from outside, registered by the receiving branch. 开具 → 已报到 (receipt)
    or 逾期 (past validity without receipt)."""

    class Direction(models.TextChoices):
        OUT = "out", _("转出")
        IN = "in", _("转入")

    class State(models.TextChoices):  # derived from the dates, never stored
        ISSUED = rules.ISSUED, _("已开具")
        RECEIVED = rules.RECEIVED, _("已报到")
        OVERDUE = rules.OVERDUE, _("逾期")
        CANCELLED = rules.CANCELLED, _("已撤销")

    PARTY_STATUS_CHOICES = [
        (Member.Status.FULL, Member.Status.FULL.label),
        (Member.Status.PROBATIONARY, Member.Status.PROBATIONARY.label),
    ]

    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    from_branch = models.ForeignKey(
        OrgUnit, verbose_name=_("转出党支部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_branch = models.ForeignKey(
        OrgUnit, verbose_name=_("接收党支部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    serial_no = models.CharField(_("介绍信编号"), max_length=30)
    # the letter's fields (SPEC §3), as written on the day of issue
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Member.Gender.choices)
    age = models.PositiveSmallIntegerField(_("年龄"))
    ethnicity = models.CharField(_("民族"), max_length=20)
    party_status = models.CharField(_("党员类别"), max_length=20, choices=PARTY_STATUS_CHOICES)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    from_org = models.CharField(_("转出党组织"), max_length=100)
    to_org = models.CharField(_("接收党组织"), max_length=100)
    dues_paid_until = models.DateField(_("党费交至"), null=True, blank=True, help_text=_("该月1日"))
    issued_on = models.DateField(_("开具日期"))
    validity_days = models.PositiveSmallIntegerField(_("有效期（天）"))
    expires_on = models.DateField(_("有效期至"), editable=False)
    received_on = models.DateField(_("报到/回执日期"), null=True, blank=True)
    receipt_note = models.CharField(_("回执说明"), max_length=200, blank=True)
    cancelled_on = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    issued_by = acting_user(_("经办人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_branch", "serial_no"], condition=Q(direction="out"), name="transfer_serial_per_branch"
            ),
            models.CheckConstraint(condition=Q(validity_days__gte=1), name="transfer_validity_positive"),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=models.F("issued_on")),
                name="transfer_received_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(direction="out") | Q(from_branch__isnull=False), name="transfer_out_has_branch"
            ),
            models.CheckConstraint(
                condition=~Q(direction="in") | Q(to_branch__isnull=False), name="transfer_in_has_branch"
            ),
        ]
        indexes = [
            # a branch's letters, and the overdue sweep (open letters past validity)
            models.Index(fields=["from_branch", "issued_on"], name="transfer_from_idx"),
            models.Index(fields=["to_branch", "issued_on"], name="transfer_to_idx"),
            models.Index(fields=["received_on", "expires_on"], name="transfer_open_idx"),
        ]

    def __str__(self):
        return f"{self.serial_no} {self.name} {self.from_org} → {self.to_org}"

    def state_on(self, day: date) -> str:
        return rules.transfer_state(
            expires_on=self.expires_on, received_on=self.received_on, cancelled_on=self.cancelled_on, on=day
        )

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_open(self) -> bool:
        return not (self.received_on or self.cancelled_on)


# --------------------------------------------------------------------------- six-month rule handling


class InactivityHandling(TimeStampedModel):
    """How the branch handled a six-month case (SPEC §3): the system flags,
    people decide. One row closes one streak (member, rule, first month)."""

    class Rule(models.TextChoices):
        DUES = "dues", _("连续6个月未交纳党费")
        ATTENDANCE = "attendance", _("连续6个月未参加组织生活")

    class Measure(models.TextChoices):
        VALID_REASON = "valid_reason", _("有正当理由")
        CORRECTED = "corrected", _("经教育已改正")
        LEFT_PARTY = "left_party", _("按自行脱党程序处理")
        OTHER = "other", _("其他")

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="inactivity_handlings"
    )
    rule = models.CharField(_("情形"), max_length=20, choices=Rule.choices)
    since = models.DateField(_("起始月份"))
    handled_on = models.DateField(_("处置日期"))
    measure = models.CharField(_("处置结果"), max_length=20, choices=Measure.choices)
    note = models.TextField(_("处置情况说明"))
    handled_by = acting_user(_("登记人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("六个月情形处置")
        verbose_name_plural = _("六个月情形处置")
        ordering = ["member_id", "-since"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rule", "since"], name="inactivityhandling_once_per_streak"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_rule_display()} {self.since:%Y-%m}"


class InactivityCase(TimeStampedModel):
    """A six-month case as first found (SPEC §11): it belongs to the year in
    which its sixth month ended and stays open until the branch records how it
    handled it (an InactivityHandling with the same member, rule and first
    month), even if the member pays or attends later and the streak that
    raised it is over. Written by the daily alert sweep and by the pages and
    API that list cases (`members.services.inactivity.six_month_cases_record`)."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="inactivity_cases"
    )
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="inactivity_cases"
    )
    rule = models.CharField(_("情形"), max_length=20, choices=InactivityHandling.Rule.choices)
    since = models.DateField(_("起始月份"))
    year = models.PositiveSmallIntegerField(_("所属年度"), help_text=_("第六个月结束的年份"))
    last = models.DateField(_("最近交纳/参加的月份"), null=True, blank=True)
    found_on = models.DateField(_("发现日期"))

    class Meta:
        verbose_name = _("六个月情形")
        verbose_name_plural = _("六个月情形")
        ordering = ["branch_id", "-since", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rule", "since"], name="inactivitycase_once_per_streak"),
        ]
        indexes = [models.Index(fields=["branch", "year"], name="inactivitycase_branch_year_idx")]

    def __str__(self):
        return f"{self.member} {self.get_rule_display()} {self.since:%Y-%m}"


# --------------------------------------------------------------------------- Excel imports


def import_report_path(run, filename: str) -> str:
    return f"members/imports/{timezone.localdate():%Y/%m}/{uuid4().hex}.xlsx"


class ImportRun(TimeStampedModel):
    """One upload of a roster or dues workbook: committed as a whole, or
    refused as a whole with every error listed and marked in a report."""

    class Dataset(models.TextChoices):
        ROSTER = "roster", _("党员名册")
        DUES = "dues", _("党费台账")

    class Outcome(models.TextChoices):
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("未导入（有错误）")

    dataset = models.CharField(_("数据类型"), max_length=10, choices=Dataset.choices)
    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("文件名"), max_length=200)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("写入条数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    report = models.FileField(_("错误报告"), upload_to=import_report_path, blank=True)

    class Meta:
        verbose_name = _("Excel导入记录")
        verbose_name_plural = _("Excel导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_dataset_display()} {self.filename} {self.get_outcome_display()}"

    @property
    def error_count(self) -> int:
        return len(self.errors)
