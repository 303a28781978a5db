"""A report built in the background (SPEC §8): who asked, for what, how far
it has got, the file it produced (kept until `expires_at`) or why it failed."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import TimeStampedModel


def report_path(job, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{job.pk or 'new'}-{filename}"


def default_expiry():
    return timezone.now() + timedelta(days=settings.REPORTS_KEEP_DAYS)


class ReportJob(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(_("报表"), max_length=40)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to=report_path, blank=True, max_length=300)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    expires_at = models.DateTimeField(_("过期时间"), default=default_expiry)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报表任务")
        verbose_name_plural = _("报表任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100), name="reportjob_progress_0_100"),
        ]
        indexes = [
            # the 下载中心: one user's jobs, newest first
            models.Index(fields=["requester", "-created_at"], name="reportjob_requester_idx"),
            # the cleanup task: files past their expiry
            models.Index(fields=["status", "expires_at"], name="reportjob_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def is_stale(self) -> bool:
        """Still queued a few minutes after the request (the broker was down): offer 重试."""
        return self.status == self.Status.PENDING and self.created_at < timezone.now() - timedelta(minutes=2)

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.DONE and self.expires_at <= timezone.now()
        )
