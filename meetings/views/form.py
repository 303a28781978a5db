"""The phone-first logging form: log or edit a meeting, and who must attend
on a date (asked by the form's script when the date changes)."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import OrgUnit, RoleTenure
from branches.selectors import committee_in_office, committee_on

from .. import forms, selectors, services
from ..models import Attendance, Meeting
from .access import editable_branch, editable_branches, editable_meeting, put_errors


def _roster_context(branch: OrgUnit, meeting: Meeting | None = None, *, day: dt.date | None = None):
    """Everyone who could be due, with what the page's script needs to narrow
    the list to who was due on the chosen date: the members who had joined by
    then, the committee of that day, or a 党小组. The service decides anyway.
    The role shown beside a name is the one in office on the meeting's date
    (`day`: the date entered, else the meeting's, else today)."""
    members = selectors.roster(branch, on=timezone.localdate())
    day = day or (meeting.date if meeting is not None else timezone.localdate())
    roles = {}
    for seat in committee_in_office([branch.pk], day)[branch.pk]:
        roles.setdefault(seat.member_id, RoleTenure.Role(seat.role).label)
    absent = {}
    if meeting is not None:
        absent = {a.member_id: a for a in meeting.attendance.all() if a.status == Attendance.Status.ABSENT}
        known = {m.pk for m in members}
        members += [
            a.member
            for a in meeting.attendance.all()
            if a.member_id and a.member_id not in known and a.status != Attendance.Status.OBSERVER
        ]
    rows = []
    for m in members:
        a = absent.get(m.pk)
        rows.append(
            {
                "member": m,
                "role": roles.get(m.pk, ""),
                "group": m.party_group_id or "",
                "absent": a is not None,
                "reason": a.absence_reason if a else "",
                "note": a.note if a else "",
            }
        )
    return rows


def _form_page(request, *, branch, form, formset, meeting=None, status=200):
    day = form.cleaned_data.get("date") if form.is_bound and hasattr(form, "cleaned_data") else None
    day = day or (meeting.date if meeting is not None else timezone.localdate())
    roster = _roster_context(branch, meeting, day=day)
    if form.is_bound:
        ticked = set(form.data.getlist("absent"))
        for row in roster:
            pk = str(row["member"].pk)
            row["absent"] = pk in ticked
            row["reason"] = form.data.get(f"reason_{pk}", "")
            row["note"] = form.data.get(f"note_{pk}", "")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "branch": branch,
            "form": form,
            "formset": formset,
            "meeting": meeting,
            "roster": roster,
            "due": json.dumps(selectors.due_on(branch, day)),  # who must attend, per kind: the script applies it
            "reasons": Attendance.Reason.choices,
            "extra_errors": getattr(form, "extra_errors", {}),
            "max_mb": services.attachment_max_bytes() // services.MB,
            "study_kinds": json.dumps(list(Meeting.STUDY_KINDS)),
        },
        status=status,
    )


@login_required
def meeting_due(request):
    """Who must attend on a date (`selectors.due_on`), for the logging form
    when the date is changed: the page never decides it itself."""
    branch_id = request.GET.get("branch", "")
    if not branch_id.isdigit():
        raise Http404
    branch = editable_branch(request, int(branch_id))
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return JsonResponse({"detail": _("日期格式不正确。")}, status=400)
    return JsonResponse(selectors.due_on(branch, day))


@login_required
def meeting_create(request):
    """The phone-first form: kinds, date, topic, tick absentees, save."""
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    if not branch_id:
        editable = editable_branches(request)
        if len(editable) == 1:
            branch_id = editable[0].pk
        else:
            return render(request, "meetings/branch_pick.html", {"branches": editable})
    branch = editable_branch(request, branch_id)
    members = selectors.roster(branch, on=timezone.localdate())
    member_qs = selectors.party_members(branch)
    if request.method == "POST":
        form = forms.MeetingForm(request.POST, request.FILES, branch=branch, members=member_qs)
        form.extra_errors = {}
        formset = forms.ResolutionFormSet(request.POST, prefix="res")
        if form.is_valid() and formset.is_valid():
            resolutions = [r for r in (f.to_input() for f in formset) if r]
            try:
                meeting = services.meeting_record(branch=branch, actor=request.user, data=form.to_input(resolutions))
            except ValidationError as exc:
                put_errors(form, exc, extra_fields=("attendance", "observers", "resolutions", "kinds"))
            else:
                _announce(request, meeting, created=True)
                return redirect("meeting_detail", pk=meeting.pk)
        return _form_page(request, branch=branch, form=form, formset=formset, status=400)
    initial = {"date": timezone.localdate()}
    kind = request.GET.get("kind")
    if kind in Meeting.Kind.values:
        initial["kinds"] = [kind]
    if request.GET.get("date"):
        try:
            initial["date"] = min(dt.date.fromisoformat(request.GET["date"]), timezone.localdate())
        except ValueError:
            pass
    if request.GET.get("group", "").isdigit():
        initial["party_group"] = int(request.GET["group"])
    secretary_ids = _secretary_ids(branch)
    secretary = next((m for m in members if m.pk in secretary_ids), None)
    if secretary:
        initial["lecturer"] = secretary.pk
        initial["host"] = secretary.pk
    form = forms.MeetingForm(initial=initial, branch=branch, members=member_qs)
    return _form_page(request, branch=branch, form=form, formset=forms.ResolutionFormSet(prefix="res"))


@login_required
def meeting_edit(request, pk):
    qs = Meeting.objects.select_related("branch").prefetch_related("kinds", "resolutions", "attendance__member")
    meeting = editable_meeting(request, pk, qs)
    branch = meeting.branch
    member_qs = selectors.party_members(branch)
    if request.method == "POST":
        form = forms.MeetingForm(request.POST, request.FILES, branch=branch, members=member_qs)
        form.extra_errors = {}
        formset = forms.ResolutionFormSet(request.POST, prefix="res")
        if form.is_valid() and formset.is_valid():
            resolutions = [r for r in (f.to_input() for f in formset) if r]
            try:
                meeting = services.meeting_update(
                    meeting,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    data=form.to_input(resolutions),
                )
            except ValidationError as exc:
                put_errors(form, exc, extra_fields=("attendance", "observers", "resolutions", "kinds"))
            else:
                _announce(request, meeting, created=False)
                return redirect("meeting_detail", pk=meeting.pk)
        return _form_page(request, branch=branch, form=form, formset=formset, meeting=meeting, status=400)
    form = forms.MeetingForm(initial=forms.MeetingForm.initial_from(meeting), branch=branch, members=member_qs)
    formset = forms.ResolutionFormSet(
        prefix="res",
        initial=[
            {
                "text": r.text,
                "votes_for": r.votes_for,
                "votes_against": r.votes_against,
                "votes_abstain": r.votes_abstain,
            }
            for r in meeting.resolutions.all()
        ],
    )
    return _form_page(request, branch=branch, form=form, formset=formset, meeting=meeting)


def _secretary_ids(branch) -> set[int]:
    today = timezone.localdate()
    return {t.member_id for t in committee_on(branch, today) if t.role == RoleTenure.Role.SECRETARY}


def _announce(request, meeting: Meeting, *, created: bool) -> None:
    verb = _("已登记") if created else _("已保存修改")
    if meeting.quorum_met is False:
        messages.warning(
            request,
            _(
                "%(verb)s，但未达法定人数：%(basis)s应到%(base)s人、实到%(present)s人，未超过半数"
                "（全体应到%(expected)s人）。记录已保存，并标记为“未达法定人数”，不计入该类会议的完成情况。"
            )
            % {
                "verb": verb,
                "basis": meeting.quorum_basis,
                "expected": meeting.expected_count,
                "base": meeting.quorum_expected,
                "present": meeting.quorum_present,
            },
        )
    else:
        messages.success(
            request,
            _("%(verb)s：%(topic)s（应到%(e)s人，实到%(p)s人）。")
            % {
                "verb": verb,
                "topic": meeting.topic,
                "e": meeting.expected_count,
                "p": meeting.present_count,
            },
        )
