"""The meeting list and a meeting's page, with its audit history."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.scoping import branches_visible_to, can_edit_org_unit
from config import hooks
from config.params import filter_status

from .. import forms, selectors, services
from ..models import Attendance, Meeting, MeetingKind
from .access import can_log_somewhere, own_page_for_members, visible_meeting


@login_required
@own_page_for_members
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
            "can_create": can_log_somewhere(request),
            "query": query.urlencode(),
        },
        status=filter_status(form),
    )


@login_required
def meeting_detail(request, pk):
    meeting = visible_meeting(request, pk, selectors.meeting_detail(Meeting.objects.all()))
    attendance = list(meeting.attendance.all())
    bound = hooks.ask("archive.is_bound", meeting, default=False)  # 合订: corrections only as an addendum in the archive
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
