"""Demo meetings for `manage.py seed_demo` (runs after the roster and the
committees exist): two years of 三会一课 (three at city scale) with realistic
gaps, so that the compliance calendar — and later the scorecard grades — vary
from branch to branch.

Each branch gets a diligence (most hold nearly everything, some miss a month
here and there, a few let things slide, more so around 春节 and in summer).
Meetings follow the requirement table: 支委会 monthly where there is a
committee, 支部党员大会 quarterly (sometimes also the month's 主题党日, now and
then without a quorum), 主题党日 monthly, 党课 quarterly (the 书记 lectures at
least once in a diligent year), 党小组会 per group per month, 组织生活会 with
民主评议党员 (grades, ≤ 1/3 优秀) at the turn of the year, 谈心谈话 and 党员汇报.

Everything is built in Python and written with bulk_create in chunks of
branches, so memory stays flat and the number of queries depends on the
number of branches only.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.models import PartyGroup, RoleTenure
from branches.rules import in_office
from members.models import Member

from . import compliance as c
from .models import (
    Attendance,
    EvaluationGrade,
    Meeting,
    MeetingKind,
    MemberReport,
    Resolution,
    TalkRecord,
)
from .selectors import requirement_rows

K = Meeting.Kind
Q_ = Meeting.Quorum
BATCH = 2000
CHUNK = 40  # branches written per round
STUDY_HOURS = Decimal("2.0")
REASONS = (Attendance.Reason.LEAVE, Attendance.Reason.OFFICIAL, Attendance.Reason.SICK, Attendance.Reason.OTHER)
REASON_WEIGHTS = (5, 4, 2, 1)

COMMITTEE_TOPICS = (
    "研究部署{m}月份党建工作",
    "研究党员发展工作",
    "讨论本季度党费收缴情况",
    "研究{m}月主题党日活动安排",
    "研究党员教育培训计划",
    "分析党员思想动态",
    "研究困难党员帮扶工作",
    "研究年度民主评议党员工作方案",
)
ASSEMBLY_TOPICS = (
    "传达学习上级党组织会议精神",
    "通报党费收缴、使用和管理情况",
    "讨论支部年度工作计划",
    "学习贯彻党的二十届三中全会精神",
    "讨论接收预备党员",
    "通报上半年支部工作情况",
    "讨论推荐入党积极分子",
    "学习《中国共产党章程》",
)
THEME_TOPICS = (
    "重温入党誓词",
    "参观红色教育基地",
    "“我为群众办实事”志愿服务",
    "清明祭英烈",
    "学习《中国共产党纪律处分条例》",
    "“七一”主题党日：重温入党初心",
    "学习身边先进典型",
    "观看警示教育片",
    "党员政治生日",
    "社区环境整治志愿服务",
    "学习新修订的党内法规",
    "“不忘初心、牢记使命”主题学习",
)
LECTURE_TITLES = (
    "以高质量党建引领高质量发展",
    "深入学习习近平新时代中国特色社会主义思想",
    "弘扬伟大建党精神",
    "加强党性修养，做合格共产党员",
    "严守政治纪律和政治规矩",
    "学党史、悟思想、办实事、开新局",
    "践行全心全意为人民服务的根本宗旨",
    "锤炼过硬作风，勇于担当作为",
)
GROUP_TOPICS = (
    "学习党章党规",
    "交流学习心得体会",
    "讨论本组党员思想工作情况",
    "学习上级文件精神",
    "开展批评与自我批评",
)
EXTERNAL_LECTURERS = ("市委党校 刘教授", "机关工委 王处长", "党委组织部 陈部长", "市委讲师团 赵老师")
PLACES = ("党员活动室", "会议室", "三楼会议室", "党群服务中心")


@dataclass
class _Pending:
    meeting: Meeting
    kinds: list[str]
    attendance: list[Attendance] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    grades: list[EvaluationGrade] = field(default_factory=list)


@dataclass
class _Branch:
    unit: object
    members: list  # party members (正式 + 预备), any status history in their dates
    tenures: list  # (member_id, role, start, end)
    groups: list
    requirements: tuple
    rng: random.Random
    diligence: float
    by_id: dict = field(default_factory=dict)


def _rng(ctx) -> random.Random:
    if hasattr(ctx, "sub_rng"):
        return ctx.sub_rng("meetings")
    return getattr(ctx, "rng", None) or random.Random(2026)


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(ctx) -> None:
    branches = list(getattr(ctx, "branches", None) or [])
    if not branches:
        return
    rng = _rng(ctx)
    today = getattr(ctx, "today", None) or timezone.localdate()
    scale = getattr(getattr(ctx, "scale", None), "name", "demo")
    years = 3 if scale == "city" else 2
    first_year = today.year - years + 1
    rows = requirement_rows()
    ids = [b.pk for b in branches]

    members = defaultdict(list)
    by_branch = getattr(ctx, "members_by_branch", None)
    if by_branch:
        for pk in ids:
            members[pk] = [m for m in by_branch.get(pk, []) if m.status in Member.PARTY_STATUSES]
    else:
        for m in Member.objects.filter(branch_id__in=ids, status__in=Member.PARTY_STATUSES).order_by("id"):
            members[m.branch_id].append(m)
    tenures = defaultdict(list)
    for t in RoleTenure.objects.filter(term__org_unit_id__in=ids).values_list(
        "term__org_unit_id", "member_id", "role", "start_date", "end_date"
    ):
        tenures[t[0]].append(t[1:])
    groups = defaultdict(list)
    for g in PartyGroup.objects.filter(branch_id__in=ids).order_by("id"):
        groups[g.branch_id].append(g)

    # the demo's showcase branch (sj1's, as in archives.demo) keeps its 三会一课 well
    showcase = (getattr(ctx, "anchors", None) or {}).get("sj1")
    with_history = scale != "city"
    for start in range(0, len(branches), CHUNK):
        pending: list[_Pending] = []
        talks, reports = [], []
        for index, unit in enumerate(branches[start : start + CHUNK], start=start):
            # seeded by the branch's place in the plan, not its id: the same seed gives the same
            # meetings in any database (ids depend on what was written before)
            brng = random.Random(f"{rng.random()}:{index}")
            diligence = brng.choices((0.97, 0.9, 0.75, 0.5), weights=(6, 3, 2, 1))[0]
            if showcase is not None and unit.pk == showcase.pk:
                diligence = 0.97
            b = _Branch(
                unit=unit,
                members=members[unit.pk],
                tenures=tenures[unit.pk],
                groups=groups[unit.pk],
                requirements=c.resolve_requirements(rows, sector=unit.sector, path=unit.path),
                rng=brng,
                diligence=diligence,
            )
            b.by_id = {m.pk: m for m in b.members}
            for year in range(first_year, today.year + 1):
                _branch_year(b, year, today, pending, talks, reports)
        _write(pending, talks, reports, with_history=with_history)
        if hasattr(ctx, "counts"):
            ctx.counts["meetings"] += len(pending)


# ---------------------------------------------------------------- one branch, one year


def _holds(b: _Branch, day: date) -> bool:
    """Whether the branch holds a required meeting this period: diligence, with
    the usual slack around 春节 (Jan/Feb) and in the summer (Jul/Aug)."""
    p = b.diligence
    if day.month in (1, 2, 7, 8):
        p -= (1 - p) * 0.5 + 0.02
    return b.rng.random() < p


def _day_in(b: _Branch, first: date, last: date, today: date) -> date | None:
    last = min(last, today)
    if last < first:
        return None
    return first + timedelta(days=b.rng.randint(0, (last - first).days))


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def _committee_on(b: _Branch, day: date) -> list[int]:
    return list(dict.fromkeys(m for m, _role, s, e in b.tenures if in_office(s, e, day)))


def _secretary_on(b: _Branch, day: date) -> int | None:
    return next(
        (m for m, role, s, e in b.tenures if role == "secretary" and in_office(s, e, day)), None
    )


def _roster(b: _Branch, day: date) -> list:
    return [m for m in b.members if m.join_date is None or m.join_date <= day]


def _voting(m, day: date) -> bool:
    return m.status == Member.Status.FULL and (m.full_member_date is None or m.full_member_date <= day)


def _requires(b: _Branch, code: str) -> c.Requirement | None:
    return next((r for r in b.requirements if r.code == code), None)


def _branch_year(b: _Branch, year: int, today: date, pending, talks, reports) -> None:
    founded = getattr(b.unit, "founded_on", None)
    if not b.members or (founded and founded.year > year):
        return
    rng = b.rng
    assembly_months = {}
    # 支部党员大会: one per quarter, sometimes also the month's 主题党日
    for q in range(4):
        first = date(year, 3 * q + 1, 1)
        if first > today or not _holds(b, first):
            continue
        day = _day_in(b, first, _month_end(year, 3 * q + 3), today)
        if day is None:
            continue
        also_theme = rng.random() < 0.35
        weak_quorum = rng.random() < 0.06
        m = _meeting(
            b,
            K.BRANCH_ASSEMBLY,
            [K.THEME_DAY] if also_theme else [],
            day,
            rng.choice(ASSEMBLY_TOPICS),
            expected=_roster(b, day),
            absent_rate=0.55 if weak_quorum else 0.08,
            rule=Q_.FULL_MEMBERS,
        )
        if m:
            pending.append(m)
            if also_theme:
                assembly_months[day.month] = True
    # monthly: 支委会 (where there is a committee), 主题党日, 党小组会 per group
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > today:
            break
        last = _month_end(year, month)
        mid = min(first + timedelta(days=14), today)
        committee = _committee_on(b, mid)
        if len(committee) >= 3 and _holds(b, first):
            day = _day_in(b, first, last, today)
            expected = [b.by_id[i] for i in _committee_on(b, day) if i in b.by_id] if day else []
            if day and expected:
                topic = rng.choice(COMMITTEE_TOPICS).format(m=month)
                m = _meeting(b, K.COMMITTEE, [], day, topic, expected=expected, absent_rate=0.07, rule=Q_.COMMITTEE)
                if m:
                    pending.append(m)
        if month not in assembly_months and _holds(b, first):
            day = _day_in(b, first, last, today)
            if day:
                m = _meeting(
                    b, K.THEME_DAY, [], day, rng.choice(THEME_TOPICS), expected=_roster(b, day), absent_rate=0.1
                )
                if m:
                    pending.append(m)
        for group in b.groups:
            if _holds(b, first):
                day = _day_in(b, first, last, today)
                if day:
                    expected = [m for m in _roster(b, day) if m.party_group_id == group.pk]
                    if expected:
                        m = _meeting(
                            b,
                            K.GROUP,
                            [],
                            day,
                            rng.choice(GROUP_TOPICS),
                            expected=expected,
                            absent_rate=0.08,
                            group=group,
                        )
                        if m:
                            pending.append(m)
    # 党课 quarterly; the 书记 lectures at least once in a diligent year
    secretary_lectured = False
    for q in range(4):
        first = date(year, 3 * q + 1, 1)
        if first > today or not _holds(b, first):
            continue
        day = _day_in(b, first, _month_end(year, 3 * q + 3), today)
        if day is None:
            continue
        secretary = _secretary_on(b, day)
        by_secretary = secretary in b.by_id and (
            (not secretary_lectured and b.rng.random() < b.diligence) or b.rng.random() < 0.25
        )
        lecturer = b.by_id[secretary] if by_secretary else None
        if lecturer is None and b.rng.random() < 0.5:
            others = [b.by_id[i] for i in _committee_on(b, day) if i in b.by_id and i != secretary]
            lecturer = b.rng.choice(others) if others else None
        title = rng.choice(LECTURE_TITLES)
        m = _meeting(b, K.LECTURE, [], day, title, expected=_roster(b, day), absent_rate=0.09)
        if m:
            m.meeting.lecturer_id = lecturer.pk if lecturer else None
            m.meeting.lecturer_name = lecturer.name if lecturer else b.rng.choice(EXTERNAL_LECTURERS)
            m.meeting.lecture_title = title
            secretary_lectured = secretary_lectured or by_secretary
            pending.append(m)
    # 组织生活会 + 民主评议党员: December, or January of the next year for the slower ones
    day = None
    if b.rng.random() < b.diligence + 0.05:
        day = _day_in(b, date(year, 12, 1), date(year, 12, 31), today)
        if day is None and year < today.year:
            day = _day_in(b, date(year, 11, 10), date(year, 12, 31), today)
    if day:
        m = _meeting(
            b,
            K.LIFE_MEETING,
            [K.EVALUATION],
            day,
            f"{year}年度组织生活会暨民主评议党员",
            expected=_roster(b, day),
            absent_rate=0.05,
        )
        if m:
            _grades(b, m, day)
            pending.append(m)
    _talks_and_reports(b, year, today, talks, reports)


def _meeting(
    b: _Branch,
    kind: str,
    also: list[str],
    day: date,
    topic: str,
    *,
    expected: list,
    absent_rate: float,
    rule: str = Q_.NONE,
    group=None,
) -> _Pending | None:
    if not expected:
        return None
    rng = b.rng
    kinds = [kind, *also]
    hours = STUDY_HOURS if any(k in Meeting.STUDY_KINDS for k in kinds) else Decimal("0")
    rows, present_ids = [], set()
    for person in expected:
        voting = _voting(person, day)
        if rng.random() < absent_rate:
            rows.append(
                Attendance(
                    member_id=person.pk,
                    name=person.name,
                    status=Attendance.Status.ABSENT,
                    absence_reason=rng.choices(REASONS, weights=REASON_WEIGHTS)[0],
                    is_voting=voting,
                )
            )
        else:
            present_ids.add(person.pk)
            rows.append(
                Attendance(
                    member_id=person.pk,
                    name=person.name,
                    status=Attendance.Status.PRESENT,
                    is_voting=voting,
                    study_hours=hours,
                )
            )
    if rule == Q_.FULL_MEMBERS:
        voting_ids = [p.pk for p in expected if _voting(p, day)]
        base, present = len(voting_ids), sum(1 for i in voting_ids if i in present_ids)
    elif rule == Q_.COMMITTEE:
        base, present = len(expected), len(present_ids)
    else:
        base = present = 0
    met = c.quorum_met(base, present) if rule != Q_.NONE else None
    held_at = _aware(day, rng.choice((9, 10, 14, 15, 16)), rng.choice((0, 30)))
    meeting = Meeting(
        branch=b.unit,
        kind=kind,
        held_at=held_at,
        date=day,
        place=rng.choice(PLACES),
        topic=topic,
        party_group=group,
        study_hours=hours,
        expected_count=len(expected),
        present_count=len(present_ids),
        absent_count=len(expected) - len(present_ids),
        quorum_rule=rule,
        quorum_expected=base,
        quorum_present=present,
        quorum_met=met,
    )
    secretary = _secretary_on(b, day)
    if secretary in b.by_id:
        meeting.host_id = secretary
    pending = _Pending(meeting=meeting, kinds=kinds, attendance=rows)
    if kind == K.BRANCH_ASSEMBLY and rng.random() < 0.3 and present:
        votes_for = present - rng.randint(0, min(1, present))
        pending.resolutions.append(
            Resolution(
                order=1,
                text=rng.choice(("同意支部年度工作计划", "同意推荐入党积极分子", "同意党费使用方案")),
                votes_for=votes_for,
                votes_against=0,
                votes_abstain=present - votes_for,
                adopted=bool(met) and votes_for * 2 > base,
            )
        )
    return pending


def _grades(b: _Branch, pending: _Pending, day: date) -> None:
    full = [m for m in _roster(b, day) if _voting(m, day)]
    if not full:
        return
    excellent = max(0, int(len(full) / 3 * b.rng.uniform(0.4, 1.0)))
    picked = set(m.pk for m in b.rng.sample(full, excellent))
    for m in full:
        if m.pk in picked:
            grade = EvaluationGrade.Grade.EXCELLENT
        elif b.rng.random() < 0.04:
            grade = EvaluationGrade.Grade.BASIC
        else:
            grade = EvaluationGrade.Grade.QUALIFIED
        pending.grades.append(EvaluationGrade(member_id=m.pk, grade=grade))


def _talks_and_reports(b: _Branch, year: int, today: date, talks, reports) -> None:
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    if end < start:
        return
    elapsed = (end - start).days / 365
    committee = list(dict.fromkeys(m for m, _r, s, e in b.tenures if s <= end and (e is None or e >= start)))
    committee = [i for i in committee if i in b.by_id]
    roster = [m for m in b.members if m.join_date is None or m.join_date <= end]
    if b.diligence >= 0.95:
        share = 1.0 if year < today.year else min(1.0, 0.3 + elapsed)
    else:
        share = b.diligence * (0.6 + 0.4 * elapsed) if year == today.year else b.diligence**0.5
    done = set()
    for talker in committee:
        for other in roster:
            pair = frozenset((talker, other.pk))
            if other.pk == talker or pair in done or b.rng.random() > share:
                continue
            done.add(pair)
            talks.append(
                TalkRecord(
                    branch=b.unit,
                    date=_day_in(b, start, end, today),
                    talker_id=talker,
                    talkee_id=other.pk,
                    place=b.rng.choice(PLACES),
                    summary="了解思想、工作和生活情况，听取意见建议。",
                )
            )
    for m in roster:
        if b.rng.random() < share:
            reports.append(
                MemberReport(
                    branch=b.unit,
                    member_id=m.pk,
                    date=_day_in(b, max(start, m.join_date or start), end, today),
                    topic=f"{year}年度思想、工作、学习情况汇报",
                )
            )


# ---------------------------------------------------------------- writing


def _write(pending: list[_Pending], talks, reports, *, with_history: bool) -> None:
    if not pending:
        return
    meetings = [p.meeting for p in pending]
    if with_history:
        meetings = bulk_create_with_history(meetings, Meeting, batch_size=BATCH, default_change_reason="演示数据")
    else:
        meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    kinds, attendance, resolutions, grades = [], [], [], []
    for p, m in zip(pending, meetings, strict=True):
        kinds += [MeetingKind(meeting_id=m.pk, kind=k) for k in p.kinds]
        for rows, out in ((p.attendance, attendance), (p.resolutions, resolutions), (p.grades, grades)):
            for row in rows:
                row.meeting_id = m.pk
            out += rows
    MeetingKind.objects.bulk_create(kinds, batch_size=BATCH)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    Resolution.objects.bulk_create(resolutions, batch_size=BATCH)
    EvaluationGrade.objects.bulk_create(grades, batch_size=BATCH)
    TalkRecord.objects.bulk_create([t for t in talks if t.date], batch_size=BATCH)
    MemberReport.objects.bulk_create([r for r in reports if r.date], batch_size=BATCH)
