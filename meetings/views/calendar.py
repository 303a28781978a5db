"""The compliance calendar of a branch and the overview of many branches."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.scoping import branches_visible_to, can_edit_org_unit, home_unit_for, org_units_visible_to, scope_of
from config.params import page_year

from .. import compliance as c
from .. import selectors
from .access import visible_branch

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


def _year_param(request) -> int:
    return page_year(request)


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
        if scope_of(request.user).member_id:
            return redirect("my_org_life")  # a 党员 sees their own meetings there
        raise Http404(_("没有可查看的党组织。"))
    if unit.is_branch:
        return redirect("meeting_calendar", branch_pk=unit.pk, year=year)
    return redirect("meeting_overview", unit_pk=unit.pk, year=year)


@login_required
def calendar(request, branch_pk, year):
    branch = visible_branch(request, branch_pk)
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
