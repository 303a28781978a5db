"""THE six-month selector (SPEC §3): members with 6 consecutive complete
months without paying dues or without attending organisational life, for any
number of branches in a fixed number of queries. It only reports; the status
of a member never changes by itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from config import hooks

from .. import rules
from ..conf import six_month_limit
from ..models import InactivityHandling
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


def six_month_cases(
    branch_ids, *, on: date, limit: int | None = None, dues: dict | None = None
) -> dict[int, list[SixMonthCase]]:
    """Per branch id, the cases (a member may appear twice: dues and attendance),
    each with the handling recorded for that streak, if any. Nine queries (five
    when the caller already has `dues_status` of these branches)."""
    branch_ids = list(branch_ids)
    limit = six_month_limit() if limit is None else limit
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
    handlings = {}
    if found:
        for h in InactivityHandling.objects.filter(
            member_id__in=[f[0] for f in found], since__in={f[4].since for f in found}
        ):
            handlings[(h.member_id, h.rule, h.since)] = h
    out: dict[int, list[SixMonthCase]] = {pk: [] for pk in branch_ids}
    for member_id, name, branch_id, rule, s, last in found:
        out[branch_id].append(
            SixMonthCase(
                member_id=member_id,
                name=name,
                branch_id=branch_id,
                rule=rule,
                since=s.since,
                months=s.months,
                last=last,
                **_handling_facts(handlings.get((member_id, rule, s.since))),
            )
        )
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
