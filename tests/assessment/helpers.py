"""Facts of a branch that keeps every record, to be spoiled one rule at a time."""

from __future__ import annotations

import dataclasses
from calendar import monthrange
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from assessment import engine
from assessment import facts as f

SCORECARDS = Path(__file__).resolve().parents[2] / "assessment" / "scorecards"
REQUIREMENTS = (
    ("branch_assembly", "quarter"),
    ("committee", "month"),
    ("lecture", "quarter"),
    ("secretary_lecture", "year"),
    ("theme_day", "month"),
    ("life_meeting", "year"),
    ("evaluation", "year"),
    ("talk", "year"),
    ("member_report", "year"),
)
COMMITTEE = (101, 102, 103)
MEMBERS = (104, 105, 106, 107, 108)


def card(name: str = "default-2025") -> engine.Card:
    return engine.Card.from_data(yaml.safe_load((SCORECARDS / f"{name}.yaml").read_text(encoding="utf-8")))


def periods(year: int, period: str):
    if period == "month":
        return [(f"{year}-{m:02d}", date(year, m, monthrange(year, m)[1])) for m in range(1, 13)]
    if period == "quarter":
        return [(f"{year}-Q{i + 1}", date(year, 3 * i + 3, monthrange(year, 3 * i + 3)[1])) for i in range(4)]
    return [(f"{year}", date(year, 12, 31))]


def cells(year: int, requirement: str, period: str, *, status: str = "held", groups=()):
    required = {"talk": 21, "member_report": 8}.get(requirement, 1)
    subjects = groups if requirement == "group" else (None,)
    return [
        f.CellFact(
            requirement,
            key,
            end,
            status,
            count=required if status == "held" else 0,
            required=required,
            meeting_ids=(1,) if status == "held" else (),
            subject_id=subject,
        )
        for subject in subjects
        for key, end in periods(year, period)
    ]


def perfect(year: int = 2025, on: date | None = None, **changes) -> f.BranchScoringFacts:
    """A branch of 8 members (3 on the committee) that kept every rule in a year that has ended."""
    all_cells = [c for req, period in REQUIREMENTS for c in cells(year, req, period)]
    base = f.BranchScoringFacts(
        branch_id=1,
        sector="government",
        year=year,
        on=on or date(year + 1, 1, 1),
        cells=tuple(all_cells),
        evaluations=(f.EvaluationFact(meeting_id=9, rated=8, excellent=2),),
        study=tuple(f.StudyFact(m, Decimal("60"), Decimal("56"), True) for m in COMMITTEE)
        + tuple(f.StudyFact(m, Decimal("40"), Decimal("32"), False) for m in MEMBERS),
        dues=tuple(f.DuesFact(m, 12, 12) for m in COMMITTEE + MEMBERS),
        books=(f.BookFact("minutes", 1, 1), f.BookFact("group_minutes", 0, 0), f.BookFact("study_notes", 8, 8)),
        boxes=tuple(
            f.BoxFact(kind, i + 1, True, 0, True, True, date(year + 1, 3, 31))
            for i, kind in enumerate(("organization", "members", "life", "education", "excellence", "mass_culture"))
        ),
        dues_cards=f.DuesCardsFact(expected=8, present=8),
    )
    return dataclasses.replace(base, **changes)


def with_cell(facts: f.BranchScoringFacts, requirement: str, period: str, **cell_changes) -> f.BranchScoringFacts:
    """The facts with one calendar cell changed."""
    out = []
    for c in facts.cells:
        if c.requirement == requirement and c.period == period:
            c = dataclasses.replace(c, **cell_changes)
        out.append(c)
    return dataclasses.replace(facts, cells=tuple(out))


def finding(code: str, **params) -> f.FindingFact:
    return f.FindingFact(code, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())))


def item(result: engine.BranchScore, code: str) -> engine.ItemScore:
    return next(i for i in result.items if i.code == code)


FULL_MANUAL = {"E1": Decimal("4"), "E2": Decimal("2"), "E3": Decimal("2")}
