"""学时 pages: a branch's hours per member for a year (meetings + trainings,
against 32 / 56), and the training forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.forms import call_service
from branches.scoping import branches_visible_to, can_edit_org_unit

from .. import forms, services
from ..conf import StudyPolicy
from ..models import Training
from ..selectors import study
from .access import editable_branch, visible_branch


@login_required
def study_hours_page(request, branch_pk, year):
    branch = visible_branch(request, branch_pk)
    today = timezone.localdate()
    if not 1949 <= year <= today.year:
        raise Http404
    rows = study.study_hours([branch.pk], year, on=today)[branch.pk]
    only_short = request.GET.get("short") == "1"
    shown = [r for r in rows if r.is_short] if only_short else rows
    return render(
        request,
        "members/study_hours.html",
        {
            "branch": branch,
            "year": year,
            "rows": shown,
            "short_count": sum(1 for r in rows if r.is_short),
            "total": len(rows),
            "only_short": only_short,
            "policy": StudyPolicy.current(),
            "trainings": study.branch_trainings(branch, year),
            "can_edit": can_edit_org_unit(request.user, branch),
            "previous_year": year - 1,
            "next_year": year + 1 if year < today.year else None,
        },
    )


def _training_page(request, form, *, branch, title, training=None):
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "title": title,
            "branch": branch,
            "back_url": reverse(
                "study_hours", args=[branch.pk, (training.start_date if training else timezone.localdate()).year]
            ),
            "intro": _("1天计8学时，半天计4学时；按学时计的课程填“另计学时”。"),
        },
    )


@login_required
def training_create(request, branch_pk):
    branch = editable_branch(request, branch_pk)
    form = forms.TrainingForm(request.POST or None, branch=branch, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        training = call_service(
            form, lambda: services.training_record(branch=branch, actor=request.user, **form.cleaned_data)
        )
        if training:
            messages.success(
                request, _("已登记培训“%(t)s”，计%(h)s学时。") % {"t": training.title, "h": training.credited_hours}
            )
            return redirect(reverse("study_hours", args=[branch.pk, training.start_date.year]))
    return _training_page(request, form, branch=branch, title=_("登记培训"))


def _editable_training(request, pk) -> Training:
    training = get_object_or_404(
        Training.objects.filter(branch__in=branches_visible_to(request.user)).select_related("branch"), pk=pk
    )
    if not can_edit_org_unit(request.user, training.branch):
        raise PermissionDenied
    return training


@login_required
def training_edit(request, pk):
    training = _editable_training(request, pk)
    initial = model_to_dict(training, fields=forms.TrainingForm.model_fields)
    initial["participants"] = list(training.participants.values_list("pk", flat=True))
    form = forms.TrainingForm(request.POST or None, branch=training.branch, initial=initial, version=training.version)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.training_update(training, actor=request.user, **form.service_data())):
            messages.success(request, _("已保存培训记录。"))
            return redirect(reverse("study_hours", args=[training.branch_id, form.cleaned_data["start_date"].year]))
    return _training_page(request, form, branch=training.branch, title=_("编辑培训记录"), training=training)


@login_required
@require_POST
def training_delete(request, pk):
    training = _editable_training(request, pk)
    year, branch_pk = training.start_date.year, training.branch_id
    services.training_delete(training, actor=request.user)
    messages.success(request, _("已删除培训记录。"))
    return redirect(reverse("study_hours", args=[branch_pk, year]))
