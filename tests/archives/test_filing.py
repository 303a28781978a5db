"""Auto-filing (SPEC §5): every record made in the system files itself into
the right box through `archives.filing`, numbered gap-free per catalogue;
changes follow the record while the catalogue is unbound."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archives import filing
from archives.filing import FilingItem, file_records_bulk
from archives.models import BoxKind, Catalogue, Document
from branches import services as branch_services
from branches.models import CommitteeTerm, Election, RoleTenure
from meetings import services as meeting_services
from tests.archives.factories import bind, catalogue, paper
from tests.branches.factories import PartyGroupFactory
from tests.meetings.factories import at, branch_with_members, committee_for

pytestmark = pytest.mark.django_db


def entries(cat) -> list[tuple[int, str, str]]:
    return list(cat.documents.order_by("number").values_list("number", "doc_kind__code", "title"))


def log(branch, day, kinds=("theme_day",), topic="学习党章", **kw):
    return meeting_services.meeting_record(branch=branch, kinds=list(kinds), held_at=at(day), topic=topic, **kw)


@pytest.fixture
def branch_and_members():
    branch, members = branch_with_members(full=6)
    committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
    return branch, members


# ---------------------------------------------------------------- meetings → 组织生活档案盒


def test_a_meeting_files_itself_into_the_life_box_once_per_kind_it_counts_for(branch_and_members):
    branch, _ = branch_and_members
    meeting = log(branch, dt.date(2025, 3, 5), kinds=["branch_assembly", "theme_day"], topic="传达学习会议精神")

    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)
    assert entries(cat) == [
        (1, "life_assembly", "支部党员大会记录：传达学习会议精神"),
        (2, "life_theme_day", "主题党日活动记录：传达学习会议精神"),
    ]
    assert set(cat.documents.values_list("source_model", "source_id")) == {("meetings.meeting", meeting.pk)}
    assert cat.last_number == 2 and cat.documents.get(number=1).date == dt.date(2025, 3, 5)


def test_a_group_meeting_names_its_group_and_a_life_meeting_files_the_evaluation_form(branch_and_members):
    branch, members = branch_and_members
    group = PartyGroupFactory(branch=branch, name="第一党小组")
    for m in members[:3]:
        m.party_group = group
        m.save(update_fields=["party_group"])
    log(branch, dt.date(2025, 4, 2), kinds=["group"], party_group_id=group.pk, topic="交流心得")
    log(branch, dt.date(2025, 12, 20), kinds=["life_meeting", "evaluation"], topic="年度组织生活会")

    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)
    assert [e[1:] for e in entries(cat)] == [
        ("life_group", "党小组会记录（第一党小组）：交流心得"),
        ("life_life_meeting", "组织生活会记录：年度组织生活会"),
        ("life_evaluation", "民主评议表：年度组织生活会"),
    ]


def test_editing_a_meeting_follows_title_kinds_and_year_keeping_numbers_gap_free(branch_and_members):
    branch, _ = branch_and_members
    first = log(branch, dt.date(2025, 3, 5), kinds=["branch_assembly", "theme_day"], topic="旧主题")
    log(branch, dt.date(2025, 3, 20), kinds=["committee"], topic="支委会")
    cat25 = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)

    meeting_services.meeting_update(first, kinds=["branch_assembly"], held_at=at(dt.date(2025, 3, 6)), topic="新主题")
    assert entries(cat25) == [
        (1, "life_assembly", "支部党员大会记录：新主题"),
        (2, "life_committee", "支委会记录：支委会"),
    ]
    assert cat25.documents.get(number=1).date == dt.date(2025, 3, 6)

    meeting_services.meeting_update(first, kinds=["branch_assembly"], held_at=at(dt.date(2024, 12, 30)), topic="新主题")
    cat24 = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2024)
    assert entries(cat25) == [(1, "life_committee", "支委会记录：支委会")]
    assert entries(cat24) == [(1, "life_assembly", "支部党员大会记录：新主题")]
    cat25.refresh_from_db()
    assert (cat24.last_number, cat25.last_number) == (1, 1)


def test_filing_again_is_idempotent(branch_and_members):
    branch, _ = branch_and_members
    meeting = log(branch, dt.date(2025, 3, 5))
    for _ in range(2):
        filing.file_record_set(
            source=meeting,
            branch=branch,
            box_kind=BoxKind.LIFE,
            date=meeting.date,
            entries=filing.meeting_entries(["theme_day"], meeting.topic),
        )
    assert Document.objects.filter(source_model="meetings.meeting", source_id=meeting.pk).count() == 1


def test_deleting_a_meeting_takes_it_out_of_the_catalogue_and_closes_the_gap(branch_and_members):
    branch, _ = branch_and_members
    a = log(branch, dt.date(2025, 1, 5), topic="一")
    log(branch, dt.date(2025, 2, 5), topic="二")
    log(branch, dt.date(2025, 3, 5), topic="三")
    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)

    meeting_services.meeting_delete(a)

    assert [(n, t) for n, _k, t in entries(cat)] == [(1, "主题党日活动记录：二"), (2, "主题党日活动记录：三")]
    cat.refresh_from_db()
    assert cat.last_number == 2


def test_logging_a_meeting_costs_two_queries_for_the_archive(branch_and_members):
    branch, _ = branch_and_members
    log(branch, dt.date(2025, 3, 1))  # warm up
    with CaptureQueriesContext(connection) as ctx:
        log(branch, dt.date(2025, 3, 5), kinds=["branch_assembly", "theme_day"])
    archive = [q["sql"] for q in ctx.captured_queries if "archives_" in q["sql"]]
    assert len(archive) == 2, archive


# ---------------------------------------------------------------- elections, terms, tenures → 组织管理档案盒


def test_an_election_files_into_the_catalogue_of_the_term_it_opened(branch_and_members):
    branch, members = branch_and_members
    election = branch_services.election_record(
        org_unit=branch,
        date=dt.date(2025, 1, 10),
        voters_due=6,
        voters_present=6,
        candidates=[
            {"member": m, "votes": 6, "role": r}
            for m, r in zip(members[:3], ["secretary", "organization", "propaganda"], strict=True)
        ],
        seats=3,
    )
    term = election.resulting_term
    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.ORGANIZATION, term=term)
    assert cat.year is None
    # one entry: the committee elected with the term is part of the election's record
    assert entries(cat) == [(1, "org_election", "换届选举（应到6人，实到6人）")]
    assert cat.documents.get().source_model == "branches.election"


def test_a_failed_election_is_filed_with_the_term_in_office(branch_and_members):
    branch, members = branch_and_members
    old_term = CommitteeTerm.objects.get(org_unit=branch)
    branch_services.election_record(
        org_unit=branch,
        date=dt.date(2025, 1, 10),
        voters_due=6,
        voters_present=3,
        candidates=[{"member": members[0], "votes": 3}],
    )
    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.ORGANIZATION, term=old_term)
    assert "选举无效" in cat.documents.get().title


def test_a_term_opened_without_an_election_and_mid_term_changes_are_filed(branch_and_members):
    branch, members = branch_and_members
    term = branch_services.committee_term_open(org_unit=branch, start_date=dt.date(2025, 1, 1), seats=3)
    branch_services.role_tenure_start(term=term, member=members[0], role="secretary", start_date=dt.date(2025, 1, 1))
    later = branch_services.role_tenure_start(
        term=term, member=members[1], role="organization", start_date=dt.date(2025, 4, 1)
    )
    branch_services.role_tenure_end(tenure=later, end_date=dt.date(2025, 9, 30), reason="工作调动")
    branch_services.term_adjustment_record(
        term=term,
        kind="postpone",
        approver="机关党委",
        approval_date=dt.date(2025, 10, 8),
        document_no="机党〔2025〕8号",
        new_due_end_date=dt.date(2028, 6, 30),
    )

    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.ORGANIZATION, term=term)
    name = members[1].name
    assert entries(cat) == [
        (1, "org_election", f"第{term.number}届委员会组成（任期自2025-01-01起，委员职数3名）"),
        (2, "org_committee_change", f"{name}任组织委员"),
        (3, "org_committee_change", f"{name}不再担任组织委员（工作调动）"),
        (4, "org_election", "延期换届批复（机关党委 机党〔2025〕8号）"),
    ]
    tenure_docs = Document.objects.filter(source_model="branches.roletenure", source_id=later.pk)
    assert set(tenure_docs.values_list("source_event", flat=True)) == {"start", "end"}


def test_an_organisation_box_without_a_term_is_kept_per_year():
    branch, _ = branch_with_members(full=2)
    cat = catalogue(branch, BoxKind.ORGANIZATION, 2025)
    paper(cat, "org_plan", "2025年度工作计划")
    assert (cat.year, cat.term_id) == (2025, None)


# ---------------------------------------------------------------- bound catalogues


def test_a_record_filed_into_a_bound_catalogue_becomes_a_dated_addendum(branch_and_members):
    branch, _ = branch_and_members
    log(branch, dt.date(2025, 3, 5))
    cat = Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025)
    bind(cat)

    late = log(branch, dt.date(2025, 6, 5), topic="补登的主题党日")

    doc = Document.objects.get(source_model="meetings.meeting", source_id=late.pk)
    assert (doc.catalogue_id, doc.number, doc.is_addendum) == (cat.pk, 2, True)
    assert doc.addendum_reason == "合订后补充归档"


def test_a_changed_record_cannot_move_out_of_a_bound_catalogue(branch_and_members):
    branch, _ = branch_and_members
    meeting = log(branch, dt.date(2025, 3, 5))
    bind(Catalogue.objects.get(branch=branch, box_kind=BoxKind.LIFE, year=2025))
    with pytest.raises(Exception, match="合订"):
        filing.file_record(
            source=meeting,
            branch=branch,
            box_kind=BoxKind.LIFE,
            doc_kind="life_theme_day",
            title="改了",
            date=meeting.date,
            event="theme_day",
        )


# ---------------------------------------------------------------- the mechanism for other apps


def test_any_record_files_with_one_call_into_the_members_box(branch_and_members):
    """What the members app will do for a transfer, a dues month or a development step."""
    branch, members = branch_and_members
    doc = filing.file_record(
        source=members[0],
        branch=branch,
        box_kind=BoxKind.MEMBERS,
        doc_kind="mem_transfer",
        title="组织关系介绍信 第001号",
        date=dt.date(2025, 5, 6),
        new=True,
    )
    assert (doc.catalogue.box_kind, doc.catalogue.year, doc.number) == (BoxKind.MEMBERS, 2025, 1)
    assert doc.doc_kind.code == "mem_transfer"  # the kind id, computed by the INSERT, loads on first use
    filing.assert_editable(members[0])  # unbound: fine
    bind(doc.catalogue)
    with pytest.raises(Exception, match="合订"):
        filing.assert_editable(members[0])


def test_an_unknown_or_inactive_kind_files_as_the_boxs_other_kind(branch_and_members):
    branch, members = branch_and_members
    doc = filing.file_record(
        source=members[0],
        branch=branch,
        box_kind=BoxKind.MEMBERS,
        doc_kind="no_such_kind",
        title="某材料",
        date=dt.date(2025, 5, 6),
        new=True,
    )
    doc.refresh_from_db()
    assert doc.doc_kind.code == "mem_other"


def test_bulk_filing_numbers_by_date_skips_what_is_filed_and_continues_numbers(branch_and_members):
    branch, members = branch_and_members
    cat = catalogue(branch, BoxKind.MEMBERS, 2025)
    paper(cat, "mem_roster", "花名册")
    items = [
        FilingItem(
            "members.member",
            m.pk,
            branch.pk,
            BoxKind.MEMBERS,
            "mem_development",
            f"发展材料{i}",
            dt.date(2025, 6 - i, 1),
        )
        for i, m in enumerate(members[:3])
    ]
    assert file_records_bulk(items) == 3
    assert file_records_bulk(items) == 0  # already filed
    assert [t for _n, _k, t in entries(cat)] == ["花名册", "发展材料2", "发展材料1", "发展材料0"]
    cat.refresh_from_db()
    assert cat.last_number == 4
    assert paper(cat, "mem_other", "其他").number == 5


def test_role_tenure_started_with_the_term_is_not_filed_separately(branch_and_members):
    branch, members = branch_and_members
    term = branch_services.committee_term_open(org_unit=branch, start_date=dt.date(2025, 1, 1), seats=3)
    tenure = branch_services.role_tenure_start(
        term=term, member=members[0], role="secretary", start_date=dt.date(2025, 1, 1)
    )
    assert not filing.documents_of(tenure).exists()
    assert filing.documents_of(term).count() == 1
    assert RoleTenure.objects.filter(term=term).count() == 1 and Election.objects.count() == 0
