"""What the branch page shows of the members app: six-month cases, 学时
shortfall, dues arrears, the pipeline's findings and overdue letters — a
fixed number of queries whatever the size of the branch."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from ..models import Member
from .development import development_people
from .dues import dues_status
from .inactivity import six_month_cases
from .study import study_hours
from .transfers import overdue_by_branch


def branch_member_work(branch, *, on: date) -> dict:
    dues = dues_status([branch.pk], on=on)
    cases = six_month_cases([branch.pk], on=on, dues=dues)[branch.pk]
    hours = study_hours([branch.pk], on.year, on=on)[branch.pk]
    short = [r for r in hours if r.is_short]
    pipeline = development_people([branch.pk], on=on)[branch.pk]
    return {
        "six_month_cases": cases,
        "six_month_open": sum(1 for c in cases if not c.handled),
        "study_year": on.year,
        "study_total": len(hours),
        "study_short": short,
        "study_committee_short": [r for r in short if r.committee],
        "dues_owing": sorted((s for s in dues.values() if s.in_arrears), key=lambda s: (-s.owed_months, s.name)),
        "pipeline_count": len(pipeline),
        "pipeline_flagged": [r for r in pipeline if r.findings],
        "overdue_transfers": overdue_by_branch([branch.pk], on=on).get(branch.pk, []),
    }


def branch_page_context(branch, *, on: date) -> dict:
    """The members sections of the branch page (registered on the
    `branches.page_context` hook): the roll by status, a preview, and the work above."""
    status_counts = dict(
        Member.objects.filter(branch=branch).values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    on_roll = Member.objects.filter(branch=branch).exclude(status__in=Member.LEFT_STATUSES)
    return {
        "status_counts": [
            (label, status_counts[value]) for value, label in Member.Status.choices if status_counts.get(value)
        ],
        "member_preview": on_roll.select_related("party_group").order_by("name", "pk")[:10],
        "members_on_roll": sum(n for s, n in status_counts.items() if s not in Member.LEFT_STATUSES),
        **branch_member_work(branch, on=on),  # 党费, 学时, six-month rule, 发展党员, transfers
    }
