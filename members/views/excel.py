"""Excel pages: the templates, the import (upload, result, error report) and
the roster export (ID numbers masked unless the user may see them all, in
which case the reveal is audited per member)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.scoping import branches_visible_to, can_edit_org_unit, can_reveal_id_number, members_visible_to

from .. import excel, forms, services
from ..models import ImportRun
from .access import editable_branch
from .roster import filter_groups, int_or_none


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def import_template(request, dataset):
    if dataset not in excel.DATASETS:
        raise Http404
    return xlsx_response(excel.template(dataset), f"{excel.TITLES[dataset]}导入模板.xlsx")


@login_required
def member_import(request, branch_pk):
    branch = editable_branch(request, branch_pk)
    form = forms.ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"dataset": request.GET.get("dataset") or ImportRun.Dataset.ROSTER},
    )
    if request.method == "POST" and form.is_valid():
        run = services.members_import(
            branch=branch, dataset=form.cleaned_data["dataset"], upload=form.cleaned_data["file"], actor=request.user
        )
        return redirect("import_detail", pk=run.pk)
    recent = ImportRun.objects.filter(branch=branch).select_related("user")[:10]
    return render(request, "members/import.html", {"branch": branch, "form": form, "recent": recent})


def _visible_run(request, pk) -> ImportRun:
    return get_object_or_404(
        ImportRun.objects.filter(branch__in=branches_visible_to(request.user)).select_related("branch", "user"), pk=pk
    )


@login_required
def import_detail(request, pk):
    run = _visible_run(request, pk)
    return render(
        request,
        "members/import.html",
        {
            "branch": run.branch,
            "run": run,
            "form": forms.ImportForm(initial={"dataset": run.dataset}),
            "recent": ImportRun.objects.filter(branch=run.branch).exclude(pk=run.pk).select_related("user")[:10],
            "can_import": can_edit_org_unit(request.user, run.branch),
        },
    )


@login_required
def import_report(request, pk):
    run = _visible_run(request, pk)
    if not run.report:
        raise Http404
    return FileResponse(
        run.report.open("rb"),
        as_attachment=True,
        filename=f"{run.get_dataset_display()}错误报告.xlsx",
        content_type=excel.XLSX,
    )


@login_required
def member_export(request):
    """The roster as filtered on the list page. `?id=full` asks for full ID
    numbers: allowed only if the user may see every one of them, and audited."""
    user = request.user
    form = forms.MemberFilterForm(
        request.GET or None,
        branches=branches_visible_to(user).order_by("path"),
        groups=filter_groups(request, int_or_none(request.GET.get("branch"))),
    )
    form.is_valid()
    members = list(
        form.filter(members_visible_to(user))
        .select_related("branch", "party_group")
        .order_by("branch__path", "name", "pk")
    )
    reveal = request.GET.get("id") == "full"
    if reveal:
        if not all(can_reveal_id_number(user, m) for m in members):
            raise PermissionDenied
        services.id_number_reveals_record(
            members=members, actor=user, channel="export", ip_address=request.META.get("REMOTE_ADDR")
        )
    content = excel.export_roster(members, reveal=reveal)
    return xlsx_response(content, _("党员名册%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")})
