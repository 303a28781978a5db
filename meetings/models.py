"""三会一课 and other organisational life (SPEC §4): meeting records with
attendance, resolutions, attachments and 民主评议 grades; 谈心谈话 and 党员汇报
records; and the requirement table the compliance calendar is computed from.

Writes go through `meetings.services`; the compliance maths is the pure module
`meetings.compliance`, fed by `meetings.selectors`.
"""

from pathlib import PurePosixPath
from uuid import uuid4

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import OrgUnit, PartyGroup, Sector, TimeStampedModel, acting_user


class Meeting(TimeStampedModel):
    """A meeting record (会议记录). One meeting may count for several kinds
    (e.g. a 支部党员大会 that is also the month's 主题党日): `kind` is the form
    the meeting took (it decides who was due to attend and the quorum rule),
    `kinds` (rows of MeetingKind) are everything it counts for, `kind` included."""

    class Kind(models.TextChoices):
        BRANCH_ASSEMBLY = "branch_assembly", _("支部党员大会")
        COMMITTEE = "committee", _("支委会")
        GROUP = "group", _("党小组会")
        LECTURE = "lecture", _("党课")
        THEME_DAY = "theme_day", _("主题党日")
        LIFE_MEETING = "life_meeting", _("组织生活会")
        EVALUATION = "evaluation", _("民主评议党员")
        STUDY = "study", _("集中学习")

    # kinds with their own roster (应到人员) and quorum: at most one per meeting, and it is the form
    ROSTER_KINDS = (Kind.BRANCH_ASSEMBLY, Kind.COMMITTEE, Kind.GROUP)
    # kinds with study content: study hours are credited by default (SPEC §3)
    STUDY_KINDS = (Kind.LECTURE, Kind.THEME_DAY, Kind.STUDY)

    class Quorum(models.TextChoices):
        NONE = "none", _("无法定人数要求")
        FULL_MEMBERS = "full_members", _("有表决权的正式党员过半数")
        COMMITTEE = "committee", _("支委会委员过半数")

    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("会议形式"), max_length=20, choices=Kind.choices)
    held_at = models.DateTimeField(_("会议时间"))
    # the local (Asia/Shanghai) date of held_at, kept for the calendar and period queries
    date = models.DateField(_("会议日期"), editable=False)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    host = models.ForeignKey(
        "members.Member", verbose_name=_("主持人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder = models.ForeignKey(
        "members.Member", verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party_group = models.ForeignKey(
        PartyGroup, verbose_name=_("党小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    lecturer = models.ForeignKey(
        "members.Member",
        verbose_name=_("党课主讲人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lectures",
    )
    lecturer_name = models.CharField(_("主讲人姓名"), max_length=50, blank=True)
    lecture_title = models.CharField(_("党课题目"), max_length=200, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议记录"), blank=True, help_text=_("发言要点、不同意见等"))
    study_hours = models.DecimalField(_("计入学时"), max_digits=4, decimal_places=1, default=0)
    expected_count = models.PositiveSmallIntegerField(_("应到"), default=0)
    present_count = models.PositiveSmallIntegerField(_("实到"), default=0)
    absent_count = models.PositiveSmallIntegerField(_("缺席"), default=0)
    observer_count = models.PositiveSmallIntegerField(_("列席"), default=0)
    quorum_rule = models.CharField(_("法定人数规则"), max_length=20, choices=Quorum.choices, default=Quorum.NONE)
    quorum_expected = models.PositiveSmallIntegerField(_("法定人数基数"), default=0)
    quorum_present = models.PositiveSmallIntegerField(_("计入法定人数的实到人数"), default=0)
    quorum_met = models.BooleanField(_("达到法定人数"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_by = acting_user(_("登记人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["-date", "-held_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(party_group__isnull=False), name="meeting_group_meeting_has_group"
            ),
            models.CheckConstraint(condition=Q(study_hours__gte=0), name="meeting_study_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(present_count__lte=F("expected_count")), name="meeting_present_not_above_expected"
            ),
            models.CheckConstraint(
                condition=Q(quorum_present__lte=F("quorum_expected")), name="meeting_quorum_present_not_above_base"
            ),
        ]
        indexes = [
            # the compliance selector and the meeting list: a branch's meetings in a date range
            models.Index(fields=["branch", "date"], name="meeting_branch_date_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.topic}"

    def save(self, *args, **kwargs):
        if self.held_at:
            self.date = timezone.localtime(self.held_at).date()
        super().save(*args, **kwargs)

    @property
    def quorum_basis(self) -> str:
        """Who the quorum counts (its 应到 differs from the meeting's 全体应到)."""
        return {
            self.Quorum.FULL_MEMBERS: _("有表决权的正式党员"),
            self.Quorum.COMMITTEE: _("支委会委员"),
        }.get(self.quorum_rule, "")

    @property
    def quorum_failed(self) -> bool:
        return self.quorum_met is False


class MeetingKind(models.Model):
    """What a meeting counts for (its form included). Rows, not a list in a
    column, so that "meetings of kind X" is one indexed query on any database."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(_("计入类型"), max_length=20, choices=Meeting.Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议计入类型")
        verbose_name_plural = _("会议计入类型")
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="meetingkind_unique")]
        indexes = [
            # API/list filter "meetings of kind X"
            models.Index(fields=["kind", "meeting"], name="meetingkind_kind_idx"),
        ]

    def __str__(self):
        return self.get_kind_display()


class Attendance(models.Model):
    """One row per person: a member due to attend (present, or absent with a
    reason), or a 列席 observer (a non-member, or someone not due)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        ABSENT = "absent", _("缺席")
        OBSERVER = "observer", _("列席")

    class Reason(models.TextChoices):
        LEAVE = "leave", _("请假")
        OFFICIAL = "official", _("因公")
        SICK = "sick", _("病假")
        OTHER = "other", _("其他")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    name = models.CharField(_("姓名"), max_length=50)
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices)
    absence_reason = models.CharField(_("缺席原因"), max_length=10, choices=Reason.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # a 正式党员 on the meeting date (has voting rights)
    is_voting = models.BooleanField(_("有表决权"), default=False)
    study_hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False), name="attendance_one_row_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(status="absent") | ~Q(absence_reason=""), name="attendance_absent_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="absent") | Q(study_hours=0), name="attendance_absent_no_study_hours"
            ),
            models.CheckConstraint(condition=Q(study_hours__gte=0), name="attendance_study_hours_not_negative"),
            models.CheckConstraint(condition=~Q(name=""), name="attendance_has_name"),
        ]
        indexes = [
            # a member's attendance over time (study hours per year, the six-month rule)
            models.Index(fields=["member", "status"], name="attendance_member_status_idx"),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_status_display()}"


class Resolution(models.Model):
    """A resolution (决议) with its vote counts; `adopted` is computed by the
    service: more votes for than half of those with a vote due."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="resolutions")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.TextField(_("决议内容"))
    votes_for = models.PositiveSmallIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    adopted = models.BooleanField(_("通过"), default=False, editable=False)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["meeting_id", "order", "id"]

    def __str__(self):
        return self.text[:40]


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Stored under MEDIA_ROOT with a random name; served only through the scoped view."""
    ext = PurePosixPath(filename).suffix.lower()
    day = instance.meeting.date if instance.meeting_id else timezone.localdate()
    return f"meetings/{instance.meeting.branch_id}/{day:%Y}/{uuid4().hex}{ext}"


class Attachment(TimeStampedModel):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        SIGN_IN = "sign_in", _("签到表")
        MATERIAL = "material", _("会议材料/讲稿")
        OTHER = "other", _("其他")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("附件类型"), max_length=20, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = acting_user(_("上传人"))

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EvaluationGrade(models.Model):
    """民主评议党员: one grade per 正式党员 (预备党员 take part without a grade)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    meeting = models.ForeignKey(Meeting, verbose_name=_("评议会议"), on_delete=models.CASCADE, related_name="grades")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="evaluation_grades"
    )
    grade = models.CharField(_("评定等次"), max_length=20, choices=Grade.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("民主评议等次")
        verbose_name_plural = _("民主评议等次")
        ordering = ["meeting_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="evaluationgrade_unique")]

    def __str__(self):
        return f"{self.member} · {self.get_grade_display()}"


class TalkRecord(TimeStampedModel):
    """谈心谈话: who talked with whom, when (each 支委 with each member ≥1 a year)."""

    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="talks")
    date = models.DateField(_("谈话日期"))
    talker = models.ForeignKey(
        "members.Member", verbose_name=_("谈话人"), on_delete=models.PROTECT, related_name="talks_given"
    )
    talkee = models.ForeignKey(
        "members.Member", verbose_name=_("谈话对象"), on_delete=models.PROTECT, related_name="talks_received"
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    summary = models.TextField(_("谈话要点"), blank=True)
    created_by = acting_user(_("登记人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("谈心谈话记录")
        verbose_name_plural = _("谈心谈话记录")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(talker=F("talkee")), name="talk_two_people")]
        indexes = [
            # the compliance selector: a branch's talks in a year
            models.Index(fields=["branch", "date"], name="talk_branch_date_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.talker} — {self.talkee}"


class MemberReport(TimeStampedModel):
    """党员向支部汇报 (each member ≥1 a year): a report of thought, work and study."""

    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="member_reports"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="reports"
    )
    date = models.DateField(_("汇报日期"))
    topic = models.CharField(_("汇报主题"), max_length=200)
    content = models.TextField(_("汇报内容"), blank=True)
    created_by = acting_user(_("登记人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党员汇报")
        verbose_name_plural = _("党员汇报")
        ordering = ["-date", "-id"]
        indexes = [
            # the compliance selector: a branch's reports in a year
            models.Index(fields=["branch", "date"], name="report_branch_date_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.member} {self.topic}"


class MeetingRequirement(TimeStampedModel):
    """SPEC §4 requirements as data. Rows with blank sector and no org unit are
    the defaults (seeded by a data migration); a row for a 领域 overrides the
    default of the same code, and a row for an org unit overrides both for that
    unit's whole subtree (the nearest unit wins). An inactive override switches
    a requirement off."""

    class Counting(models.TextChoices):
        MEETINGS = "meetings", _("按会议次数")
        PER_GROUP = "per_group", _("每个党小组分别计")
        SECRETARY_LECTURES = "secretary_lectures", _("书记讲党课")
        TALK_PAIRS = "talk_pairs", _("每名支委与每名党员谈心谈话")
        MEMBER_REPORTS = "member_reports", _("每名党员向支部汇报")

    class Period(models.TextChoices):
        MONTH = "month", _("每月")
        QUARTER = "quarter", _("每季度")
        HALF_YEAR = "half_year", _("每半年")
        YEAR = "year", _("每年")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("所有党支部")
        WITH_COMMITTEE = "with_committee", _("设支部委员会的党支部")

    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    meeting_kind = models.CharField(_("计入的会议类型"), max_length=20, choices=Meeting.Kind.choices, blank=True)
    counting = models.CharField(_("计算方式"), max_length=20, choices=Counting.choices, default=Counting.MEETINGS)
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    quorum = models.CharField(
        _("法定人数"),
        max_length=20,
        choices=Meeting.Quorum.choices,
        default=Meeting.Quorum.NONE,
        help_text=_("未达法定人数的会议照常保存，但不计入本项要求。"),
    )
    applies_to = models.CharField(_("适用范围"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL)
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("适用党组织（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_requirements",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("会议要求")
        verbose_name_plural = _("会议要求")
        ordering = ["order", "code", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "sector"], condition=Q(org_unit__isnull=True), name="requirement_unique_per_sector"
            ),
            models.UniqueConstraint(
                fields=["code", "org_unit"], condition=Q(org_unit__isnull=False), name="requirement_unique_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(org_unit__isnull=True) | Q(sector=""), name="requirement_unit_or_sector"
            ),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="requirement_min_count_positive"),
            models.CheckConstraint(
                condition=Q(counting__in=["talk_pairs", "member_reports"]) | ~Q(meeting_kind=""),
                name="requirement_meeting_kind_set",
            ),
        ]

    def __str__(self):
        scope = self.org_unit or self.get_sector_display() or _("默认")
        return f"{self.name}（{scope}）"
