"""Completeness per box and year (SPEC §5) — what the scorecard reads for F1
(三本齐全), F2 (六盒目录完整、按期合订) and F3 (党费证)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archives import selectors, services
from archives.models import BoxKind, DocumentKind
from branches import services as branch_services
from meetings import services as meeting_services
from tests.archives.factories import bind_at, catalogue, paper
from tests.branches.factories import CommitteeFactory, PartyGroupFactory
from tests.meetings.factories import at, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
JUNE_2026 = dt.date(2026, 6, 1)


def life_kinds(archive):
    box = archive.box(BoxKind.LIFE)
    return {k.code: k for k in box.kinds}


def test_a_box_lists_the_required_kinds_present_and_missing():
    branch, _ = branch_with_members(full=3)  # no committee, no groups
    cat = catalogue(branch, BoxKind.EDUCATION, 2025)
    paper(cat, "edu_plan")
    paper(cat, "edu_plan", "第二份计划")

    box = selectors.branch_archive(branch, 2025, today=JUNE_2026).box(BoxKind.EDUCATION)

    assert box.missing == ("上级文件", "学习教育总结")
    assert not box.complete and box.documents == 2
    plan = next(k for k in box.kinds if k.code == "edu_plan")
    assert (plan.count, plan.present) == (2, True)


def test_committee_and_group_records_are_required_only_where_there_is_a_committee_or_a_group():
    small, _ = branch_with_members(full=3)
    big, members = branch_with_members(full=8)
    committee_for(big, members[:3], start=dt.date(2022, 1, 1))
    PartyGroupFactory(branch=big)

    results = selectors.archive_completeness([small, big], 2025, today=JUNE_2026)

    small_kinds, big_kinds = life_kinds(results[small.pk]), life_kinds(results[big.pk])
    assert not small_kinds["life_committee"].required and not small_kinds["life_group"].required
    assert big_kinds["life_committee"].required and big_kinds["life_group"].required
    assert "支委会记录" in results[big.pk].box(BoxKind.LIFE).missing
    assert "支委会记录" not in results[small.pk].box(BoxKind.LIFE).missing


def test_meetings_filed_automatically_fill_the_life_box_checklist():
    branch, members = branch_with_members(full=5)
    committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
    for kinds, day in (
        (["branch_assembly", "theme_day"], dt.date(2025, 3, 5)),
        (["committee"], dt.date(2025, 3, 6)),
        (["lecture"], dt.date(2025, 4, 1)),
        (["life_meeting", "evaluation"], dt.date(2025, 12, 20)),
    ):
        meeting_services.meeting_record(
            branch=branch, kinds=kinds, held_at=at(day), topic="主题", lecturer_name="刘教授"
        )

    box = selectors.branch_archive(branch, 2025, today=JUNE_2026).box(BoxKind.LIFE)

    assert box.missing == ("三会一课及主题党日计划", "书记述职报告", "谈心谈话记录")


def test_books_present_and_missing_per_kind():
    branch, members = branch_with_members(full=3, probationary=1)
    group = PartyGroupFactory(branch=branch, name="一组")
    archive = selectors.branch_archive(branch, 2025, today=JUNE_2026)
    assert [(b.book_kind, b.expected, b.present) for b in archive.books] == [
        ("minutes", 1, 0),
        ("group_minutes", 1, 0),
        ("study_notes", 4, 0),  # 3 正式 + the 预备党员 who joined in 2024
    ]
    services.books_register_year(branch=branch, year=2025)
    services.book_delete(branch.archive_books.get(member=members[0], year=2025))

    archive = selectors.branch_archive(branch, 2025, today=JUNE_2026)
    books = {b.book_kind: b for b in archive.books}
    assert books["minutes"].complete and books["group_minutes"].complete
    assert not books["study_notes"].complete and books["study_notes"].missing == (members[0].name,)
    assert (archive.books_complete, archive.missing_books) == (False, 1)
    assert group.books.get().year == 2025


def test_a_member_who_joined_later_needs_no_notebook_for_earlier_years():
    branch, members = branch_with_members(full=2, probationary=1)  # the 预备党员 joined 2024-09-01
    assert selectors.expected_books([branch.pk], 2023)[branch.pk].members == tuple(
        (m.pk, m.name) for m in sorted(members[:2], key=lambda m: (m.name, m.pk))
    )
    assert len(selectors.expected_books([branch.pk], 2024)[branch.pk].members) == 3


def test_binding_on_time_late_missing_and_not_yet_due():
    branch, _ = branch_with_members(full=3)
    on_time, late, unbound = (
        catalogue(branch, kind, 2025) for kind in (BoxKind.EDUCATION, BoxKind.EXCELLENCE, BoxKind.MASS_CULTURE)
    )
    for cat, code in ((on_time, "edu_plan"), (late, "exc_sanliang"), (unbound, "mass_thought")):
        paper(cat, code)
    bind_at(on_time, dt.date(2026, 2, 1))
    bind_at(late, dt.date(2026, 5, 1))  # the deadline is 2025-12-31 + 90 days = 2026-03-31

    after = selectors.branch_archive(branch, 2025, today=JUNE_2026)
    before = selectors.branch_archive(branch, 2025, today=dt.date(2026, 3, 1))

    assert after.box(BoxKind.EDUCATION).deadline == dt.date(2026, 3, 31)
    assert after.box(BoxKind.EDUCATION).bound_on_time is True
    assert after.box(BoxKind.EXCELLENCE).bound_on_time is False
    assert after.box(BoxKind.MASS_CULTURE).bound_on_time is False
    assert before.box(BoxKind.MASS_CULTURE).bound_on_time is None  # not due yet
    assert "2025年群团文化档案盒未在2026-03-31前合订" in after.problems
    assert any(p.startswith("2025年创先争优档案盒于2026-05-01合订，晚于2026-03-31") for p in after.problems)


def test_the_deadline_is_data():
    branch, _ = branch_with_members(full=3)
    paper(catalogue(branch, BoxKind.EDUCATION, 2025), "edu_plan")
    from archives.models import BoxType

    BoxType.objects.filter(box_kind=BoxKind.EDUCATION).update(bind_within_days=30)
    box = selectors.branch_archive(branch, 2025, today=JUNE_2026).box(BoxKind.EDUCATION)
    assert box.deadline == dt.date(2026, 1, 30)


def test_a_required_kind_switched_off_in_the_table_is_no_longer_missing():
    branch, _ = branch_with_members(full=3)
    DocumentKind.objects.filter(code="edu_superior").update(required=False)
    box = selectors.branch_archive(branch, 2025, today=JUNE_2026).box(BoxKind.EDUCATION)
    assert "上级文件" not in box.missing


def test_the_organisation_box_of_a_year_is_the_term_in_office_and_is_due_when_the_term_ends():
    branch, members = branch_with_members(full=5)
    old = committee_for(branch, members[:3], start=dt.date(2020, 1, 1))
    paper(catalogue(branch, BoxKind.ORGANIZATION, 2024, term=old), "org_plan", day=dt.date(2024, 1, 5))
    new = branch_services.committee_term_open(org_unit=branch, start_date=dt.date(2025, 1, 10), seats=3)

    in_2024 = selectors.branch_archive(branch, 2024, today=JUNE_2026).box(BoxKind.ORGANIZATION)
    in_2025 = selectors.branch_archive(branch, 2025, today=JUNE_2026).box(BoxKind.ORGANIZATION)

    old.refresh_from_db()
    assert in_2024.period_label.startswith(f"第{old.number}届") and in_2024.deadline == dt.date(2025, 4, 9)
    assert in_2024.bound_on_time is False and in_2024.missing == ("成立、换届选举材料",)
    assert in_2025.period_label.startswith(f"第{new.number}届")
    assert in_2025.deadline is None and in_2025.bound_on_time is None  # the term is still running
    assert in_2025.missing == ("工作计划",)  # the term's composition was filed when it was opened


def test_dues_cards_come_from_the_dues_ledger():
    from members.services import dues_month_record

    branch, members = branch_with_members(full=2)
    for month in range(1, 13):
        dues_month_record(member=members[0], month=dt.date(2025, month, 1), base_pay="4000", paid_in_full=True,
                          paid_on=dt.date(2025, month, 5))
    archive = selectors.branch_archive(branch, 2025, today=JUNE_2026)
    cards = archive.dues_cards
    assert (cards.expected, cards.present) == (2, 1)
    assert cards.complete is False and cards.missing == (members[1].name,)


def test_completeness_for_many_branches_takes_a_fixed_number_of_queries():
    def run(n):
        parent = CommitteeFactory()
        branches = []
        for _ in range(n):
            branch, members = branch_with_members(full=4, parent=parent)
            committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
            PartyGroupFactory(branch=branch)
            paper(catalogue(branch, BoxKind.EDUCATION, 2025), "edu_plan")
            paper(catalogue(branch, BoxKind.ORGANIZATION, 2025), "org_plan", day=dt.date(2025, 2, 1))
            services.books_register_year(branch=branch, year=2025)
            branches.append(branch)
        with CaptureQueriesContext(connection) as ctx:
            results = selectors.archive_completeness(branches, 2025, today=JUNE_2026)
        assert len(results) == n and all(r.books_complete for r in results.values())
        return len(ctx.captured_queries)

    assert run(2) == run(20) <= 13  # 9 for the boxes and books, 4 for the dues ledger
