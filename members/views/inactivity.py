"""Six-month rule pages: a branch's cases, and the form that records how a
case was handled. The system never changes a status by itself: where the
handling is the 自行脱党 procedure, the status change is made on its own page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.forms import call_service
from branches.scoping import can_edit_org_unit

from .. import forms, selectors, services
from ..conf import six_month_limit
from ..models import InactivityHandling
from .access import editable_member, visible_branch


@login_required
def six_month_page(request, branch_pk):
    branch = visible_branch(request, branch_pk)
    today = timezone.localdate()
    found = selectors.six_month_cases([branch.pk], on=today)
    services.six_month_cases_record(found, on=today)  # a case, once found, stays open until handled (SPEC §11)
    cases = found[branch.pk]
    return render(
        request,
        "members/six_month.html",
        {
            "branch": branch,
            "cases": cases,
            "open_cases": sum(1 for c in cases if not c.handled),
            "limit": six_month_limit(),
            "can_edit": can_edit_org_unit(request.user, branch),
        },
    )


@login_required
def inactivity_handle(request, pk, rule):
    member = editable_member(request, pk)
    if rule not in InactivityHandling.Rule.values:
        raise Http404
    try:
        since = date.fromisoformat((request.POST.get("since") or request.GET.get("since") or "") + "-01")
    except ValueError:
        raise Http404 from None
    existing = InactivityHandling.objects.filter(member=member, rule=rule, since=since).first()
    initial = {"handled_on": timezone.localdate()}
    if existing:
        initial = {"handled_on": existing.handled_on, "measure": existing.measure, "note": existing.note}
    form = forms.InactivityHandleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.inactivity_handle(
                member=member, rule=rule, since=since, actor=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("已登记%(name)s的处置情况。") % {"name": member.name})
            return redirect("six_month", branch_pk=member.branch_id)
    label = InactivityHandling.Rule(rule).label
    return render(
        request,
        "members/form_page.html",
        {
            "form": form,
            "member": member,
            "title": _("登记处置：%(name)s（%(rule)s）") % {"name": member.name, "rule": label},
            "intro": _("自%(since)s起。登记处置不会改变党员状态；按自行脱党程序除名的，请另行办理状态变更。")
            % {"since": since.strftime("%Y-%m")},
            "hidden": {"since": since.strftime("%Y-%m")},
            "back_url": reverse("six_month", args=[member.branch_id]),
        },
    )
