"""Reads of the meetings app. The compliance selector gathers facts for any
number of branches in a fixed number of queries and hands them to the pure
`meetings.compliance.evaluate`; the calendar, the API, the scorecard and the
alerts all call `branches_compliance` / `branch_compliance`."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from branches.models import CommitteeTerm, OrgUnit, PartyGroup, RoleTenure, RulePolicy
from branches.rule_token import cached_in_request
from branches.scoping import branches_visible_to
from branches.selectors import committee_in_office
from config.bulk import gc_paused
from members.models import Member

from . import compliance as c
from .models import Attendance, EvaluationGrade, Meeting, MeetingKind, MeetingRequirement, MemberReport, TalkRecord


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- requirements


def requirement_rows() -> list[c.RequirementRow]:
    """The whole requirement table (a few dozen rows): in a request from the cache
    under the org tree's token (a row saved or deleted changes it, `apps.py`),
    else in one query."""
    return cached_in_request("meeting-requirements", (), _read_requirement_rows)


def _read_requirement_rows() -> list[c.RequirementRow]:
    return [
        c.RequirementRow(
            requirement=c.Requirement(
                code=r.code,
                name=r.name,
                meeting_kind=r.meeting_kind,
                counting=r.counting,
                period=r.period,
                min_count=r.min_count,
                quorum=r.quorum,
                applies_to=r.applies_to,
                order=r.order,
            ),
            sector=r.sector,
            org_unit_id=r.org_unit_id,
            org_unit_path=r.org_unit.path if r.org_unit_id else "",
            is_active=r.is_active,
        )
        for r in MeetingRequirement.objects.select_related("org_unit")
    ]


def requirements_for(branch: OrgUnit, rows: list[c.RequirementRow] | None = None) -> tuple[c.Requirement, ...]:
    rows = requirement_rows() if rows is None else rows
    return c.resolve_requirements(rows, sector=branch.sector, path=branch.path)


# ---------------------------------------------------------------- compliance


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def branch_facts(branches, year: int) -> dict[int, c.BranchFacts]:
    """Facts for the compliance maths, for any number of branches, in 11 queries."""
    branches = list(branches)
    ids = [b.pk for b in branches]
    start, end = _year_range(year)
    rows = requirement_rows()
    policies = RulePolicy.all_by_sector()

    grades = {
        g["meeting_id"]: g
        for g in EvaluationGrade.objects.filter(meeting__branch_id__in=ids, meeting__date__range=(start, end))
        .values("meeting_id")
        .annotate(rated=Count("id"), excellent=Count("id", filter=Q(grade=EvaluationGrade.Grade.EXCELLENT)))
    }
    kinds: dict[int, set] = defaultdict(set)
    for meeting_id, kind in MeetingKind.objects.filter(
        meeting__branch_id__in=ids, meeting__date__range=(start, end)
    ).values_list("meeting_id", "kind"):
        kinds[meeting_id].add(kind)
    meetings = defaultdict(list)
    interned: dict[frozenset, frozenset] = {}  # a handful of distinct kind sets across thousands of meetings
    for pk, branch_id, day, kind, topic, quorum, group_id, lecturer_id in Meeting.objects.filter(
        branch_id__in=ids, date__range=(start, end)
    ).values_list("id", "branch_id", "date", "kind", "topic", "quorum_met", "party_group_id", "lecturer_id"):
        g = grades.get(pk, {})
        key = frozenset(kinds.get(pk, ()) | {kind})
        meetings[branch_id].append(
            c.MeetingFact(
                id=pk,
                date=day,
                kinds=interned.setdefault(key, key),
                topic=topic,
                quorum_met=quorum,
                party_group_id=group_id,
                lecturer_id=lecturer_id,
                rated=g.get("rated", 0),
                excellent=g.get("excellent", 0),
            )
        )
    terms = defaultdict(list)
    for t in CommitteeTerm.objects.filter(org_unit_id__in=ids).values(
        "org_unit_id", "start_date", "actual_end_date", "seats"
    ):
        terms[t["org_unit_id"]].append(c.TermFact(start=t["start_date"], end=t["actual_end_date"], seats=t["seats"]))
    tenures = defaultdict(list)
    for t in (
        RoleTenure.objects.filter(term__org_unit_id__in=ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values("term__org_unit_id", "member_id", "member__name", "role", "start_date", "end_date")
        .order_by("start_date", "id")
    ):
        tenures[t["term__org_unit_id"]].append(
            c.TenureFact(
                member_id=t["member_id"],
                name=t["member__name"],
                role=t["role"],
                start=t["start_date"],
                end=t["end_date"],
            )
        )
    groups = defaultdict(list)
    for g in PartyGroup.objects.filter(branch_id__in=ids).values("id", "branch_id", "name").order_by("name", "id"):
        groups[g["branch_id"]].append(c.GroupFact(id=g["id"], name=g["name"]))
    members = defaultdict(list)
    for m in (
        Member.objects.filter(branch_id__in=ids, status__in=Member.PARTY_STATUSES)
        .filter(Q(join_date__isnull=True) | Q(join_date__lte=end))
        .values("id", "branch_id", "name", "status")
        .order_by("name", "id")
    ):
        members[m["branch_id"]].append(c.PersonFact(id=m["id"], name=m["name"], status=m["status"]))
    talks = defaultdict(list)
    for pk, branch_id, day, talker_id, talkee_id in TalkRecord.objects.filter(
        branch_id__in=ids, date__range=(start, end)
    ).values_list("id", "branch_id", "date", "talker_id", "talkee_id"):
        talks[branch_id].append(c.TalkFact(id=pk, date=day, talker_id=talker_id, talkee_id=talkee_id))
    reports = defaultdict(list)
    for pk, branch_id, day, member_id in MemberReport.objects.filter(
        branch_id__in=ids, date__range=(start, end)
    ).values_list("id", "branch_id", "date", "member_id"):
        reports[branch_id].append(c.ReportFact(id=pk, date=day, member_id=member_id))

    return {
        b.pk: c.BranchFacts(
            id=b.pk,
            name=b.name,
            requirements=c.resolve_requirements(rows, sector=b.sector, path=b.path),
            meetings=tuple(meetings[b.pk]),
            founded_on=b.founded_on,
            terms=tuple(terms[b.pk]),
            tenures=tuple(tenures[b.pk]),
            committee_min_size=RulePolicy.for_sector(b.sector, policies).committee_min_size,
            groups=tuple(groups[b.pk]),
            members=tuple(members[b.pk]),
            talks=tuple(talks[b.pk]),
            reports=tuple(reports[b.pk]),
        )
        for b in branches
    }


@gc_paused()  # the facts of every branch live until the end (config/bulk.py)
def branches_compliance(branches, year: int, *, on: date | None = None) -> dict[int, c.BranchCompliance]:
    """THE compliance selector (SPEC §4): per branch id, per requirement and
    period, held / missing / upcoming with the meetings behind each — for any
    number of branches in a fixed number of queries."""
    on = on or today()
    return {pk: c.evaluate(facts, year, on) for pk, facts in branch_facts(branches, year).items()}


def branch_compliance(branch: OrgUnit, year: int, *, on: date | None = None) -> c.BranchCompliance:
    return branches_compliance([branch], year, on=on)[branch.pk]


# ---------------------------------------------------------------- meetings


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings of the branches the user may see (the scoping selector decides)."""
    return Meeting.objects.filter(branch__in=branches_visible_to(user))


def meeting_list(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("branch", "party_group").prefetch_related(
        Prefetch("kinds", queryset=MeetingKind.objects.order_by("id"))
    )


def meeting_detail(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("branch", "party_group", "host", "recorder", "lecturer", "created_by").prefetch_related(
        Prefetch("kinds", queryset=MeetingKind.objects.order_by("id")),
        Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("status", "id")),
        "resolutions",
        "attachments",
        Prefetch("grades", queryset=EvaluationGrade.objects.select_related("member").order_by("member__name")),
    )


def roster(branch: OrgUnit, *, on: date) -> list[Member]:
    """The branch's party members on a day, by name: everyone who had joined
    (入党日期) by then and has not left. One query."""
    return list(
        Member.objects.filter(branch=branch, status__in=Member.PARTY_STATUSES)
        .filter(Q(join_date__isnull=True) | Q(join_date__lte=on))
        .order_by("name", "id")
    )


def due_on(branch: OrgUnit, day: date) -> dict:
    """Who must attend on `day`, per roster kind, as plain ids for the logging
    page (its script only applies these lists; the rule lives here and in the
    service): every party member who had joined by then (支部党员大会 and the
    other kinds), the committee in office that day (支委会), the members of
    each 党小组 (党小组会). Two queries."""
    party = roster(branch, on=day)
    groups: dict[str, list[int]] = defaultdict(list)
    for m in party:
        if m.party_group_id:
            groups[str(m.party_group_id)].append(m.pk)
    return {
        "day": day.isoformat(),
        "all": [m.pk for m in party],
        "committee": sorted({s.member_id for s in committee_in_office([branch.pk], day)[branch.pk]}),
        "groups": dict(groups),
    }


def party_members(branch: OrgUnit) -> QuerySet[Member]:
    """The branch's 正式 and 预备 党员 now, for the pickers of the pages."""
    return Member.objects.filter(branch=branch, status__in=Member.PARTY_STATUSES).order_by("name", "id")


def is_voting_on(member: Member, day: date) -> bool:
    """正式党员 on that day (voting rights): status 正式 and full membership dated by then."""
    return member.status == Member.Status.FULL and (member.full_member_date is None or member.full_member_date <= day)


def evaluation_ungraded(meeting) -> list[Member]:
    """民主评议 (SPEC §11): the 正式党员 of the branch on the evaluation day who
    got no grade. Non-empty means the evaluation is incomplete. Members are
    those on the branch's roster now (a member transferred out since is not
    counted)."""
    graded = EvaluationGrade.objects.filter(meeting=meeting).values("member_id")
    return list(
        Member.objects.filter(branch_id=meeting.branch_id, status=Member.Status.FULL)
        .filter(Q(full_member_date__isnull=True) | Q(full_member_date__lte=meeting.date))
        .filter(Q(join_date__isnull=True) | Q(join_date__lte=meeting.date))
        .exclude(pk__in=graded)
        .order_by("name", "pk")
    )


# ---------------------------------------------------------------- facts for other apps


def _credited_attendance():
    """The attendance rows whose study hours count: 学时 come from the meetings
    one attends as a member of the branch (SPEC §3). Absent rows never count;
    a 列席 row counts only at a meeting of the member's own branch, so sitting
    in elsewhere (or being listed as 列席 by another branch) credits nothing."""
    return Attendance.objects.exclude(status=Attendance.Status.ABSENT).exclude(
        Q(status=Attendance.Status.OBSERVER) & ~Q(meeting__branch_id=F("member__branch_id"))
    )


def study_hours_by_member(member_ids, year: int) -> dict[int, Decimal]:
    """Study hours credited by meetings, per member, for a year (one query)."""
    start, end = _year_range(year)
    return {
        row["member_id"]: row["hours"]
        for row in _credited_attendance()
        .filter(member_id__in=list(member_ids), meeting__date__range=(start, end))
        .values("member_id")
        .annotate(hours=Sum("study_hours"))
    }


def last_attendance_by_member(member_ids) -> dict[int, date]:
    """The last meeting each member attended (the six-month rule), one query."""
    return {
        row["member_id"]: row["last"]
        for row in Attendance.objects.filter(member_id__in=list(member_ids), status=Attendance.Status.PRESENT)
        .values("member_id")
        .annotate(last=Max("meeting__date"))
    }


def study_hours_of_branch_members(branch_ids, year: int) -> dict[int, Decimal]:
    """`study_hours_by_member` for the current members of many branches at once:
    one query that joins on the member's branch instead of a list of member ids."""
    start, end = _year_range(year)
    return {
        row["member_id"]: row["hours"]
        for row in _credited_attendance()
        .filter(member__branch_id__in=list(branch_ids), meeting__date__range=(start, end))
        .values("member_id")
        .annotate(hours=Sum("study_hours"))
    }


def last_attendance_of_branch_members(branch_ids) -> dict[int, date]:
    """`last_attendance_by_member` for the current members of many branches (the
    six-month rule), one query."""
    return {
        row["member_id"]: row["last"]
        for row in Attendance.objects.filter(member__branch_id__in=list(branch_ids), status=Attendance.Status.PRESENT)
        .values("member_id")
        .annotate(last=Max("meeting__date"))
    }


def first_meeting_by_branch(branch_ids) -> dict[int, date]:
    """The date of each branch's first meeting record: where its records begin
    (the six-month rule judges nothing before it), one query."""
    return {
        row["branch_id"]: row["first"]
        for row in Meeting.objects.filter(branch_id__in=list(branch_ids)).values("branch_id").annotate(first=Min("date"))
    }


# ---------------------------------------------------------------- one member's own record


def member_attendance(member: Member, year: int) -> QuerySet[Attendance]:
    """The member's attendance rows of a year (出席, 缺席 with reason, 列席), newest
    first, with their meetings: one query. For the member's own page."""
    return (
        Attendance.objects.filter(member=member, meeting__date__year=year)
        .select_related("meeting")
        .order_by("-meeting__date", "-meeting_id")
    )


def member_attendance_years(member: Member) -> list[int]:
    """Years with attendance of the member, newest first (one query)."""
    return sorted(
        {d.year for d in Attendance.objects.filter(member=member).values_list("meeting__date", flat=True)},
        reverse=True,
    )


def member_grades(member: Member) -> QuerySet[EvaluationGrade]:
    """The member's 民主评议 results, newest first, with the meeting's date."""
    return EvaluationGrade.objects.filter(member=member).select_related("meeting").order_by("-meeting__date")


def open_requirements(branch: OrgUnit, *, on: date | None = None) -> list[tuple[c.Row, c.Cell]]:
    """This period's required meetings still to hold: the cells of the branch's
    compliance that are upcoming (or missing) in a period containing `on`,
    soonest deadline first."""
    on = on or today()
    result = branch_compliance(branch, on.year, on=on)
    due = [
        (row, cell)
        for row in result.rows
        for cell in row.cells
        if cell.status in (c.UPCOMING, c.MISSING) and cell.period.contains(on)
    ]
    return sorted(due, key=lambda rc: (rc[1].period.end, rc[0].requirement.order))
