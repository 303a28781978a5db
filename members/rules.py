"""The rules of SPEC §3 as pure functions: dataclasses and numbers in, results
out, no ORM. Selectors gather the facts for many branches at once and call
these; services call them before they write. Numbers come in as arguments
(from `DuesRate` rows or `members.conf`), never as constants here."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class RuleError(ValueError):
    """A rule refused the input; `field` names the input it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --------------------------------------------------------------------------- months and money


def money(value) -> Decimal:
    """Yuan rounded to 分 (0.01), half up as on a receipt."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, the day of month clamped to the
    month's end (31 Jan + 1 → 28/29 Feb), exactly as `relativedelta(months=…)`
    does; plain arithmetic because scoring a city calls it ~10⁶ times."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start's month to end's month (Jan → Jul = 6)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_count(first: date, last: date) -> int:
    """How many months `month_range(first, last)` holds, without building it."""
    return max(0, months_between(first, last) + 1)


def month_range(first: date, last: date) -> list[date]:
    """First days of the months from first's month to last's month, inclusive."""
    start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(start, end + 1)]


# --------------------------------------------------------------------------- 党费 rates


@dataclass(frozen=True)
class RateRow:
    """One bracket of the rate table: base ≤ upper_bound (None: no bound) pays
    `percent` % of the base, or a fixed amount (fixed_max: the most a branch may
    set, e.g. 农牧渔民 0.2–1 元)."""

    category: str
    upper_bound: Decimal | None
    percent: Decimal | None = None
    fixed_amount: Decimal | None = None
    fixed_max: Decimal | None = None

    @property
    def is_fixed(self) -> bool:
        return self.percent is None


def rate_for(category: str, base: Decimal | None, rows) -> RateRow:
    """The bracket of a category that covers `base` (upper bounds inclusive)."""
    brackets = sorted(
        (r for r in rows if r.category == category),
        key=lambda r: (r.upper_bound is None, r.upper_bound or ZERO),
    )
    if not brackets:
        raise RuleError("category", _("党费标准表中没有该人员类别的标准，请联系管理员补充。"))
    if brackets[0].is_fixed:
        return brackets[0]
    if base is None:
        raise RuleError("base_pay", _("请填写月工资收入（党费计算基数）。"))
    if base < 0:
        raise RuleError("base_pay", _("工资收入不能为负数。"))
    for row in brackets:
        if row.upper_bound is None or base <= row.upper_bound:
            return row
    raise RuleError("base_pay", _("党费标准表缺少最高一档（无上限）的标准，请联系管理员补充。"))


def dues_amount(category: str, base: Decimal | None, rows, *, fixed: Decimal | None = None) -> tuple[Decimal, RateRow]:
    """(monthly dues, bracket used). Percentage brackets: base × percent, rounded
    to 0.01; fixed ones: the standard amount, or `fixed` if the branch set one
    within the bracket's range."""
    row = rate_for(category, base, rows)
    if not row.is_fixed:
        return money(Decimal(base) * row.percent / 100), row
    if fixed is None:
        return money(row.fixed_amount), row
    fixed = money(fixed)
    top = row.fixed_max if row.fixed_max is not None else row.fixed_amount
    if not (row.fixed_amount <= fixed <= top):
        raise RuleError(
            "fixed_amount",
            _("该类人员每月交纳党费应在%(low)s元至%(high)s元之间。") % {"low": row.fixed_amount, "high": top},
        )
    return fixed, row


# --------------------------------------------------------------------------- six-month rule


@dataclass(frozen=True)
class Streak:
    """Complete calendar months in a row without dues / attendance, up to the
    month before `on` (the running month is not over yet)."""

    since: date | None  # first month of the streak
    months: int

    def reaches(self, limit: int) -> bool:
        return self.months >= limit


def streak(last: date | None, start: date | None, on: date) -> Streak:
    """The streak after the last month with dues paid (or a meeting attended):
    it begins the month after `last`, but never before `start` (joining, the
    start of the branch's records, a transfer in). No start and nothing ever
    recorded: there is nothing to judge."""
    candidates = [d for d in (add_months(month_start(last), 1) if last else None, start and month_start(start)) if d]
    if not candidates:
        return Streak(None, 0)
    since = max(candidates)
    months = months_between(since, month_start(on))
    return Streak(since, months) if months > 0 else Streak(None, 0)


# --------------------------------------------------------------------------- 学时


@dataclass(frozen=True)
class StudyHours:
    member_id: int
    name: str
    meetings: Decimal
    trainings: Decimal
    committee: bool  # 书记 or 支委 on the reference day: the higher requirement
    required: Decimal

    @property
    def total(self) -> Decimal:
        return self.meetings + self.trainings

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.total, Decimal(0))

    @property
    def is_short(self) -> bool:
        return self.total < self.required


def training_hours(full_days: int, half_days: int, hours: Decimal, *, day_hours: Decimal, half_day_hours: Decimal):
    """学时 credited by a training recorded by hand: 1 day = 8, half a day = 4 (by default)."""
    return Decimal(full_days) * day_hours + Decimal(half_days) * half_day_hours + Decimal(hours or 0)


def study_reference_day(year: int, on: date) -> date:
    """Whose requirement is 56: the committee of 31 December, or of today in the running year."""
    return min(date(year, 12, 31), on)


# --------------------------------------------------------------------------- 组织关系转接

ISSUED, RECEIVED, OVERDUE, CANCELLED = "issued", "received", "overdue", "cancelled"


def letter_expiry(issued_on: date, validity_days: int) -> date:
    """Last day the member may report with the letter: `validity_days` days after issue."""
    return issued_on + timedelta(days=validity_days)


def validity_check(validity_days: int, max_days: int) -> None:
    if not 1 <= validity_days <= max_days:
        raise RuleError("validity_days", _("介绍信有效期应在1至%(max)s天之间。") % {"max": max_days})


def transfer_state(*, expires_on: date, received_on: date | None, cancelled_on: date | None, on: date) -> str:
    """开具 → 已报到 (receipt) / 逾期 (past validity without receipt); 撤销 when withdrawn."""
    if cancelled_on:
        return CANCELLED
    if received_on:
        return RECEIVED
    return OVERDUE if on > expires_on else ISSUED


def receipt_due(issued_on: date, receipt_months: int) -> date:
    return add_months(issued_on, receipt_months)


def receipt_late(*, issued_on: date, received_on: date | None, cancelled_on: date | None, on: date, months: int):
    """The receipt (回执) should come back within a month of issue."""
    if cancelled_on:
        return False
    due = receipt_due(issued_on, months)
    return (received_on or on) > due
