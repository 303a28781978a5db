"""Writes of the reports app: creating a report job (its params checked
against the requester's scope), running it (the Celery task calls
`report_job_run`), retrying a failed one, deleting expired files."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exporters import exporter
from .models import ReportJob

log = logging.getLogger(__name__)
Status = ReportJob.Status


def report_job_enqueue(job: ReportJob) -> None:
    """Send the job to the workers once the transaction that made it commits.
    A broker that cannot be reached leaves the job 排队中 (the page offers 重试)."""
    from .tasks import run_report_job

    def send():
        try:
            run_report_job.apply_async(args=[job.pk], queue=settings.REPORTS_CELERY_QUEUE)
        except Exception:  # noqa: BLE001 — Redis down must not break the page that asked
            log.exception("report job %s could not be queued", job.pk)

    transaction.on_commit(send)


@transaction.atomic
def report_job_create(*, actor, kind: str, params: dict) -> ReportJob:
    """A report job for `actor`, its params checked against their scope."""
    cleaned = exporter(kind).clean(actor, params)
    job = ReportJob(requester=actor, kind=kind, params=cleaned)
    job.full_clean()
    job.save()
    report_job_enqueue(job)
    return job


@transaction.atomic
def report_job_retry(*, actor, job: ReportJob) -> ReportJob:
    """Run a failed (or expired, or stuck) job again, its scope checked again."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.requester_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if job.status == Status.DONE and not job.is_expired:
        raise ValidationError(_("报表已生成，可直接下载。"))
    job.params = exporter(job.kind).clean(job.requester, job.params)
    if job.file:
        job.file.delete(save=False)
    job.status, job.progress, job.error = Status.PENDING, 0, ""
    job.expires_at = timezone.now() + timedelta(days=settings.REPORTS_KEEP_DAYS)
    job.finished_at = None
    job.save()
    report_job_enqueue(job)
    return job


class Progress:
    """progress(done, total) → the job's progress 0–99, written at most every
    half second (100 is written with the file)."""

    def __init__(self, job: ReportJob):
        self.job = job
        self.last_value = job.progress
        self.last_write = 0.0

    def __call__(self, done: int, total: int) -> None:
        value = min(99, int(done * 100 / total)) if total else 0
        now = time.monotonic()
        if value > self.last_value and (now - self.last_write >= 0.5 or value - self.last_value >= 10):
            ReportJob.objects.filter(pk=self.job.pk).update(progress=value, updated_at=timezone.now())
            self.last_value, self.last_write = value, now


def _claim(job_id: int) -> ReportJob | None:
    """Mark the job running; None if there is nothing to do (gone, done, expired).
    A job found 生成中 was interrupted (its worker died): it starts again."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (Status.DONE, Status.EXPIRED):
            return None
        job.status, job.progress, job.error = Status.RUNNING, 0, ""
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "progress", "error", "attempts", "started_at", "updated_at"])
        return job


def report_job_run(job_id: int) -> str:
    """Build the job's file (idempotent: a finished job is left alone). Returns the status."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        # the requester's scope is checked again: a role withdrawn since the request ends the job
        params = exporter(job.kind).clean(job.requester, job.params)
        filename, content_type, content = exporter(job.kind).render(params, progress=Progress(job))
    except Exception as exc:  # noqa: BLE001 — any failure is shown to the requester, in Chinese
        log.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=failure_text(exc), finished_at=timezone.now(), updated_at=timezone.now()
        )
        return Status.FAILED
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.file:
            job.file.delete(save=False)
        job.file.save(filename, ContentFile(content), save=False)
        job.filename, job.content_type, job.size = filename, content_type, len(content)
        job.status, job.progress, job.finished_at = Status.DONE, 100, timezone.now()
        job.expires_at = job.finished_at + timedelta(days=settings.REPORTS_KEEP_DAYS)
        job.save()
    return Status.DONE


def failure_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    if isinstance(exc, PermissionDenied):
        return _("您已无权导出该范围的数据。")
    return _("生成报表时出错（%(kind)s），请稍后重试；如仍失败请联系系统管理员。") % {"kind": type(exc).__name__}


def expired_files_delete(*, now=None) -> int:
    """Delete the files of finished jobs past their expiry; the job stays, 已过期."""
    now = now or timezone.now()
    count = 0
    for job in ReportJob.objects.filter(status=Status.DONE, expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.status = Status.EXPIRED
        job.save(update_fields=["file", "status", "updated_at"])
        count += 1
    return count
