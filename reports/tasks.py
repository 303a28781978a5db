"""Celery tasks of the reports app: thin, take a primary key, idempotent."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="reports.run_report_job",
    acks_late=True,  # a worker killed mid-report: the broker delivers the job again
    reject_on_worker_lost=True,  # … also when only the pool process died
    autoretry_for=(OperationalError,),  # a lost database connection: retry, the job restarts from scratch
    retry_backoff=True,
    max_retries=3,
)
def run_report_job(job_id: int) -> str:
    from .services import report_job_run

    return report_job_run(job_id)


@shared_task(name="reports.delete_expired_files", acks_late=True)
def delete_expired_files() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE["report-files-cleanup"])."""
    from .services import expired_files_delete

    return expired_files_delete()
