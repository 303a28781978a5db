"""发展党员 pages: the branch's pipeline, one person's timeline of the 25
steps, and the step forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.forms import call_service
from members.scoping import can_edit_member, can_edit_org_unit, can_view_org_unit

from .. import forms, pipeline, selectors, services
from ..models import DevelopmentStep, Member
from ..selectors.study import training_hours_between
from .access import editable_member, visible_branch, visible_member


@login_required
def development_branch(request, branch_pk):
    branch = visible_branch(request, branch_pk)
    today = timezone.localdate()
    rows = selectors.development_people([branch.pk], on=today)[branch.pk]
    rows.sort(key=lambda r: (pipeline.STATUS_ORDER.get(r.status, 9), -(max(r.steps) if r.steps else 0), r.name))
    return render(
        request,
        "members/development_branch.html",
        {
            "branch": branch,
            "rows": rows,
            "flagged": sum(1 for r in rows if r.findings),
            "can_edit": can_edit_org_unit(request.user, branch),
            "stages": pipeline.STAGES,
        },
    )


@login_required
def development_timeline(request, pk):
    member = visible_member(request, pk)
    today = timezone.localdate()
    stages, findings = selectors.timeline(member, on=today)
    recorded = [record.step for stage in stages for _d, record, _f in stage.steps if record]
    can_edit = can_edit_member(request.user, member) and member.status not in Member.LEFT_STATUSES
    return render(
        request,
        "members/development_timeline.html",
        {
            "member": member,
            "stages": stages,
            "findings": findings,
            "next_step": pipeline.next_step(recorded),
            "done": len(recorded),
            "can_edit": can_edit,
            "branch_visible": can_view_org_unit(request.user, member.branch),
        },
    )


def _initial_hours(member: Member):
    """⑪: the trainings attended since becoming a 发展对象, as a suggestion."""
    start = member.candidate_date or member.activist_date
    return training_hours_between(member, start, timezone.localdate()) if start else None


@login_required
def development_step_create(request, pk):
    member = editable_member(request, pk)
    recorded = list(DevelopmentStep.objects.filter(member=member).values_list("step", flat=True))
    try:
        number = int(request.POST.get("step") or request.GET.get("step") or 0)
    except ValueError:
        number = 0
    definition = pipeline.BY_NUMBER.get(number) or pipeline.next_step(recorded)
    if definition is None:
        raise Http404
    initial = {"date": timezone.localdate()}
    if definition.needs_hours:
        initial["hours"] = _initial_hours(member)
    form = forms.DevelopmentStepForm(
        request.POST or None, definition=definition, branch=member.branch, member=member, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        step = call_service(
            form,
            lambda: services.development_step_record(
                member=member, step=definition.number, actor=request.user, **form.cleaned_data
            ),
        )
        if step:
            member.refresh_from_db()
            messages.success(
                request,
                _("已登记%(step)s。%(name)s当前状态：%(status)s。")
                % {"step": definition.label, "name": member.name, "status": member.get_status_display()},
            )
            return redirect(reverse("development_timeline", args=[member.pk]) + f"#step-{definition.number}")
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "member": member,
            "title": _("登记发展步骤：%(step)s") % {"step": definition.label},
            "intro": _("%(name)s · 第%(stage)s阶段：%(stage_name)s")
            % {"name": member.name, "stage": definition.stage, "stage_name": pipeline.STAGES[definition.stage]},
            "hidden": {"step": definition.number},
            "back_url": reverse("development_timeline", args=[member.pk]),
        },
    )


@login_required
def development_step_edit(request, pk, step_pk):
    member = editable_member(request, pk)
    record = get_object_or_404(DevelopmentStep.objects.select_related("member"), pk=step_pk, member=member)
    definition = record.definition
    initial = {
        "date": record.date,
        "document": record.document,
        "responsible": record.responsible,
        "hours": record.hours,
        "extension_months": record.extension_months,
        "note": record.note,
        "people": list(record.people.values_list("pk", flat=True)),
    }
    form = forms.DevelopmentStepForm(
        request.POST or None,
        definition=definition,
        branch=member.branch,
        member=member,
        initial=initial,
        version=record.version,
    )
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.development_step_update(record, actor=request.user, **form.service_data())):
            messages.success(request, _("已更正%(step)s。") % {"step": definition.label})
            return redirect(reverse("development_timeline", args=[member.pk]) + f"#step-{definition.number}")
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "member": member,
            "title": _("更正发展步骤：%(step)s") % {"step": definition.label},
            "back_url": reverse("development_timeline", args=[member.pk]),
        },
    )
