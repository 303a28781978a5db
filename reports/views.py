"""Pages of the reports: the 下载中心 (the user's report jobs with a live
progress bar, the download links, 重试), the summary form (存在问题 and
下步打算 written before export), the one-click exports from the org and
score pages, and the branch report straight as PDF (it takes well under a
second, so it needs no job)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import OrgUnit
from branches.scoping import org_units_visible_to

from . import services
from .exporters import EXPORTERS, BranchReport
from .forms import ReportRequestForm, SummaryForm
from .models import ReportJob

JOBS_SHOWN = 50


def jobs_of(user):
    return ReportJob.objects.filter(requester=user)


def job_for(user, pk) -> ReportJob:
    """A job its requester (or a superuser) may see; anyone else gets a 404."""
    qs = ReportJob.objects.all() if user.is_superuser else jobs_of(user)
    return get_object_or_404(qs.select_related("requester"), pk=pk)


def job_json(job: ReportJob) -> dict:
    expired = job.is_expired
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": str(EXPORTERS[job.kind].label) if job.kind in EXPORTERS else job.kind,
        "status": ReportJob.Status.EXPIRED.value if expired else job.status,
        "status_label": str(ReportJob.Status.EXPIRED.label if expired else job.get_status_display()),
        "progress": job.progress,
        "error": job.error,
        "filename": job.filename,
        "size": job.size,
        "expires_at": job.expires_at.isoformat() if job.status == ReportJob.Status.DONE else None,
        "download_url": reverse("report_job_download", args=[job.pk])
        if job.status == ReportJob.Status.DONE and not expired
        else None,
    }


def _request_units(user):
    return org_units_visible_to(user).filter(is_active=True).order_by("path")


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def download_center(request):
    form = ReportRequestForm(request.POST or None, units=_request_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_job_create(actor=request.user, kind=form.cleaned_data["kind"], params=form.params())
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已提交，生成完成后可在下方下载。"))
            return redirect("download_center")
    jobs = list(jobs_of(request.user)[:JOBS_SHOWN])
    ids = {j.params.get("unit") or j.params.get("branch") for j in jobs}
    names = dict(OrgUnit.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    for job in jobs:
        parts = [names.get(job.params.get("unit") or job.params.get("branch"), "")]
        if job.params.get("year"):
            parts.append(_("%(y)s年") % {"y": job.params["year"]})
        job.params_label = " · ".join(p for p in parts if p)
    return render(request, "reports/download_center.html", {
        "form": form,
        "jobs": [(job, job_json(job)) for job in jobs],
        "keep_days": settings.REPORTS_KEEP_DAYS,
    })


@login_required
def job_status(request, pk):
    return JsonResponse(job_json(job_for(request.user, pk)))


@login_required
def job_download(request, pk):
    job = job_for(request.user, pk)
    if job.is_expired:
        return render(request, "reports/expired.html", {"job": job}, status=410)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404(_("报表尚未生成。"))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        return render(request, "reports/expired.html", {"job": job}, status=410)
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=job.content_type)


@login_required
@require_POST
def job_retry(request, pk):
    job = job_for(request.user, pk)
    try:
        services.report_job_retry(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("已重新提交。"))
    return redirect("download_center")


@login_required
@require_POST
def unit_export(request, unit_pk, kind):
    """A one-click export from an org page or a score page: a job, then the 下载中心."""
    if kind not in EXPORTERS or EXPORTERS[kind].with_texts:
        raise Http404
    key = "branch" if EXPORTERS[kind].target == "branch" else "unit"
    try:
        services.report_job_create(
            actor=request.user, kind=kind, params={key: unit_pk, "year": request.POST.get("year")}
        )
    except ValidationError as exc:
        if key in exc.message_dict:
            raise Http404 from None
        messages.error(request, _errors(exc))
        return redirect(request.POST.get("next") or "download_center")
    messages.success(request, _("已提交，生成完成后可在下载中心下载。"))
    return redirect("download_center")


@login_required
def summary_export(request, unit_pk):
    """The 汇总报告: the user writes 存在问题 and 下步打算, then chooses PDF or Excel."""
    unit = get_object_or_404(org_units_visible_to(request.user), pk=unit_pk)
    form = SummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.report_job_create(
                actor=request.user,
                kind=d["kind"],
                params={"unit": unit.pk, "year": d["year"], "problems": d["problems"], "plans": d["plans"]},
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已提交，生成完成后可在下载中心下载。"))
            return redirect("download_center")
    return render(request, "reports/summary_form.html", {"unit": unit, "form": form})


@login_required
def branch_report_pdf(request, branch_pk, year):
    """The branch acceptance report straight as PDF."""
    exporter = BranchReport()
    try:
        params = exporter.clean(request.user, {"branch": branch_pk, "year": year})
    except ValidationError:
        raise Http404 from None
    filename, content_type, content = exporter.render(params)
    response = HttpResponse(content, content_type=content_type)
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response

