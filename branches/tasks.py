"""Celery tasks of the branches app: thin, idempotent, JSON arguments."""

from datetime import date

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="branches.run_alert_sweep",
    acks_late=True,  # a worker killed mid-sweep: the broker redelivers, and a rerun is safe
    autoretry_for=(OperationalError,),  # e.g. a deadlock or a lost connection: retry, it is idempotent
    retry_backoff=True,
    max_retries=3,
)
def run_alert_sweep(on: str | None = None) -> dict:
    """The daily alert sweep (Celery beat, CELERY_BEAT_SCHEDULE["alert-sweep"]).
    `on`: an ISO date to sweep as (default today)."""
    from .alerts import run_alert_sweep as sweep

    return sweep(on=date.fromisoformat(on) if on else None).as_dict()
