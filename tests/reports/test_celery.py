"""A report job end to end on real infrastructure: requested through the API,
queued on commit to a real Redis, built by a real Celery worker, its progress
reaching 100, the file downloadable; a job redelivered after its worker died
mid-run starts again and completes."""

import io
import time
import uuid
import zipfile

import pytest
from django.urls import reverse

from config.celery import app as project_app
from reports.models import ReportJob
from reports.tasks import run_report_job
from tests.alerts.test_celery import worker

from .conftest import YEAR

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]


def wait_for(job_id: int, *, timeout: float = 180) -> tuple[ReportJob, list[int]]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if not seen or seen[-1] != job.progress:
            seen.append(job.progress)
        if job.is_finished:
            return job, seen
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish: {job.status} {job.progress}%")


def test_a_bulk_job_runs_on_a_real_worker_with_progress_to_100(tree, api_client, settings):
    queue = f"dzb-test-{uuid.uuid4().hex}"
    settings.REPORTS_CELERY_QUEUE = queue
    api_client.force_authenticate(tree["admin"])
    with worker(project_app, queue=queue):
        response = api_client.post(reverse("report-job-list"), {
            "kind": "branch_reports_zip", "params": {"unit": tree["committee"].pk, "year": YEAR}}, format="json")
        assert response.status_code == 202
        job, seen = wait_for(response.json()["id"])

    assert job.status == ReportJob.Status.DONE, job.error
    assert seen[-1] == 100 and seen == sorted(seen)
    detail = api_client.get(reverse("report-job-detail", args=[job.pk])).json()
    assert detail["progress"] == 100 and detail["download_url"].endswith(f"/report-jobs/{job.pk}/download/")
    body = b"".join(api_client.get(reverse("report-job-download", args=[job.pk])).streaming_content)
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)


def test_a_job_left_running_by_a_dead_worker_is_redelivered_and_completes(tree, settings):
    """What the broker does after a worker dies (acks_late: the message was never
    acknowledged): the task arrives again and finds its job 生成中."""
    job = ReportJob.objects.create(requester=tree["admin"], kind="summary_xlsx",
                                   params={"unit": tree["committee"].pk, "year": YEAR},
                                   status=ReportJob.Status.RUNNING, progress=40, attempts=1)
    queue = f"dzb-test-{uuid.uuid4().hex}"
    with worker(project_app, queue=queue, concurrency=1):
        assert run_report_job.apply_async(args=[job.pk], queue=queue).get(timeout=120) == "done"
        # delivered once more (a duplicate): the finished job is left alone
        assert run_report_job.apply_async(args=[job.pk], queue=queue).get(timeout=120) == "skipped"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.progress == 100 and job.attempts == 2 and job.file
