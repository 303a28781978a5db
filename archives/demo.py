"""Demo archive for `manage.py seed_demo` (runs after the meetings): the last
two years of 3本6盒1证 per branch.

- every meeting, election, committee term (opened without an election) and
  mid-term committee change is filed by the bulk filing mechanism (the same
  rules as `archives.filing`, a fixed number of queries per chunk of branches);
- the documents a branch keeps on paper (plans, summaries, the roster, the
  党费 ledger, 述职报告, …) are registered in the catalogues, most of them —
  how many depends on the branch's diligence, so some boxes lack a kind;
- last year's boxes (and the boxes of committee terms that ended) are bound,
  most in time, a few late, some not at all; one bound box has an addendum;
- the 三本: the 会议记录本, one 党小组记录本 per group and a 学习笔记本 per party
  member, with a few missing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from branches.models import CommitteeTerm, Election, PartyGroup, RoleTenure, TermAdjustment
from meetings.models import Meeting, MeetingKind
from members.models import DevelopmentStep, DuesMonth, Member, Transfer

from .filing import FilingItem, file_records_bulk, meeting_entries
from .models import Book, BoxKind, BoxType, Catalogue, Document, DocumentKind

CHUNK = 200  # branches filed per round
BATCH = 2000

# documents a branch keeps by hand: title template and the month they are usually dated
MANUAL = {
    "org_plan": ("{year}年度党支部工作计划", 1),
    "org_summary": ("{year}年度党支部工作总结", 12),
    "org_papers": ("党建工作案例：{branch}创新做法", 9),
    "mem_roster": ("党员花名册（{year}年）", 1),
    "mem_dues": ("{year}年度党费收缴台账", 12),
    "mem_commendation": ("{year}年度评先推优材料", 6),
    "mem_hardship": ("困难党员帮扶台账（{year}年）", 3),
    "life_plan": ("{year}年度三会一课及主题党日计划", 1),
    "life_secretary_report": ("{year}年度党支部书记抓党建工作述职报告", 12),
    "life_talks": ("{year}年度谈心谈话记录汇总", 11),
    "edu_superior": ("上级党组织关于开展{year}年度党员教育培训的通知", 2),
    "edu_plan": ("{year}年度党员学习教育计划", 2),
    "edu_summary": ("{year}年度党员学习教育总结", 12),
    "exc_sanliang": ("{year}年度“三亮三比”活动材料", 5),
    "exc_responsibility": ("党员责任区、示范岗设岗定责表（{year}年）", 3),
    "exc_service_team": ("党员志愿服务队活动记录（{year}年）", 7),
    "exc_models": ("{year}年度先进典型事迹材料", 10),
    "mass_thought": ("{year}年度党员群众思想动态分析", 6),
    "mass_visits": ("{year}年度走访慰问困难群众记录", 1),
    "mass_volunteer": ("{year}年度志愿服务活动记录", 8),
    "mass_culture": ("{year}年度文化活动材料", 9),
    "mass_youth": ("{year}年度团青工作材料", 5),
}


def _rng(ctx) -> random.Random:
    if hasattr(ctx, "sub_rng"):
        return ctx.sub_rng("archives")
    return getattr(ctx, "rng", None) or random.Random(2026)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(ctx) -> None:
    branches = list(getattr(ctx, "branches", None) or [])
    if not branches:
        return
    rng = _rng(ctx)
    today = getattr(ctx, "today", None) or timezone.localdate()
    years = [today.year - 1, today.year]
    anchors = getattr(ctx, "anchors", {}) or {}
    showcase = anchors.get("sj1")
    kinds = {k.code: k for k in DocumentKind.objects.filter(is_active=True)}
    box_days = dict(BoxType.objects.values_list("box_kind", "bind_within_days"))

    diligence = {}
    for index, b in enumerate(branches):
        brng = random.Random(f"{rng.random()}:{index}")  # by place, not id: the same in any database
        diligence[b.pk] = (brng, brng.choices((0.97, 0.9, 0.75, 0.5), weights=(6, 3, 2, 1))[0])
    if showcase is not None and showcase.pk in diligence:
        diligence[showcase.pk] = (diligence[showcase.pk][0], 0.95)

    created = bound_total = books_total = 0
    for start in range(0, len(branches), CHUNK):
        chunk = branches[start : start + CHUNK]
        ids = [b.pk for b in chunk]
        items = _record_items(ids)
        items += _manual_items(chunk, years, today, kinds, diligence)
        created += file_records_bulk(items, batch_size=BATCH)
        bound_total += _bind(ids, years, today, box_days, diligence, showcase)
        books_total += _books(chunk, years, today, diligence)
    if hasattr(ctx, "counts"):
        ctx.counts["档案文件"] += created
        ctx.counts["已合订目录"] += bound_total
        ctx.counts["记录本"] += books_total


# ---------------------------------------------------------------- records of the system


def _record_items(ids: list[int]) -> list[FilingItem]:
    # every meeting is filed (also those of a third year at city scale), as logging them would have
    kinds = defaultdict(list)
    for meeting_id, kind in (
        MeetingKind.objects.filter(meeting__branch_id__in=ids).order_by("id").values_list("meeting_id", "kind")
    ):
        kinds[meeting_id].append(kind)
    items = []
    for pk, branch_id, day, topic, group in Meeting.objects.filter(branch_id__in=ids).values_list(
        "id", "branch_id", "date", "topic", "party_group__name"
    ):
        for event, code, title in meeting_entries(kinds.get(pk, ()), topic, group or ""):
            items.append(FilingItem("meetings.meeting", pk, branch_id, BoxKind.LIFE, code, title, day, event))

    for e in Election.objects.filter(org_unit_id__in=ids).select_related("resulting_term"):
        title = f"{e.get_kind_display()}（应到{e.voters_due}人，实到{e.voters_present}人"
        title += "）" if e.quorum_met else "，到会人数不足，选举无效）"
        term = getattr(e, "resulting_term", None)
        items.append(
            FilingItem(
                "branches.election",
                e.pk,
                e.org_unit_id,
                BoxKind.ORGANIZATION,
                "org_election",
                title,
                e.date,
                term_id=term.pk if term else None,
            )
        )
    for t in CommitteeTerm.objects.filter(org_unit_id__in=ids, election__isnull=True):
        title = f"第{t.number}届委员会组成（任期自{t.start_date.isoformat()}起，委员职数{t.seats}名）"
        items.append(
            FilingItem(
                "branches.committeeterm",
                t.pk,
                t.org_unit_id,
                BoxKind.ORGANIZATION,
                "org_election",
                title,
                t.start_date,
                term_id=t.pk,
            )
        )
    for a in TermAdjustment.objects.filter(term__org_unit_id__in=ids).select_related("term"):
        title = f"{a.get_kind_display()}批复（{a.approver} {a.document_no}）"
        items.append(
            FilingItem(
                "branches.termadjustment",
                a.pk,
                a.term.org_unit_id,
                BoxKind.ORGANIZATION,
                "org_election",
                title,
                a.approval_date,
                term_id=a.term_id,
            )
        )
    for t in RoleTenure.objects.filter(term__org_unit_id__in=ids).select_related("term", "member"):
        if t.start_date != t.term.start_date:
            items.append(
                FilingItem(
                    "branches.roletenure",
                    t.pk,
                    t.term.org_unit_id,
                    BoxKind.ORGANIZATION,
                    "org_committee_change",
                    f"{t.member.name}任{t.title}",
                    t.start_date,
                    "start",
                    t.term_id,
                )
            )
        if t.end_date and t.end_date != t.term.actual_end_date:
            title = f"{t.member.name}不再担任{t.title}" + (f"（{t.end_reason}）" if t.end_reason else "")
            items.append(
                FilingItem(
                    "branches.roletenure",
                    t.pk,
                    t.term.org_unit_id,
                    BoxKind.ORGANIZATION,
                    "org_committee_change",
                    title,
                    t.end_date,
                    "end",
                    t.term_id,
                )
            )
    items += _member_record_items(ids)
    return items


def _member_record_items(ids: list[int]) -> list[FilingItem]:
    """The 党员管理档案盒 records, as members.services.archive files them one by
    one: a branch's month of dues, transfer letters, development steps."""
    items = []
    months = DuesMonth.objects.filter(branch_id__in=ids).values_list("branch_id", "month").distinct()
    for branch_id, month in months.order_by("branch_id", "month"):
        items.append(FilingItem("branches.orgunit", branch_id, branch_id, BoxKind.MEMBERS, "mem_dues",
                                f"{month.year}年{month.month}月党费收缴台账", month, f"dues:{month:%Y-%m}"))
    for t in Transfer.objects.filter(from_branch_id__in=ids).order_by("pk"):
        items.append(FilingItem("members.transfer", t.pk, t.from_branch_id, BoxKind.MEMBERS, "mem_transfer",
                                f"组织关系介绍信存根（转出）第{t.serial_no}号 {t.name}", t.issued_on, "out"))
    steps = DevelopmentStep.objects.filter(member__branch_id__in=ids).select_related("member").order_by("pk")
    for s in steps:
        items.append(FilingItem("members.developmentstep", s.pk, s.member.branch_id, BoxKind.MEMBERS,
                                "mem_development", f"{s.member.name} 发展党员材料：{s.get_step_display()}", s.date))
    return items


# ---------------------------------------------------------------- paper documents


def _manual_items(branches, years, today, kinds, diligence) -> list[FilingItem]:
    items = []
    for b in branches:
        brng, p = diligence[b.pk]
        for year in years:
            for code, (template, month) in MANUAL.items():
                kind = kinds.get(code)
                if kind is None:
                    continue
                day = date(year, month, min(28, 5 + brng.randint(0, 20)))
                if day > today:
                    continue
                chance = p if kind.required else p * 0.5
                if brng.random() > chance:
                    continue
                title = template.format(year=year, branch=b.name)
                items.append(FilingItem("", None, b.pk, kind.box_kind, code, title, day))
    return items


# ---------------------------------------------------------------- binding


def _bind(ids, years, today, box_days, diligence, showcase) -> int:
    """Bind last year's boxes and the boxes of ended terms: most in time, a few late, some not."""
    last_year = years[0]
    catalogues = list(
        Catalogue.objects.filter(branch_id__in=ids)
        .filter(last_number__gt=0)
        .select_related("term")
        .order_by("branch_id", "box_kind", "id")
    )
    bound, addenda = [], []
    for c in catalogues:
        brng, p = diligence[c.branch_id]
        if c.term_id:
            if c.term.actual_end_date is None:
                continue
            end = c.term.actual_end_date
        elif c.year == last_year:
            end = date(last_year, 12, 31)
        else:
            continue
        days = box_days.get(c.box_kind, 90)
        roll = brng.random()
        if roll > p + 0.05:
            continue  # not bound (overdue once the deadline has passed)
        if roll < p - 0.1:  # in time
            offset = brng.randint(min(5, days), max(min(5, days), days - 10))
        else:  # late
            offset = brng.randint(days + 5, days + 60)
        day = end + timedelta(days=offset)
        if day >= today:
            day = today - timedelta(days=1)
        if day <= end:
            continue
        c.bound_at = _aware(day, 16)
        bound.append(c)
    Catalogue.objects.bulk_update(bound, ["bound_at"], batch_size=BATCH)
    # an addendum in one bound box of the showcase branch: a correction made after binding
    if showcase is not None:
        target = next(
            (c for c in bound if c.branch_id == showcase.pk and c.box_kind == BoxKind.LIFE and not c.term_id), None
        )
        if target is not None:
            first = Document.objects.filter(catalogue=target).order_by("number").first()
            if first is not None:
                target.last_number += 1
                addenda.append(
                    Document(
                        catalogue=target,
                        branch_id=target.branch_id,
                        number=target.last_number,
                        doc_kind_id=first.doc_kind_id,
                        title=f"关于第{first.number}号文件记录日期的更正说明",
                        date=min(today, target.bound_at.date() + timedelta(days=3)),
                        is_addendum=True,
                        addendum_reason=f"第{first.number}号文件所记日期有误，特此说明",
                        corrects=first,
                    )
                )
                Document.objects.bulk_create(addenda)
                Catalogue.objects.filter(pk=target.pk).update(last_number=target.last_number)
    return len(bound)


# ---------------------------------------------------------------- 三本


def _books(branches, years, today, diligence) -> int:
    ids = [b.pk for b in branches]
    groups = defaultdict(list)
    for pk, branch_id in PartyGroup.objects.filter(branch_id__in=ids).values_list("id", "branch_id"):
        groups[branch_id].append(pk)
    members = defaultdict(list)
    for pk, branch_id, joined in Member.objects.filter(branch_id__in=ids, status__in=Member.PARTY_STATUSES).values_list(
        "id", "branch_id", "join_date"
    ):
        members[branch_id].append((pk, joined))
    rows = []
    for b in branches:
        brng, p = diligence[b.pk]
        for year in years:
            registered = date(year, 1, min(28, 2 + brng.randint(0, 10)))
            if registered > today:
                continue
            if brng.random() < p + 0.05:
                rows.append(Book(branch_id=b.pk, book_kind=Book.BookKind.MINUTES, year=year, registered_on=registered))
            for group_id in groups[b.pk]:
                if brng.random() < p + 0.03:
                    rows.append(
                        Book(
                            branch_id=b.pk,
                            book_kind=Book.BookKind.GROUP_MINUTES,
                            year=year,
                            party_group_id=group_id,
                            registered_on=registered,
                        )
                    )
            for member_id, joined in members[b.pk]:
                if joined and joined.year > year:
                    continue
                if brng.random() < min(0.995, p + 0.08):
                    rows.append(
                        Book(
                            branch_id=b.pk,
                            book_kind=Book.BookKind.STUDY_NOTES,
                            year=year,
                            member_id=member_id,
                            registered_on=max(registered, joined or registered),
                        )
                    )
    Book.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
