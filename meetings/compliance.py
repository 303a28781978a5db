"""Which meetings were required and held (SPEC §4) — a pure function.

Dataclasses in, dataclasses out, no ORM: `meetings.selectors.branches_compliance`
gathers the facts for any number of branches in a fixed number of queries and
calls `evaluate`. The compliance calendar, the API, the scorecard (C1–C8, D6)
and the alerts all read the same `BranchCompliance`.

Per requirement and period a cell is:
- held:            enough meetings (or talks, reports) in the period;
- missing:         the period has ended without them;
- upcoming:        the period has not ended yet and is not yet satisfied;
- not_applicable:  the requirement does not apply (branch not yet founded,
                   no 支部委员会, nobody to talk with).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from branches.rules import in_office

HELD, MISSING, UPCOMING, NOT_APPLICABLE = "held", "missing", "upcoming", "not_applicable"
STATUSES = (HELD, MISSING, UPCOMING, NOT_APPLICABLE)

# counting rules (MeetingRequirement.Counting values)
MEETINGS, PER_GROUP, SECRETARY_LECTURES = "meetings", "per_group", "secretary_lectures"
TALK_PAIRS, MEMBER_REPORTS = "talk_pairs", "member_reports"
# quorum rules (Meeting.Quorum values)
QUORUM_NONE, QUORUM_FULL_MEMBERS, QUORUM_COMMITTEE = "none", "full_members", "committee"
# applicability (MeetingRequirement.AppliesTo values)
APPLIES_ALL, APPLIES_WITH_COMMITTEE = "all", "with_committee"
SECRETARY_ROLE = "secretary"

MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def quorum_met(expected: int, present: int) -> bool:
    """More than half must be present; exactly half is NOT a quorum (integer maths)."""
    return expected > 0 and present * 2 > expected


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A period as plain data: its key is the code; the label is rendered when
    read, in the reader's language (a result computed at night in a Celery task
    reads the same in Chinese and English the next morning)."""

    key: str  # "2025-03", "2025-Q1", "2025-H1", "2025"
    start: date
    end: date
    first_month: int
    months: int

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:  # "3月", "第一季度", "上半年", "2025年"
        return render_period(self.key)


def render_period(key: str) -> str:
    """The short label of a period key in the active language."""
    year, _sep, rest = key.partition("-")
    if not rest:
        return _("%(y)s年") % {"y": int(year)}
    if rest[0] == "Q":
        return (_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度"))[int(rest[1:]) - 1]
    if rest[0] == "H":
        return _("上半年") if rest == "H1" else _("下半年")
    return _("%(m)s月") % {"m": int(rest)}


def periods_of(year: int, period: str) -> tuple[Period, ...]:
    """The periods of a year for a frequency (month / quarter / half_year / year)."""
    return _periods(year, period)


@lru_cache(maxsize=512)
def _periods(year: int, period: str) -> tuple[Period, ...]:
    # language-free, so thousands of branches share one tuple whatever the reader's language
    months = MONTHS_PER_PERIOD[period]
    out = []
    for i, first in enumerate(range(1, 13, months)):
        last = first + months - 1
        start, end = date(year, first, 1), date(year, last, monthrange(year, last)[1])
        if period == "month":
            key = f"{year}-{first:02d}"
        elif period == "quarter":
            key = f"{year}-Q{i + 1}"
        elif period == "half_year":
            key = f"{year}-H{i + 1}"
        else:
            key = f"{year}"
        out.append(Period(key=key, start=start, end=end, first_month=first, months=months))
    return tuple(out)


# ---------------------------------------------------------------- requirements


@dataclass(frozen=True)
class Requirement:
    code: str
    name: str
    meeting_kind: str  # blank for talk pairs and member reports
    counting: str
    period: str
    min_count: int = 1
    quorum: str = QUORUM_NONE
    applies_to: str = APPLIES_ALL
    order: int = 0


@dataclass(frozen=True)
class RequirementRow:
    """A row of the requirement table as data: the default (no sector, no unit),
    a 领域 override, or an org-unit override for its subtree."""

    requirement: Requirement
    sector: str = ""
    org_unit_id: int | None = None
    org_unit_path: str = ""
    is_active: bool = True


def resolve_requirements(rows, *, sector: str, path: str) -> tuple[Requirement, ...]:
    """The requirements that hold for a branch: per code, the row of the nearest
    org unit above (or at) the branch, else the branch's 领域 row, else the default."""
    best: dict[str, tuple[int, RequirementRow]] = {}
    for row in rows:
        if row.org_unit_id is not None:
            if not path.startswith(row.org_unit_path):
                continue
            rank = 2 + row.org_unit_path.count("/")  # deeper unit = nearer = stronger
        elif row.sector:
            if row.sector != sector:
                continue
            rank = 1
        else:
            rank = 0
        code = row.requirement.code
        if code not in best or rank > best[code][0]:
            best[code] = (rank, row)
    chosen = [row.requirement for _rank, row in best.values() if row.is_active]
    return tuple(sorted(chosen, key=lambda r: (r.order, r.code)))


def quorum_rule_for(requirements, kind: str) -> str:
    """The quorum rule a meeting held in the form `kind` must meet."""
    for r in requirements:
        if r.meeting_kind == kind and r.quorum != QUORUM_NONE:
            return r.quorum
    return QUORUM_NONE


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class MeetingFact:
    id: int
    date: date
    kinds: frozenset[str]
    topic: str = ""
    quorum_met: bool | None = None
    party_group_id: int | None = None
    lecturer_id: int | None = None
    rated: int = 0  # 民主评议: members graded
    excellent: int = 0  # 民主评议: graded 优秀


@dataclass(frozen=True)
class TenureFact:
    """A seat held on the branch committee. The facts of a year hold every tenure
    that overlaps it; who was in office on a given day is `held_on`."""

    member_id: int
    name: str
    role: str
    start: date
    end: date | None = None

    def held_on(self, day: date) -> bool:
        """On the committee on `day`: the one rule, `branches.rules.in_office`."""
        return in_office(self.start, self.end, day)

    def overlaps(self, start: date, end: date) -> bool:
        """On the committee on some day of [start, end] (a period): in office on one of its days."""
        return self.start <= end and (self.end is None or self.end >= start)


@dataclass(frozen=True)
class TermFact:
    start: date
    end: date | None
    seats: int

    def in_effect_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass(frozen=True)
class PersonFact:
    id: int
    name: str
    status: str = "full"


@dataclass(frozen=True)
class GroupFact:
    id: int
    name: str


@dataclass(frozen=True)
class TalkFact:
    id: int
    date: date
    talker_id: int
    talkee_id: int


@dataclass(frozen=True)
class ReportFact:
    id: int
    date: date
    member_id: int


@dataclass(frozen=True)
class BranchFacts:
    id: int
    name: str
    requirements: tuple[Requirement, ...]
    meetings: tuple[MeetingFact, ...] = ()
    founded_on: date | None = None
    terms: tuple[TermFact, ...] = ()
    tenures: tuple[TenureFact, ...] = ()
    committee_min_size: int = 3
    groups: tuple[GroupFact, ...] = ()
    members: tuple[PersonFact, ...] = ()  # party members (正式 + 预备)
    talks: tuple[TalkFact, ...] = ()
    reports: tuple[ReportFact, ...] = ()


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Cell:
    period: Period
    status: str
    count: int = 0  # meetings held (or pairs talked, members reported)
    required: int = 1
    meeting_ids: tuple[int, ...] = ()
    # meetings of the kind in the period that did not count (quorum not met)
    excluded_ids: tuple[int, ...] = ()
    # who is still missing (member reports), for the explanation
    missing_names: tuple[str, ...] = ()
    # the talk pairs still owed, named only when read (`missing`)
    talk_pairs: TalkPairs | None = None
    # the explanation as a code and its parameters, rendered when read (`note`)
    note_code: str = ""
    note_params: tuple[tuple[str, object], ...] = ()

    @property
    def record_ids(self) -> tuple[int, ...]:
        return self.meeting_ids

    @property
    def missing(self) -> tuple[str, ...]:
        """Who is still missing: the members who have not reported (roster order),
        or the pairs that have not talked ("甲—乙", sorted)."""
        return self.talk_pairs.missing() if self.talk_pairs else self.missing_names

    @property
    def note(self) -> str:
        return render_note(self.note_code, dict(self.note_params))


@dataclass(frozen=True)
class TalkPairs:
    """The 谈心谈话 pairs of a period: every 支委 with every other party member
    (or 支委), and those that have talked enough. Listing the pairs still owed
    is for the reader of one calendar; the sweep and the scorecard need only
    the counts, so the list is made when asked for."""

    names: tuple[tuple[int, str], ...]  # (id, name) of the members and 支委
    committee: tuple[int, ...]
    done: frozenset[tuple[int, int]]  # (smaller id, larger id)

    def missing(self) -> tuple[str, ...]:
        names = dict(self.names)
        owed = {_pair(c, m) for c in self.committee for m in names if m != c} - self.done
        return tuple(sorted("—".join(sorted((names[a], names[b]))) for a, b in owed))


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# the explanations of a cell, by code; rendered in the reader's language
NOTES = {
    "quorum_excluded": gettext_noop("另有%(n)s次%(kind)s未达法定人数，不计入。"),
    "no_secretary": gettext_noop("未录入书记任职，无法认定书记讲党课。"),
    "no_talk_pairs": gettext_noop("没有支委或党员，无需谈心谈话。"),
    "talk_pairs": gettext_noop("已谈%(done)s对，应谈%(all)s对。"),
    "no_members": gettext_noop("没有党员。"),
    "reports": gettext_noop("已汇报%(done)s人，应汇报%(all)s人。"),
}


def render_note(code: str, params: dict) -> str:
    if not code:
        return ""
    text = _(NOTES[code])
    return text % params if params else text


@dataclass(frozen=True)
class Row:
    requirement: Requirement
    label: str
    cells: tuple[Cell, ...]
    subject_id: int | None = None  # the 党小组 of a per-group row

    def count(self, status: str) -> int:
        return sum(1 for c in self.cells if c.status == status)

    @property
    def held(self) -> int:
        return self.count(HELD)

    @property
    def missing(self) -> int:
        return self.count(MISSING)

    @property
    def upcoming(self) -> int:
        return self.count(UPCOMING)


@dataclass(frozen=True)
class BranchCompliance:
    branch_id: int
    branch_name: str
    year: int
    today: date
    rows: tuple[Row, ...]
    evaluation: tuple[MeetingFact, ...] = field(default=())

    def rows_for(self, code: str) -> list[Row]:
        return [r for r in self.rows if r.requirement.code == code]

    def cells(self, *, code: str | None = None, status: str | None = None) -> list[tuple[Row, Cell]]:
        return [
            (row, cell)
            for row in self.rows
            if code is None or row.requirement.code == code
            for cell in row.cells
            if status is None or cell.status == status
        ]

    def count(self, status: str) -> int:
        return sum(row.count(status) for row in self.rows)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}


# ---------------------------------------------------------------- the maths


def _status(held: bool, period: Period, today: date) -> str:
    if held:
        return HELD
    return UPCOMING if period.end >= today else MISSING


def _applicable(facts: BranchFacts, req: Requirement, period: Period, today: date) -> bool:
    if facts.founded_on and period.end < facts.founded_on:
        return False
    if req.applies_to == APPLIES_WITH_COMMITTEE:
        day = min(period.end, today)
        term = next((t for t in facts.terms if t.in_effect_on(day)), None)
        return term is not None and term.seats >= facts.committee_min_size
    return True


def _by_kind_and_month(meetings) -> dict[str, dict[int, list[MeetingFact]]]:
    """kind → month → the meetings that count as that kind, in date order: a cell
    then reads its kind's months instead of filtering every meeting of the period."""
    out: dict[str, dict[int, list[MeetingFact]]] = {}
    for m in meetings:
        for kind in m.kinds:
            out.setdefault(kind, {}).setdefault(m.date.month, []).append(m)
    return out


def _in_period(by_month, period: Period) -> list[MeetingFact]:
    return [
        m for month in range(period.first_month, period.first_month + period.months) for m in by_month.get(month, ())
    ]


def _meeting_cell(req, period, today, by_month, *, label_kind: str) -> Cell:
    """`by_month`: the meetings of the requirement's kind, by month."""
    in_period = _in_period(by_month, period)
    if req.quorum == QUORUM_NONE:
        counted, excluded = tuple(m.id for m in in_period), ()
    else:
        counted = tuple(m.id for m in in_period if m.quorum_met is not False)
        excluded = tuple(m.id for m in in_period if m.quorum_met is False)
    note = ("quorum_excluded", (("n", len(excluded)), ("kind", label_kind))) if excluded else ("", ())
    return Cell(
        period=period,
        status=_status(len(counted) >= req.min_count, period, today),
        count=len(counted),
        required=req.min_count,
        meeting_ids=counted,
        excluded_ids=excluded,
        note_code=note[0],
        note_params=note[1],
    )


def _na(period: Period, note_code: str = "") -> Cell:
    return Cell(period=period, status=NOT_APPLICABLE, required=0, note_code=note_code)


def evaluate(facts: BranchFacts, year: int, today: date) -> BranchCompliance:
    """Every requirement of a branch for a year, period by period."""
    meetings = sorted((m for m in facts.meetings if m.date.year == year), key=lambda m: (m.date, m.id))
    by_kind = _by_kind_and_month(meetings)
    rows: list[Row] = []
    for req in facts.requirements:
        periods = periods_of(year, req.period)
        of_kind = by_kind.get(req.meeting_kind, {})
        if req.counting == MEETINGS:
            cells = tuple(
                _meeting_cell(req, p, today, of_kind, label_kind=req.name)
                if _applicable(facts, req, p, today)
                else _na(p)
                for p in periods
            )
            rows.append(Row(requirement=req, label=req.name, cells=cells))
        elif req.counting == PER_GROUP:
            for group in facts.groups:
                mine = _by_kind_and_month(m for m in meetings if m.party_group_id == group.id).get(req.meeting_kind, {})
                cells = tuple(
                    _meeting_cell(req, p, today, mine, label_kind=req.name)
                    if _applicable(facts, req, p, today)
                    else _na(p)
                    for p in periods
                )
                rows.append(Row(requirement=req, label=f"{req.name} · {group.name}", cells=cells, subject_id=group.id))
        elif req.counting == SECRETARY_LECTURES:
            rows.append(
                Row(
                    requirement=req,
                    label=req.name,
                    cells=tuple(_secretary_cell(facts, req, p, today, of_kind) for p in periods),
                )
            )
        elif req.counting == TALK_PAIRS:
            rows.append(
                Row(requirement=req, label=req.name, cells=tuple(_talk_cell(facts, req, p, today) for p in periods))
            )
        elif req.counting == MEMBER_REPORTS:
            rows.append(
                Row(requirement=req, label=req.name, cells=tuple(_report_cell(facts, req, p, today) for p in periods))
            )
    evaluation = tuple(m for m in meetings if "evaluation" in m.kinds)
    return BranchCompliance(
        branch_id=facts.id, branch_name=facts.name, year=year, today=today, rows=tuple(rows), evaluation=evaluation
    )


def _secretary_cell(facts, req, period, today, by_month) -> Cell:
    """A 党课 lectured by whoever was 书记 on the day of the lecture (`by_month`:
    the meetings of the requirement's kind, by month)."""
    if not _applicable(facts, req, period, today):
        return _na(period)
    secretaries = [t for t in facts.tenures if t.role == SECRETARY_ROLE]
    held = tuple(
        m.id
        for m in _in_period(by_month, period)
        if m.lecturer_id is not None
        and any(t.member_id == m.lecturer_id and t.held_on(m.date) for t in secretaries)
    )
    note = "" if secretaries else "no_secretary"
    return Cell(
        period=period,
        status=_status(len(held) >= req.min_count, period, today),
        count=len(held),
        required=req.min_count,
        meeting_ids=held,
        note_code=note,
    )


def _talk_cell(facts, req, period, today) -> Cell:
    """Each 支委 (anyone on the committee during the period, 书记 included) with
    each party member at least min_count times; a talk between two 支委 counts
    for both of them. Counted without listing the pairs (`TalkPairs`)."""
    if not _applicable(facts, req, period, today):
        return _na(period)
    names = {p.id: p.name for p in facts.members}
    committee = {}
    for t in facts.tenures:
        if t.overlaps(period.start, period.end):
            committee.setdefault(t.member_id, t.name)
    names.update(committee)
    # every 支委 with everyone else, a pair of two 支委 once
    required = len(committee) * (len(names) - 1) - len(committee) * (len(committee) - 1) // 2
    if required <= 0:
        return _na(period, "no_talk_pairs")
    talks: dict[tuple[int, int], int] = {}
    for talk in facts.talks:
        if period.contains(talk.date) and talk.talker_id != talk.talkee_id:
            pair = _pair(talk.talker_id, talk.talkee_id)
            talks[pair] = talks.get(pair, 0) + 1
    done = frozenset(
        (a, b)
        for (a, b), n in talks.items()
        if n >= req.min_count and a in names and b in names and (a in committee or b in committee)
    )
    return Cell(
        period=period,
        status=_status(len(done) == required, period, today),
        count=len(done),
        required=required,
        talk_pairs=TalkPairs(names=tuple(names.items()), committee=tuple(committee), done=done),
        note_code="talk_pairs",
        note_params=(("done", len(done)), ("all", required)),
    )


def _report_cell(facts, req, period, today) -> Cell:
    if not _applicable(facts, req, period, today):
        return _na(period)
    if not facts.members:
        return _na(period, "no_members")
    counts: dict[int, int] = {}
    for report in facts.reports:
        if period.contains(report.date):
            counts[report.member_id] = counts.get(report.member_id, 0) + 1
    done = [p for p in facts.members if counts.get(p.id, 0) >= req.min_count]
    missing = tuple(p.name for p in facts.members if counts.get(p.id, 0) < req.min_count)
    return Cell(
        period=period,
        status=_status(len(done) == len(facts.members), period, today),
        count=len(done),
        required=len(facts.members),
        missing_names=missing,
        note_code="reports",
        note_params=(("done", len(done)), ("all", len(facts.members))),
    )
