"""/api/v1/branches/: branches with their current committee and the SPEC §2
rule findings."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from branches.models import OrgUnit, RoleAssignment, TermAdjustment
from tests.branches.factories import BranchFactory, CommitteeTermFactory, RoleTenureFactory
from tests.members.factories import MemberFactory

URL = "/api/v1/branches/"


def open_term(branch, *, started_years_ago=1, years=3, seats=1):
    start = timezone.localdate() - relativedelta(years=started_years_ago)
    return CommitteeTermFactory(
        org_unit=branch, number=1, start_date=start, due_end_date=start + relativedelta(years=years), seats=seats
    )


@pytest.fixture
def admin(tree, user_with_role, client_as):
    return client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))


def test_branch_page_shows_the_committee_in_office_and_the_rule_findings(tree, admin):
    term = open_term(tree.a, seats=3)
    secretary = RoleTenureFactory(term=term, member=MemberFactory(branch=tree.a, name="王书记"))
    RoleTenureFactory(
        term=term,
        member=MemberFactory(branch=tree.a, name="前委员"),
        role="propaganda",
        end_date=term.start_date + timedelta(days=30),
    )

    response = admin.get(f"{URL}{tree.a.pk}/")

    assert response.status_code == 200, response.content
    committee = response.json()["committee"]
    assert committee["number"] == 1 and committee["seats"] == 3 and committee["filled_seats"] == 1
    assert committee["due_end_date"] == term.due_end_date.isoformat()
    assert committee["effective_due_end"] == term.due_end_date.isoformat()
    assert (committee["status"], committee["status_display"]) == ("in_office", "任期内")
    assert committee["tenures"] == [
        {
            "id": secretary.pk,
            "member_id": secretary.member_id,
            "member_name": "王书记",
            "role": "secretary",
            "role_display": "书记",
            "concurrent_role": "",
            "title": "书记",
            "start_date": term.start_date.isoformat(),
            "end_date": None,
        }
    ]
    findings = {f["code"]: f for f in response.json()["findings"]}
    assert findings["BRANCH_TOO_FEW_FULL_MEMBERS"]["severity"] == "error"
    assert "不足3名" in findings["BRANCH_TOO_FEW_FULL_MEMBERS"]["message"]
    assert findings["BRANCH_TOO_FEW_FULL_MEMBERS"]["facts"] == {"full_members": 2, "minimum": 3}
    assert response.json()["party_member_count"] == 2


def test_expired_term_with_an_approved_postponement_reports_the_new_due_end(tree, admin):
    term = open_term(tree.a, started_years_ago=4, years=3)
    RoleTenureFactory(term=term, member=MemberFactory(branch=tree.a))
    new_due = term.due_end_date + relativedelta(months=6)
    TermAdjustment.objects.create(
        term=term,
        approver="市直机关工委",
        approval_date=term.due_end_date - timedelta(days=30),
        document_no="工委〔2025〕1号",
        new_due_end_date=new_due,
    )

    committee = admin.get(f"{URL}{tree.a.pk}/").json()["committee"]

    assert committee["effective_due_end"] == new_due.isoformat()
    assert (committee["status"], committee["status_display"]) == ("expired", "已届满，逾期未换届")


def test_branch_list_holds_only_branch_kinds_with_a_committee_summary(tree, admin):
    BranchFactory(name="总支", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=tree.committee)
    BranchFactory(name="联合支部", kind=OrgUnit.Kind.JOINT_BRANCH, parent=tree.committee)
    term = open_term(tree.a, started_years_ago=3, years=3)  # due within the notice period
    RoleTenureFactory(term=term, member=MemberFactory(branch=tree.a, name="王书记"))

    response = admin.get(URL)

    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"甲支部", "乙支部", "联合支部"}
    assert rows["联合支部"]["kind_display"] == "联合党支部"
    summary = rows["甲支部"]["committee"]
    assert summary["secretary"]["member_name"] == "王书记"
    assert summary["status"] == "expiring"
    assert "tenures" not in summary
    assert rows["乙支部"]["committee"] is None
    assert rows["乙支部"]["finding_counts"]["error"] >= 1  # TERM_MISSING, too few members
    assert "findings" not in rows["乙支部"]


def test_branch_list_filters_by_sector_and_searches_by_name(tree, admin):
    BranchFactory(name="社区第一支部", parent=tree.committee, sector="community")

    by_sector = admin.get(URL, {"sector": "community"}).json()["results"]
    by_name = admin.get(URL, {"search": "乙"}).json()["results"]

    assert [row["name"] for row in by_sector] == ["社区第一支部"]
    assert [row["name"] for row in by_name] == ["乙支部"]


def test_branches_are_read_only(tree, admin):
    assert admin.post(URL, {"name": "x", "kind": "branch"}, format="json").status_code == 405
    assert admin.patch(f"{URL}{tree.a.pk}/", {"name": "x"}, format="json").status_code == 405
