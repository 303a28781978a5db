"""The scoring facts of one branch for one year: ids, dates, numbers and codes
only (no model instances, no translated text), so that a score computed at
night reads the same in any language the next morning, and the facts hash is
stable. `assessment.selectors.scoring_facts` builds them from the selectors of
the other apps; `assessment.engine.score` reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class FindingFact:
    """A SPEC §2 finding of `branches.rules.evaluate`: its code and its facts
    (sorted key/value pairs; lists as tuples)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default=None):
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class CellFact:
    """A compliance calendar cell (`meetings.compliance.Cell`) as data."""

    requirement: str  # MeetingRequirement.code
    period: str  # "2025-Q3", "2025-07", "2025"
    end: date
    status: str  # held / missing / upcoming / not_applicable
    count: int = 0
    required: int = 1
    meeting_ids: tuple[int, ...] = ()
    excluded_ids: tuple[int, ...] = ()  # meetings that did not count (quorum not met)
    subject_id: int | None = None  # the 党小组 of a per-group row


@dataclass(frozen=True)
class EvaluationFact:
    """A 民主评议 meeting: members rated and rated 优秀."""

    meeting_id: int
    rated: int
    excellent: int


@dataclass(frozen=True)
class StudyFact:
    member_id: int
    hours: Decimal
    required: Decimal
    committee: bool


@dataclass(frozen=True)
class DuesFact:
    member_id: int
    due_months: int
    settled_months: int

    @property
    def unpaid_months(self) -> int:
        return max(self.due_months - self.settled_months, 0)


@dataclass(frozen=True)
class DevelopmentFact:
    member_id: int
    step: int
    code: str
    due: date | None = None


@dataclass(frozen=True)
class TransferFact:
    id: int
    member_id: int
    code: str  # "overdue" (letter past validity) / "receipt_late"


@dataclass(frozen=True)
class CaseFact:
    """A six-month case (SPEC §3)."""

    member_id: int
    rule: str  # dues / attendance
    since: date
    months: int
    handled: bool


@dataclass(frozen=True)
class BookFact:
    kind: str  # minutes / group_minutes / study_notes
    expected: int
    present: int


@dataclass(frozen=True)
class BoxFact:
    box_kind: str
    catalogue_id: int | None
    complete: bool
    missing: int  # required document kinds missing
    bound: bool
    bound_on_time: bool | None  # None: not due yet
    deadline: date | None


@dataclass(frozen=True)
class DuesCardsFact:
    expected: int = 0
    present: int = 0


@dataclass(frozen=True)
class BranchScoringFacts:
    branch_id: int
    sector: str
    year: int
    on: date  # the day the facts describe (31 December for a past year)
    findings: tuple[FindingFact, ...] = ()
    cells: tuple[CellFact, ...] = ()
    evaluations: tuple[EvaluationFact, ...] = ()
    study: tuple[StudyFact, ...] = ()
    dues: tuple[DuesFact, ...] = ()
    development: tuple[DevelopmentFact, ...] = ()
    transfers: tuple[TransferFact, ...] = ()
    six_month: tuple[CaseFact, ...] = ()
    books: tuple[BookFact, ...] = ()
    boxes: tuple[BoxFact, ...] = ()
    dues_cards: DuesCardsFact = DuesCardsFact()

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def year_open(self) -> bool:
        """The year has not ended on `on`: yearly shortfalls are still open gaps, not lost points."""
        return self.on < self.year_end
