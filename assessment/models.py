"""Scorecards, the scoring engine and the acceptance campaign (SPEC §6)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import OrgUnit, TimeStampedModel, acting_user

from .engine import Card, Thresholds


class Scorecard(TimeStampedModel):
    """A version of a scorecard template (打分表), loaded from a YAML file by
    `assessment.services.scorecard_load`. Once published it never changes: a
    change is a new version. `data` is the validated template itself."""

    code = models.SlugField(_("代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    sectors = models.JSONField(_("适用领域"), default=list, blank=True, help_text=_("为空表示通用"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=2, default=Decimal("0"))
    thresholds = models.JSONField(_("等次分数线"), default=dict, blank=True)
    data = models.JSONField(_("模板"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("打分表")
        verbose_name_plural = _("打分表")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="scorecard_unique_version"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code} v{self.version}）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def card(self):
        return Card.from_data(self.data)


class ScoreSnapshot(TimeStampedModel):
    """A branch's score for a year as computed from its records (auto items;
    manual items 未评 until the campaign supplies them), stored by
    `snapshots_refresh` only when the facts changed."""

    class Grade(models.TextChoices):
        DEMONSTRATION = "demonstration", _("示范")
        ADVANCED = "advanced", _("先进")
        PASS = "pass", _("达标")
        FAIL = "fail", _("未达标")

    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="scores")
    year = models.PositiveSmallIntegerField(_("年度"))
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("打分表"), on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    max = models.DecimalField(_("满分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    stars = models.PositiveSmallIntegerField(_("星级"), default=0)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    vetoes = models.JSONField(_("否决项"), default=list, blank=True)
    unrated = models.PositiveSmallIntegerField(_("未评项数"), default=0)
    category_scores = models.JSONField(_("分类得分"), default=dict, blank=True)
    items = models.JSONField(_("评分项"), default=list, blank=True)
    open_gaps = models.JSONField(_("还可争取"), default=list, blank=True)
    facts_hash = models.CharField(_("事实摘要"), max_length=64)
    computed_at = models.DateTimeField(_("计算时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("得分快照")
        verbose_name_plural = _("得分快照")
        ordering = ["year", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="score_snapshot_unique_branch_year"),
            models.CheckConstraint(condition=Q(total__gte=0), name="score_snapshot_total_not_negative"),
        ]
        indexes = [
            # "all snapshots of a year for branches under a path": year = Y and
            # branch_id IN (units with path LIKE '/1/7/%'); the unique (branch, year) leads with the branch
            models.Index(fields=["year", "branch"], name="score_snapshot_year_branch_idx"),
        ]

    def __str__(self):
        return f"{self.branch} {self.year}: {self.total}"


class ScoresVersion(models.Model):
    """One row whose token changes with every write of a snapshot or a
    scorecard, inside the writer's transaction (`assessment.score_cache`): the
    dashboard's panels are cached under it, so a reader sees new panels exactly
    when it sees the new snapshots. Random, like `branches.RuleFactsVersion`."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("得分数据版本")
        verbose_name_plural = _("得分数据版本")

    def __str__(self):
        return self.token


# ---------------------------------------------------------------- the acceptance campaign (SPEC §6)


def _default_year() -> int:
    return timezone.localdate().year - 1


class Campaign(TimeStampedModel):
    """年度达标验收: one campaign for an org unit's subtree and a year. Opening it
    (`assessment.campaigns.services.campaign_open`) creates one `Assessment` per
    branch under the unit. Every number here is a default the opener may change."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        PUBLICITY = "publicity", _("公示中")
        FINALISED = "finalised", _("已评定")

    class ScoreMode(models.TextChoices):
        LAST_STAGE = "last_stage", _("以最后环节得分为准")
        WEIGHTED = "weighted", _("自评与上级评分加权")

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("考核年度"), default=_default_year)
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("打分表"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("为空时按各党支部的领域选用最新版打分表"),
    )
    self_due = models.DateField(_("自评截止"))
    review_due = models.DateField(_("审核截止"))
    verification_due = models.DateField(_("抽验截止"), null=True, blank=True)
    threshold_demonstration = models.DecimalField(_("示范分数线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    threshold_advanced = models.DecimalField(_("先进分数线"), max_digits=5, decimal_places=2, default=Decimal("80"))
    threshold_pass = models.DecimalField(_("达标分数线"), max_digits=5, decimal_places=2, default=Decimal("60"))
    sample_ratio = models.DecimalField(_("抽验比例"), max_digits=3, decimal_places=2, default=Decimal("0.30"))
    sample_seed = models.BigIntegerField(_("抽样种子"), null=True, blank=True)
    sample_drawn_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("公示工作日"), default=5)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    score_mode = models.CharField(_("最终得分方式"), max_length=20, choices=ScoreMode.choices, default=ScoreMode.LAST_STAGE)
    self_weight = models.DecimalField(_("自评权重"), max_digits=3, decimal_places=2, default=Decimal("0.40"))
    demonstration_share = models.DecimalField(
        _("示范推荐比例下限"), max_digits=3, decimal_places=2, default=Decimal("0.20")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("验收组成员"), blank=True, related_name="inspected_campaigns"
    )
    opened_by = acting_user(_("发起人"))
    finalised_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("达标验收")
        verbose_name_plural = _("达标验收")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="campaign_unique_unit_year"),
            models.CheckConstraint(
                condition=Q(threshold_demonstration__gte=F("threshold_advanced"))
                & Q(threshold_advanced__gte=F("threshold_pass"))
                & Q(threshold_pass__gte=0),
                name="campaign_thresholds_ordered",
            ),
            models.CheckConstraint(condition=Q(sample_ratio__gte=0, sample_ratio__lte=1), name="campaign_ratio_0_1"),
            models.CheckConstraint(condition=Q(self_weight__gte=0, self_weight__lte=1), name="campaign_weight_0_1"),
            models.CheckConstraint(condition=Q(review_due__gte=F("self_due")), name="campaign_review_after_self"),
        ]

    def __str__(self):
        return self.name

    def thresholds(self):
        return Thresholds(self.threshold_demonstration, self.threshold_advanced, self.threshold_pass)


class Assessment(TimeStampedModel):
    """One branch in a campaign. The auto items are computed at submission and
    the facts behind them are frozen here (`frozen_facts`, `facts_hash`): every
    later stage scores those facts, not today's records, until a reviewer
    re-scores (`assessment_rescore`). Each stage's full result (items,
    deductions, vetoes) is kept as JSON beside its total."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("自评中")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("审核通过")
        VERIFIED = "verified", _("已抽验")
        FINALISED = "finalised", _("已评定")
        RECTIFYING = "rectifying", _("整改中")
        REINSPECTED = "reinspected", _("已复检")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    Grade = ScoreSnapshot.Grade

    campaign = models.ForeignKey(Campaign, verbose_name=_("达标验收"), on_delete=models.CASCADE, related_name="assessments")
    branch = models.ForeignKey(OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="assessments")
    scorecard = models.ForeignKey(Scorecard, verbose_name=_("打分表"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    sampled = models.BooleanField(_("抽验对象"), default=False)
    self_report = models.TextField(_("自评报告"), blank=True)
    approval_meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("审议自评的支委会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    satisfaction = models.DecimalField(
        _("党员群众满意度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    frozen_facts = models.JSONField(_("提交时的记录事实"), null=True, blank=True)
    facts_hash = models.CharField(_("事实摘要"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    self_result = models.JSONField(_("自评结果"), null=True, blank=True)
    review_result = models.JSONField(_("审核结果"), null=True, blank=True)
    verify_result = models.JSONField(_("抽验结果"), null=True, blank=True)
    reinspect_result = models.JSONField(_("复检结果"), null=True, blank=True)
    self_total = models.DecimalField(_("自评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    review_total = models.DecimalField(_("审核得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    verify_total = models.DecimalField(_("抽验得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    final_total = models.DecimalField(_("最终得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=20, choices=ScoreSnapshot.Grade.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("支部验收")
        verbose_name_plural = _("支部验收")
        ordering = ["campaign", "branch__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "branch"], name="assessment_unique_campaign_branch"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=0, satisfaction__lte=100),
                name="assessment_satisfaction_percent",
            ),
        ]
        indexes = [
            # the campaign page and the reviewer's queue: a campaign's assessments by status
            models.Index(fields=["campaign", "status"], name="assessment_campaign_status_idx"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.branch}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def superior_total(self):
        """The superior's score: verification replaces review (SPEC §6)."""
        return self.verify_total if self.verify_total is not None else self.review_total

    @property
    def current_result(self):
        for result in (self.reinspect_result, self.verify_result, self.review_result, self.self_result):
            if result is not None:
                return result
        return None


class ItemScore(TimeStampedModel):
    """One stage's value for one scorecard code: a manual or bonus item's
    points (`value`), an auto item's override (`override`, only with a
    `reason`), or a manual veto (`value` 1, with a `reason`)."""

    class Stage(models.TextChoices):
        SELF = "self", _("自评")
        REVIEW = "review", _("审核")
        VERIFY = "verify", _("抽验")
        REINSPECT = "reinspect", _("复检")

    assessment = models.ForeignKey(Assessment, verbose_name=_("支部验收"), on_delete=models.CASCADE, related_name="item_scores")
    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    code = models.CharField(_("评分项"), max_length=20)
    value = models.DecimalField(_("分值"), max_digits=5, decimal_places=2, null=True, blank=True)
    override = models.DecimalField(_("改判分值"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    scored_by = acting_user(_("评分人"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        ordering = ["assessment", "stage", "code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "stage", "code"], name="itemscore_unique_stage_code"),
            models.CheckConstraint(
                condition=Q(override__isnull=True) | ~Q(reason=""), name="itemscore_override_needs_reason"
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=True) | Q(value__gte=0)) & (Q(override__isnull=True) | Q(override__gte=0)),
                name="itemscore_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.assessment_id} {self.stage} {self.code}"


def evidence_path(instance, filename):
    return f"assessment/{instance.assessment.campaign_id}/{instance.assessment_id}/{filename}"


class Evidence(TimeStampedModel):
    """A photo, scan or PDF behind a manual item (or the self-report when the
    item code is blank). Uploaded while the branch may still edit; frozen with
    the submission."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("支部验收"), on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(_("评分项"), max_length=20, blank=True)
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = acting_user(_("上传人"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["assessment", "item_code", "id"]

    def __str__(self):
        return self.original_name


class Transition(models.Model):
    """One step of the workflow on the record: who, when, from, to, why. A
    campaign-wide step (sampling, 公示, 评定) has no assessment."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("达标验收"), on_delete=models.CASCADE, related_name="transitions")
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("支部验收"), null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    actor = acting_user(_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"


class Objection(TimeStampedModel):
    """A 公示 objection against a branch's grade, and how it was handled."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("支部验收"), on_delete=models.CASCADE, related_name="objections")
    content = models.TextField(_("异议内容"))
    raised_by = models.CharField(_("反映人"), max_length=100, blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    recorded_by = acting_user(_("登记人"))

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["assessment", "id"]

    def __str__(self):
        return self.content[:40]


class RectificationPlan(TimeStampedModel):
    """整改: what a 未达标 branch must put right, who answers for it, by when,
    and the 指导员 who guides it."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("支部验收"), on_delete=models.CASCADE, related_name="rectification_plans"
    )
    items = models.JSONField(_("整改事项"), default=list)
    owner = models.CharField(_("责任人"), max_length=100)
    due_date = models.DateField(_("整改期限"))
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指导员"), on_delete=models.PROTECT, related_name="guided_rectifications"
    )
    created_by = acting_user(_("制定人"))

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")
        ordering = ["assessment", "-id"]

    def __str__(self):
        return f"{self.assessment} · {self.due_date}"


class Reinspection(TimeStampedModel):
    """复检: the branch re-scored after its 整改 (from its records as they stand
    then); a passing 复检 lifts the grade."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("支部验收"), on_delete=models.CASCADE, related_name="reinspections")
    plan = models.ForeignKey(
        RectificationPlan, verbose_name=_("整改方案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.DecimalField(_("复检得分"), max_digits=5, decimal_places=2)
    grade_before = models.CharField(_("复检前等次"), max_length=20, choices=ScoreSnapshot.Grade.choices)
    grade_after = models.CharField(_("复检后等次"), max_length=20, choices=ScoreSnapshot.Grade.choices)
    note = models.TextField(_("复检意见"), blank=True)
    inspected_by = acting_user(_("复检人"))

    class Meta:
        verbose_name = _("复检")
        verbose_name_plural = _("复检")
        ordering = ["assessment", "-id"]

    def __str__(self):
        return f"{self.assessment} · {self.total}"
