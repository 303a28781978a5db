"""The committee dashboard (SPEC §6 Dashboard): one page per org unit and year
for 党委/党总支管理员, 组织部 and 验收组, and the lists behind its numbers.

Access: the unit must be inside a subtree grant of the user (404 otherwise);
branch roles and 党员 have no dashboard (403). Data: `assessment.dashboard`
(stored snapshots only). Every number links one level down: a unit → the same
dashboard of a child, a count → the branches behind it, a branch → its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import OrgUnit
from branches.scoping import org_units_visible_to

from . import dashboard as d
from . import dashboard_campaign as dc
from . import explain
from .dashboard import dashboard_unit, year_param
from .models import Assessment, Campaign, ScoreSnapshot
from .selectors import record_names
from .tasks import can_request_refresh, snapshots_refresh_request

SORT_LABELS = {
    "score": gettext_lazy("得分从低到高"),
    "-score": gettext_lazy("得分从高到低"),
    "fail": gettext_lazy("未达标多的在前"),
    "name": gettext_lazy("名称"),
}


CHILD_ROWS = 30  # the child table opens on the 30 weakest; 显示全部 or the search box reach the rest


def grade_label(grade: str | None) -> str:
    return str(ScoreSnapshot.Grade(grade).label) if grade else _("未计分")


def dashboard_url(org_id: int, year: int, **params) -> str:
    query = {"org": org_id, "year": year, **{k: v for k, v in params.items() if v}}
    return f"{_base('dashboard')}?{urlencode(query)}"


def branches_url(org_id: int, year: int, **params) -> str:
    query = {"org": org_id, "year": year, **{k: v for k, v in params.items() if v}}
    return f"{_base('dashboard_branches')}?{urlencode(query)}"


def branch_url(branch_id: int, year: int, item: str = "") -> str:
    """A branch's stored score for the year, item by item."""
    url = f"{_base('dashboard_branch')}{branch_id}/?year={year}"
    return url + (f"&item={item}#item-{item}" if item else "")


def _base(name: str) -> str:
    """The URL prefix of a route, reversed once per process (the child table
    builds hundreds of links)."""
    if name not in _BASES:
        with_id = name in ("dashboard_branch", "campaign_assessment")
        _BASES[name] = reverse(name, args=[0])[: -len("0/")] if with_id else reverse(name)
    return _BASES[name]


_BASES: dict[str, str] = {}


def assessment_url(assessment_id: int) -> str:
    """A branch's page in the campaign (its stages, items and history)."""
    return f"{_base('campaign_assessment')}{assessment_id}/"


def stage_label(status: str) -> str:
    return _("未纳入本次验收") if status == dc.NOT_INCLUDED else str(Assessment.Status(status).label)


def _campaign_and_year(request, unit, params):
    """`?campaign=` (checked against the user and the unit) and the year: the
    campaign's when one is chosen."""
    campaign = dc.campaign_param(request.user, unit, params.get("campaign"))
    if campaign is None:
        return None, year_param(params.get("year"))
    return campaign, dc.campaign_year(params.get("year"), campaign)


def ancestors(user, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors whose dashboard the user may open (one query)."""
    ids = [int(p) for p in unit.path.strip("/").split("/")[:-1]]
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found and d.can_view_dashboard(user, found[i])]


@login_required
def dashboard(request):
    tokens = d.request_tokens()
    unit = dashboard_unit(request.user, request.GET.get("org"))
    campaign, year = _campaign_and_year(request, unit, request.GET)
    if unit.is_branch:
        return redirect(branch_url(unit.pk, year))
    view = _View(
        unit=unit,
        year=year,
        campaign=campaign,
        q=request.GET.get("q", "")[:50],
        sort=request.GET.get("sort", "score"),
        show_all=request.GET.get("all") == "1",
    )
    progress = None
    if campaign is None:
        data = d.dashboard_data(unit, year, q=view.q, sort=view.sort, tokens=tokens)
        # The panels are the same for everyone who may open the unit's dashboard: their HTML is
        # cached under the data tokens and the attention counts (the overdue-alert count changes by the day).
        panels = d.cached_part(
            "panels", unit.path, year, d.data_key(tokens), lambda: _panels(view, data, None),
            view.q, view.sort, view.show_all, get_language(), tuple(data.attention),
        )
    else:
        chosen = dc.campaign_dashboard(unit, campaign, q=view.q, sort=view.sort)
        data, progress = chosen.dashboard, chosen.progress
        panels = _panels(view, data, progress)
    # who sees which campaign: role assignments (the org-tree token), campaigns and their branches and inspectors
    choices = d.cached_part(
        "campaigns", unit.path, 0, d.data_key(tokens),
        lambda: dc.campaigns_for_unit(request.user, unit), request.user.pk, request.user.is_superuser,
    )
    this_year = timezone.localdate().year
    cid = campaign.pk if campaign else None
    stages = [
        {"status": st.status, "label": stage_label(st.status), "count": st.count, "share": st.share,
         "url": branches_url(unit.pk, year, campaign=cid, stage=st.status)}
        for st in (progress.stages if progress else ())
    ]
    return render(request, "assessment/dashboard.html", {
        "unit": unit,
        "year": year,
        "years": sorted({*range(this_year, this_year - 5, -1), year}, reverse=True),
        "campaign": campaign,
        "campaign_status": Campaign.Status(campaign.status).label if campaign else "",
        "progress": progress,
        "stages": stages,
        "stage_chart": [{"name": s["label"], "status": s["status"], "value": s["count"], "url": s["url"]}
                        for s in stages],
        "campaigns": [c for c in choices if c.year == year],
        "other_campaigns": [
            {"choice": c, "url": dashboard_url(unit.pk, c.year, campaign=c.id)} for c in choices if c.year != year
        ][:3],
        "ancestors": d.cached_part(
            "ancestors", unit.path, 0, d.data_key(tokens), lambda: ancestors(request.user, unit),
            request.user.pk, request.user.is_superuser,
        ),
        "data": data,
        "panels": panels,
        "can_refresh": can_request_refresh(request.user, unit),
        "all_branches_url": branches_url(unit.pk, year, campaign=cid),
        "live_url": dashboard_url(unit.pk, year),
    })


@dataclass(frozen=True)
class _View:
    """What the dashboard page shows: the unit, year and campaign, and the child table's query."""

    unit: OrgUnit
    year: int
    campaign: Campaign | None
    q: str
    sort: str
    show_all: bool


def _panels(view: _View, data: d.Dashboard, progress) -> str:
    """The HTML of the panels (grades, attention, categories, trend, weakest
    items, child units) and their chart data: made only of `data`, the same for
    every user who may open the unit's dashboard."""
    unit, year, q, sort, show_all = view.unit, view.year, view.q, view.sort, view.show_all
    cid = view.campaign.pk if view.campaign else None
    assessments = progress.assessments if progress else {}

    def child_url(c, item=""):
        """A child branch's page: its campaign page when a campaign is chosen, else its stored score."""
        if c.is_branch:
            return assessment_url(assessments[c.id]) if c.id in assessments else branch_url(c.id, year, item=item)
        return branches_url(c.id, year, item=item, campaign=cid) if item else dashboard_url(c.id, year, campaign=cid)

    grades = [
        {
            "grade": g.grade or "none",
            "label": grade_label(g.grade),
            "stars": g.stars,
            "stars_text": "★" * g.stars,
            "count": g.count,
            "share": g.share,
            "url": branches_url(unit.pk, year, grade=g.grade or "none", campaign=cid),
        }
        for g in data.grades
    ]
    categories = [
        {"code": c.code, "name": c.name, "unit": c.unit, "parent": c.parent} for c in data.categories
    ]
    weakest = [
        {"item": w, "url": branches_url(unit.pk, year, item=w.code, campaign=cid)} for w in data.weakest
    ]
    attention = [
        {"flag": a.flag, "label": d.FLAG_LABELS[a.flag], "count": a.branches,
         "url": branches_url(unit.pk, year, flag=a.flag)}
        for a in data.attention
    ]
    labels = {g: grade_label(g) for g in d.GRADES}
    children = [
        {
            "row": c,
            "url": child_url(c),
            "grade_label": grade_label(c.grade) if c.is_branch else "",
            "fail_url": None if c.is_branch else branches_url(c.id, year, grade="fail", campaign=cid),
            "badges": [] if c.is_branch else [(g, labels[g], c.grades[g]) for g in d.GRADES if c.grades[g]],
            "worst": [(code, name, share, child_url(c, item=code)) for code, name, share in c.worst],
        }
        for c in (data.children if show_all else data.children[:CHILD_ROWS])
    ]
    chart = {
        "grades": [{"name": str(g["label"]), "grade": g["grade"], "value": g["count"], "url": g["url"]}
                   for g in grades],
        "categories": {
            "labels": [f"{c['code']} {c['name']}" for c in categories],
            "unit": [float(c["unit"]) if c["unit"] is not None else None for c in categories],
            "parent": [float(c["parent"]) if c["parent"] is not None else None for c in categories],
            "unit_name": unit.name,
            "parent_name": _("上级平均"),
        },
        "trend": {
            "years": [str(t.year) for t in data.trend],
            "average": [float(t.average) if t.average is not None else None for t in data.trend],
            "series": [
                {"name": str(grade_label(g)), "grade": g, "data": [t.grades[g] for t in data.trend]}
                for g in d.GRADES
            ],
            "average_name": _("平均分"),
        },
    }
    return render_to_string("assessment/partials/dashboard_panels.html", {
        "unit": unit,
        "year": year,
        "campaign": view.campaign,
        "grades": grades,
        "categories": categories,
        "weakest": weakest,
        "attention": attention,
        "trend": data.trend,
        "trend_grades": [(g, grade_label(g)) for g in d.GRADES],
        "children": children,
        "children_total": len(data.children),
        "all_children_url": dashboard_url(unit.pk, year, q=q, sort=sort, all="1", campaign=cid) + "#h-children",
        "q": q,
        "show_all": show_all,
        "sort": sort if sort in d.SORTS else "score",
        "sorts": SORT_LABELS.items(),
        "sort_urls": {
            key.replace("-", "") + ("_desc" if key.startswith("-") else ""): dashboard_url(
                unit.pk, year, q=q, sort=key, all="1" if show_all else "", campaign=cid
            )
            for key in ("name", "-name", "score", "-score", "fail")
        },
        "chart": chart,
    })


@login_required
def dashboard_branches(request):
    """The branches behind a number of the dashboard: of a grade, with a flag,
    or that lost points on an item (with the item's score); with a campaign
    chosen, the campaign's scores, and the branches at a status of it
    (`stage=`), each linking to its campaign page."""
    unit = dashboard_unit(request.user, request.GET.get("org"))
    campaign, year = _campaign_and_year(request, unit, request.GET)
    grade = request.GET.get("grade", "")
    flag = request.GET.get("flag", "")
    item = request.GET.get("item", "")[:10]
    stage = request.GET.get("stage", "") if campaign else ""
    if grade not in (*d.GRADES, "none", "") or flag not in (*d.FLAGS, ""):
        raise Http404
    if stage not in (*dc.STAGES, dc.NOT_INCLUDED, ""):
        raise Http404
    cid = campaign.pk if campaign else None
    progress = dc.campaign_scores(unit, campaign) if campaign else None
    scores = progress.scores if progress else d.subtree_scores(unit, year)
    assessments = progress.assessments if progress else {}
    alerts = d.overdue_alert_branches(unit) if flag == d.FLAG_ALERTS else {}
    if stage:
        rows = dc.branches_at(progress, stage)
    else:
        rows = d.branches_filtered(scores, grade=grade, flag=flag, item=item, alerts=alerts)
    parents = {pk: name for pk, (name, _kind, _path, _parent) in scores.units.items()}
    item_name = ""
    listed = []
    for b in rows:
        it = next((i for i in b.items if i.code == item), None) if item else None
        item_name = item_name or (it.name if it else "")
        url = assessment_url(assessments[b.id]) if b.id in assessments else ""
        listed.append({
            "row": b,
            "url": url or branch_url(b.id, year, item=item),
            "grade_label": grade_label(b.grade),
            "parent": parents.get(b.parent_id, ""),
            "parent_url": dashboard_url(b.parent_id, year, campaign=cid) if b.parent_id in parents else "",
            "item": it,
            "alerts": alerts.get(b.id, 0),
            "status": stage_label(progress.statuses[b.id]) if progress else "",
            "worst": [(i.code, i.name, url or branch_url(b.id, year, item=i.code)) for i in b.worst_items()],
        })
    if stage:
        title = _("验收状态为“%(stage)s”的党支部") % {"stage": stage_label(stage)}
    elif grade:
        title = _("%(grade)s的党支部") % {"grade": grade_label(None if grade == "none" else grade)}
    elif flag:
        title = str(d.FLAG_LABELS[flag])
    elif item:
        title = _("在%(code)s %(name)s上失分的党支部") % {"code": item, "name": item_name}
    else:
        title = _("全部党支部")
    return render(request, "assessment/dashboard_branches.html", {
        "unit": unit,
        "year": year,
        "title": title,
        "rows": listed,
        "item": item,
        "flag": flag,
        "campaign": campaign,
        "back_url": dashboard_url(unit.pk, year, campaign=cid),
    })


@login_required
@require_POST
def dashboard_refresh(request):
    unit = dashboard_unit(request.user, request.POST.get("org"))
    year = year_param(request.POST.get("year"))
    snapshots_refresh_request(unit=unit, year=year, actor=request.user)
    messages.success(request, _("已提交重新计算，稍后刷新本页查看最新得分。"))
    return redirect(dashboard_url(unit.pk, year))


# ---------------------------------------------------------------- a branch's stored score, item by item


@login_required
def dashboard_branch(request, pk):
    """One branch's stored score for a year, item by item, each deduction with
    the records behind it (meeting, member, transfer, or the meeting calendar
    for a meeting that was never held)."""
    if not d.has_dashboard(request.user):
        raise PermissionDenied
    branch = get_object_or_404(org_units_visible_to(request.user).filter(kind__in=OrgUnit.BRANCH_KINDS), pk=pk)
    if not d.can_view_dashboard(request.user, branch):
        raise Http404
    year = year_param(request.GET.get("year"))
    snap = ScoreSnapshot.objects.filter(branch=branch, year=year).select_related("scorecard").first()
    focus = request.GET.get("item", "")
    categories = []
    if snap is not None:
        names = {c["code"]: c["name"] for c in snap.scorecard.data.get("categories", ())}
        by_cat: dict[str, list] = {}
        values = {"items": snap.items, "open_gaps": [], "vetoes": [], "grade": snap.grade}
        told = explain.explained(values, branch_id=branch.pk, year=year, names=record_names(values))
        for item in told["items"]:
            deductions = [
                {
                    "points": dd["points"],
                    "text": dd["reason"],
                    "period": (dd.get("params") or {}).get("period", ""),
                    "links": [(link["label"], link["url"]) for link in dd["links"]],
                }
                for dd in item["deductions"]
            ]
            by_cat.setdefault(item["category"], []).append({**item, "deduction_rows": deductions})
        for code, items in by_cat.items():
            score = snap.category_scores.get(code, {})
            categories.append({"code": code, "name": names.get(code, code), "items": items, "score": score})
    worst = []
    if snap is not None:
        lost = [
            (Decimal(i["max"]) - Decimal(i["score"]), i) for i in snap.items if i["score"] is not None and i["max"]
        ]
        worst = [
            {"code": i["code"], "name": i["name"], "lost": pts}
            for pts, i in sorted(lost, key=lambda x: (-(x[0] / Decimal(x[1]["max"])), -x[0], x[1]["code"]))[:3]
            if pts > 0
        ]
    parent_visible = branch.parent_id and d.can_view_dashboard(request.user, branch.parent)
    return render(request, "assessment/dashboard_branch.html", {
        "branch": branch,
        "year": year,
        "snap": snap,
        "grade_label": grade_label(snap.grade) if snap else "",
        "categories": categories,
        "worst": worst,
        "focus": focus,
        "back_url": dashboard_url(branch.parent_id, year) if parent_visible else "",
    })
