"""民主评议党员: the grades of an evaluation meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from branches.scoping import can_edit_org_unit

from .. import selectors, services
from ..models import EvaluationGrade
from .access import visible_meeting


@login_required
def evaluation_grades(request, pk):
    meeting = visible_meeting(request, pk)
    can_edit = can_edit_org_unit(request.user, meeting.branch)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    people = selectors.roster(meeting.branch, on=meeting.date)
    current = dict(EvaluationGrade.objects.filter(meeting=meeting).values_list("member_id", "grade"))
    errors = []
    if request.method == "POST":
        grades = {}
        for m in people:
            value = request.POST.get(f"grade_{m.pk}", "")
            if value:
                grades[m.pk] = value
        try:
            services.evaluation_grades_set(meeting, grades=grades, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
            current = grades
        else:
            messages.success(request, _("民主评议等次已保存。"))
            return redirect("meeting_detail", pk=meeting.pk)
    rows = [
        {
            "member": m,
            "voting": selectors.is_voting_on(m, meeting.date),
            "grade": current.get(m.pk, ""),
        }
        for m in people
    ]
    num, den = services.excellent_max_ratio()
    return render(
        request,
        "meetings/evaluation_grades.html",
        {
            "meeting": meeting,
            "rows": rows,
            "grades": EvaluationGrade.Grade.choices,
            "errors": errors,
            "can_edit": can_edit,
            "ratio": f"{num}/{den}",
        },
        status=400 if errors else 200,
    )
