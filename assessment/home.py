"""Where each user lands (`home`) and a 党员's own page (`my_org_life`).

`home` dispatches on the user's primary role (`primary_role`): the branch
secretary and committee get their to-do page, the 党委/组织部 the overdue
list and the tree, the 验收组 the branches it must check, a 党员 their own
organisational life. It lives here, above branches and members, because it
reads all three (compliance, 学时, 党费, alerts)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from branches.alerts import notifications_of, subtree_overdue_alerts
from branches.models import OrgUnit, RoleAssignment
from branches.scoping import branches_visible_to, home_unit_for, scope_of
from meetings import compliance as c
from meetings import selectors
from meetings.models import Attendance
from members import selectors as member_selectors
from members.models import Member
from members.views.access import year_param

Role = RoleAssignment.Role
# the order a user with several roles is greeted in: the widest responsibility first
ROLE_PRIORITY = (Role.ORG_DEPARTMENT, Role.COMMITTEE_ADMIN, Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE,
                 Role.INSPECTOR)
FOLLOW_UP_LIMIT = 10
# a future dashboard (the assessment app) is linked from the 党委 home once its URL exists
DASHBOARD_URL_NAMES = ("assessment_dashboard", "dashboard")


def primary_role(scope) -> str | None:
    roles = {role for role, _unit, _path in scope.grants}
    return next((r for r in ROLE_PRIORITY if r in roles), None)


@login_required
def home(request):
    scope = scope_of(request.user)
    role = primary_role(scope)
    if role in RoleAssignment.BRANCH_ROLES:
        return branch_home(request, scope)
    if role in (Role.ORG_DEPARTMENT, Role.COMMITTEE_ADMIN) or (scope.is_superuser and role is None):
        return committee_home(request)
    if role == Role.INSPECTOR:
        return inspector_home(request)
    if scope.member_id:
        return redirect("my_org_life")
    return render(request, "home.html")


# ---------------------------------------------------------------- 支部书记 / 支部委员


def branch_home(request, scope):
    branch_ids = [unit for role, unit, _p in scope.grants if role in RoleAssignment.BRANCH_ROLES]
    branches = list(OrgUnit.objects.filter(pk__in=branch_ids, is_active=True).order_by("path"))
    if not branches:
        return render(request, "home.html")
    pk = request.GET.get("branch")
    branch = next((b for b in branches if str(b.pk) == pk), branches[0])
    today = timezone.localdate()
    ids = [branch.pk]
    six_month = [case for case in member_selectors.six_month_cases(ids, on=today)[branch.pk] if not case.handled]
    probation = member_selectors.probation_ending(ids, on=today, within_days=30)[branch.pk]
    study_short = member_selectors.study_shortfall(ids, today.year, on=today)[branch.pk]
    follow_ups = len(six_month) + len(probation) + len(study_short)
    alerts = list(notifications_of(request.user).filter(read_at__isnull=True)[:5])
    return render(request, "home/branch.html", {
        "branch": branch,
        "branches": branches,
        "today": today,
        "open_requirements": [
            {"row": row, "cell": cell, "days_left": (cell.period.end - today).days}
            for row, cell in selectors.open_requirements(branch, on=today)
        ],
        "alerts": alerts,
        "six_month": six_month[:FOLLOW_UP_LIMIT],
        "probation": probation[:FOLLOW_UP_LIMIT],
        "study_short": study_short[:FOLLOW_UP_LIMIT],
        "follow_ups": follow_ups,
    })


# ---------------------------------------------------------------- 党委 / 组织部


def _dashboard_url() -> str | None:
    for name in DASHBOARD_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def committee_home(request):
    unit = home_unit_for(request.user)
    if unit is None:
        return render(request, "home.html")
    rows = subtree_overdue_alerts(request.user, unit, limit=11)
    return render(request, "home/committee.html", {
        "unit": unit,
        "overdue_alerts": rows[:10],
        "overdue_more": len(rows) > 10,
        "branch_count": branches_visible_to(request.user).filter(path__startswith=unit.path).count(),
        "dashboard_url": _dashboard_url(),
        "year": timezone.localdate().year,
    })


# ---------------------------------------------------------------- 验收组


INSPECTOR_PAGE = 50


def inspector_home(request):
    today = timezone.localdate()
    scope = scope_of(request.user)
    q = scope.units_q((Role.INSPECTOR,))
    branches = list(
        branches_visible_to(request.user).filter(q).select_related("parent").order_by("path")[: INSPECTOR_PAGE + 1]
    )
    more = len(branches) > INSPECTOR_PAGE
    branches = branches[:INSPECTOR_PAGE]
    results = selectors.branches_compliance(branches, today.year, on=today)
    rows = [{"branch": b, "summary": results[b.pk].summary} for b in branches]
    # the branches with the most missing meetings first: they are where the inspection starts
    rows.sort(key=lambda r: (-r["summary"][c.MISSING], r["branch"].path))
    return render(request, "home/inspector.html", {
        "rows": rows,
        "more": more,
        "year": today.year,
        "units": OrgUnit.objects.filter(pk__in=[u for role, u, _p in scope.grants if role == Role.INSPECTOR]),
    })


# ---------------------------------------------------------------- 党员: 我的组织生活


@login_required
def my_org_life(request):
    """A 党员's own organisational life, read-only: meetings attended and missed,
    学时 against the requirement, 党费, 民主评议, 发展 and 转接."""
    scope = scope_of(request.user)
    member = Member.objects.select_related("branch").filter(pk=scope.member_id).first() if scope.member_id else None
    if member is None:
        raise Http404
    today = timezone.localdate()
    years = selectors.member_attendance_years(member)
    year = year_param(request, today.year)
    attendance = list(selectors.member_attendance(member, year))
    counts = {s: sum(1 for a in attendance if a.status == s) for s in Attendance.Status.values}
    party_member = member.status in Member.PARTY_STATUSES
    dues = member_selectors.dues_status([member.branch_id], on=today).get(member.pk) if party_member else None
    dues_rows = member_selectors.dues_card(member, year) if member.join_date else []
    stages, _findings = member_selectors.timeline(member, on=today)
    steps = [(step, record) for stage in stages for step, record, _f in stage.steps if record]
    return render(request, "home/member.html", {
        "member": member,
        "year": year,
        "years": sorted({*years, today.year}, reverse=True),
        "today": today,
        "attendance": attendance,
        "present": counts[Attendance.Status.PRESENT],
        "absent": counts[Attendance.Status.ABSENT],
        "observer": counts[Attendance.Status.OBSERVER],
        "study": member_selectors.member_study_hours(member, year, on=today) if party_member else None,
        "dues": dues,
        "dues_paid": sum((r.amount_paid for r in dues_rows), Decimal("0.00")),
        "dues_months": len(dues_rows),
        "grades": selectors.member_grades(member),
        "development_steps": steps,
        "transfers": member.transfers.select_related("from_branch", "to_branch").order_by("-issued_on", "-id"),
    })
