"""Reads of the 党费 ledger: where each member's ledger starts, what they
owe, the branch's month sheet and year grid, and the 党费证 — each for any
number of branches in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth

from ..conf import dues_ledger_start
from ..models import DuesMonth, Member, Transfer
from ..rules import add_months, month_count, month_range, month_start

SETTLED = Q(exempt=True) | Q(amount_paid__gte=F("amount_due"))
PAID_SOMETHING = Q(exempt=True) | Q(amount_paid__gt=0) | Q(extra__gt=0)


def last_complete_month(on: date) -> date:
    """Dues of the running month are not late yet."""
    return add_months(month_start(on), -1)


def party_members_of(branch_ids):
    """正式 and 预备 党员 of the branches now: those who owe dues and belong at meetings."""
    return Member.objects.filter(branch_id__in=list(branch_ids), status__in=Member.PARTY_STATUSES)


def ledger_starts(branch_ids) -> dict[int, date]:
    """The first month each branch recorded (its ledger begins there), one query."""
    return dict(
        DuesMonth.objects.filter(branch_id__in=list(branch_ids))
        .values("branch_id")
        .annotate(first=Min("month"))
        .values_list("branch_id", "first")
    )


def arrivals(branch_ids) -> dict[int, tuple[date, date | None]]:
    """For members who reported to their present branch with a letter: (the
    day they arrived, dues paid until per the letter). One query."""
    rows = (
        Transfer.objects.filter(
            member__branch_id__in=list(branch_ids), received_on__isnull=False, cancelled_on__isnull=True
        )
        .filter(Q(direction=Transfer.Direction.IN) | Q(to_branch_id=F("member__branch_id")))
        .order_by("member_id", "received_on", "id")
        .values_list("member_id", "received_on", "dues_paid_until")
    )
    return {member_id: (received, paid_until) for member_id, received, paid_until in rows}


@dataclass
class DuesStatus:
    member_id: int
    name: str
    branch_id: int
    category: str
    start: date | None  # first month owed here (None: nothing to judge yet)
    last_paid: date | None  # last month with a payment (or an exemption)
    last_settled: date | None  # 党费交至: last month fully paid
    owed_months: int  # months from `start` to last month not fully paid
    owed_amount: Decimal  # shortfall on the months recorded as not fully paid
    months: list[date] = field(default_factory=list, repr=False)

    @property
    def in_arrears(self) -> bool:
        return self.owed_months > 0


def dues_start(
    join_date: date | None, branch_start: date | None, arrival: tuple | None, *, ledger_start: date | None
) -> date | None:
    """The first month a member owes dues in the ledger: the month they joined,
    not before their branch's ledger (or the deployment's) begins, and for a
    member who came with a letter, the month after the letter's 党费交至."""
    if join_date is None:
        return None
    floor = ledger_start or branch_start  # ledger_start: the deployment's, `dues_ledger_start()`
    if floor is None:
        return None
    candidates = [month_start(join_date), floor]
    if arrival is not None:
        received, paid_until = arrival
        candidates.append(add_months(paid_until, 1) if paid_until else month_start(received))
    return max(candidates)


def dues_status(branch_ids, *, on: date) -> dict[int, DuesStatus]:
    """Per member of the branches: where the ledger starts, the last month paid
    and what is owed up to last month. Four queries for any number of branches."""
    branch_ids = list(branch_ids)
    last = last_complete_month(on)
    members = list(party_members_of(branch_ids).values_list("id", "name", "branch_id", "category", "join_date"))
    starts = ledger_starts(branch_ids)
    arrived = arrivals(branch_ids)
    ledger_start = dues_ledger_start()
    floor = ledger_start or date.min
    window = Q(month__lte=last) & Q(month__gte=floor) & Q(month__gte=TruncMonth("member__join_date"))
    shortfall = ExpressionWrapper(
        F("amount_due") - F("amount_paid"), output_field=DecimalField(max_digits=12, decimal_places=2)
    )
    facts = {
        row["member_id"]: row
        for row in DuesMonth.objects.filter(member__branch_id__in=branch_ids)
        .values("member_id")
        .annotate(
            last_paid=Max("month", filter=PAID_SOMETHING),
            last_settled=Max("month", filter=SETTLED),
            settled=Count("id", filter=SETTLED & window),
            short=Sum(shortfall, filter=~SETTLED & window),
        )
    }
    out = {}
    for member_id, name, branch_id, category, join_date in members:
        start = dues_start(join_date, starts.get(branch_id), arrived.get(member_id), ledger_start=ledger_start)
        fact = facts.get(member_id, {})
        due_months = month_count(start, last) if start else 0
        out[member_id] = DuesStatus(
            member_id=member_id,
            name=name,
            branch_id=branch_id,
            category=category,
            start=start,
            last_paid=fact.get("last_paid"),
            last_settled=fact.get("last_settled"),
            owed_months=max(due_months - (fact.get("settled") or 0), 0),
            owed_amount=fact.get("short") or Decimal("0.00"),
        )
    return out


def paid_through(member: Member) -> date | None:
    """党费交至 for the introduction letter: the last month fully paid."""
    return DuesMonth.objects.filter(member=member).filter(SETTLED).aggregate(m=Max("month"))["m"]


# --------------------------------------------------------------------------- pages


@dataclass
class SheetRow:
    """One member's line of the branch's month sheet, with last month's base as a suggestion."""

    member: Member
    record: DuesMonth | None
    last_base: Decimal | None
    last_fixed: Decimal | None


def month_sheet(branch, month: date) -> list[SheetRow]:
    """The branch's members who owe dues for `month`, with that month's record
    where there is one. Two queries."""
    month = month_start(month)
    next_month = add_months(month, 1)
    previous = DuesMonth.objects.filter(member=OuterRef("pk"), month__lt=month).order_by("-month")
    members = list(
        Member.objects.filter(branch=branch, status__in=Member.PARTY_STATUSES, join_date__lt=next_month)
        .annotate(
            last_base=Subquery(previous.values("base_pay")[:1]),
            last_fixed=Subquery(previous.filter(percent__isnull=True, exempt=False).values("amount_due")[:1]),
        )
        .order_by("name", "pk")
    )
    records = {r.member_id: r for r in DuesMonth.objects.filter(member__in=[m.pk for m in members], month=month)}
    return [SheetRow(m, records.get(m.pk), m.last_base, m.last_fixed) for m in members]


@dataclass
class GridRow:
    member: Member
    cells: list  # (month, DuesMonth | None, owed: bool) for the 12 months
    status: DuesStatus | None


def year_grid(branch, year: int, *, on: date) -> tuple[list[date], list[GridRow]]:
    """Members × 12 months of a year, with what each owes. Six queries."""
    months = month_range(date(year, 1, 1), date(year, 12, 1))
    statuses = dues_status([branch.pk], on=on)
    members = list(party_members_of([branch.pk]).order_by("name", "pk"))
    rows: dict[int, dict[date, DuesMonth]] = defaultdict(dict)
    for record in DuesMonth.objects.filter(member__in=[m.pk for m in members], month__year=year):
        rows[record.member_id][record.month] = record
    last = last_complete_month(on)
    grid = []
    for m in members:
        status = statuses.get(m.pk)
        cells = []
        for month in months:
            record = rows[m.pk].get(month)
            owed = bool(status and status.start and status.start <= month <= last and not (record and record.settled))
            cells.append((month, record, owed))
        grid.append(GridRow(m, cells, status))
    return months, grid


def dues_card(member: Member, year: int | None = None) -> list[DuesMonth]:
    """The 党费证: the member's ledger, a year or all of it, oldest first."""
    qs = DuesMonth.objects.filter(member=member).select_related("branch").order_by("month")
    return list(qs.filter(month__year=year) if year else qs)


def dues_years(member: Member) -> list[int]:
    return sorted(
        {d.year for d in DuesMonth.objects.filter(member=member).values_list("month", flat=True)}, reverse=True
    )


# --------------------------------------------------------------------------- the scorecard's facts (D2, F3)


@dataclass(frozen=True)
class DuesYear:
    member_id: int
    name: str
    branch_id: int
    due_months: int  # months of the year owed (up to last month)
    settled_months: int  # of those, fully paid or exempt

    @property
    def unpaid_months(self) -> int:
        return max(self.due_months - self.settled_months, 0)

    @property
    def complete(self) -> bool:
        """The year's 党费证 has every month it should."""
        return self.unpaid_months == 0


def dues_year(branch_ids, year: int, *, on: date) -> dict[int, list[DuesYear]]:
    """Per branch id, per party member: months owed in `year` and months settled
    (D2 "unpaid member-months", F3 党费证). Four queries for any number of branches."""
    branch_ids = list(branch_ids)
    last = min(date(year, 12, 1), last_complete_month(on))
    starts = ledger_starts(branch_ids)
    arrived = arrivals(branch_ids)
    ledger_start = dues_ledger_start()
    settled = dict(
        DuesMonth.objects.filter(member__branch_id__in=branch_ids, month__year=year)
        .filter(SETTLED)
        .filter(month__lte=last, month__gte=TruncMonth("member__join_date"))
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    out: dict[int, list[DuesYear]] = {pk: [] for pk in branch_ids}
    for member_id, name, branch_id, join_date in (
        party_members_of(branch_ids).order_by("name", "id").values_list("id", "name", "branch_id", "join_date")
    ):
        start = dues_start(join_date, starts.get(branch_id), arrived.get(member_id), ledger_start=ledger_start)
        due = month_count(max(start, date(year, 1, 1)), last) if start else 0
        out[branch_id].append(DuesYear(member_id, name, branch_id, due, min(settled.get(member_id, 0), due)))
    return out
