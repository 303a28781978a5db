"""Organisation tree, committees with terms and role tenures, elections,
postponement approvals, party groups, rule policies and role assignments."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.concurrency import version_field

from .rules import in_office, latest_due_end, within_months


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def acting_user(label) -> models.ForeignKey:
    """Who recorded, uploaded or bound something: kept when the account is
    deleted (set to NULL), no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=label, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )


class Sector(models.TextChoices):
    """领域: scorecards and term lengths can vary by it."""

    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    GOVERNMENT = "government", _("机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_OWNED = "soe", _("国有企业")
    PRIVATE = "private", _("非公有制企业")
    SOCIAL_ORG = "social_org", _("社会组织")
    SCHOOL = "school", _("学校")
    OTHER = "other", _("其他")


class OrgUnit(TimeStampedModel):
    """A node of the org tree: 党委 → (党总支) → 党支部.

    `path` is a materialised path ("/1/7/42/") so that a subtree is one indexed
    `path__startswith` query, never a walk in Python.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        JOINT_BRANCH = "joint_branch", _("联合党支部")
        TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")

    BRANCH_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH)

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # db_index on a CharField also gives PostgreSQL a varchar_pattern_ops index,
    # which is what `path LIKE '/1/7/%'` (subtree queries) needs.
    path = models.CharField(_("路径"), max_length=255, editable=False, default="", db_index=True)
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False, default=0)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    unit_name = models.CharField(_("所在单位"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    version = version_field()  # optimistic concurrency: config.concurrency
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "sector"], name="orgunit_kind_sector_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = self.build_path()
        if path != self.path:
            old, old_depth = self.path, self.depth
            self.path, self.depth = path, path.count("/") - 2
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old:
                # moved: rewrite every descendant's path prefix and depth in one UPDATE
                OrgUnit.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1), output_field=models.CharField()),
                    depth=F("depth") + (self.depth - old_depth),
                )

    @property
    def is_branch(self) -> bool:
        return self.kind in self.BRANCH_KINDS

    def clean(self):
        if self.parent_id:
            if self.parent.is_branch:
                raise ValidationError({"parent": _("党支部下不能再设下级党组织（党小组请在党支部页面添加）。")})
            if self.pk and f"/{self.pk}/" in self.parent.path:
                raise ValidationError({"parent": _("不能把组织移动到它自己的下级之下。")})
        elif self.is_branch or self.kind == self.Kind.GENERAL_BRANCH:
            raise ValidationError({"parent": _("党总支、党支部必须有上级党组织。")})

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"


class PartyGroup(TimeStampedModel):
    """党小组 — belongs to a 党支部."""

    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=60)
    leader = models.ForeignKey(
        "members.Member",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )

    version = version_field()  # optimistic concurrency: config.concurrency
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        ordering = ["branch_id", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="partygroup_unique_name_per_branch")]

    def __str__(self):
        return f"{self.branch.name} · {self.name}"

    def clean(self):
        if self.branch_id and not self.branch.is_branch:
            raise ValidationError({"branch": _("党小组只能设在党支部下。")})
        if self.leader_id and self.leader.branch_id != self.branch_id:
            raise ValidationError({"leader": _("组长必须是本支部党员。")})


class RulePolicy(TimeStampedModel):
    """The numbers of SPEC §2 as data: one row per 领域, with a row of blank
    sector as the default. Seeded by a data migration; editable in the admin."""

    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, blank=True, unique=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    # calendar months (SPEC §11: "at most 1 year" is up to the same date one year later)
    max_postponement_months = models.PositiveSmallIntegerField(_("延期/提前换届最长月数"), default=12)
    min_full_members = models.PositiveSmallIntegerField(_("党支部最少正式党员数"), default=3)
    normal_max_members = models.PositiveSmallIntegerField(_("党支部党员数一般上限"), default=50)
    general_branch_max_members = models.PositiveSmallIntegerField(_("建议设党总支的党员数上限"), default=100)
    committee_threshold = models.PositiveSmallIntegerField(_("设支委会的正式党员数"), default=7)
    committee_min_size = models.PositiveSmallIntegerField(_("支委会最少人数"), default=3)
    committee_normal_max_size = models.PositiveSmallIntegerField(_("支委会一般最多人数"), default=5)
    committee_max_size = models.PositiveSmallIntegerField(_("支委会最多人数"), default=7)
    vacancy_max_months = models.PositiveSmallIntegerField(_("缺额须补选月数"), default=3)
    secretary_min_party_years = models.PositiveSmallIntegerField(_("书记最少党龄（年）"), default=1)
    group_min_members = models.PositiveSmallIntegerField(_("党小组最少人数"), default=3)
    group_min_full_members = models.PositiveSmallIntegerField(_("党小组最少正式党员数"), default=1)
    expiring_notice_days = models.PositiveSmallIntegerField(_("换届提醒提前天数"), default=180)

    class Meta:
        verbose_name = _("组织设置规则")
        verbose_name_plural = _("组织设置规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_min_size__lte=models.F("committee_normal_max_size"))
                & Q(committee_normal_max_size__lte=models.F("committee_max_size")),
                name="rulepolicy_committee_sizes_ordered",
            ),
        ]

    def __str__(self):
        return str(self.get_sector_display() or _("默认"))

    @classmethod
    def for_sector(cls, sector: str, policies: dict | None = None) -> "RulePolicy":
        """The policy of a 领域, else the default row, else the built-in defaults.
        Pass `policies` (from `all_by_sector()`) to avoid a query per branch."""
        policies = cls.all_by_sector() if policies is None else policies
        return policies.get(sector) or policies.get("") or cls()

    @classmethod
    def all_by_sector(cls) -> dict:
        return {p.sector: p for p in cls.objects.all()}


class RuleFactsVersion(models.Model):
    """One row whose token changes with every write to what the SPEC §2 rules
    read (units, members, committee terms and tenures, elections, adjustments,
    党小组, rule policies). The write changes it inside its own transaction, so a
    reader sees the new token exactly when it sees the new rows; findings are
    cached under it (`branches.selectors.branch_rule_findings`). A random token,
    not a counter: a rolled-back write never hands its number to a later one."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("组织设置规则数据版本")
        verbose_name_plural = _("组织设置规则数据版本")

    def __str__(self):
        return self.token


class CommitteeTerm(TimeStampedModel):
    """One term (届) of a branch's 支部委员会 (or of its 书记 where no committee
    is required). The due end comes from the 领域's term length at creation."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"), default=1)
    start_date = models.DateField(_("任期开始"))
    due_end_date = models.DateField(_("应届满日期"))
    actual_end_date = models.DateField(_("实际结束日期"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("委员职数"), default=1)
    election = models.OneToOneField(
        "Election", verbose_name=_("产生该届的选举"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="resulting_term",
    )
    notes = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委员会任期")
        verbose_name_plural = _("委员会任期")
        ordering = ["org_unit_id", "-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(due_end_date__gt=models.F("start_date")), name="term_due_after_start"),
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=models.F("start_date")),
                name="term_actual_end_after_start",
            ),
            # at most one open term per org unit
            models.UniqueConstraint(
                fields=["org_unit"], condition=Q(actual_end_date__isnull=True), name="term_one_open_per_org_unit"
            ),
            models.UniqueConstraint(fields=["org_unit", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="term_seats_positive"),
        ]
        indexes = [models.Index(fields=["org_unit", "actual_end_date"], name="term_open_idx")]

    def __str__(self):
        return _("%(org)s 第%(n)s届") % {"org": self.org_unit.name, "n": self.number}

    def effective_due_end(self, approvals=None) -> date:
        """Due end after the latest approved postponement/advance (one rule, in the engine)."""
        approvals = self.postponements.all() if approvals is None else approvals
        ordered = sorted(approvals, key=lambda a: (a.approval_date, a.pk))
        return latest_due_end(self.due_end_date, [a.new_due_end_date for a in ordered])


class RoleTenure(TimeStampedModel):
    """Who held which committee role from when to when — history, not a field."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy", _("副书记")
        ORGANIZATION = "organization", _("组织委员")
        PROPAGANDA = "propaganda", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")
        YOUTH = "youth", _("青年委员")
        MASS_WORK = "mass_work", _("群工委员")
        MEMBER = "member", _("委员")

    REQUIRED_COMMITTEE_ROLES = (Role.ORGANIZATION, Role.PROPAGANDA, Role.DISCIPLINE)
    SMALL_BRANCH_ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY)

    term = models.ForeignKey(CommitteeTerm, verbose_name=_("任期"), on_delete=models.CASCADE, related_name="tenures")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="tenures"
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    # 兼任: a 3-member committee covers 书记/组织/宣传/纪检 only if someone holds two roles
    concurrent_role = models.CharField(_("兼任职务"), max_length=20, choices=Role.choices, blank=True)
    start_date = models.DateField(_("任职开始"))
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委员任职")
        verbose_name_plural = _("委员任职")
        ordering = ["term_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="tenure_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(concurrent_role=models.F("role")), name="tenure_concurrent_role_differs"),
            # a member holds one open seat per term
            models.UniqueConstraint(
                fields=["term", "member"], condition=Q(end_date__isnull=True), name="tenure_one_open_seat_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.title}"

    @property
    def title(self) -> str:
        """职务 as shown: "组织委员兼纪检委员"."""
        if self.concurrent_role:
            return _("%(role)s兼%(other)s") % {"role": self.get_role_display(), "other": self.get_concurrent_role_display()}
        return str(self.get_role_display())

    def held_on(self, day: date) -> bool:
        return in_office(self.start_date, self.end_date, day)


class Election(TimeStampedModel):
    """换届选举 / 补选 record. Quorum: voters present > 4/5 of those due; a
    candidate is elected with > half of voters present (Party Constitution,
    选举工作条例). A failed quorum is kept on record and marked invalid."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("换届选举")
        BY_ELECTION = "by_election", _("补选")

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="elections")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    date = models.DateField(_("选举日期"))
    voters_due = models.PositiveIntegerField(_("应到有选举权党员数"))
    voters_present = models.PositiveIntegerField(_("实到有选举权党员数"))
    quorum_met = models.BooleanField(_("到会人数符合规定"), default=False, editable=False)
    # 应选名额: the approved 职数 (换届) or the vacancies (补选) — never derived from the result
    seats = models.PositiveSmallIntegerField(_("应选名额"), null=True, blank=True)
    # seats left open because candidates tied for the last one: they go to another round (另行选举)
    runoff_seats = models.PositiveSmallIntegerField(_("另行选举名额"), default=0, editable=False)
    notes = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选举记录")
        verbose_name_plural = _("选举记录")
        ordering = ["org_unit_id", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voters_present__lte=models.F("voters_due")), name="election_present_not_above_due"
            ),
            models.CheckConstraint(condition=Q(voters_due__gt=0), name="election_voters_due_positive"),
        ]

    def __str__(self):
        return f"{self.org_unit.name} {self.get_kind_display()} {self.date}"


class ElectionCandidate(models.Model):
    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey("members.Member", verbose_name=_("候选人"), on_delete=models.PROTECT)
    votes = models.PositiveIntegerField(_("得票数"))
    elected = models.BooleanField(_("当选"), default=False, editable=False)
    # above half of the voters present but tied for the last seat: 另行选举
    runoff = models.BooleanField(_("需另行选举"), default=False, editable=False)
    role = models.CharField(_("拟任职务"), max_length=20, choices=RoleTenure.Role.choices, default=RoleTenure.Role.MEMBER)

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="candidate_unique_per_election"),
        ]

    def __str__(self):
        return f"{self.member} {self.votes}"


class TermAdjustment(TimeStampedModel):
    """Approval to postpone (延期) or advance (提前) an election: at most one year."""

    class Kind(models.TextChoices):
        POSTPONE = "postpone", _("延期换届")
        ADVANCE = "advance", _("提前换届")

    term = models.ForeignKey(CommitteeTerm, verbose_name=_("任期"), on_delete=models.CASCADE, related_name="postponements")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.POSTPONE)
    approver = models.CharField(_("批准机关"), max_length=100)
    approval_date = models.DateField(_("批准日期"))
    document_no = models.CharField(_("批准文号"), max_length=60)
    new_due_end_date = models.DateField(_("调整后届满日期"))
    reason = models.TextField(_("原因"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期/提前换届批复")
        verbose_name_plural = _("延期/提前换届批复")
        ordering = ["term_id", "approval_date", "id"]

    def clean(self):
        if not (self.term_id and self.new_due_end_date):
            return
        due = self.term.due_end_date
        if self.kind == self.Kind.POSTPONE and self.new_due_end_date <= due:
            raise ValidationError({"new_due_end_date": _("延期换届的新届满日期必须晚于原届满日期。")})
        if self.kind == self.Kind.ADVANCE and self.new_due_end_date >= due:
            raise ValidationError({"new_due_end_date": _("提前换届的新届满日期必须早于原届满日期。")})
        months = RulePolicy.for_sector(self.term.org_unit.sector).max_postponement_months
        if not within_months(due, self.new_due_end_date, months):
            raise ValidationError(
                {"new_due_end_date": _("延期或提前换届一般不超过1年（%(months)s个月，即不晚于或不早于原届满日期的同一日）。")
                 % {"months": months}}
            )


class RoleAssignment(TimeStampedModel):
    """A user's role bound to an org unit (SPEC §1). All scoping derives from these."""

    class Role(models.TextChoices):
        BRANCH_SECRETARY = "branch_secretary", _("支部书记")
        BRANCH_COMMITTEE = "branch_committee", _("支部委员")
        COMMITTEE_ADMIN = "committee_admin", _("党委/党总支管理员")
        ORG_DEPARTMENT = "org_department", _("组织部/机关工委")
        INSPECTOR = "inspector", _("验收组成员")

    BRANCH_ROLES = (Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE)
    SUBTREE_ROLES = (Role.COMMITTEE_ADMIN, Role.ORG_DEPARTMENT, Role.INSPECTOR)
    EDITING_ROLES = (Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE, Role.COMMITTEE_ADMIN, Role.ORG_DEPARTMENT)
    ID_NUMBER_ROLES = (Role.BRANCH_SECRETARY, Role.COMMITTEE_ADMIN, Role.ORG_DEPARTMENT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="assignments")
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="roleassignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"

    def clean(self):
        if self.role in self.BRANCH_ROLES and self.org_unit_id and not self.org_unit.is_branch:
            raise ValidationError({"org_unit": _("支部书记、支部委员只能授权到党支部。")})


# --------------------------------------------------------------------------- alerts (SPEC §7)


class AlertKind(models.TextChoices):
    """The kinds of SPEC §7. Each has a rule row (`AlertRule`, seeded by a data
    migration) and a function registered in `branches.alerts` (or in another
    app's `alerts` module) that says which alerts should fire."""

    MEETING_DUE = "meeting_due", _("会议即将到期")
    MEETING_OVERDUE = "meeting_overdue", _("会议逾期")
    TERM_EXPIRING = "term_expiring", _("换届提醒")
    TERM_OVERDUE = "term_overdue", _("换届逾期")
    PROBATION_ENDING = "probation_ending", _("预备期满")
    DUES_ARREARS = "dues_arrears", _("党费欠缴")
    NO_ORG_LIFE = "no_org_life", _("未参加组织生活")
    STUDY_SHORTFALL = "study_shortfall", _("学时不足")
    ACCEPTANCE_DUE = "acceptance_due", _("验收截止")
    TRANSFER_OVERDUE = "transfer_overdue", _("转接逾期")


class AlertRule(TimeStampedModel):
    """One row per alert kind: when it fires (stages, look-back, start of the
    season) and to whom. The defaults of SPEC §7 are seeded by a data
    migration; edit them in the admin — the code holds no such numbers."""

    class StageUnit(models.TextChoices):
        DAYS = "days", _("天")
        MONTHS = "months", _("个月")

    kind = models.CharField(_("提醒类型"), max_length=40, choices=AlertKind.choices, unique=True)
    stages = models.JSONField(
        _("提醒节点"),
        default=list,
        blank=True,
        help_text=_(
            "整数列表。会议、换届、预备期、验收：到期前的天数（如 [180, 90, 30]，每越过一个节点提醒一次）；"
            "党费欠缴、未参加组织生活：连续月数（如 [3, 6]）。"
        ),
    )
    stage_unit = models.CharField(_("节点单位"), max_length=10, choices=StageUnit.choices, default=StageUnit.DAYS)
    lookback_days = models.PositiveSmallIntegerField(
        _("回溯天数"), default=0, help_text=_("会议逾期：只提醒在此天数内结束的周期，首次运行不会翻出多年的旧账。")
    )
    season_start = models.CharField(
        _("每年起始日期"), max_length=5, blank=True, help_text=_("月-日，如 11-01：学时不足从每年11月1日起提醒。")
    )
    notify_secretary = models.BooleanField(_("通知支部书记"), default=True)
    notify_superior = models.BooleanField(_("通知上级党委/党总支管理员"), default=False)
    notify_org_department = models.BooleanField(_("通知组织部"), default=False)
    send_email = models.BooleanField(_("发送电子邮件"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["kind"]

    def __str__(self):
        return str(self.get_kind_display())

    def clean(self):
        stages = self.stages
        if not isinstance(stages, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0
                                                   for s in stages):
            raise ValidationError({"stages": _("提醒节点应为正整数列表，如 [180, 90, 30]。")})
        if self.season_start:
            try:
                month, day = (int(p) for p in self.season_start.split("-"))
                date(2000, month, day)  # a leap year, so 02-29 is allowed
            except ValueError:
                raise ValidationError({"season_start": _("请按“月-日”填写，如 11-01。")}) from None


class Alert(TimeStampedModel):
    """One alert: a kind about a subject (a branch's requirement, a term, a
    member, a letter) for a period at a stage. The unique constraint on those
    four is what makes the sweep idempotent, also on two workers at once."""

    Kind = AlertKind

    class Level(models.TextChoices):
        REMINDER = "reminder", _("提醒")
        OVERDUE = "overdue", _("逾期")

    kind = models.CharField(_("提醒类型"), max_length=40, choices=AlertKind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, default=Level.REMINDER)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="alerts")
    # "branch:12:committee", "group:4:group", "term:7", "member:88", "transfer:3"
    subject = models.CharField(_("对象"), max_length=100)
    # "2026-03", "2026-Q1", a due date "2026-10-31", a first month "2026-01"
    period = models.CharField(_("周期"), max_length=40)
    # "180" / "90" / "30" days before, "3" / "6" months; blank for a single stage
    stage = models.CharField(_("节点"), max_length=20, blank=True)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("期限"), null=True, blank=True)
    raised_on = models.DateField(_("提醒日期"))
    # names and numbers for the message, rendered in the reader's language
    facts = models.JSONField(_("详情"), default=dict, blank=True)
    # set once a sweep has created the recipients' notifications
    notified_at = models.DateTimeField(_("已分发"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "period", "stage"], name="alert_once_per_stage"),
        ]
        indexes = [
            # the 党委 dashboard and the alerts API: a subtree's alerts of a level, newest first
            models.Index(fields=["level", "raised_on"], name="alert_level_raised_idx"),
            # a branch's alerts (API filter org_unit)
            models.Index(fields=["org_unit", "raised_on"], name="alert_unit_raised_idx"),
            # the sweep's fan-out: alerts whose notifications are not created yet
            models.Index(fields=["id"], condition=Q(notified_at__isnull=True), name="alert_pending_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.org_unit_id} · {self.period}"

    @property
    def message(self) -> str:
        from .alerts import describe

        return describe(self)

    @property
    def target_url(self) -> str:
        from .alerts import target_url

        return target_url(self)


class Notification(models.Model):
    """An alert delivered to one user: read or unread, e-mailed or not."""

    alert = models.ForeignKey(Alert, verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_due = models.BooleanField(_("需发送邮件"), default=False)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # the sweep that claimed the e-mail (UPDATE … WHERE emailed_at IS NULL), so two workers never both send
    email_batch = models.UUIDField(_("邮件批次"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="notification_once_per_user"),
        ]
        indexes = [
            # the unread badge in the header: COUNT(*) WHERE user_id = … AND read_at IS NULL, on every page
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            # the notification list, newest first
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
            # the e-mail claim: notifications still to be e-mailed
            models.Index(
                fields=["id"], condition=Q(email_due=True, emailed_at__isnull=True), name="notification_email_idx"
            ),
            models.Index(
                fields=["email_batch"], condition=Q(email_batch__isnull=False), name="notification_email_batch_idx"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.alert}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
