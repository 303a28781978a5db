"""党费 pages: the branch's year grid, the month sheet (every member at
once, phone-friendly), and the printable 党费证 of one member."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.scoping import can_edit_org_unit

from .. import forms, rules, selectors, services
from ..rules import add_months, month_start
from .access import editable_branch, visible_branch, visible_member, year_param


@login_required
def dues_grid(request, branch_pk, year):
    branch = visible_branch(request, branch_pk)
    today = timezone.localdate()
    if not 1949 <= year <= today.year + 1:
        raise Http404
    months, grid = selectors.year_grid(branch, year, on=today)
    owed = [row for row in grid if row.status and row.status.in_arrears]
    return render(
        request,
        "members/dues_grid.html",
        {
            "branch": branch,
            "year": year,
            "months": months,
            "grid": grid,
            "owed": owed,
            "today": today,
            "this_month": month_start(today),
            "can_edit": can_edit_org_unit(request.user, branch),
            "previous_year": year - 1,
            "next_year": year + 1 if year < today.year else None,
        },
    )


def _with_amount_due(rows, rates):
    """Each card's 应交: the recorded amount, else what the prefilled base (last
    month's) or the category's standard gives; None when it cannot be known yet."""
    out = []
    for row, fields, fixed in rows:
        if row.record is not None:
            due = row.record.amount_due
        else:
            try:
                due, _bracket = rules.dues_amount(
                    row.member.category, row.last_base, rates, fixed=row.last_fixed if fixed else None
                )
            except rules.RuleError:
                due = None  # no base pay known yet: the secretary enters it first
        out.append((row, fields, fixed, due))
    return out


@login_required
def dues_month(request, branch_pk, year, month):
    branch = editable_branch(request, branch_pk)
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404 from None
    today = timezone.localdate()
    sheet = selectors.month_sheet(branch, first)
    rates = services.rate_rows()
    fixed = {r.category: r.fixed_amount for r in rates if r.is_fixed}
    form = forms.DuesSheetForm(request.POST or None, sheet=sheet, fixed_categories=fixed, initial={"paid_on": today})
    if request.method == "POST" and form.is_valid():
        rows = [services.DuesRowIn(**data) for data in form.row_data()]
        try:
            saved = services.dues_month_record_many(
                branch=branch, month=first, rows=rows, paid_on=form.cleaned_data.get("paid_on"), actor=request.user
            )
        except ValidationError as exc:
            form.add_row_errors(exc.message_dict)
        else:
            messages.success(
                request, _("已保存%(month)s的党费记录（%(n)s人）。") % {"month": f"{year}年{month}月", "n": len(saved)}
            )
            return redirect(reverse("dues_grid", args=[branch.pk, year]))
    return render(
        request,
        "members/dues_month.html",
        {
            "branch": branch,
            "month": first,
            "form": form,
            "rows": _with_amount_due(form.rows(), rates),
            "previous": add_months(first, -1),
            "next": add_months(first, 1) if add_months(first, 1) <= month_start(today) else None,
        },
    )


@login_required
def dues_card(request, pk):
    """党费证: the member's ledger, a year at a time, ready to print."""
    member = visible_member(request, pk)
    years = selectors.dues.dues_years(member)
    year = year_param(request, years[0] if years else None)
    rows = selectors.dues_card(member, year)
    status = selectors.dues_status([member.branch_id], on=timezone.localdate()).get(member.pk)
    totals = {
        "due": sum((r.amount_due for r in rows), Decimal("0.00")),
        "paid": sum((r.amount_paid for r in rows), Decimal("0.00")),
        "extra": sum((r.extra for r in rows), Decimal("0.00")),
    }
    return render(
        request,
        "members/dues_card.html",
        {
            "member": member,
            "year": year,
            "years": years,
            "rows": rows,
            "totals": totals,
            "status": status,
            "today": timezone.localdate(),
        },
    )
