"""Report jobs: scoped requests (a 党委 only exports its subtree), only the
requester (or a superuser) downloads, a failed job says why in Chinese and
can be retried, an expired file is deleted and the page says so."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports import exporters, services
from reports.models import ReportJob

from .conftest import YEAR

pytestmark = pytest.mark.django_db
Status = ReportJob.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run(job) -> ReportJob:
    """What the worker does (the Celery test runs a real one)."""
    services.report_job_run(job.pk)
    job.refresh_from_db()
    return job


def test_a_committee_exports_only_its_own_subtree(tree, api_client):
    api_client.force_authenticate(tree["admin"])
    url = reverse("report-job-list")
    refused = api_client.post(url, {"kind": "summary_xlsx", "params": {"unit": tree["other_committee"].pk,
                                                                       "year": YEAR}}, format="json")
    assert refused.status_code == 400 and "管理范围" in str(refused.json())
    refused = api_client.post(url, {"kind": "summary_xlsx", "params": {"unit": tree["root"].pk, "year": YEAR}},
                              format="json")
    assert refused.status_code == 400
    accepted = api_client.post(url, {"kind": "summary_xlsx", "params": {"unit": tree["committee"].pk, "year": YEAR}},
                               format="json")
    assert accepted.status_code == 202
    job = ReportJob.objects.get(pk=accepted.json()["id"])
    assert job.requester == tree["admin"] and job.status == Status.PENDING and job.params["unit"] == tree["committee"].pk


def test_only_the_requester_or_a_superuser_downloads(tree, api_client):
    job = run(services.report_job_create(actor=tree["admin"], kind="compliance_xlsx",
                                         params={"unit": tree["committee"].pk, "year": YEAR}))
    assert job.status == Status.DONE and job.progress == 100 and job.file
    download = reverse("report-job-download", args=[job.pk])

    api_client.force_authenticate(tree["admin"])
    response = api_client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert api_client.get(reverse("report-job-detail", args=[job.pk])).json()["progress"] == 100

    # the 组织部 above sees 甲党委's data, but not another user's file
    for someone in (tree["org_department"], tree["other_admin"], tree["secretary"]):
        api_client.force_authenticate(someone)
        assert api_client.get(download).status_code == 404
        assert api_client.get(reverse("report-job-detail", args=[job.pk])).status_code == 404
        assert client_for(someone).get(reverse("report_job_download", args=[job.pk])).status_code == 404
        assert job.pk not in [j["id"] for j in api_client.get(reverse("report-job-list")).json()["results"]]
    api_client.force_authenticate(tree["superuser"])
    assert api_client.get(download).status_code == 200
    assert client_for(tree["admin"]).get(reverse("report_job_download", args=[job.pk])).status_code == 200


def test_the_download_centre_lists_my_jobs_with_progress_and_link(tree):
    mine = run(services.report_job_create(actor=tree["admin"], kind="recommend_xlsx",
                                          params={"unit": tree["committee"].pk, "year": YEAR}))
    services.report_job_create(actor=tree["other_admin"], kind="recommend_xlsx",
                               params={"unit": tree["other_committee"].pk, "year": YEAR})
    html = client_for(tree["admin"]).get(reverse("download_center")).content.decode()
    assert reverse("report_job_download", args=[mine.pk]) in html
    assert "推荐示范党支部名单" in html and "甲党委" in html and "乙党委 ·" not in html
    status = client_for(tree["admin"]).get(reverse("report_job_status", args=[mine.pk])).json()
    assert status["progress"] == 100 and status["status"] == "done" and status["download_url"]


def test_requesting_from_the_page_is_scoped_too(tree):
    client = client_for(tree["admin"])
    response = client.post(reverse("report_unit_export", args=[tree["other_committee"].pk, "compliance_xlsx"]),
                           {"year": YEAR})
    assert response.status_code == 404 and not ReportJob.objects.exists()
    response = client.post(reverse("report_unit_export", args=[tree["committee"].pk, "compliance_xlsx"]),
                           {"year": YEAR})
    assert response.status_code == 302 and ReportJob.objects.get().kind == "compliance_xlsx"
    response = client.post(reverse("report_summary", args=[tree["committee"].pk]),
                           {"kind": "summary_pdf", "year": YEAR, "problems": "问题一", "plans": "打算一"})
    assert response.status_code == 302
    job = ReportJob.objects.get(kind="summary_pdf")
    assert job.params == {"unit": tree["committee"].pk, "year": YEAR, "problems": "问题一", "plans": "打算一"}
    assert client.get(reverse("report_summary", args=[tree["other_committee"].pk])).status_code == 404


def test_a_failed_job_shows_a_chinese_error_and_can_be_retried(tree, monkeypatch):
    job = services.report_job_create(actor=tree["admin"], kind="compliance_xlsx",
                                     params={"unit": tree["committee"].pk, "year": YEAR})

    def broken(self, params, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exporters.ComplianceWorkbook, "render", broken)
    job = run(job)
    assert job.status == Status.FAILED and "生成报表时出错" in job.error and not job.file
    client = client_for(tree["admin"])
    html = client.get(reverse("download_center")).content.decode()
    assert "生成报表时出错" in html and reverse("report_job_retry", args=[job.pk]) in html

    monkeypatch.undo()
    assert client.post(reverse("report_job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == Status.PENDING and job.error == ""
    job = run(job)
    assert job.status == Status.DONE and job.attempts == 2
    # another user cannot retry it
    assert client_for(tree["other_admin"]).post(reverse("report_job_retry", args=[job.pk])).status_code == 404


def test_a_job_whose_requester_lost_the_role_fails_instead_of_exporting(tree):
    job = services.report_job_create(actor=tree["admin"], kind="roster_xlsx", params={"unit": tree["committee"].pk})
    tree["admin"].role_assignments.update(is_active=False)
    job = run(job)
    assert job.status == Status.FAILED and "管理范围" in job.error and not job.file


def test_an_expired_file_is_deleted_and_the_pages_say_so(tree, api_client):
    job = run(services.report_job_create(actor=tree["admin"], kind="recommend_xlsx",
                                         params={"unit": tree["committee"].pk, "year": YEAR}))
    path = job.file.path
    assert job.expires_at.date() == (timezone.now() + dt.timedelta(days=7)).date()
    assert services.expired_files_delete() == 0  # not yet

    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = client_for(tree["admin"])
    # past its expiry the file is no longer served, even before the cleanup ran
    assert client.get(reverse("report_job_download", args=[job.pk])).status_code == 410
    assert services.expired_files_delete() == 1
    job.refresh_from_db()
    import os

    assert job.status == Status.EXPIRED and not job.file and not os.path.exists(path)
    response = client.get(reverse("report_job_download", args=[job.pk]))
    assert response.status_code == 410 and "已超过保留期限并已删除" in response.content.decode()
    assert "文件已过期并已删除" in client.get(reverse("download_center")).content.decode()
    api_client.force_authenticate(tree["admin"])
    assert api_client.get(reverse("report-job-download", args=[job.pk])).status_code == 410
    assert api_client.get(reverse("report-job-detail", args=[job.pk])).json()["status"] == "expired"


def test_the_cleanup_is_scheduled_in_code():
    from django.conf import settings

    from config.celery import app
    from reports.tasks import delete_expired_files, run_report_job

    entry = settings.CELERY_BEAT_SCHEDULE["report-files-cleanup"]
    assert entry["task"] == delete_expired_files.name and entry["task"] in app.tasks
    assert run_report_job.acks_late is True and run_report_job.reject_on_worker_lost is True


def test_org_and_score_pages_link_to_the_exports(tree):
    admin = client_for(tree["admin"])
    html = admin.get(reverse("org_unit", args=[tree["committee"].pk])).content.decode()
    assert reverse("report_summary", args=[tree["committee"].pk]) in html
    assert reverse("report_unit_export", args=[tree["committee"].pk, "branch_reports_zip"]) in html
    assert reverse("report_unit_export", args=[tree["committee"].pk, "recommend_xlsx"]) in html
    assert reverse("download_center") in html
    secretary = client_for(tree["secretary"])
    year = timezone.localdate().year
    html = secretary.get(reverse("org_unit", args=[tree["branch"].pk])).content.decode()
    assert reverse("branch_report_pdf", args=[tree["branch"].pk, year]) in html
    assert reverse("report_unit_export", args=[tree["branch"].pk, "compliance_xlsx"]) in html
    html = secretary.get(reverse("branch_score", args=[tree["branch"].pk, YEAR])).content.decode()
    assert reverse("branch_report_pdf", args=[tree["branch"].pk, YEAR]) in html
