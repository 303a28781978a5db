"""A Celery worker killed with SIGKILL in the middle of a report job (the
machine lost, the OOM killer): the job is left 生成中, the broker hands the
unacknowledged task to the next worker (acks_late + reject_on_worker_lost +
the visibility timeout), the job starts again and completes once, with one
file.

Real processes: a `celery worker` (prefork) against the test database and the
test Redis, on a queue of its own. The job is held at its first read of the
score snapshots by a lock this test takes on that table, so the kill lands
mid-job for certain. PostgreSQL only: the worker process shares the test
database.
"""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports.models import ReportJob
from tests.alerts.test_celery import app_on
from tests.faults.test_worker_killed import kill_worker_while_blocked, start_worker

from .conftest import YEAR, workbook

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="a worker process cannot share the in-memory SQLite test database"),
]


def test_a_worker_killed_mid_report_job_is_redelivered_and_the_job_completes_once(tree, tmp_path):
    job = ReportJob.objects.create(requester=tree["admin"], kind="summary_xlsx",
                                   params={"unit": tree["committee"].pk, "year": YEAR})
    queue = f"dzb-test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    connection.close()  # the worker and the lock below use their own connections

    app = app_on(settings.CELERY_BROKER_URL)  # the project's Celery configuration on the test Redis
    result = kill_worker_while_blocked(  # mid-job
        queue, log,
        lock="LOCK TABLE assessment_scoresnapshot IN ACCESS EXCLUSIVE MODE",  # the job's reads wait
        waiting="%assessment_scoresnapshot%", what="the job to reach the snapshots",
        send=lambda: app.send_task("reports.run_report_job", args=[job.pk], queue=queue),
    )

    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING and job.attempts == 1 and not job.file  # killed mid-way
    assert not result.ready()

    second = start_worker(queue, log)  # the next worker: gets the unacknowledged task back
    try:
        outcome = result.get(timeout=180)
    finally:
        second.terminate()
        second.wait(timeout=60)

    assert outcome == ReportJob.Status.DONE
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.progress == 100 and job.attempts == 2
    # the worker stores under the test settings' MEDIA_ROOT (this test's own is a tmp dir)
    stored = Path(settings.BASE_DIR) / "var" / "test-media" / job.file.name
    try:
        assert stored.stat().st_size == job.size > 0
        assert "汇总" in workbook(stored.read_bytes()).sheetnames
    finally:
        stored.unlink(missing_ok=True)
    text = log.read_text(errors="replace")
    assert text.count("Task reports.run_report_job") >= 2  # received by the killed worker, then by the next
    assert text.count("succeeded") == 1
