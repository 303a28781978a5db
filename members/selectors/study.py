"""Reads of 学时: per member per year, meetings (from the meetings app) plus
trainings recorded by hand, against 32 (or 56 for 书记 and 支委) — for any
number of branches in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from branches.selectors import committee_in_office
from config import hooks

from ..conf import StudyPolicy
from ..models import Member, Training, TrainingParticipant
from ..rules import StudyHours, study_reference_day

ZERO = Decimal("0")


def training_hours_by_member(branch_ids, year: int) -> dict[int, Decimal]:
    """Hours of trainings in a year, per current member of the branches (one query)."""
    return {
        row["member_id"]: row["hours"]
        for row in TrainingParticipant.objects.filter(
            member__branch_id__in=list(branch_ids), training__start_date__year=year
        )
        .values("member_id")
        .annotate(hours=Sum("training__credited_hours"))
    }


def committee_members_on(branch_ids, day: date) -> set[int]:
    """Who sat on the branches' committees on `day` (书记 and 支委), one query."""
    return {s.member_id for seats in committee_in_office(branch_ids, day).values() for s in seats}


def study_hours(branch_ids, year: int, *, on: date) -> dict[int, list[StudyHours]]:
    """THE 学时 selector: per branch id, one row per 正式/预备 党员 (by name) with
    hours from meetings and trainings and the requirement. Four queries."""
    branch_ids = list(branch_ids)
    policy = StudyPolicy.current()
    meetings = hooks.ask("meetings.study_hours", branch_ids, year, default={})  # registered by the meetings app
    trainings = training_hours_by_member(branch_ids, year)
    committee = committee_members_on(branch_ids, study_reference_day(year, on))
    out: dict[int, list[StudyHours]] = {pk: [] for pk in branch_ids}
    members = (
        Member.objects.filter(branch_id__in=branch_ids, status__in=Member.PARTY_STATUSES)
        .order_by("name", "id")
        .values_list("id", "name", "branch_id")
    )
    for member_id, name, branch_id in members:
        on_committee = member_id in committee
        out[branch_id].append(
            StudyHours(
                member_id=member_id,
                name=name,
                meetings=meetings.get(member_id) or ZERO,
                trainings=trainings.get(member_id) or ZERO,
                committee=on_committee,
                required=policy.required_committee if on_committee else policy.required,
            )
        )
    return out


def study_shortfall(branch_ids, year: int, *, on: date) -> dict[int, list[StudyHours]]:
    """Only the members below their requirement, per branch."""
    return {pk: [r for r in rows if r.is_short] for pk, rows in study_hours(branch_ids, year, on=on).items()}


def member_study_hours(member: Member, year: int, *, on: date) -> StudyHours | None:
    return next(
        (r for r in study_hours([member.branch_id], year, on=on)[member.branch_id] if r.member_id == member.pk), None
    )


def trainings_of(member: Member, year: int | None = None):
    qs = Training.objects.filter(rows__member=member).order_by("-start_date", "-id")
    return qs.filter(start_date__year=year) if year else qs


def training_hours_between(member: Member, start: date, end: date) -> Decimal:
    """Hours of the trainings a person attended between two days (for step ⑪)."""
    total = TrainingParticipant.objects.filter(member=member, training__start_date__range=(start, end)).aggregate(
        h=Sum("training__credited_hours")
    )["h"]
    return total or ZERO


def branch_trainings(branch, year: int):
    return (
        Training.objects.filter(branch=branch, start_date__year=year)
        .prefetch_related("participants")
        .order_by("-start_date", "-id")
    )


def hours_by_branch(rows: dict[int, list[StudyHours]]) -> dict[int, dict]:
    """Summary per branch: members, how many are short, and the committee's share."""
    summary = defaultdict(dict)
    for pk, items in rows.items():
        summary[pk] = {
            "members": len(items),
            "short": sum(1 for r in items if r.is_short),
            "committee": sum(1 for r in items if r.committee),
            "committee_short": sum(1 for r in items if r.committee and r.is_short),
        }
    return dict(summary)
