"""The dashboard's campaign panels (SPEC §6 Dashboard, §6 验收): with
`?campaign=ID`, how many of the unit's branches stand at each status of the
acceptance campaign, and the scores panels read from the campaign's results
instead of the live snapshots.

The campaign's score of a branch is the result its superiors stand behind: the
审核/抽验/复检 result (the latest there is) of an assessment that has been
approved (审核通过 or any later status), its total the published final score
once there is one, its grade the campaign's grade once published (else the
grade of that result). A draft, a submitted or a returned self-assessment is
not a score yet (未计分); a branch graded 未达标 at 评定 without ever submitting
has that grade and no score.

`campaign_scores` loads everything in two queries whatever the number of
branches (the unit's subtree, and the campaign's assessments in it). The
scores panels cover the campaign's branches (a unit's branches the campaign
does not hold are only counted, as 未纳入本次验收); only the
unit's subtree is ever read, so a 党委 never sees another 党委's branches even
in a campaign opened above both. The data are plain values (ids, numbers,
codes); labels are added where they are shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from branches.models import OrgUnit

from . import dashboard as d
from .campaigns.selectors import campaigns_visible_to
from .dashboard import (
    STARS,
    BranchRow,
    Dashboard,
    SubtreeScores,
    _branch_row,
    _categories,
    _category_shares,
    _parent_path,
    _pct,
)
from .models import Assessment, Campaign

Status = Assessment.Status
# the workflow's statuses in the order a branch passes them (退回 goes back to 自评)
STAGES = (
    Status.DRAFT,
    Status.RETURNED,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.VERIFIED,
    Status.FINALISED,
    Status.RECTIFYING,
    Status.REINSPECTED,
)
NOT_INCLUDED = "none"  # an active branch of the subtree the campaign has no assessment for
# statuses whose result the superiors stand behind: their score is the campaign's score
SCORED = (Status.APPROVED, Status.VERIFIED, Status.FINALISED, Status.RECTIFYING, Status.REINSPECTED)


@dataclass(frozen=True)
class CampaignChoice:
    id: int
    name: str
    year: int
    status: str  # Campaign.Status
    org_unit_id: int


def _campaigns(user, unit: OrgUnit):
    ancestors = [int(p) for p in unit.path.strip("/").split("/")]
    return Campaign.objects.filter(Q(org_unit__path__startswith=unit.path) | Q(org_unit_id__in=ancestors)).filter(
        pk__in=campaigns_visible_to(user).values("pk")
    )


def campaigns_for_unit(user, unit: OrgUnit, *, limit: int = 20) -> list[CampaignChoice]:
    """The campaigns the user sees that concern the unit — opened for the unit,
    a unit above it (whose campaign covers its branches) or a unit below it —
    newest year first. One query."""
    rows = (
        _campaigns(user, unit)
        .order_by("-year", "org_unit__path", "pk")
        .values_list("pk", "name", "year", "status", "org_unit_id")[:limit]
    )
    return [CampaignChoice(*r) for r in rows]


def campaign_param(user, unit: OrgUnit, raw) -> Campaign | None:
    """`?campaign=`: none given → None; not a number → 400 (BadRequest);
    a campaign that does not exist, that the user may not see or that does not
    concern the unit → the same 404, so that trying ids tells nothing. One query."""
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise BadRequest(_("验收编号应为数字。"))
    campaign = _campaigns(user, unit).filter(pk=int(raw)).first()
    if campaign is None:
        raise Http404(_("没有找到该达标验收，或您无权在本单位的看板中查看它。"))
    return campaign


def campaign_year(raw_year, campaign: Campaign) -> int:
    """The dashboard's year with a campaign chosen: the campaign's 考核年度;
    `?year=` may repeat it, any other year is a 400."""
    if raw_year not in (None, "") and str(raw_year) != str(campaign.year):
        raise BadRequest(_("所选达标验收的考核年度是%(year)s年，与所选年度不符。") % {"year": campaign.year})
    return campaign.year


@dataclass(frozen=True)
class StageCount:
    status: str  # an Assessment.Status, or NOT_INCLUDED
    count: int
    share: Decimal  # percent of the branches


@dataclass(frozen=True)
class CampaignScores:
    campaign_id: int
    year: int
    status: str  # the campaign's own status (进行中/公示中/已评定)
    branches: int  # the unit's branches: with an assessment in the campaign, or active without one
    stages: tuple[StageCount, ...]  # every status in workflow order, then NOT_INCLUDED if any
    scores: SubtreeScores  # the campaign's branches and scores, in the shape of the live ones
    not_included: tuple[BranchRow, ...]  # the unit's active branches the campaign has no assessment for
    assessments: dict  # branch id -> assessment id
    statuses: dict  # branch id -> status (NOT_INCLUDED for a branch without an assessment)

    @property
    def scored(self) -> int:
        return len(self.scores.scored)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _campaign_row(unit: tuple, a: dict | None) -> BranchRow:
    """A branch's campaign score in the shape of its live score (see the module docstring)."""
    result = (a["result"] if a is not None and a["status"] in SCORED else None) or {}
    total = _decimal(result.get("total"))
    if a is not None and a["final_total"] is not None:
        total = a["final_total"]
    if not result or total is None:
        row = _branch_row(unit, None)
        if a is not None and a["grade"]:  # graded at 评定 without a self-assessment: 未达标, no score
            row = dataclasses.replace(row, grade=a["grade"], stars=STARS[a["grade"]])
        return row
    grade = a["grade"] or result.get("grade")
    return _branch_row(unit, {
        "total": total,
        "max": _decimal(result.get("max")),
        "grade": grade,
        "stars": STARS.get(grade, 0),
        "vetoed": bool(result.get("vetoed")),
        "unrated": result.get("unrated", 0),
        "scorecard_id": a["scorecard_id"],
        "computed_at": a["frozen_at"] or a["updated_at"],
        "category_scores": result.get("category_scores"),
        "items": result.get("items", ()),
    })


RESULTS = ("reinspect_result", "verify_result", "review_result")  # the superiors' results, latest first


def _result():
    """The superiors' latest result of an assessment (复检, else 抽验, else 审核)."""
    return Coalesce(*RESULTS)


def campaign_scores(unit: OrgUnit, campaign: Campaign) -> CampaignScores:
    """The campaign seen from `unit`: its branches per status and their
    campaign scores. Two queries whatever the number of branches."""
    assessments = {
        a["branch_id"]: a
        for a in campaign.assessments.filter(branch__path__startswith=unit.path)
        .annotate(result=_result())
        .values("id", "branch_id", "status", "grade", "final_total", "scorecard_id", "frozen_at", "updated_at",
                "result")
    }
    units, branch_units, others = {}, [], []
    rows = (
        OrgUnit.objects.filter(path__startswith=unit.path)
        .filter(Q(is_active=True) | Q(pk__in=campaign.assessments.values("branch_id")))  # a closed branch it holds
        .order_by("path")
        .values_list("pk", "name", "kind", "path", "parent_id")
    )
    for pk, name, kind, path, parent_id in rows:
        if kind not in OrgUnit.BRANCH_KINDS:
            units[pk] = (name, kind, path, parent_id)
        elif pk in assessments:
            branch_units.append((pk, name, path, parent_id))
        else:
            others.append((pk, name, path, parent_id))
    # the scores panels show the campaign's branches, and the units above them only
    above = {int(p) for u in branch_units for p in u[2].strip("/").split("/")}
    units = {pk: u for pk, u in units.items() if pk in above}
    statuses = {u[0]: assessments[u[0]]["status"] for u in branch_units} | {u[0]: NOT_INCLUDED for u in others}
    total = len(statuses)
    counts = {s: 0 for s in (*STAGES, NOT_INCLUDED)}
    for status in statuses.values():
        counts[status] += 1
    stages = tuple(
        StageCount(s, counts[s], _pct(Decimal(counts[s]), Decimal(total)))
        for s in (*STAGES, NOT_INCLUDED)
        if s != NOT_INCLUDED or counts[s]
    )
    scores = SubtreeScores(
        unit_id=unit.pk,
        year=campaign.year,
        units=units,
        branches=tuple(_campaign_row(u, assessments.get(u[0])) for u in branch_units),
    )
    return CampaignScores(
        campaign_id=campaign.pk,
        year=campaign.year,
        status=campaign.status,
        branches=total,
        stages=stages,
        scores=scores,
        not_included=tuple(_branch_row(u, None) for u in others),
        assessments={pk: a["id"] for pk, a in assessments.items()},
        statuses=statuses,
    )


def parent_category_shares(unit: OrgUnit, campaign: Campaign) -> dict[str, Decimal]:
    """The parent's category averages over the campaign's scored branches
    below the parent (an aggregate: no branch of it is named). One query."""
    if not unit.parent_id:
        return {}
    raw = (
        campaign.assessments.filter(branch__path__startswith=_parent_path(unit), status__in=SCORED)
        .annotate(cats=Coalesce(*(KeyTransform("category_scores", f) for f in RESULTS)))
        .values_list("cats", flat=True)
    )
    return _category_shares(_categories(cats) for cats in raw)


def branches_at(data: CampaignScores, status: str) -> list[BranchRow]:
    """The branches behind a stage's number, in the tree's order."""
    if status == NOT_INCLUDED:
        return list(data.not_included)
    return [b for b in data.scores.branches if data.statuses[b.id] == status]


# ---------------------------------------------------------------- the dashboard with a campaign chosen


@dataclass(frozen=True)
class CampaignDashboard:
    campaign: Campaign
    progress: CampaignScores
    dashboard: Dashboard  # scores panels from the campaign; attention and trend stay live


def campaign_dashboard(unit: OrgUnit, campaign: Campaign, *, q: str = "", sort: str = "score") -> CampaignDashboard:
    """Every panel of the page and the API with a campaign chosen: the
    progress by status, and the grades, categories, weakest items and child
    units from the campaign's scores (its year). The attention flags and the
    trend are about the records as they stand, so they stay on the live
    snapshots. A fixed number of queries whatever the number of branches."""
    live = d.dashboard_data(unit, campaign.year)
    data = campaign_scores(unit, campaign)
    scores = data.scores
    names = {c.code: c.name for c in live.categories}
    own = _category_shares(b.categories for b in scores.scored)
    parent = parent_category_shares(unit, campaign)
    codes = [c for c in d.CATEGORY_CODES if c in own or c in parent or c in names]
    children = d.child_units(unit, campaign.year, scores=scores, q=q, sort=sort)
    return CampaignDashboard(
        campaign=campaign,
        progress=data,
        dashboard=dataclasses.replace(
            live,
            freshness=d.freshness(unit, campaign.year, scores=scores,
                                  latest_ids={b.scorecard_id for b in scores.scored}),
            grades=d.grade_distribution(unit, campaign.year, scores=scores),
            categories=[d.CategoryAverage(c, names.get(c, c), own.get(c), parent.get(c)) for c in codes],
            weakest=d.weakest_items(unit, campaign.year, scores=scores),
            children=children,
        ),
    )
