"""THE six-month selector (SPEC §3, §11): members with 6 consecutive complete
months without paying dues or without attending organisational life, for any
number of branches in a fixed number of queries. It only reports; the status
of a member never changes by itself.

A case, once found, is kept (members.models.InactivityCase, written by the
alert sweep and the pages that list cases): it belongs to the year in which
its sixth month ended and stays open until the branch records its handling,
even if the member pays or attends later. Persisting, rather than
recomputing every past streak from the payment and attendance history, keeps
the selector a fixed number of queries and keeps a case exactly as it was
found even when records are corrected or back-dated afterwards; the daily
sweep records a case on the first day after its sixth month ends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef

from config import hooks

from .. import rules
from ..conf import six_month_limit
from ..models import InactivityCase, InactivityHandling
from .dues import arrivals, dues_status, party_members_of

DUES, ATTENDANCE = InactivityHandling.Rule.DUES, InactivityHandling.Rule.ATTENDANCE


@dataclass(frozen=True)
class SixMonthCase:
    member_id: int
    name: str
    branch_id: int
    rule: str
    since: date  # first month of the streak
    months: int
    last: date | None  # last month paid / last meeting attended
    # the handling recorded for this streak, as plain values (none: not handled)
    handling_id: int | None = None
    measure: str = ""
    handled_on: date | None = None
    year: int = 0  # the year in which the sixth month ended: the case belongs to it (SPEC §11)
    recorded: bool = False  # already kept as an open InactivityCase

    @property
    def handled(self) -> bool:
        return self.handling_id is not None

    @property
    def measure_label(self) -> str:
        return str(InactivityHandling.Measure(self.measure).label) if self.measure else ""

    @property
    def rule_label(self) -> str:
        return str(InactivityHandling.Rule(self.rule).label)


def attendance_start(join_date: date | None, first_meeting: date | None, arrival) -> date | None:
    """Organisational life is judged from the month a member joined, not before
    the branch's meeting records begin, nor before they arrived with a letter."""
    if join_date is None or first_meeting is None:
        return None
    candidates = [rules.month_start(join_date), rules.month_start(first_meeting)]
    if arrival is not None:
        candidates.append(rules.month_start(arrival[0]))
    return max(candidates)


def case_year(since: date, limit: int | None = None) -> int:
    """The year in which the sixth (limit-th) month of a streak starting `since` ended."""
    limit = six_month_limit() if limit is None else limit
    return rules.add_months(rules.month_start(since), max(limit, 1) - 1).year


def six_month_cases(
    branch_ids,
    *,
    on: date,
    limit: int | None = None,
    dues: dict | None = None,
    recorded: bool = True,
    year: int | None = None,
) -> dict[int, list[SixMonthCase]]:
    """Per branch id, the cases (a member may appear twice: dues and attendance),
    each with the handling recorded for that streak, if any: the streaks
    running on `on`, and (with `recorded`) the cases kept earlier and not yet
    handled although their streak is over. `year` keeps the cases that belong
    to that year (their sixth month ended in it: the scorecard's D5 counts the
    unhandled ones). Ten queries (six when the caller already has `dues_status`
    of these branches; one less without `recorded`)."""
    branch_ids = list(branch_ids)
    rule_limit = six_month_limit()
    limit = rule_limit if limit is None else limit
    dues = dues_status(branch_ids, on=on) if dues is None else dues
    # the meeting records, through the hooks the meetings app registers (it sits above members)
    last_seen = hooks.ask("meetings.last_attendance", branch_ids, default={})
    first_meetings = hooks.ask("meetings.first_meeting", branch_ids, default={})
    arrived = arrivals(branch_ids)
    members = list(
        party_members_of(branch_ids).order_by("name", "id").values_list("id", "name", "branch_id", "join_date")
    )
    found: list[tuple] = []
    for member_id, name, branch_id, join_date in members:
        status = dues.get(member_id)
        if status is not None:
            s = rules.streak(status.last_paid, status.start, on) if status.start else rules.Streak(None, 0)
            if s.reaches(limit):
                found.append((member_id, name, branch_id, DUES, s, status.last_paid))
        start = attendance_start(join_date, first_meetings.get(branch_id), arrived.get(member_id))
        last = last_seen.get(member_id)
        s = rules.streak(last, start, on) if start else rules.Streak(None, 0)
        if s.reaches(limit):
            found.append((member_id, name, branch_id, ATTENDANCE, s, last and rules.month_start(last)))
    kept: dict[tuple, tuple] = {}
    if recorded:
        handled = InactivityHandling.objects.filter(
            member_id=OuterRef("member_id"), rule=OuterRef("rule"), since=OuterRef("since")
        )
        for row in (
            InactivityCase.objects.filter(branch_id__in=branch_ids)
            .exclude(Exists(handled))
            .order_by("member__name", "member_id", "since")
            .values_list("member_id", "member__name", "branch_id", "rule", "since", "last", "year")
        ):
            kept[(row[0], row[3], row[4])] = row
    handlings = {}
    if found:
        for h in InactivityHandling.objects.filter(
            member_id__in=[f[0] for f in found], since__in={f[4].since for f in found}
        ):
            handlings[(h.member_id, h.rule, h.since)] = h
    out: dict[int, list[SixMonthCase]] = {pk: [] for pk in branch_ids}
    for member_id, name, branch_id, rule, s, last in found:
        key = (member_id, rule, s.since)
        out[branch_id].append(
            SixMonthCase(
                member_id=member_id,
                name=name,
                branch_id=branch_id,
                rule=rule,
                since=s.since,
                months=s.months,
                last=last,
                year=case_year(s.since, rule_limit),
                recorded=kept.pop(key, None) is not None,
                **_handling_facts(handlings.get(key)),
            )
        )
    # kept cases whose streak is over (the member paid or attended since): still open
    for member_id, name, branch_id, rule, since, last, case_year_ in kept.values():
        out.setdefault(branch_id, []).append(
            SixMonthCase(
                member_id=member_id, name=name, branch_id=branch_id, rule=rule, since=since,
                months=rule_limit, last=last, year=case_year_, recorded=True,
            )
        )
    if year is not None:
        out = {pk: [c for c in cases if c.year == year] for pk, cases in out.items()}
    return out


def _handling_facts(handling: InactivityHandling | None) -> dict:
    if handling is None:
        return {}
    return {"handling_id": handling.pk, "measure": handling.measure, "handled_on": handling.handled_on}


def member_cases(member, *, on: date) -> list[SixMonthCase]:
    return [c for c in six_month_cases([member.branch_id], on=on)[member.branch_id] if c.member_id == member.pk]


def arrears_warnings(branch_ids, *, on: date, months: int) -> dict[int, list]:
    """Members owing `months` or more months of dues (the alerts' 3-month warning)."""
    out = defaultdict(list)
    for status in dues_status(branch_ids, on=on).values():
        if status.owed_months >= months:
            out[status.branch_id].append(status)
    return dict(out)
