"""The completeness maths of the archive — pure: dataclasses in, dataclasses
out, no ORM. `archives.selectors.archive_completeness` gathers the facts for
any number of branches in a fixed number of queries; the shelf page, the API
and the scorecard (F1 三本齐全, F2 六盒目录完整、按期合订, F3 党费证) read the
result.

Per branch and year:
- each box: the catalogue of that year (for the 组织管理档案盒: of the committee
  term in office that year), which required document kinds are present or
  missing, whether it is bound, and whether on time (period end + the box's
  `bind_within_days`; a term still running is not due);
- the three books: which are registered, which missing (the 会议记录本, one per
  党小组, one 学习笔记本 per party member);
- the 党费证: from the members app's dues ledger (a member's card for the
  year is complete when every month owed so far is settled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

ALL, WITH_COMMITTEE, WITH_GROUPS = "all", "with_committee", "with_groups"
MINUTES, GROUP_MINUTES, STUDY_NOTES = "minutes", "group_minutes", "study_notes"


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class BoxRule:
    box_kind: str
    name: str
    binding_period: str  # "year" / "term"
    bind_within_days: int
    order: int = 0


@dataclass(frozen=True)
class KindRule:
    id: int
    code: str
    name: str
    box_kind: str
    required: bool
    required_for: str = ALL
    min_count: int = 1
    order: int = 0


@dataclass(frozen=True)
class BoxPeriod:
    """What a box's catalogue covers: a year, or a committee term (届) of the
    branch. Facts, not words: the label is rendered in the reader's language
    when it is shown."""

    year: int
    term_number: int | None = None
    term_start: date | None = None
    term_end: date | None = None  # the actual end, else the due end

    @property
    def label(self) -> str:
        if self.term_number is None:
            return _("%(year)s年度") % {"year": self.year}
        return _("第%(n)s届 %(start)s—%(end)s") % {
            "n": self.term_number,
            "start": self.term_start.strftime("%Y.%m"),
            "end": self.term_end.strftime("%Y.%m"),
        }


@dataclass(frozen=True)
class CatalogueFact:
    id: int
    box_kind: str
    period: BoxPeriod
    period_end: date | None  # None: a committee term still running
    capacity: int
    documents: int
    addenda: int
    counts: dict  # doc kind id -> number of documents
    bound_on: date | None = None

    @property
    def period_label(self) -> str:
        return self.period.label


@dataclass(frozen=True)
class DuesCards:
    """一证 (党费证): how many party members owe dues this year (`expected`), how
    many cards are complete, and whose are not."""

    expected: int = 0
    present: int = 0
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.present >= self.expected


@dataclass(frozen=True)
class BranchArchiveFacts:
    branch_id: int
    name: str
    year: int
    catalogues: dict  # box kind -> CatalogueFact | None
    has_committee: bool
    groups: tuple  # (id, name)
    members: tuple  # (id, name) of the party members of that year
    books: frozenset  # (book kind, group id, member id) registered
    dues_cards: DuesCards


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class KindStatus:
    code: str
    name: str
    required: bool
    min_count: int
    count: int

    @property
    def present(self) -> bool:
        return self.count >= self.min_count


@dataclass(frozen=True)
class BoxStatus:
    box_kind: str
    name: str
    binding_period: str
    catalogue_id: int | None
    period: BoxPeriod
    documents: int
    addenda: int
    volumes: int
    kinds: tuple[KindStatus, ...]
    bound_on: date | None
    deadline: date | None
    bound_on_time: bool | None  # None: not due yet

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.kinds if k.required and not k.present)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def bound(self) -> bool:
        return self.bound_on is not None

    @property
    def ok(self) -> bool:
        """F2: complete, and bound by the deadline (or not due yet)."""
        return self.complete and self.bound_on_time is not False

    def problems(self, year: int) -> list[str]:
        """Why the box is not ok, in words a 党务工作者 reads on the scorecard."""
        out = []
        label = f"{year}年{self.name}" if self.binding_period == "year" else f"{self.name}（{self.period_label}）"
        if self.catalogue_id is None:
            out.append(f"{label}尚未建立目录")
        elif self.missing:
            out.append(f"{label}缺少：{'、'.join(self.missing)}")
        if self.bound_on_time is False:
            if self.bound_on is None:
                out.append(f"{label}未在{self.deadline.isoformat()}前合订")
            else:
                out.append(f"{label}于{self.bound_on.isoformat()}合订，晚于{self.deadline.isoformat()}")
        return out


@dataclass(frozen=True)
class BookStatus:
    book_kind: str
    name: str
    expected: int
    present: int
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.present >= self.expected


@dataclass(frozen=True)
class BranchArchive:
    branch_id: int
    name: str
    year: int
    boxes: tuple[BoxStatus, ...]
    books: tuple[BookStatus, ...]
    dues_cards: DuesCards
    problems: tuple[str, ...] = field(default=())

    @property
    def books_complete(self) -> bool:
        """F1: 三本齐全."""
        return all(b.complete for b in self.books)

    @property
    def missing_books(self) -> int:
        """F1: how many of the three books are incomplete (−1 each by default)."""
        return sum(1 for b in self.books if not b.complete)

    @property
    def boxes_ok(self) -> int:
        return sum(1 for b in self.boxes if b.ok)

    @property
    def boxes_bound(self) -> int:
        return sum(1 for b in self.boxes if b.bound)

    @property
    def boxes_not_ok(self) -> int:
        """F2: boxes incomplete or not bound on time (−1 each by default)."""
        return sum(1 for b in self.boxes if not b.ok)

    def box(self, box_kind: str) -> BoxStatus:
        return next(b for b in self.boxes if b.box_kind == box_kind)


# ---------------------------------------------------------------- the maths


BOOK_NAMES = {MINUTES: "党支部会议记录本", GROUP_MINUTES: "党小组会议记录本", STUDY_NOTES: "党员学习笔记本"}


def _deadline(cat: CatalogueFact | None, rule: BoxRule, year: int) -> date | None:
    if cat is None:
        end = date(year, 12, 31) if rule.binding_period == "year" else None
    else:
        end = cat.period_end
    return end + timedelta(days=rule.bind_within_days) if end else None


def _bound_on_time(bound_on: date | None, deadline: date | None, today: date) -> bool | None:
    if bound_on is not None:
        return deadline is None or bound_on <= deadline
    if deadline is not None and today > deadline:
        return False
    return None


def _applies(kind: KindRule, facts: BranchArchiveFacts) -> bool:
    if kind.required_for == WITH_COMMITTEE:
        return facts.has_committee
    if kind.required_for == WITH_GROUPS:
        return bool(facts.groups)
    return True


def evaluate_box(facts: BranchArchiveFacts, rule: BoxRule, kinds: list[KindRule], today: date) -> BoxStatus:
    cat = facts.catalogues.get(rule.box_kind)
    counts = cat.counts if cat else {}
    statuses = tuple(
        KindStatus(
            code=k.code,
            name=k.name,
            required=k.required and _applies(k, facts),
            min_count=k.min_count,
            count=counts.get(k.id, 0),
        )
        for k in sorted(kinds, key=lambda k: (k.order, k.code))
    )
    deadline = _deadline(cat, rule, facts.year)
    bound_on = cat.bound_on if cat else None
    return BoxStatus(
        box_kind=rule.box_kind,
        name=rule.name,
        binding_period=rule.binding_period,
        catalogue_id=cat.id if cat else None,
        period=cat.period if cat else BoxPeriod(facts.year),
        documents=cat.documents if cat else 0,
        addenda=cat.addenda if cat else 0,
        volumes=max(1, -(-cat.documents // cat.capacity)) if cat and cat.documents else 0,
        kinds=statuses,
        bound_on=bound_on,
        deadline=deadline,
        bound_on_time=_bound_on_time(bound_on, deadline, today),
    )


def evaluate_books(facts: BranchArchiveFacts) -> tuple[BookStatus, ...]:
    have = facts.books
    minutes_ok = any(kind == MINUTES for kind, _g, _m in have)
    groups_missing = tuple(name for pk, name in facts.groups if (GROUP_MINUTES, pk, None) not in have)
    members_missing = tuple(name for pk, name in facts.members if (STUDY_NOTES, None, pk) not in have)
    return (
        BookStatus(MINUTES, BOOK_NAMES[MINUTES], 1, int(minutes_ok), () if minutes_ok else (BOOK_NAMES[MINUTES],)),
        BookStatus(
            GROUP_MINUTES,
            BOOK_NAMES[GROUP_MINUTES],
            len(facts.groups),
            len(facts.groups) - len(groups_missing),
            groups_missing,
        ),
        BookStatus(
            STUDY_NOTES,
            BOOK_NAMES[STUDY_NOTES],
            len(facts.members),
            len(facts.members) - len(members_missing),
            members_missing,
        ),
    )


def evaluate(facts: BranchArchiveFacts, rules: list[BoxRule], kinds: list[KindRule], today: date) -> BranchArchive:
    by_box: dict[str, list[KindRule]] = {}
    for k in kinds:
        by_box.setdefault(k.box_kind, []).append(k)
    boxes = tuple(
        evaluate_box(facts, r, by_box.get(r.box_kind, []), today) for r in sorted(rules, key=lambda r: r.order)
    )
    books = evaluate_books(facts)
    problems = []
    for b in books:
        if not b.complete:
            if b.book_kind == MINUTES:
                problems.append(f"{facts.year}年未登记党支部会议记录本")
            else:
                problems.append(f"{facts.year}年{b.name}缺{b.expected - b.present}本：{'、'.join(b.missing[:10])}")
    for box in boxes:
        problems += box.problems(facts.year)
    return BranchArchive(
        branch_id=facts.branch_id,
        name=facts.name,
        year=facts.year,
        boxes=boxes,
        books=books,
        dues_cards=facts.dues_cards,
        problems=tuple(problems),
    )
