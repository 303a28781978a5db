"""Reads of the committee dashboard (SPEC §6 Dashboard, §10): one selector per
panel, each taking an org unit and a year.

Scores come only from the stored `ScoreSnapshot` rows: nothing is re-scored
per request. `subtree_scores` loads the unit's branches and their snapshots
in two queries whatever the number of branches; the panels are computed from
that one load in Python (pass `scores=` to share it between panels, as the
page and the API do). The parent's category averages, the three-year trend
and the alert counts are one aggregate query each. `dashboard_data` caches
what it reads from snapshots under the data tokens (`data_tokens`): a warm
request reads the tokens (one query) and nothing else. The data are plain values
(ids, numbers, codes); labels are added where they are shown.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Avg, Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Alert, OrgUnit, RoleAssignment
from branches.rule_token import remember_token
from branches.scoping import scope_of

from . import score_cache
from .models import ScoreSnapshot
from .selectors import scorecards_latest

GRADES = (
    ScoreSnapshot.Grade.DEMONSTRATION,
    ScoreSnapshot.Grade.ADVANCED,
    ScoreSnapshot.Grade.PASS,
    ScoreSnapshot.Grade.FAIL,
)
STARS = {"demonstration": 5, "advanced": 4, "pass": 3, "fail": 0}
CATEGORY_CODES = ("A", "B", "C", "D", "E", "F")

# Attention flags read from the snapshot's deductions (the scorecard already
# applied the one rule for each: meetings held, term on time, six-month cases).
FLAG_MEETINGS, FLAG_TERMS, FLAG_SIX_MONTH, FLAG_ALERTS = "meetings", "terms", "six_month", "alerts"
FLAG_DEDUCTIONS = {
    FLAG_MEETINGS: {"meeting_missing"},
    FLAG_TERMS: {"term_expired"},
    FLAG_SIX_MONTH: {"six_month_unhandled"},
}
FLAGS = (FLAG_MEETINGS, FLAG_TERMS, FLAG_SIX_MONTH, FLAG_ALERTS)
FLAG_LABELS = {
    FLAG_MEETINGS: gettext_lazy("会议逾期未开"),
    FLAG_TERMS: gettext_lazy("任期届满未换届"),
    FLAG_SIX_MONTH: gettext_lazy("六个月未处置"),
    FLAG_ALERTS: gettext_lazy("近期逾期提醒"),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole).quantize(Decimal("0.1")) if whole else Decimal("0.0")


# ---------------------------------------------------------------- the one load


@dataclass(frozen=True)
class ItemLoss:
    code: str
    name: str
    category: str
    max: Decimal
    score: Decimal | None  # None: 未评 (manual item without a value)
    deductions: int

    @property
    def lost(self) -> Decimal:
        return Decimal(0) if self.score is None else self.max - self.score


@dataclass(frozen=True)
class BranchRow:
    """A branch under the unit and its stored score for the year (None: not scored)."""

    id: int
    name: str
    path: str
    parent_id: int
    total: Decimal | None = None
    max: Decimal | None = None
    grade: str | None = None
    stars: int = 0
    vetoed: bool = False
    unrated: int = 0
    scorecard_id: int | None = None
    computed_at: datetime | None = None
    categories: dict = field(default_factory=dict)  # code -> (score, max)
    items: tuple[ItemLoss, ...] = ()
    flags: frozenset = frozenset()

    @property
    def scored(self) -> bool:
        return self.total is not None

    def worst_items(self, n: int = 3) -> list[ItemLoss]:
        lost = [i for i in self.items if i.lost > 0]
        return sorted(lost, key=lambda i: (-(i.lost / i.max), -i.lost, i.code))[:n]


@dataclass(frozen=True)
class SubtreeScores:
    unit_id: int
    year: int
    units: dict[int, tuple[str, str, str, int | None]]  # id -> (name, kind, path, parent_id), non-branch units
    branches: tuple[BranchRow, ...]

    @property
    def scored(self) -> list[BranchRow]:
        return [b for b in self.branches if b.scored]


def _categories(data: dict | None) -> dict[str, tuple[Decimal, Decimal]]:
    """code -> (score, max) of the categories whose items are all rated (a
    category with 未评 manual items would read as lost points)."""
    return {
        code: (Decimal(c["score"]), Decimal(c["max"]))
        for code, c in (data or {}).items()
        if not c.get("unrated")
    }


def _branch_row(unit: tuple, snap: dict | None) -> BranchRow:
    pk, name, path, parent_id = unit
    if snap is None:
        return BranchRow(id=pk, name=name, path=path, parent_id=parent_id)
    items, flags = [], set()
    for i in snap["items"]:
        codes = {d["code"] for d in i.get("deductions", ())}
        for flag, wanted in FLAG_DEDUCTIONS.items():
            if codes & wanted:
                flags.add(flag)
        items.append(
            ItemLoss(
                code=i["code"],
                name=i["name"],
                category=i["category"],
                max=Decimal(i["max"]),
                score=None if i["score"] is None else Decimal(i["score"]),
                deductions=len(i.get("deductions", ())),
            )
        )
    return BranchRow(
        id=pk,
        name=name,
        path=path,
        parent_id=parent_id,
        total=snap["total"],
        max=snap["max"],
        grade=snap["grade"],
        stars=snap["stars"],
        vetoed=snap["vetoed"],
        unrated=snap["unrated"],
        scorecard_id=snap["scorecard_id"],
        computed_at=snap["computed_at"],
        categories=_categories(snap["category_scores"]),
        items=tuple(items),
        flags=frozenset(flags),
    )


def subtree_scores(unit: OrgUnit, year: int) -> SubtreeScores:
    """The active branches under `unit` and their snapshots of `year`: two queries."""
    units, branch_units = {}, []
    rows = (
        OrgUnit.objects.filter(path__startswith=unit.path, is_active=True)
        .order_by("path")
        .values_list("pk", "name", "kind", "path", "parent_id")
    )
    for pk, name, kind, path, parent_id in rows:
        if kind in OrgUnit.BRANCH_KINDS:
            branch_units.append((pk, name, path, parent_id))
        else:
            units[pk] = (name, kind, path, parent_id)
    snaps = {
        s["branch_id"]: s
        for s in ScoreSnapshot.objects.filter(year=year, branch__path__startswith=unit.path).values(
            "branch_id",
            "total",
            "max",
            "grade",
            "stars",
            "vetoed",
            "unrated",
            "scorecard_id",
            "computed_at",
            "category_scores",
            "items",
        )
    }
    return SubtreeScores(
        unit_id=unit.pk,
        year=year,
        units=units,
        branches=tuple(_branch_row(u, snaps.get(u[0])) for u in branch_units),
    )


def _scores(unit, year, scores):
    return scores if scores is not None else subtree_scores(unit, year)


# ---------------------------------------------------------------- panels


@dataclass(frozen=True)
class GradeCount:
    grade: str  # demonstration / advanced / pass / fail, or "" for 未计分
    stars: int
    count: int
    share: Decimal  # percent of the branches


def grade_distribution(unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None) -> list[GradeCount]:
    """示范/先进/达标/未达标 counts and shares, and the branches not scored yet."""
    scores = _scores(unit, year, scores)
    total = len(scores.branches)
    counts = defaultdict(int)
    for b in scores.branches:
        counts[b.grade or ""] += 1
    out = [GradeCount(g, STARS[g], counts[g], _pct(Decimal(counts[g]), Decimal(total))) for g in GRADES]
    if counts[""]:
        out.append(GradeCount("", 0, counts[""], _pct(Decimal(counts[""]), Decimal(total))))
    return out


@dataclass(frozen=True)
class CategoryAverage:
    code: str
    name: str
    unit: Decimal | None  # average share of the category's points, percent
    parent: Decimal | None


def _category_shares(rows) -> dict[str, Decimal]:
    """Average over branches of score/max per category, as a percent (templates
    may differ per 领域, so shares are averaged, not points)."""
    sums, counts = defaultdict(Decimal), defaultdict(int)
    for categories in rows:
        for code, (score, maximum) in categories.items():
            if maximum:
                sums[code] += score / maximum
                counts[code] += 1
    return {code: (sums[code] * HUNDRED / counts[code]).quantize(Decimal("0.1")) for code in sums}


def category_names() -> dict[str, str]:
    """Category names from the newest published templates (one query)."""
    names = {}
    for card in scorecards_latest():
        for c in card.data.get("categories", ()):
            names.setdefault(c["code"], c["name"])
    return names


def category_comparison(
    unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None, names: dict | None = None
) -> list[CategoryAverage]:
    """The six categories A–F: this unit's average against its parent's (an
    aggregate of the parent's whole subtree; no branch of it is named)."""
    scores = _scores(unit, year, scores)
    names = category_names() if names is None else names
    own = _category_shares(b.categories for b in scores.scored)
    parent = {}
    if unit.parent_id:
        parent_path = _parent_path(unit)
        raw = ScoreSnapshot.objects.filter(year=year, branch__path__startswith=parent_path).values_list(
            "category_scores", flat=True
        )
        parent = _category_shares(_categories(cats) for cats in raw)
    codes = [c for c in CATEGORY_CODES if c in own or c in parent or c in names]
    return [CategoryAverage(c, names.get(c, c), own.get(c), parent.get(c)) for c in codes]


@dataclass(frozen=True)
class WeakItem:
    code: str
    name: str
    category: str
    max: Decimal
    rated: int  # branches with a value for the item
    losing: int  # branches that lost points on it
    lost_share: Decimal  # average share of the item's points lost, percent
    lost_points: Decimal  # average points lost


def weakest_items(
    unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None, limit: int = 10
) -> list[WeakItem]:
    """Items across the unit's branches by the average share of points lost."""
    scores = _scores(unit, year, scores)
    acc: dict[str, list] = {}
    for b in scores.scored:
        for i in b.items:
            if i.score is None or not i.max:
                continue
            a = acc.setdefault(i.code, [i.name, i.category, i.max, 0, 0, Decimal(0), Decimal(0)])
            a[3] += 1
            if i.lost > 0:
                a[4] += 1
            a[5] += i.lost / i.max
            a[6] += i.lost
    out = [
        WeakItem(
            code=code,
            name=name,
            category=cat,
            max=maximum,
            rated=rated,
            losing=losing,
            lost_share=(share * HUNDRED / rated).quantize(Decimal("0.1")),
            lost_points=(points / rated).quantize(CENT),
        )
        for code, (name, cat, maximum, rated, losing, share, points) in acc.items()
        if losing
    ]
    out.sort(key=lambda w: (-w.lost_share, -w.losing, w.code))
    return out[:limit]


def _overdue_alerts(unit: OrgUnit, days: int | None):
    """The overdue alerts (会议逾期, 换届逾期, 转接逾期) of the active branches
    under `unit` raised in the last ALERTS_DASHBOARD_DAYS — the 党委's overdue
    list of the notification centre."""
    days = getattr(settings, "ALERTS_DASHBOARD_DAYS", 31) if days is None else days
    since = timezone.localdate() - timedelta(days=days)
    return Alert.objects.filter(
        org_unit__path__startswith=unit.path,
        org_unit__kind__in=OrgUnit.BRANCH_KINDS,
        org_unit__is_active=True,
        level=Alert.Level.OVERDUE,
        raised_on__gte=since,
    )


def overdue_alert_branches(unit: OrgUnit, *, days: int | None = None) -> dict[int, int]:
    """Per branch id under `unit`, its overdue alerts (`_overdue_alerts`), counted. One query."""
    rows = _overdue_alerts(unit, days).values("org_unit_id").annotate(n=Count("id")).values_list("org_unit_id", "n")
    return dict(rows)


def overdue_alert_branch_count(unit: OrgUnit, *, days: int | None = None) -> int:
    """How many branches under `unit` have overdue alerts: one row from the
    database however many branches (the attention panel; cached by `dashboard_data`)."""
    return _overdue_alerts(unit, days).aggregate(n=Count("org_unit_id", distinct=True))["n"]


@dataclass(frozen=True)
class AttentionCount:
    flag: str
    branches: int


def attention(
    unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None, alerts: dict[int, int] | None = None
) -> list[AttentionCount]:
    """How many branches have overdue meetings, an expired term, an open
    六个月 case (from the snapshot's deductions) and overdue alerts."""
    scores = _scores(unit, year, scores)
    alerts = overdue_alert_branches(unit) if alerts is None else alerts
    counts = {flag: sum(1 for b in scores.branches if flag in b.flags) for flag in FLAG_DEDUCTIONS}
    counts[FLAG_ALERTS] = sum(1 for b in scores.branches if alerts.get(b.id))
    return [AttentionCount(flag, counts[flag]) for flag in FLAGS]


@dataclass(frozen=True)
class TrendYear:
    year: int
    branches: int
    average: Decimal | None
    grades: dict  # grade -> count


def trend(unit: OrgUnit, year: int, *, years: int = 3) -> list[TrendYear]:
    """Average score and grade counts of the last `years` years (one aggregate query)."""
    first = year - years + 1
    rows = (
        ScoreSnapshot.objects.filter(
            year__gte=first,
            year__lte=year,
            branch__path__startswith=unit.path,
            branch__is_active=True,
        )
        .values("year", "grade")
        .annotate(n=Count("id"), avg=Avg("total"))
    )
    by_year: dict[int, dict] = {y: {"n": 0, "sum": Decimal(0), "grades": dict.fromkeys(GRADES, 0)} for y in
                                range(first, year + 1)}
    for r in rows:
        y = by_year[r["year"]]
        y["n"] += r["n"]
        y["sum"] += Decimal(str(r["avg"])) * r["n"]
        y["grades"][r["grade"]] = r["n"]
    return [
        TrendYear(y, v["n"], (v["sum"] / v["n"]).quantize(CENT) if v["n"] else None, v["grades"])
        for y, v in by_year.items()
    ]


@dataclass(frozen=True)
class ChildRow:
    id: int
    name: str
    kind: str
    is_branch: bool
    branches: int  # branches in the child's subtree (1 for a branch)
    scored: int
    average: Decimal | None  # the branch's score, or the average of the subtree's
    grade: str | None  # a branch's grade
    stars: int
    grades: dict  # grade -> count in the subtree
    worst: tuple  # ((code, name, lost share percent), …) at most 3


SORTS = ("name", "-name", "score", "-score", "fail", "-fail")


def child_units(
    unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None, q: str = "", sort: str = "score"
) -> list[ChildRow]:
    """The unit's direct children (sub-党委/党总支 or branches) with their score,
    grade (counts) and worst items; `q` filters by name, `sort` orders
    (name, score, fail — the number of 未达标; '-' for descending)."""
    scores = _scores(unit, year, scores)
    children: dict[int, dict] = {}
    for pk, (name, kind, _path, parent_id) in scores.units.items():
        if parent_id == unit.pk:
            children[pk] = {"name": name, "kind": kind, "branch": None, "rows": []}
    for b in scores.branches:
        if b.parent_id == unit.pk:
            children[b.id] = {"name": b.name, "kind": "", "branch": b, "rows": [b]}
    # each branch below a child counts for that child: the child's id follows the unit's in the path
    depth = len(unit.path.strip("/").split("/"))
    for b in scores.branches:
        parts = b.path.strip("/").split("/")
        if len(parts) > depth + 1:
            child_id = int(parts[depth])
            if child_id in children and children[child_id]["branch"] is None:
                children[child_id]["rows"].append(b)
    out = []
    needle = q.strip().lower()
    for pk, c in children.items():
        if needle and needle not in c["name"].lower():
            continue
        rows = c["rows"]
        scored = [b for b in rows if b.scored]
        grades = dict.fromkeys(GRADES, 0)
        for b in rows:  # a campaign grades a branch that never submitted (未达标, no score)
            if b.grade:
                grades[b.grade] += 1
        if c["branch"] is not None:
            b = c["branch"]
            worst = tuple((i.code, i.name, _pct(i.lost, i.max)) for i in b.worst_items())
            out.append(ChildRow(pk, c["name"], "", True, 1, int(b.scored), b.total, b.grade, b.stars, grades, worst))
            continue
        losses: dict[str, list] = {}
        for b in scored:
            for i in b.items:
                if i.score is not None and i.max:
                    a = losses.setdefault(i.code, [i.name, Decimal(0), 0])
                    a[1] += i.lost / i.max
                    a[2] += 1
        worst = sorted(
            ((code, name, (s * HUNDRED / n).quantize(Decimal("0.1"))) for code, (name, s, n) in losses.items() if s),
            key=lambda w: (-w[2], w[0]),
        )[:3]
        average = (sum(b.total for b in scored) / len(scored)).quantize(CENT) if scored else None
        out.append(ChildRow(pk, c["name"], c["kind"], False, len(rows), len(scored), average, None, 0, grades,
                            tuple(worst)))
    return sort_children(out, sort)


def sort_children(out: list[ChildRow], sort: str) -> list[ChildRow]:
    """name, score (weakest first), fail (most 未达标 first); '-' reverses."""
    key = sort.lstrip("-") if sort in SORTS else "score"
    reverse = sort.startswith("-") if sort in SORTS else False
    if key == "name":
        out.sort(key=lambda r: r.name, reverse=reverse)
    elif key == "fail":
        out.sort(key=lambda r: (r.grades["fail"], r.name), reverse=not reverse)
    else:  # score: weakest first by default, so that the page opens on the units that need help
        missing = [r for r in out if r.average is None]
        present = sorted((r for r in out if r.average is not None), key=lambda r: (r.average, r.name),
                         reverse=reverse)
        out = present + missing
    return out


@dataclass(frozen=True)
class Freshness:
    branches: int
    scored: int
    missing: int  # active branches without a snapshot for the year
    outdated: int  # snapshots made with a template that is no longer the newest
    oldest: datetime | None
    newest: datetime | None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.outdated


def freshness(unit: OrgUnit, year: int, *, scores: SubtreeScores | None = None, latest_ids=None) -> Freshness:
    scores = _scores(unit, year, scores)
    latest_ids = {c.pk for c in scorecards_latest()} if latest_ids is None else set(latest_ids)
    scored = scores.scored
    stamps = [b.computed_at for b in scored]
    return Freshness(
        branches=len(scores.branches),
        scored=len(scored),
        missing=len(scores.branches) - len(scored),
        outdated=sum(1 for b in scored if b.scorecard_id not in latest_ids),
        oldest=min(stamps) if stamps else None,
        newest=max(stamps) if stamps else None,
    )


def branches_filtered(
    scores: SubtreeScores, *, grade: str = "", flag: str = "", item: str = "", alerts: dict | None = None
) -> list[BranchRow]:
    """The branches behind a number of the dashboard: of a grade (or "none":
    not scored), with a flag, or that lost points on an item (most lost first)."""
    rows = list(scores.branches)
    if grade == "none":
        rows = [b for b in rows if not b.grade]
    elif grade:
        rows = [b for b in rows if b.grade == grade]
    if flag == FLAG_ALERTS:
        rows = [b for b in rows if (alerts or {}).get(b.id)]
    elif flag:
        rows = [b for b in rows if flag in b.flags]
    if item:
        lost = {b.id: next((i for i in b.items if i.code == item), None) for b in rows}
        rows = [b for b in rows if lost[b.id] is not None and lost[b.id].lost > 0]
        rows.sort(key=lambda b: (-lost[b.id].lost, b.path))
    else:
        rows.sort(key=lambda b: (b.total if b.total is not None else Decimal(-1), b.path))
    return rows



# ---------------------------------------------------------------- all panels at once


@dataclass(frozen=True)
class Dashboard:
    unit: OrgUnit
    year: int
    freshness: Freshness
    grades: list[GradeCount]
    categories: list[CategoryAverage]
    weakest: list[WeakItem]
    attention: list[AttentionCount]
    trend: list[TrendYear]
    children: list[ChildRow]


CACHE_SECONDS = 600


def _parent_path(unit: OrgUnit) -> str:
    return unit.path.rsplit("/", 2)[0] + "/"


def data_tokens() -> tuple | None:
    """What every cached panel depends on: the snapshots, scorecards and
    campaigns (`score_cache`), the org tree (`branches.rule_cache`: a unit
    added, renamed, closed or moved) and the alerts (the newest alert's id).
    None (nothing is cached) without the version rows. One query of single
    rows, in place of aggregates over the subtree."""
    return score_cache.data_tokens()


def data_key(tokens) -> tuple | None:
    """The part of `data_tokens()` that what is read from snapshots, campaigns
    and the org tree depends on (not the alerts); None: nothing is cached."""
    return tokens.data if tokens else None


def request_tokens() -> tuple | None:
    """The data tokens, read first thing in a dashboard request. The org tree's
    token among them is remembered for the rest of the request
    (`branches.rule_token`), so the user's scope comes from the cache without a
    query of its own."""
    tokens = data_tokens()
    if tokens:
        remember_token(tokens.rules)
    return tokens


def cached_part(kind: str, unit_path: str, year: int, tokens, build, *parts):
    """`build()` (panel data, or a page part made only of them), cached per
    unit, year and `tokens` (`data_tokens()`, or only its `.data` part) and
    `parts` (whatever else it depends on) for CACHE_SECONDS."""
    if tokens is None:
        return build()
    raw = repr((connection.settings_dict["NAME"], unit_path, year, tuple(tokens), parts))
    return cache.get_or_set(f"dzb:dashboard:{kind}:" + hashlib.sha1(raw.encode()).hexdigest(), build, CACHE_SECONDS)


@dataclass(frozen=True)
class _Core:
    """The panels computed from the subtree's snapshots (cached)."""

    freshness: Freshness
    grades: list[GradeCount]
    categories: dict[str, Decimal]
    weakest: list[WeakItem]
    flags: dict[str, int]
    children: list[ChildRow]
    trend: list[TrendYear]
    names: dict[str, str]  # category code -> name, from the latest scorecards


def _core(unit: OrgUnit, year: int) -> _Core:
    cards = scorecards_latest()
    names = {}
    for card in cards:
        for c in card.data.get("categories", ()):
            names.setdefault(c["code"], c["name"])
    latest_ids = sorted(c.pk for c in cards)
    scores = subtree_scores(unit, year)
    return _Core(
        names=names,
        freshness=freshness(unit, year, scores=scores, latest_ids=latest_ids),
        grades=grade_distribution(unit, year, scores=scores),
        categories=_category_shares(b.categories for b in scores.scored),
        weakest=weakest_items(unit, year, scores=scores),
        flags={flag: sum(1 for b in scores.branches if flag in b.flags) for flag in FLAG_DEDUCTIONS},
        children=child_units(unit, year, scores=scores, sort="name"),
        trend=trend(unit, year),
    )


def parent_category_shares(unit: OrgUnit, year: int, *, tokens: tuple | None = None) -> dict[str, Decimal]:
    """The parent's category averages (over its whole subtree), cached under
    the data tokens (`data_tokens`)."""
    if not unit.parent_id:
        return {}
    parent_path = _parent_path(unit)

    def build():
        raw = ScoreSnapshot.objects.filter(year=year, branch__path__startswith=parent_path).values_list(
            "category_scores", flat=True
        )
        return _category_shares(_categories(cats) for cats in raw)

    return cached_part("parent", parent_path, year, data_key(data_tokens()) if tokens is None else tokens, build)


def dashboard_data(
    unit: OrgUnit, year: int, *, q: str = "", sort: str = "score", tokens: tuple | None = None
) -> Dashboard:
    """Every panel for the page and the API. The panels read from the
    snapshots are computed once per state of the data (`data_tokens`) and
    cached, the overdue-alert count too (under the newest alert's id). A fixed number of
    queries whatever the number of branches, cached or not. `tokens`: from
    `data_tokens()`, when the caller has read them already."""
    tokens = data_tokens() if tokens is None else tokens
    core = cached_part("core", unit.path, year, data_key(tokens), lambda: _core(unit, year))
    names = core.names
    parent = parent_category_shares(unit, year, tokens=data_key(tokens))
    # the alert count depends on the day (alerts of the last ALERTS_DASHBOARD_DAYS) besides the tokens
    alerts = cached_part("alerts", unit.path, 0, tokens, lambda: overdue_alert_branch_count(unit),
                         timezone.localdate())
    codes = [c for c in CATEGORY_CODES if c in core.categories or c in parent or c in names]
    needle = q.strip().lower()
    children = [c for c in core.children if not needle or needle in c.name.lower()]
    return Dashboard(
        unit=unit,
        year=year,
        freshness=core.freshness,
        grades=core.grades,
        categories=[CategoryAverage(c, names.get(c, c), core.categories.get(c), parent.get(c)) for c in codes],
        weakest=core.weakest,
        attention=[AttentionCount(flag, core.flags[flag] if flag in core.flags else alerts) for flag in FLAGS],
        trend=core.trend,
        children=sort_children(children, sort),
    )


# ---------------------------------------------------------------- who sees which dashboard


def dashboard_roots(user) -> list[OrgUnit]:
    """The units whose dashboard the user may open at the top: the units of
    their 党委/党总支管理员, 组织部 and 验收组 grants (for a superuser, the tree's
    roots), highest first. Branch roles and 党员 have none. One query."""
    scope = scope_of(user)
    if scope.is_superuser:
        return list(OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("path"))
    ids = [unit_id for role, unit_id, _path in scope.grants if role in RoleAssignment.SUBTREE_ROLES]
    return sorted(OrgUnit.objects.filter(pk__in=ids, is_active=True), key=lambda u: (u.depth, u.path))


def has_dashboard(user) -> bool:
    """Whether the user has any dashboard (no query: the scope is cached)."""
    scope = scope_of(user)
    return scope.is_superuser or any(role in RoleAssignment.SUBTREE_ROLES for role, _id, _path in scope.grants)


def can_view_dashboard(user, unit: OrgUnit) -> bool:
    return scope_of(user).covers(unit, RoleAssignment.SUBTREE_ROLES)


def year_param(raw) -> int:
    """`?year=`: default the current year; anything else but a sane year is 404."""
    if raw in (None, ""):
        return timezone.localdate().year
    if not str(raw).isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


def dashboard_unit(user, raw_org) -> OrgUnit:
    """The unit of `?org=` (default: the user's highest granted unit). 403 for
    users without a dashboard (branch roles, 党员), 404 for a unit outside
    their subtrees."""
    if not has_dashboard(user):
        raise PermissionDenied(_("看板供党委/党总支管理员、组织部和验收组使用。"))
    if raw_org in (None, ""):
        roots = dashboard_roots(user)
        if not roots:
            raise Http404
        return roots[0]
    if not str(raw_org).isdigit():
        raise Http404
    # a dashboard grant covers the unit, so the unit is visible: no visibility filter to build
    unit = OrgUnit.objects.filter(pk=int(raw_org)).first()
    if unit is None or not can_view_dashboard(user, unit):
        raise Http404
    return unit
