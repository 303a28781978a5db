"""The scoring engine (SPEC §6) — pure: a scorecard and a branch's facts in, a
score out. No ORM, no request, no settings, no translation: deductions and
open gaps carry a `code` and `params` (ids, dates, numbers), and
`assessment.explain` turns them into sentences where they are shown.

Each auto rule is a function registered by name in `RULES` (items) or
`VETO_RULES` (auto vetoes); a template naming any other rule is refused when
it is loaded. All arithmetic is `Decimal`, quantized to 0.01 (ROUND_HALF_UP).

Rules of the maths:
- an item never goes below 0; a manual item without a value is 未评 (score
  None): counted as 0 in the total and reported in `BranchScore.unrated`;
- periods that have not ended cost nothing yet: an upcoming period, or a
  yearly shortfall while the year is still running, is an open gap (还可争取)
  with the points at stake and the date by which it must be closed;
- bonus points are capped per item and in total (`bonus_cap`);
- any veto gives 未达标 whatever the score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .facts import BranchScoringFacts, CellFact

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

AUTO, MANUAL = "auto", "manual"
DEMONSTRATION, ADVANCED, PASS, FAIL = "demonstration", "advanced", "pass", "fail"
STARS = {DEMONSTRATION: 5, ADVANCED: 4, PASS: 3, FAIL: 0}
MISSING, UPCOMING, HELD = "missing", "upcoming", "held"

Records = tuple[tuple[str, int], ...]


def q(value) -> Decimal:
    """Two decimals, half up — the one rounding rule of every score."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- the template as data


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    category: str
    max: Decimal
    method: str  # auto / manual
    rule: str = ""
    params: Mapping = field(default_factory=dict)
    hint: str = ""

    def param(self, key: str, default=None):
        return self.params.get(key, default)

    def points(self, key: str) -> Decimal:
        return q(self.params[key])


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class BonusSpec:
    code: str
    name: str
    max: Decimal
    hint: str = ""


@dataclass(frozen=True)
class VetoSpec:
    code: str
    name: str
    method: str
    rule: str = ""
    params: Mapping = field(default_factory=dict)
    hint: str = ""


@dataclass(frozen=True)
class Thresholds:
    demonstration: Decimal = Decimal("90")
    advanced: Decimal = Decimal("80")
    passing: Decimal = Decimal("60")

    @classmethod
    def from_data(cls, data: Mapping) -> Thresholds:
        return cls(
            demonstration=Decimal(str(data["demonstration"])),
            advanced=Decimal(str(data["advanced"])),
            passing=Decimal(str(data["pass"])),
        )

    def grade(self, total: Decimal) -> str:
        if total >= self.demonstration:
            return DEMONSTRATION
        if total >= self.advanced:
            return ADVANCED
        if total >= self.passing:
            return PASS
        return FAIL


@dataclass(frozen=True)
class Card:
    code: str
    version: int
    name: str
    sectors: tuple[str, ...]
    total: Decimal
    thresholds: Thresholds
    bonus_cap: Decimal
    categories: tuple[CategorySpec, ...]
    bonus: tuple[BonusSpec, ...] = ()
    vetoes: tuple[VetoSpec, ...] = ()

    @property
    def items(self) -> tuple[ItemSpec, ...]:
        return tuple(i for c in self.categories for i in c.items)

    @classmethod
    def from_data(cls, data: Mapping) -> Card:
        """A Card from a template that `assessment.services.scorecard_validate` accepted."""
        return cls(
            code=str(data["code"]),
            version=int(data["version"]),
            name=str(data["name"]),
            sectors=tuple(data.get("sectors") or ()),
            total=q(data["total"]),
            thresholds=Thresholds.from_data(data["thresholds"]),
            bonus_cap=q(data.get("bonus_cap", 0)),
            categories=tuple(
                CategorySpec(
                    code=str(c["code"]),
                    name=str(c["name"]),
                    items=tuple(
                        ItemSpec(
                            code=str(i["code"]),
                            name=str(i["name"]),
                            category=str(c["code"]),
                            max=q(i["max"]),
                            method=i["method"],
                            rule=i.get("rule") or "",
                            params=dict(i.get("params") or {}),
                            hint=str(i.get("hint") or ""),
                        )
                        for i in c["items"]
                    ),
                )
                for c in data["categories"]
            ),
            bonus=tuple(
                BonusSpec(code=str(b["code"]), name=str(b["name"]), max=q(b["max"]), hint=str(b.get("hint") or ""))
                for b in data.get("bonus") or ()
            ),
            vetoes=tuple(
                VetoSpec(
                    code=str(v["code"]),
                    name=str(v["name"]),
                    method=v["method"],
                    rule=v.get("rule") or "",
                    params=dict(v.get("params") or {}),
                    hint=str(v.get("hint") or ""),
                )
                for v in data.get("vetoes") or ()
            ),
        )


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Deduction:
    points: Decimal
    code: str
    params: dict
    records: Records = ()


@dataclass(frozen=True)
class Gap:
    item_code: str
    points: Decimal
    due: date
    code: str
    params: dict
    records: Records = ()


@dataclass(frozen=True)
class ItemScore:
    code: str
    name: str
    category: str
    max: Decimal
    score: Decimal | None  # None: 未评 (a manual item not yet valued)
    method: str
    deductions: tuple[Deduction, ...] = ()
    overridden: bool = False

    @property
    def unrated(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class CategoryScore:
    code: str
    name: str
    score: Decimal
    max: Decimal
    unrated: int = 0


@dataclass(frozen=True)
class Veto:
    code: str
    name: str
    method: str
    reason_code: str = ""
    params: dict = field(default_factory=dict)
    records: Records = ()


@dataclass(frozen=True)
class BranchScore:
    total: Decimal
    max: Decimal
    grade: str
    stars: int
    vetoed: bool
    vetoes: tuple[Veto, ...]
    items: tuple[ItemScore, ...]
    bonus: Decimal
    open_gaps: tuple[Gap, ...]
    categories: tuple[CategoryScore, ...]

    @property
    def unrated(self) -> int:
        """How many items are 未评 (shown, never silently full)."""
        return sum(1 for i in self.items if i.score is None)

    @property
    def at_stake(self) -> Decimal:
        return q(sum((g.points for g in self.open_gaps), ZERO))


# ---------------------------------------------------------------- the rules

RuleResult = tuple[list[Deduction], list[Gap]]
RULES: dict[str, Callable[[ItemSpec, BranchScoringFacts], RuleResult]] = {}
VETO_RULES: dict[str, Callable[[VetoSpec, BranchScoringFacts], Veto | None]] = {}


def rule(name: str):
    def register(fn):
        RULES[name] = fn
        return fn

    return register


def veto_rule(name: str):
    def register(fn):
        VETO_RULES[name] = fn
        return fn

    return register


def _findings(facts: BranchScoringFacts, *codes: str):
    return [f for f in facts.findings if f.code in codes]


def _branch(facts) -> Records:
    return (("branch", facts.branch_id),)


def _share(max_points: Decimal, part: int, whole: int) -> Decimal:
    return q(max_points * part / whole) if whole else ZERO


@rule("org_setup")
def org_setup(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = []
    for f in _findings(facts, "COMMITTEE_MISSING"):
        out.append(
            Deduction(
                item.points("no_committee"),
                "committee_missing",
                {"full_members": f.get("full_members")},
                _branch(facts),
            )
        )
    for f in _findings(facts, "COMMITTEE_SIZE"):
        out.append(
            Deduction(item.points("committee_size"), "committee_size", {"seats": f.get("seats")}, _branch(facts))
        )
    return out, []


@rule("term_on_time")
def term_on_time(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(
            item.points("expired"),
            "term_expired",
            {"due_end": f.get("due_end"), "overdue_days": f.get("overdue_days")},
            _branch(facts),
        )
        for f in _findings(facts, "TERM_EXPIRED")
    ]
    return out, []


@rule("vacancy")
def vacancy(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(
            item.points("vacancy"), "vacancy", {"seats": f.get("vacant_seats"), "since": f.get("since")}, _branch(facts)
        )
        for f in _findings(facts, "VACANCY")
    ]
    return out, []


@rule("party_groups")
def party_groups(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    reasons: dict[int, list[str]] = {}
    for f in _findings(facts, "GROUP_TOO_SMALL", "GROUP_LEADER_PROBATIONARY"):
        reasons.setdefault(f.get("group_id"), []).append(f.code.lower())
    out = [
        Deduction(
            item.points("per_group"), "group_irregular", {"group_id": gid, "reasons": sorted(r)}, (("group", gid),)
        )
        for gid, r in sorted(reasons.items())
    ]
    return out, []


@rule("secretary")
def secretary(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = []
    if _findings(facts, "SECRETARY_MISSING", "TERM_MISSING"):
        out.append(Deduction(item.points("missing"), "secretary_missing", {}, _branch(facts)))
    for f in _findings(facts, "SECRETARY_PARTY_AGE"):
        out.append(
            Deduction(
                item.points("party_age"),
                "secretary_party_age",
                {"party_years": f.get("party_years"), "minimum": f.get("minimum")},
                (("member", f.get("member_id")),),
            )
        )
    return out, []


@rule("committee_roles")
def committee_roles(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(item.points("per_role"), "role_missing", {"role": role}, _branch(facts))
        for f in _findings(facts, "COMMITTEE_ROLES_MISSING")
        for role in f.get("missing_roles", ())
    ]
    return out, []


def _study(item: ItemSpec, facts: BranchScoringFacts, rows) -> RuleResult:
    rows = list(rows)
    short = [r for r in rows if r.hours < r.required]
    if not short:
        return [], []
    points = _share(item.max, len(short), len(rows))
    params = {"short": len(short), "members": len(rows)}
    records = tuple(("member", r.member_id) for r in short)
    if facts.year_open:
        return [], [Gap(item.code, points, facts.year_end, "study_short", params, records)]
    return [Deduction(points, "study_short", params, records)], []


@rule("committee_study_hours")
def committee_study_hours(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """B3: proportional to the 书记 and 支委 below their (higher) requirement."""
    return _study(item, facts, (r for r in facts.study if r.committee))


@rule("member_study_hours")
def member_study_hours(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """D1: proportional to the other party members below their requirement (the
    committee's hours are B3's)."""
    return _study(item, facts, (r for r in facts.study if not r.committee))


def _cells(facts: BranchScoringFacts, requirement: str) -> list[CellFact]:
    return [c for c in facts.cells if c.requirement == requirement]


def _cell_params(cell: CellFact) -> dict:
    out = {"requirement": cell.requirement, "period": cell.period}
    if cell.subject_id is not None:
        out["group_id"] = cell.subject_id
    return out


def _per_period(item: ItemSpec, facts: BranchScoringFacts, requirement: str, points: Decimal) -> RuleResult:
    out, gaps = [], []
    for cell in _cells(facts, requirement):
        records = tuple(("meeting", pk) for pk in cell.excluded_ids)
        if cell.status == MISSING:
            out.append(Deduction(points, "meeting_missing", _cell_params(cell), records))
        elif cell.status == UPCOMING:
            gaps.append(Gap(item.code, points, cell.end, "meeting_due", _cell_params(cell), records))
    return out, gaps


@rule("meetings_per_period")
def meetings_per_period(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """C1, C2, C3, C5, C6: a fixed deduction per period (per 党小组 and month for
    C3) whose required meeting was not held."""
    return _per_period(item, facts, item.param("requirement"), item.points("per_period"))


@rule("lectures")
def lectures(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """C4: per quarter without a 党课, and the 书记 did not lecture this year."""
    out, gaps = _per_period(item, facts, item.param("requirement"), item.points("per_period"))
    more, more_gaps = _per_period(item, facts, item.param("secretary_requirement"), item.points("secretary_missing"))
    out += [Deduction(d.points, "secretary_lecture_missing", d.params, d.records) for d in more]
    gaps += [Gap(g.item_code, g.points, g.due, "secretary_lecture_due", g.params, g.records) for g in more_gaps]
    return out, gaps


@rule("member_evaluation")
def member_evaluation(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """C7: 民主评议 not held; 优秀 above a third of those rated."""
    out, gaps = _per_period(item, facts, item.param("requirement"), item.points("not_held"))
    for e in facts.evaluations:
        if e.excellent * 3 > e.rated:
            out.append(
                Deduction(
                    item.points("too_many_excellent"),
                    "too_many_excellent",
                    {"excellent": e.excellent, "rated": e.rated},
                    (("meeting", e.meeting_id),),
                )
            )
    return out, gaps


@rule("proportional_cells")
def proportional_cells(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """C8 谈心谈话 (pairs), D6 党员汇报 (members): the item's points shared over
    its periods, each lost in proportion to what is missing."""
    cells = [c for c in _cells(facts, item.param("requirement")) if c.required > 0]
    out, gaps = [], []
    for cell in cells:
        if cell.status not in (MISSING, UPCOMING):
            continue
        lacking = max(cell.required - cell.count, 0)
        points = q(item.max * lacking / (cell.required * len(cells)))
        params = {**_cell_params(cell), "done": cell.count, "required": cell.required}
        if cell.status == MISSING:
            out.append(Deduction(points, "share_missing", params))
        else:
            gaps.append(Gap(item.code, points, cell.end, "share_due", params))
    return out, gaps


@rule("dues_paid")
def dues_paid(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """D2: in proportion to the member-months not fully paid."""
    due = sum(d.due_months for d in facts.dues)
    unpaid = [d for d in facts.dues if d.unpaid_months]
    months = sum(d.unpaid_months for d in unpaid)
    if not months:
        return [], []
    points = _share(item.max, months, due)
    params = {"months": months, "due_months": due, "members": len(unpaid)}
    records = tuple(("member", d.member_id) for d in unpaid)
    if facts.year_open:
        return [], [Gap(item.code, points, facts.year_end, "dues_unpaid", params, records)]
    return [Deduction(points, "dues_unpaid", params, records)], []


@rule("development_steps")
def development_steps(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(
            item.points("per_finding"),
            "development_step",
            {"step": d.step, "finding": d.code},
            (("member", d.member_id),),
        )
        for d in facts.development
    ]
    return out, []


@rule("transfers")
def transfers(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(item.points("per_transfer"), f"transfer_{t.code}", {}, (("transfer", t.id),)) for t in facts.transfers
    ]
    return out, []


@rule("six_month_cases")
def six_month_cases(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    out = [
        Deduction(
            item.points("per_case"),
            "six_month_unhandled",
            {"rule": c.rule, "since": c.since.isoformat(), "months": c.months},
            (("member", c.member_id),),
        )
        for c in facts.six_month
        if not c.handled
    ]
    return out, []


@rule("books")
def books(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """F1: per book of the three not complete (still open while the year runs)."""
    out, gaps = [], []
    for b in facts.books:
        if b.present >= b.expected:
            continue
        params = {"kind": b.kind, "expected": b.expected, "present": b.present}
        if facts.year_open:
            gaps.append(Gap(item.code, item.points("per_book"), facts.year_end, "book_missing", params))
        else:
            out.append(Deduction(item.points("per_book"), "book_missing", params))
    return out, gaps


@rule("boxes")
def boxes(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """F2: per box incomplete, or not bound by its deadline."""
    out, gaps = [], []
    for b in facts.boxes:
        records = (("catalogue", b.catalogue_id),) if b.catalogue_id else ()
        params = {
            "box_kind": b.box_kind,
            "missing": b.missing,
            "deadline": b.deadline.isoformat() if b.deadline else None,
        }
        if b.bound_on_time is False:
            out.append(Deduction(item.points("per_box"), "box_unbound", params, records))
        elif not b.complete:
            if facts.year_open:
                gaps.append(Gap(item.code, item.points("per_box"), facts.year_end, "box_incomplete", params, records))
            else:
                out.append(Deduction(item.points("per_box"), "box_incomplete", params, records))
    return out, gaps


@rule("dues_cards")
def dues_cards(item: ItemSpec, facts: BranchScoringFacts) -> RuleResult:
    """F3: in proportion to the members whose 党费证 of the year is incomplete."""
    cards = facts.dues_cards
    lacking = max(cards.expected - cards.present, 0)
    if not lacking:
        return [], []
    points = _share(item.max, lacking, cards.expected)
    params = {"incomplete": lacking, "members": cards.expected}
    if facts.year_open:
        return [], [Gap(item.code, points, facts.year_end, "dues_cards_incomplete", params)]
    return [Deduction(points, "dues_cards_incomplete", params)], []


@veto_rule("term_overdue")
def term_overdue(veto: VetoSpec, facts: BranchScoringFacts) -> Veto | None:
    """The committee's term ended more than `days` ago without a new election."""
    limit = int(veto.params.get("days", 365))
    for f in _findings(facts, "TERM_EXPIRED"):
        if (f.get("overdue_days") or 0) > limit:
            return Veto(
                veto.code,
                veto.name,
                AUTO,
                "term_overdue",
                {"due_end": f.get("due_end"), "overdue_days": f.get("overdue_days"), "days": limit},
                _branch(facts),
            )
    return None


# ---------------------------------------------------------------- scoring


def _clamp(value, top: Decimal) -> Decimal:
    return min(max(q(value), ZERO), top)


def _cap_gaps(gaps: list[Gap], available: Decimal) -> list[Gap]:
    """An item's open gaps never put more at stake than the points it still has."""
    out = []
    for g in sorted(gaps, key=lambda g: (g.due, g.code)):
        points = min(g.points, available)
        if points <= 0:
            break
        available -= points
        out.append(g if points == g.points else Gap(g.item_code, points, g.due, g.code, g.params, g.records))
    return out


def score(
    card: Card,
    facts: BranchScoringFacts,
    *,
    manual: Mapping[str, Decimal] | None = None,
    bonus: Mapping[str, Decimal] | None = None,
    vetoes: Iterable[str] | None = None,
    overrides: Mapping[str, Decimal] | None = None,
    thresholds: Thresholds | None = None,
) -> BranchScore:
    """Score one branch against a card.

    manual:    item code → points for manual items (missing: 未评);
    bonus:     bonus code → points (each capped at its max, the sum at bonus_cap);
    vetoes:    codes of the manual veto items that apply;
    overrides: item code → points replacing an auto score (a reviewer's, with a reason kept elsewhere);
    thresholds: the campaign's, else the card's.
    """
    manual, bonus, overrides = manual or {}, bonus or {}, overrides or {}
    thresholds = thresholds or card.thresholds
    items, gaps = [], []
    for spec in card.items:
        if spec.method == MANUAL:
            value = manual.get(spec.code)
            value = None if value is None else _clamp(value, spec.max)
            if spec.code in overrides:
                value = _clamp(overrides[spec.code], spec.max)
            items.append(
                ItemScore(spec.code, spec.name, spec.category, spec.max, value, spec.method, (), spec.code in overrides)
            )
            continue
        deductions, item_gaps = RULES[spec.rule](spec, facts)
        lost = sum((d.points for d in deductions), ZERO)
        value = _clamp(spec.max - lost, spec.max)
        overridden = spec.code in overrides
        if overridden:
            value = _clamp(overrides[spec.code], spec.max)
        else:
            gaps += _cap_gaps(item_gaps, value)
        items.append(
            ItemScore(spec.code, spec.name, spec.category, spec.max, value, spec.method, tuple(deductions), overridden)
        )

    bonus_points = ZERO
    for spec in card.bonus:
        if spec.code in bonus:
            bonus_points += _clamp(bonus[spec.code], spec.max)
    bonus_points = min(bonus_points, card.bonus_cap)

    chosen = set(vetoes or ())
    applied = []
    for spec in card.vetoes:
        if spec.method == AUTO:
            found = VETO_RULES[spec.rule](spec, facts)
            if found is not None:
                applied.append(found)
        elif spec.code in chosen:
            applied.append(Veto(spec.code, spec.name, MANUAL))

    total = q(sum((i.score for i in items if i.score is not None), ZERO) + bonus_points)
    vetoed = bool(applied)
    grade = FAIL if vetoed else thresholds.grade(total)
    categories = tuple(
        CategoryScore(
            code=c.code,
            name=c.name,
            score=q(sum((i.score for i in items if i.category == c.code and i.score is not None), ZERO)),
            max=q(sum((i.max for i in c.items), ZERO)),
            unrated=sum(1 for i in items if i.category == c.code and i.score is None),
        )
        for c in card.categories
    )
    return BranchScore(
        total=total,
        max=card.total,
        grade=grade,
        stars=STARS[grade],
        vetoed=vetoed,
        vetoes=tuple(applied),
        items=tuple(items),
        bonus=q(bonus_points),
        open_gaps=tuple(sorted(gaps, key=lambda g: (g.due, g.item_code, g.code))),
        categories=categories,
    )
