"""Pages of the meetings app: the phone-first logging form, the meeting list
and detail (with history), attachments served through the scoping selector,
民主评议 grades, 谈心谈话 and 党员汇报 records, and the compliance calendar.

Access is decided by `branches.scoping` only: a branch the user cannot see is
404, one they can see but not edit is 403."""

import datetime as dt
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from archives import filing
from branches.models import OrgUnit, RoleTenure
from branches.scoping import (
    branches_visible_to,
    can_edit_org_unit,
    home_unit_for,
    org_units_editable_by,
    org_units_visible_to,
)
from branches.selectors import committee_on

from . import compliance as c
from . import forms, selectors, services
from .models import Attachment, Attendance, EvaluationGrade, Meeting, MeetingKind, MemberReport, TalkRecord

STATUS_LABELS = {
    c.HELD: gettext_lazy("已召开"),
    c.MISSING: gettext_lazy("未召开"),
    c.UPCOMING: gettext_lazy("待召开"),
    c.NOT_APPLICABLE: gettext_lazy("不适用"),
}
STATUS_SHORT = {
    c.HELD: "✓",
    c.MISSING: gettext_lazy("缺"),
    c.UPCOMING: gettext_lazy("待"),
    c.NOT_APPLICABLE: "—",
}


# ---------------------------------------------------------------- access


def _visible_branch(request, pk) -> OrgUnit:
    return get_object_or_404(branches_visible_to(request.user), pk=pk)


def _editable_branch(request, pk) -> OrgUnit:
    branch = _visible_branch(request, pk)
    if not can_edit_org_unit(request.user, branch):
        raise PermissionDenied
    return branch


def _visible_meeting(request, pk, qs=None) -> Meeting:
    qs = Meeting.objects.select_related("branch") if qs is None else qs
    return get_object_or_404(qs.filter(branch__in=branches_visible_to(request.user)), pk=pk)


def _editable_meeting(request, pk, qs=None) -> Meeting:
    meeting = _visible_meeting(request, pk, qs)
    if not can_edit_org_unit(request.user, meeting.branch):
        raise PermissionDenied
    return meeting


def _editable_branches(request):
    return [b for b in branches_visible_to(request.user).order_by("path") if can_edit_org_unit(request.user, b)]


def _can_log_somewhere(request) -> bool:
    return org_units_editable_by(request.user).filter(kind__in=OrgUnit.BRANCH_KINDS).exists()


def _put_errors(form, exc: ValidationError, extra_fields=()) -> None:
    """A service's errors back onto the form: known fields inline, the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        if field == "held_at":
            target = "date"
        for message in errors:
            if target is None and field in extra_fields:
                form.extra_errors.setdefault(field, []).append(message)
            else:
                form.add_error(target, message)


def _year_param(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


# ---------------------------------------------------------------- logging form


def _roster_context(branch: OrgUnit, meeting: Meeting | None = None):
    """Everyone who could be due, with what the page's script needs to narrow
    the list to who was due on the chosen date: the members who had joined by
    then, the committee of that day, or a 党小组. The service decides anyway."""
    members = selectors.roster(branch, on=timezone.localdate())
    tenures = list(
        RoleTenure.objects.filter(term__org_unit=branch).values_list("member_id", "start_date", "end_date", "role")
    )
    spans, roles = {}, {}
    for member_id, start, end, role in tenures:
        spans.setdefault(member_id, []).append([start.isoformat(), end.isoformat() if end else "9999-12-31"])
        roles.setdefault(member_id, RoleTenure.Role(role).label)
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
                "committee": json.dumps(spans.get(m.pk, [])),
                "role": roles.get(m.pk, ""),
                "group": m.party_group_id or "",
                "joined": m.join_date.isoformat() if m.join_date else "",
                "absent": a is not None,
                "reason": a.absence_reason if a else "",
                "note": a.note if a else "",
            }
        )
    return rows


def _form_page(request, *, branch, form, formset, meeting=None, status=200):
    roster = _roster_context(branch, meeting)
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
            "reasons": Attendance.Reason.choices,
            "extra_errors": getattr(form, "extra_errors", {}),
            "max_mb": services.attachment_max_bytes() // services.MB,
            "study_kinds": json.dumps(list(Meeting.STUDY_KINDS)),
        },
        status=status,
    )


@login_required
def meeting_create(request):
    """The phone-first form: kinds, date, topic, tick absentees, save."""
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    if not branch_id:
        editable = _editable_branches(request)
        if len(editable) == 1:
            branch_id = editable[0].pk
        else:
            return render(request, "meetings/branch_pick.html", {"branches": editable})
    branch = _editable_branch(request, branch_id)
    members = selectors.roster(branch, on=timezone.localdate())
    member_qs = selectors.party_members(branch)
    if request.method == "POST":
        form = forms.MeetingForm(request.POST, request.FILES, branch=branch, members=member_qs)
        form.extra_errors = {}
        formset = forms.ResolutionFormSet(request.POST, prefix="res")
        if form.is_valid() and formset.is_valid():
            resolutions = [r for r in (f.to_input() for f in formset) if r]
            try:
                meeting = services.meeting_record(branch=branch, user=request.user, **form.service_kwargs(resolutions))
            except ValidationError as exc:
                _put_errors(form, exc, extra_fields=("attendance", "observers", "resolutions", "kinds"))
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


def _secretary_ids(branch) -> set[int]:
    today = timezone.localdate()
    return {t.member_id for t in committee_on(branch, today) if t.role == RoleTenure.Role.SECRETARY}


def _announce(request, meeting: Meeting, *, created: bool) -> None:
    verb = _("已登记") if created else _("已保存修改")
    if meeting.quorum_met is False:
        messages.warning(
            request,
            _(
                "%(verb)s，但未达法定人数：应到%(base)s人，实到%(present)s人，未超过半数。"
                "记录已保存，并标记为“未达法定人数”，不计入该类会议的完成情况。"
            )
            % {
                "verb": verb,
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


@login_required
def meeting_edit(request, pk):
    qs = Meeting.objects.select_related("branch").prefetch_related("kinds", "resolutions", "attendance__member")
    meeting = _editable_meeting(request, pk, qs)
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
                    user=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_kwargs(resolutions),
                )
            except ValidationError as exc:
                _put_errors(form, exc, extra_fields=("attendance", "observers", "resolutions", "kinds"))
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


# ---------------------------------------------------------------- list and detail


@login_required
def meeting_list(request):
    visible = branches_visible_to(request.user)
    form = forms.MeetingFilterForm(request.GET or None, branches=visible.order_by("path"))
    qs = selectors.meeting_list(selectors.meetings_visible_to(request.user))
    if form.is_valid():
        d = form.cleaned_data
        if d.get("branch"):
            qs = qs.filter(branch=d["branch"])
        if d.get("kind"):
            qs = qs.filter(kinds__kind=d["kind"])
        if d.get("date_from"):
            qs = qs.filter(date__gte=d["date_from"])
        if d.get("date_to"):
            qs = qs.filter(date__lte=d["date_to"])
    page = Paginator(qs.order_by("-date", "-held_at", "-id"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "form": form,
            "page": page,
            "can_create": _can_log_somewhere(request),
            "query": query.urlencode(),
        },
    )


def _history(meeting: Meeting):
    """The meeting's audit trail: field changes, and kinds added or removed."""
    entries = []
    records = list(meeting.history.select_related("history_user").order_by("history_date", "history_id"))
    skip = {"version", "date", "updated_at"}
    for prev, rec in zip([None] + records[:-1], records, strict=True):
        changes = []
        if prev is not None:
            delta = rec.diff_against(prev)
            for change in delta.changes:
                if change.field in skip:
                    continue
                field = Meeting._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entries.append(
            {
                "date": rec.history_date,
                "user": rec.history_user,
                "type": rec.history_type,
                "changes": changes,
            }
        )
    for rec in MeetingKind.history.filter(meeting_id=meeting.pk).select_related("history_user"):
        if (
            records
            and abs((rec.history_date - records[0].history_date).total_seconds()) < 5
            and rec.history_type == "+"
        ):
            continue  # the kinds given when the meeting was logged
        label = Meeting.Kind(rec.kind).label
        entries.append(
            {
                "date": rec.history_date,
                "user": rec.history_user,
                "type": "~",
                "changes": [
                    {
                        "field": _("计入类型"),
                        "old": "" if rec.history_type == "+" else label,
                        "new": label if rec.history_type == "+" else "",
                    }
                ],
            }
        )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return entries


def _display(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


@login_required
def meeting_detail(request, pk):
    meeting = _visible_meeting(request, pk, selectors.meeting_detail(Meeting.objects.all()))
    attendance = list(meeting.attendance.all())
    bound = filing.is_bound(meeting)  # 合订: corrections only as an addendum in the archive
    can_edit = can_edit_org_unit(request.user, meeting.branch) and not bound
    kinds = [k.kind for k in meeting.kinds.all()]
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "kinds": [Meeting.Kind(k).label for k in kinds],
            "present": [a for a in attendance if a.status == Attendance.Status.PRESENT],
            "absent": [a for a in attendance if a.status == Attendance.Status.ABSENT],
            "observers": [a for a in attendance if a.status == Attendance.Status.OBSERVER],
            "can_edit": can_edit,
            "bound": bound,
            "is_evaluation": Meeting.Kind.EVALUATION in kinds,
            "ungraded": selectors.evaluation_ungraded(meeting) if Meeting.Kind.EVALUATION in kinds else [],
            "attachment_form": forms.AttachmentForm() if can_edit else None,
            "history": _history(meeting),
            "max_mb": services.attachment_max_bytes() // services.MB,
        },
    )


# ---------------------------------------------------------------- attachments


@login_required
@require_POST
def attachment_upload(request, pk):
    meeting = _editable_meeting(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                meeting, file=form.cleaned_data["file"], kind=form.cleaned_data["kind"], user=request.user
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("附件已上传。"))
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
    return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#attachments")


@login_required
def attachment_download(request, pk):
    """Attachments are never served from a public media URL: only through here,
    to users who may see the branch."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("meeting__branch").filter(
            meeting__branch__in=branches_visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("附件文件不存在。")) from None
    inline = attachment.content_type in ("image/jpeg", "image/png", "application/pdf")
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("meeting__branch"), pk=pk)
    meeting = _editable_meeting(request, attachment.meeting_id)
    try:
        services.attachment_delete(attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#attachments")


# ---------------------------------------------------------------- 民主评议党员


@login_required
def evaluation_grades(request, pk):
    meeting = _visible_meeting(request, pk)
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
            services.evaluation_grades_set(meeting, grades=grades, user=request.user)
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


# ---------------------------------------------------------------- 谈心谈话, 党员汇报


def _record_list(request, *, model, template, create_url_name):
    visible = branches_visible_to(request.user)
    qs = model.objects.filter(branch__in=visible).select_related("branch")
    qs = qs.select_related("talker", "talkee") if model is TalkRecord else qs.select_related("member")
    branch = None
    if request.GET.get("branch"):
        branch = _visible_branch(request, request.GET["branch"])
        qs = qs.filter(branch=branch)
    year = request.GET.get("year")
    if year and year.isdigit():
        qs = qs.filter(date__year=int(year))
    page = Paginator(qs.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "branch": branch,
            "year": year,
            "can_create": _can_log_somewhere(request),
            "create_url_name": create_url_name,
        },
    )


def _record_create(request, *, form_class, heading, save):
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    if not branch_id:
        editable = _editable_branches(request)
        if len(editable) != 1:
            return render(request, "meetings/branch_pick.html", {"branches": editable, "next": request.path})
        branch_id = editable[0].pk
    branch = _editable_branch(request, branch_id)
    members = selectors.party_members(branch)
    form = form_class(request.POST or None, members=members, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            save(branch, form.cleaned_data)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect(f"{request.path}?{urlencode({'branch': branch.pk})}")
    return render(
        request,
        "meetings/record_form.html",
        {"form": form, "branch": branch, "heading": heading},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def talk_list(request):
    return _record_list(
        request, model=TalkRecord, template="meetings/talk_list.html", create_url_name="meeting_talk_create"
    )


@login_required
def talk_create(request):
    def save(branch, d):
        return services.talk_record(
            branch=branch,
            date=d["date"],
            talker_id=d["talker"].pk,
            talkee_id=d["talkee"].pk,
            place=d["place"],
            summary=d["summary"],
            user=request.user,
        )

    return _record_create(request, form_class=forms.TalkForm, heading=_("登记谈心谈话"), save=save)


@login_required
def report_list(request):
    return _record_list(
        request, model=MemberReport, template="meetings/report_list.html", create_url_name="meeting_report_create"
    )


@login_required
def report_create(request):
    def save(branch, d):
        return services.member_report_record(
            branch=branch,
            member_id=d["member"].pk,
            date=d["date"],
            topic=d["topic"],
            content=d["content"],
            user=request.user,
        )

    return _record_create(request, form_class=forms.MemberReportForm, heading=_("登记党员汇报"), save=save)


# ---------------------------------------------------------------- compliance calendar


def _cell_link(branch, row, cell, *, can_edit: bool, today: dt.date) -> str:
    req = row.requirement
    if req.counting == c.TALK_PAIRS:
        name = "meeting_talk_create" if can_edit and cell.status != c.HELD else "meeting_talks"
        return f"{reverse(name)}?{urlencode({'branch': branch.pk, 'year': cell.period.start.year})}"
    if req.counting == c.MEMBER_REPORTS:
        name = "meeting_report_create" if can_edit and cell.status != c.HELD else "meeting_reports"
        return f"{reverse(name)}?{urlencode({'branch': branch.pk, 'year': cell.period.start.year})}"
    if cell.meeting_ids and len(cell.meeting_ids) == 1 and not cell.excluded_ids:
        return reverse("meeting_detail", args=[cell.meeting_ids[0]])
    if cell.meeting_ids or cell.excluded_ids:
        return f"{reverse('meeting_list')}?" + urlencode(
            {
                "branch": branch.pk,
                "kind": req.meeting_kind,
                "date_from": cell.period.start.isoformat(),
                "date_to": cell.period.end.isoformat(),
            }
        )
    if can_edit and cell.status in (c.MISSING, c.UPCOMING) and cell.period.start <= today:
        params = {"branch": branch.pk, "kind": req.meeting_kind, "date": min(cell.period.end, today).isoformat()}
        if row.subject_id:
            params["group"] = row.subject_id
        return f"{reverse('meeting_create')}?{urlencode(params)}"
    return ""


def calendar_grid(branch, result: c.BranchCompliance, *, can_edit: bool):
    """Rows of cells ready for the template: status, colspan (months), link, tooltip."""
    rows = []
    for row in result.rows:
        cells = []
        for cell in row.cells:
            title = [f"{cell.period.label}：{STATUS_LABELS[cell.status]}"]
            if row.requirement.counting in (c.MEETINGS, c.PER_GROUP, c.SECRETARY_LECTURES) and cell.required:
                title.append(_("%(n)s次（至少%(m)s次）") % {"n": cell.count, "m": cell.required})
            if cell.note:
                title.append(cell.note)
            if cell.missing:
                title.append(_("未完成：") + "、".join(cell.missing[:10]) + ("…" if len(cell.missing) > 10 else ""))
            if row.requirement.counting in (c.TALK_PAIRS, c.MEMBER_REPORTS) and cell.required:
                text = f"{cell.count}/{cell.required}"
            elif cell.status == c.HELD and cell.count > 1:
                text = f"✓{cell.count}"
            else:
                text = STATUS_SHORT[cell.status]
            cells.append(
                {
                    "status": cell.status,
                    "label": STATUS_LABELS[cell.status],
                    "colspan": cell.period.months,
                    "key": cell.period.key,
                    "text": text,
                    "title": " · ".join(str(t) for t in title),
                    "href": _cell_link(branch, row, cell, can_edit=can_edit, today=result.today),
                    "warn": bool(cell.excluded_ids),
                }
            )
        rows.append(
            {
                "label": row.label,
                "code": row.requirement.code,
                "subject": row.subject_id or "",
                "period": row.requirement.period,
                "cells": cells,
                "held": row.held,
                "missing": row.missing,
            }
        )
    return rows


@login_required
def calendar_home(request):
    """The calendar of the user's branch, or the overview of their unit."""
    year = _year_param(request)
    unit = home_unit_for(request.user)
    if unit is None:
        raise Http404(_("没有可查看的党组织。"))
    if unit.is_branch:
        return redirect("meeting_calendar", branch_pk=unit.pk, year=year)
    return redirect("meeting_overview", unit_pk=unit.pk, year=year)


@login_required
def calendar(request, branch_pk, year):
    branch = _visible_branch(request, branch_pk)
    if not 2000 <= year <= 2100:
        raise Http404
    result = selectors.branch_compliance(branch, year)
    can_edit = can_edit_org_unit(request.user, branch)
    quarters = [(p.label, p.key) for p in c.periods_of(year, "quarter")]
    months = [(p.first_month, p.key) for p in c.periods_of(year, "month")]
    return render(
        request,
        "meetings/calendar.html",
        {
            "branch": branch,
            "year": year,
            "result": result,
            "summary": result.summary,
            "rows": calendar_grid(branch, result, can_edit=can_edit),
            "can_edit": can_edit,
            "quarters": quarters,
            "months": months,
            "this_month": f"{result.today:%Y-%m}",
            "years": range(year - 2, min(year + 1, timezone.localdate().year) + 1),
            "statuses": [(s, STATUS_LABELS[s]) for s in c.STATUSES],
            "parent": branch.parent
            if branch.parent_id and org_units_visible_to(request.user).filter(pk=branch.parent_id).exists()
            else None,
        },
    )


@login_required
def overview(request, unit_pk, year):
    """Many branches at once: per branch and requirement, periods held / missing.
    A fixed number of queries whatever the number of branches."""
    unit = get_object_or_404(org_units_visible_to(request.user), pk=unit_pk)
    branches = branches_visible_to(request.user).filter(path__startswith=unit.path).order_by("path")
    page = Paginator(branches, 50).get_page(request.GET.get("page"))
    results = selectors.branches_compliance(page.object_list, year)
    columns: dict[str, str] = {}
    for result in results.values():
        for row in result.rows:
            columns.setdefault(row.requirement.code, row.requirement.name)
    table = []
    for branch in page.object_list:
        result = results[branch.pk]
        cells = []
        for code in columns:
            rows = result.rows_for(code)
            held = sum(r.held for r in rows)
            missing = sum(r.missing for r in rows)
            upcoming = sum(r.upcoming for r in rows)
            status = (
                c.NOT_APPLICABLE
                if not (held or missing or upcoming)
                else (c.MISSING if missing else (c.HELD if not upcoming else c.UPCOMING))
            )
            cells.append({"code": code, "held": held, "missing": missing, "upcoming": upcoming, "status": status})
        table.append({"branch": branch, "cells": cells, "missing": result.count(c.MISSING)})
    return render(
        request,
        "meetings/overview.html",
        {
            "unit": unit,
            "year": year,
            "columns": columns,
            "table": table,
            "page": page,
            "years": range(year - 2, min(year + 1, timezone.localdate().year) + 1),
        },
    )
