"""The org forms call the services: good input creates records, bad input
shows the service's Chinese message and saves nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure, Sector, TermAdjustment
from tests.branches.factories import BranchFactory, CommitteeTermFactory, PartyGroupFactory, RoleTenureFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .conftest import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(two_committees):
    return two_committees["branch_a"]


@pytest.fixture
def secretary_client(login, secretary_of, branch):
    return login(secretary_of(branch))


def test_committee_admin_creates_a_branch_under_its_committee(login, user_with_role, two_committees):
    committee = two_committees["committee_a"]
    client = login(user_with_role(Role.COMMITTEE_ADMIN, committee))

    response = client.post(
        reverse("org_unit_create", args=[committee.pk]),
        {"name": "新设支部", "kind": OrgUnit.Kind.BRANCH, "sector": Sector.VILLAGE},
    )

    unit = OrgUnit.objects.get(name="新设支部")
    assert response.status_code == 302 and response.url == reverse("org_unit", args=[unit.pk])
    assert unit.parent == committee
    assert unit.path == f"{committee.path}{unit.pk}/"


def test_secretary_edits_own_branch_and_sees_service_errors(secretary_client, branch):
    url = reverse("org_unit_update", args=[branch.pk])
    assert secretary_client.get(url).status_code == 200

    MemberFactory(branch=branch)
    response = secretary_client.post(
        url, {"name": "改为党委", "kind": OrgUnit.Kind.COMMITTEE, "sector": "other", "is_active": "on"}
    )
    assert "该组织下已有党员，不能改为非党支部类型。" in response.content.decode()
    assert OrgUnit.objects.get(pk=branch.pk).kind == OrgUnit.Kind.BRANCH

    response = secretary_client.post(
        url,
        {
            "name": "机关第一党支部",
            "kind": OrgUnit.Kind.BRANCH,
            "sector": Sector.GOVERNMENT,
            "contact_phone": "0571-1234",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.contact_phone) == ("机关第一党支部", "0571-1234")


def test_opening_a_term_uses_the_sector_term_length(login, user_with_role, two_committees):
    village = BranchFactory(parent=two_committees["committee_a"], sector=Sector.VILLAGE)
    client = login(user_with_role(Role.BRANCH_SECRETARY, village))

    response = client.post(reverse("committee_term_open", args=[village.pk]), {"start_date": "2025-03-01", "seats": 1})

    assert response.status_code == 302
    term = CommitteeTerm.objects.get(org_unit=village)
    assert term.due_end_date == date(2030, 3, 1)


def test_opening_a_term_before_the_current_one_is_refused(secretary_client, branch):
    CommitteeTermFactory(org_unit=branch, start_date=date(2024, 1, 1))

    response = secretary_client.post(
        reverse("committee_term_open", args=[branch.pk]), {"start_date": "2023-06-01", "seats": 3}
    )

    assert "新一届任期开始日期必须晚于上一届开始日期。" in response.content.decode()
    assert CommitteeTerm.objects.filter(org_unit=branch).count() == 1


def test_role_tenure_start_and_end(secretary_client, branch):
    term = CommitteeTermFactory(org_unit=branch, start_date=date(2024, 1, 1), seats=3)
    member = MemberFactory(branch=branch, name="王组织")

    response = secretary_client.post(
        reverse("role_tenure_start", args=[branch.pk]),
        {"member": member.pk, "role": RoleTenure.Role.ORGANIZATION, "start_date": "2024-02-01"},
    )
    assert response.status_code == 302
    tenure = RoleTenure.objects.get(term=term, member=member)

    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()
    assert "王组织" in page and "组织委员" in page

    response = secretary_client.post(
        reverse("role_tenure_end", args=[branch.pk, tenure.pk]), {"end_date": "2023-12-31", "end_reason": "调离"}
    )
    assert "离任日期不能早于任职开始日期。" in response.content.decode()
    tenure.refresh_from_db()
    assert tenure.end_date is None

    secretary_client.post(
        reverse("role_tenure_end", args=[branch.pk, tenure.pk]), {"end_date": "2025-06-30", "end_reason": "调离"}
    )
    tenure.refresh_from_db()
    assert (tenure.end_date, tenure.end_reason) == (date(2025, 6, 30), "调离")


def test_role_tenure_form_offers_only_the_branch_members(secretary_client, branch, two_committees):
    CommitteeTermFactory(org_unit=branch)
    outsider = MemberFactory(branch=two_committees["branch_b"])

    response = secretary_client.post(
        reverse("role_tenure_start", args=[branch.pk]),
        {"member": outsider.pk, "role": RoleTenure.Role.SECRETARY, "start_date": "2024-02-01"},
    )

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not RoleTenure.objects.exists()


def election_data(members_votes, *, due=10, present=9, kind=Election.Kind.GENERAL, day="2025-01-10", seats=""):
    data = {
        "kind": kind,
        "date": day,
        "voters_due": due,
        "voters_present": present,
        "seats": seats,
        "notes": "",
        "candidates-TOTAL_FORMS": len(members_votes) + 1,
        "candidates-INITIAL_FORMS": 0,
        "candidates-MIN_NUM_FORMS": 0,
        "candidates-MAX_NUM_FORMS": 30,
    }
    for i, (member, votes, role) in enumerate(members_votes):
        data.update({f"candidates-{i}-member": member.pk, f"candidates-{i}-votes": votes, f"candidates-{i}-role": role})
    data[f"candidates-{len(members_votes)}-role"] = RoleTenure.Role.MEMBER  # an untouched empty row
    return data


def test_valid_election_opens_a_term_with_the_elected(secretary_client, branch):
    a, b, c = (MemberFactory(branch=branch, name=n) for n in ("甲", "乙", "丙"))
    assert secretary_client.get(reverse("election_record", args=[branch.pk])).status_code == 200

    response = secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data(
            [(a, 8, RoleTenure.Role.SECRETARY), (b, 7, RoleTenure.Role.MEMBER), (c, 3, RoleTenure.Role.MEMBER)], seats=3
        ),
    )

    assert response.status_code == 302
    election = Election.objects.get(org_unit=branch)
    assert election.quorum_met
    assert {x.member.name for x in election.candidates.all() if x.elected} == {"甲", "乙"}
    term = CommitteeTerm.objects.get(org_unit=branch, actual_end_date__isnull=True)
    assert (term.start_date, term.seats, term.election) == (date(2025, 1, 10), 3, election)
    assert set(term.tenures.values_list("member__name", flat=True)) == {"甲", "乙"}

    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()
    assert "到会人数符合规定，选举有效" in page and "未当选" in page


def test_election_with_votes_above_voters_present_saves_nothing(secretary_client, branch):
    a = MemberFactory(branch=branch, name="甲")

    response = secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data([(a, 12, RoleTenure.Role.SECRETARY)], due=10, present=9),
    )

    assert response.status_code == 200
    assert "候选人甲的得票数不能多于实到人数。" in response.content.decode()
    assert not Election.objects.exists() and not CommitteeTerm.objects.exists()


def test_election_with_more_present_than_due_shows_field_error(secretary_client, branch):
    a = MemberFactory(branch=branch)

    response = secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data([(a, 5, RoleTenure.Role.SECRETARY)], due=8, present=9),
    )

    assert "实到人数不能多于应到人数。" in response.content.decode()
    assert not Election.objects.exists()


def test_election_without_candidates_is_refused(secretary_client, branch):
    response = secretary_client.post(reverse("election_record", args=[branch.pk]), election_data([]))

    assert "请至少填写一名候选人及得票数。" in response.content.decode()
    assert not Election.objects.exists()


def test_election_without_quorum_is_kept_as_invalid(secretary_client, branch):
    a = MemberFactory(branch=branch)

    secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data([(a, 8, RoleTenure.Role.SECRETARY)], due=10, present=8),
    )

    election = Election.objects.get()
    assert not election.quorum_met
    assert not CommitteeTerm.objects.exists()
    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()
    assert "选举无效" in page


def test_term_adjustment_moves_the_effective_due_end(secretary_client, branch):
    term = CommitteeTermFactory(org_unit=branch, start_date=date(2023, 6, 1), due_end_date=date(2026, 6, 1))
    url = reverse("term_adjustment_record", args=[branch.pk])
    base = {"kind": "postpone", "approver": "甲党委", "approval_date": "2026-05-01", "document_no": "甲党发〔2026〕3号"}

    response = secretary_client.post(url, {**base, "new_due_end_date": "2027-12-31"})
    assert "延期或提前换届一般不超过1年" in response.content.decode()
    assert not TermAdjustment.objects.exists()

    response = secretary_client.post(url, {**base, "new_due_end_date": "2027-03-01"})
    assert response.status_code == 302
    assert TermAdjustment.objects.get().term == term
    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()
    assert "2027-03-01" in page and "甲党发〔2026〕3号" in page


def test_term_status_badge_shows_expired_term(secretary_client, branch):
    today = timezone.localdate()
    CommitteeTermFactory(
        org_unit=branch, start_date=today - timedelta(days=4 * 365), due_end_date=today - timedelta(days=30)
    )

    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()

    assert "已届满" in page
    assert "逾期30天未换届" in page  # the TERM_EXPIRED finding's message


def test_party_group_create_and_edit(secretary_client, branch, two_committees):
    leader = MemberFactory(branch=branch, name="组长甲")
    outsider = MemberFactory(branch=two_committees["branch_b"])
    url = reverse("party_group_create", args=[branch.pk])

    response = secretary_client.post(url, {"name": "第一党小组", "leader": outsider.pk})
    assert "选择一个有效的选项" in response.content.decode()
    assert not PartyGroup.objects.exists()

    assert secretary_client.post(url, {"name": "第一党小组", "leader": leader.pk}).status_code == 302
    group = PartyGroup.objects.get()
    assert (group.branch, group.leader) == (branch, leader)

    response = secretary_client.post(url, {"name": "第一党小组", "leader": ""})
    assert PartyGroup.objects.count() == 1
    assert response.status_code == 200

    secretary_client.post(reverse("party_group_update", args=[branch.pk, group.pk]), {"name": "一组", "leader": ""})
    group.refresh_from_db()
    assert (group.name, group.leader) == ("一组", None)


def test_branch_page_shows_findings_groups_and_members(secretary_client, branch):
    group = PartyGroupFactory(branch=branch, name="唯一党小组")
    ProbationaryMemberFactory(branch=branch, name="预备甲", party_group=group)
    PartyGroup.objects.filter(pk=group.pk).update(leader=branch.members.get())

    page = secretary_client.get(reverse("org_unit", args=[branch.pk])).content.decode()

    assert "正式党员0名，不足3名" in page  # error
    assert "alert-danger" in page and "alert-warning" in page
    assert "组长预备甲是预备党员" in page  # warning
    assert "唯一党小组" in page and "预备甲" in page
    assert f"{reverse('member_list')}?branch={branch.pk}" in page


def test_committee_page_lists_children_with_counts(login, user_with_role, two_committees):
    committee = two_committees["committee_a"]
    for _ in range(3):
        MemberFactory(branch=two_committees["branch_a"])
    RoleTenureFactory(term__org_unit=two_committees["branch_a2"])
    client = login(user_with_role(Role.COMMITTEE_ADMIN, committee))

    response = client.get(reverse("org_unit", args=[committee.pk]))

    children = response.context["children"]
    assert [c.name for c in children] == ["甲一支部", "甲二支部"]
    assert [c.summary.party_members for c in children] == [3, 1]
    assert response.context["subtree_summary"].branches == 2
    assert response.context["subtree_summary"].branches_with_errors == 2
    assert reverse("org_unit_create", args=[committee.pk]) in response.content.decode()


def test_only_the_superior_committee_may_revoke_a_branch(login, secretary_of, user_with_role, branch, two_committees):
    data = {"name": branch.name, "kind": OrgUnit.Kind.BRANCH, "sector": branch.sector}  # is_active unticked

    secretary = login(secretary_of(branch))
    assert "is_active" not in secretary.get(reverse("org_unit_update", args=[branch.pk])).context["form"].fields
    secretary.post(reverse("org_unit_update", args=[branch.pk]), data)
    assert OrgUnit.objects.get(pk=branch.pk).is_active

    admin = login(user_with_role(Role.COMMITTEE_ADMIN, two_committees["committee_a"]))
    admin.post(reverse("org_unit_update", args=[branch.pk]), data)
    assert not OrgUnit.objects.get(pk=branch.pk).is_active


def test_election_page_does_not_offer_or_accept_a_probationary_candidate(secretary_client, branch):
    full = MemberFactory(branch=branch, name="正式甲")
    probationer = ProbationaryMemberFactory(branch=branch, name="预备乙")
    page = secretary_client.get(reverse("election_record", args=[branch.pk])).content.decode()
    assert "正式甲" in page and "预备乙" not in page

    response = secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data([(full, 8, RoleTenure.Role.SECRETARY), (probationer, 8, RoleTenure.Role.MEMBER)], seats=1),
    )
    assert response.status_code == 200
    assert not Election.objects.exists()


def test_contested_election_page_records_a_tie_for_the_last_seat(secretary_client, branch):
    a, b, c, d = (MemberFactory(branch=branch, name=n) for n in ("甲", "乙", "丙", "丁"))
    response = secretary_client.post(
        reverse("election_record", args=[branch.pk]),
        election_data([(a, 18, "secretary"), (b, 17, "organization"), (c, 16, "member"), (d, 16, "member")],
                      due=18, present=18, seats=3),
        follow=True,
    )
    page = response.content.decode()
    assert "选举有效，2人当选" in page and "需另行选举" in page
    term = CommitteeTerm.objects.get(org_unit=branch, actual_end_date__isnull=True)
    assert term.seats == 3 and set(term.tenures.values_list("member__name", flat=True)) == {"甲", "乙"}
