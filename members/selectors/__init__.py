"""Reads of the members app, one module per subject. The ones other apps (the
scorecard, the alerts) call take many branches and run a fixed number of
queries: `dues_status` / `dues_year` (D2, F3, 党费欠缴), `six_month_cases` (D5,
六个月规则), `study_hours` (D1, B3, 学时不足), `development_findings` (D3),
`overdue_by_branch` (D4, 转接逾期), `probation_ending` (预备期满)."""

from .development import development_findings, development_people, probation_ending, timeline
from .dues import dues_card, dues_status, dues_year, month_sheet, paid_through, year_grid
from .inactivity import SixMonthCase, arrears_warnings, member_cases, six_month_cases
from .study import member_study_hours, study_hours, study_shortfall
from .summary import branch_member_work
from .transfers import overdue_by_branch, receipt_late_by_branch, transfers_visible_to

__all__ = [
    "SixMonthCase",
    "arrears_warnings",
    "branch_member_work",
    "development_findings",
    "development_people",
    "dues_card",
    "dues_status",
    "dues_year",
    "member_cases",
    "member_study_hours",
    "month_sheet",
    "overdue_by_branch",
    "paid_through",
    "probation_ending",
    "receipt_late_by_branch",
    "six_month_cases",
    "study_hours",
    "study_shortfall",
    "timeline",
    "transfers_visible_to",
    "year_grid",
]
