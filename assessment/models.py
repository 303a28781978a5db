"""Scorecards, the scoring engine and the acceptance campaign (SPEC §6)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import OrgUnit, TimeStampedModel


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
        from .engine import Card

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
