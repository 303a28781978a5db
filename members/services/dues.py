"""Writes of the 党费 ledger: one member's month (`dues_month_record`, the
record the archive will file), and a whole branch's month at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import OrgUnit
from config.concurrency import claim_version
from members import scoping

from .. import rules
from ..models import DuesMonth, DuesRate, Member
from . import access, archive


def rate_rows() -> list[rules.RateRow]:
    """The whole rate table (a dozen rows) in one query."""
    return [
        rules.RateRow(
            category=r.category,
            upper_bound=r.upper_bound,
            percent=r.percent,
            fixed_amount=r.fixed_amount,
            fixed_max=r.fixed_max,
        )
        for r in DuesRate.objects.all()
    ]


def _amount(value, field: str, errors: dict) -> Decimal | None:
    """A non-negative amount in yuan with at most 2 decimals."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("请输入有效的金额。"))
        return None
    if not amount.is_finite() or amount < 0:
        errors.setdefault(field, []).append(_("金额不能为负数。"))
        return None
    if amount != amount.quantize(rules.CENT, rounding=ROUND_HALF_UP):  # input: more than 分 is refused
        errors.setdefault(field, []).append(_("金额最多保留两位小数（到分）。"))
        return None
    return amount


def dues_month_check(member: Member, month: date) -> None:
    """Dues are owed from the month a person is admitted (入党日期) onwards."""
    if not member.join_date:
        raise ValidationError({"month": _("%(name)s尚未入党，无需交纳党费。") % {"name": member.name}})
    if month < rules.month_start(member.join_date):
        raise ValidationError(
            {
                "month": _("%(name)s于%(d)s入党，此前的月份无需交纳党费。")
                % {"name": member.name, "d": member.join_date.isoformat()}
            }
        )


LEDGER_FIELDS = (
    "base_pay",
    "percent",
    "amount_due",
    "amount_paid",
    "extra",
    "exempt",
    "paid_on",
    "receipt_no",
    "note",
    "recorded_by",
)


def dues_month_record(
    *,
    member: Member,
    month: date,
    base_pay=None,
    fixed_amount=None,
    paid_in_full: bool = False,
    amount_paid=None,
    extra=None,
    exempt: bool = False,
    paid_on: date | None = None,
    receipt_no: str = "",
    note: str = "",
    actor=None,
    rates: list[rules.RateRow] | None = None,
    file: bool = True,
    expected_version: int | None = None,
) -> DuesMonth:
    """Record (or correct) one member's month of the ledger (`record_month`);
    `actor` (None for a system caller) edits the member."""
    access.require_member_edit(actor, member)
    return record_month(
        member=member, month=month, base_pay=base_pay, fixed_amount=fixed_amount, paid_in_full=paid_in_full,
        amount_paid=amount_paid, extra=extra, exempt=exempt, paid_on=paid_on, receipt_no=receipt_no, note=note,
        by=actor, rates=rates, file=file, expected_version=expected_version,
    )


@transaction.atomic
def record_month(
    *,
    member: Member,
    month: date,
    base_pay=None,
    fixed_amount=None,
    paid_in_full: bool = False,
    amount_paid=None,
    extra=None,
    exempt: bool = False,
    paid_on: date | None = None,
    receipt_no: str = "",
    note: str = "",
    by=None,
    rates: list[rules.RateRow] | None = None,
    file: bool = True,
    expected_version: int | None = None,
) -> DuesMonth:
    """Record (or correct) one member's month of the ledger, once the caller
    checked who acts (`by` is recorded as who did it).

    What is due follows from the member's personnel category and the rate
    table: a percentage of `base_pay` (upper bounds inclusive), or a fixed
    amount (`fixed_amount` where the standard is a range). `paid_in_full`
    means the amount due was paid; `amount_paid` states another amount.
    The branch's month is filed in the archive (`file=False` when the caller
    files it once for many rows). Correcting a month the editor read passes
    `expected_version` (a stale one raises StaleEdit); only the fields that
    change are written."""
    errors: dict[str, list[str]] = {}
    month = rules.month_start(month)
    dues_month_check(member, month)
    archive.dues_month_assert_editable(member.branch, month)
    base = _amount(base_pay, "base_pay", errors)
    fixed = _amount(fixed_amount, "fixed_amount", errors)
    paid = _amount(amount_paid, "amount_paid", errors)
    voluntary = _amount(extra, "extra", errors) or Decimal("0.00")
    today = timezone.localdate()
    if errors:
        raise ValidationError(errors)

    percent = None
    if exempt:
        due = Decimal("0.00")
    else:
        try:
            due, row = rules.dues_amount(member.category, base, rate_rows() if rates is None else rates, fixed=fixed)
        except rules.RuleError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        percent = row.percent
    if paid is None:
        paid = due if paid_in_full else Decimal("0.00")
    if (paid or voluntary) and not paid_on:
        paid_on = today
    if paid_on and paid_on > today:
        errors["paid_on"] = [_("交纳日期不能晚于今天。")]
    if paid_on and paid_on < member.join_date:
        errors["paid_on"] = [_("交纳日期不能早于入党日期。")]
    if not paid and not voluntary:
        paid_on = None
    if errors:
        raise ValidationError(errors)

    row = DuesMonth.objects.select_for_update().filter(member=member, month=month).first()
    if row is None:
        row = DuesMonth(member=member, month=month, branch_id=member.branch_id)
    else:
        claim_version(row, expected_version)
    before = {f: getattr(row, f) for f in LEDGER_FIELDS}
    row.base_pay = None if exempt else base
    row.percent = percent
    row.amount_due = due
    row.amount_paid = rules.money(paid)
    row.extra = rules.money(voluntary)
    row.exempt = exempt
    row.paid_on = paid_on
    row.receipt_no = receipt_no or ""
    row.note = note or ""
    row.recorded_by = by if getattr(by, "is_authenticated", False) else None
    row.full_clean(exclude=["member", "branch", "recorded_by"], validate_unique=False, validate_constraints=False)
    if row.pk is None:
        row.save()
    else:
        # never write back fields this correction did not change (a concurrent edit of them stands)
        changed = [f for f in LEDGER_FIELDS if getattr(row, f) != before[f]]
        row.save(update_fields=[*changed, "version", "updated_at"])
    if file:
        archive.dues_month_file(member.branch, month, user=by)
    return row


@dataclass
class DuesRowIn:
    """One member's line of the branch's month screen; a line with nothing
    entered is left out (the month stays unrecorded for that member)."""

    member: Member
    base_pay: Decimal | None = None
    fixed_amount: Decimal | None = None
    paid_in_full: bool = False
    amount_paid: Decimal | None = None
    extra: Decimal | None = None
    exempt: bool = False
    receipt_no: str = ""
    note: str = ""

    @property
    def is_blank(self) -> bool:
        return (
            not (
                self.paid_in_full
                or self.exempt
                or self.amount_paid is not None
                or self.extra
                or self.receipt_no
                or self.note
            )
            and self.base_pay is None
            and self.fixed_amount is None
        )


@transaction.atomic
def dues_month_record_many(
    *, branch: OrgUnit, month: date, rows: list[DuesRowIn], paid_on: date | None = None, actor=None
) -> list[DuesMonth]:
    """A branch's month for all its members at once: every line is checked and
    the errors come back keyed "<member id>.<field>"; one bad line saves nothing.
    `actor` (None for a system caller) edits the branch."""
    access.require_edit(actor, branch)
    rates = rate_rows()
    errors: dict[str, list[str]] = {}
    saved: list[DuesMonth] = []
    for row in rows:
        if row.member.branch_id != branch.pk:
            errors[f"{row.member.pk}.member"] = [str(scoping.MEMBER_NOT_FOUND)]
            continue
        if row.is_blank:
            continue
        try:
            with transaction.atomic():
                saved.append(
                    record_month(
                        member=row.member,
                        month=month,
                        base_pay=row.base_pay,
                        fixed_amount=row.fixed_amount,
                        paid_in_full=row.paid_in_full,
                        amount_paid=row.amount_paid,
                        extra=row.extra,
                        exempt=row.exempt,
                        paid_on=paid_on,
                        receipt_no=row.receipt_no,
                        note=row.note,
                        by=actor,
                        rates=rates,
                        file=False,
                    )
                )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{row.member.pk}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    if saved:
        archive.dues_month_file(branch, rules.month_start(month), user=actor)
    return saved
