"""Each SPEC §2 rule with a passing and a failing case, through the one selector."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from branches import rules
from branches.models import CommitteeTerm, OrgUnit, RoleTenure, RulePolicy, Sector, TermAdjustment
from branches.rule_cache import rule_facts_changed
from branches.selectors import branch_rule_findings
from branches.services import (
    committee_term_open,
    election_record,
    role_tenure_end,
    role_tenure_start,
    term_adjustment_record,
)
from members.models import Member
from tests.branches.factories import BranchFactory, CommitteeTermFactory, PartyGroupFactory, RoleTenureFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

TODAY = date(2026, 11, 22)
pytestmark = pytest.mark.django_db


def codes(branch, on=TODAY):
    return {f.code for f in branch_rule_findings([branch], on=on)[branch.pk]}


def finding(branch, code, on=TODAY):
    return next(f for f in branch_rule_findings([branch], on=on)[branch.pk] if f.code == code)


def branch_with_committee(full=7, seats=5, roles=("secretary", "organization", "propaganda", "discipline", "member"),
                          start=date(2025, 1, 1), sector=Sector.GOVERNMENT):
    branch = BranchFactory(sector=sector)
    members = MemberFactory.create_batch(full, branch=branch)
    term = committee_term_open(org_unit=branch, start_date=start, seats=seats)
    for member, role in zip(members, roles[:seats], strict=False):
        role_tenure_start(term=term, member=member, role=role, start_date=start)
    return branch, term, members


# --- ≥3 正式党员, else 联合党支部 ------------------------------------------------

def test_branch_with_three_full_members_is_large_enough():
    branch, *_ = branch_with_committee(full=3, seats=1, roles=("secretary",))
    assert "BRANCH_TOO_FEW_FULL_MEMBERS" not in codes(branch)


def test_branch_with_two_full_members_should_be_a_joint_branch():
    branch, *_ = branch_with_committee(full=2, seats=1, roles=("secretary",))
    ProbationaryMemberFactory.create_batch(3, branch=branch)  # 预备党员 do not count
    f = finding(branch, "BRANCH_TOO_FEW_FULL_MEMBERS")
    assert f.severity == rules.ERROR and f.facts["full_members"] == 2
    assert "联合党支部" in f.message


def test_joint_branch_is_not_told_to_become_a_joint_branch():
    branch, *_ = branch_with_committee(full=2, seats=1, roles=("secretary",))
    OrgUnit.objects.filter(pk=branch.pk).update(kind=OrgUnit.Kind.JOINT_BRANCH)
    branch.refresh_from_db()
    assert "BRANCH_TOO_FEW_FULL_MEMBERS" not in codes(branch)


# --- ≤50 members; 50–100 → 党总支 suggested --------------------------------------

def test_branch_of_fifty_members_is_not_too_large():
    branch, *_ = branch_with_committee(full=50)
    assert "BRANCH_TOO_LARGE" not in codes(branch)


def test_branch_of_fifty_one_members_is_told_to_consider_a_general_branch():
    branch, *_ = branch_with_committee(full=50)
    ProbationaryMemberFactory(branch=branch)
    f = finding(branch, "BRANCH_TOO_LARGE")
    assert f.facts["party_members"] == 51 and "党总支" in f.message


# --- ≥7 正式党员 → 支部委员会 -------------------------------------------------------

def test_seven_full_members_with_a_committee_pass():
    branch, *_ = branch_with_committee(full=7)
    assert not {"COMMITTEE_MISSING", "COMMITTEE_SIZE", "COMMITTEE_ROLES_MISSING"} & codes(branch)


def test_seven_full_members_with_only_a_secretary_need_a_committee():
    branch, *_ = branch_with_committee(full=7, seats=1, roles=("secretary",))
    assert "COMMITTEE_MISSING" in codes(branch)


def test_six_full_members_need_no_committee():
    branch, *_ = branch_with_committee(full=6, seats=1, roles=("secretary",))
    assert "COMMITTEE_MISSING" not in codes(branch)


def test_small_branch_with_a_committee_is_told_one_secretary_suffices():
    branch, *_ = branch_with_committee(full=5, seats=3, roles=("secretary", "organization", "propaganda"))
    assert "SMALL_BRANCH_COMMITTEE" in codes(branch)


@pytest.mark.parametrize("seats", [3, 5, 7])
def test_committee_of_odd_size_between_three_and_seven_is_valid(seats):
    branch, *_ = branch_with_committee(full=9, seats=seats)
    assert "COMMITTEE_SIZE" not in codes(branch)


@pytest.mark.parametrize("seats", [2, 4, 9])
def test_committee_of_even_or_out_of_range_size_is_flagged(seats):
    branch, *_ = branch_with_committee(full=11, seats=seats, roles=("secretary", "organization"))
    assert "COMMITTEE_SIZE" in codes(branch)


def test_committee_of_seven_is_allowed_but_noted_above_the_normal_five():
    branch, *_ = branch_with_committee(full=9, seats=7)
    assert "COMMITTEE_SIZE_ABOVE_NORMAL" in codes(branch)


def test_committee_without_discipline_member_lacks_a_role():
    branch, *_ = branch_with_committee(full=7, roles=("secretary", "organization", "propaganda", "member", "member"))
    f = finding(branch, "COMMITTEE_ROLES_MISSING")
    assert f.facts["missing_roles"] == ["discipline"] and "纪检委员" in f.message


def test_three_member_committee_covers_the_roles_with_a_concurrent_post():
    branch, term, members = branch_with_committee(full=7, seats=3, roles=("secretary", "organization"))
    tenure = role_tenure_start(term=term, member=members[2], role="propaganda", concurrent_role="discipline",
                               start_date=date(2025, 1, 1))
    assert tenure.title == "宣传委员兼纪检委员"
    assert "COMMITTEE_ROLES_MISSING" not in codes(branch)


def test_a_concurrent_post_already_held_is_refused():
    branch, term, members = branch_with_committee(full=7, seats=5, roles=("secretary", "discipline"))
    with pytest.raises(ValidationError) as exc:
        role_tenure_start(term=term, member=members[2], role="organization", concurrent_role="discipline",
                          start_date=date(2025, 1, 1))
    assert "concurrent_role" in exc.value.message_dict
    assert term.tenures.count() == 2


# --- 书记 and 党龄 ------------------------------------------------------------------

def test_branch_without_a_secretary_is_flagged():
    branch, *_ = branch_with_committee(full=7, roles=("organization", "propaganda", "discipline"))
    assert "SECRETARY_MISSING" in codes(branch)


def test_secretary_with_one_year_party_age_passes_and_less_fails():
    branch, term, members = branch_with_committee(full=3, seats=1, roles=())
    secretary = members[0]
    Member.objects.filter(pk=secretary.pk).update(full_member_date=date(2025, 11, 22))
    role_tenure_start(term=term, member=secretary, role="secretary", start_date=date(2025, 12, 1))
    assert "SECRETARY_PARTY_AGE" not in codes(branch, on=date(2026, 11, 22))
    f = finding(branch, "SECRETARY_PARTY_AGE", on=date(2026, 11, 21))
    assert f.facts["party_years"] == 0


def test_secretary_party_age_minimum_is_configurable():
    branch, term, members = branch_with_committee(full=3, seats=1, roles=("secretary",))
    Member.objects.filter(pk=members[0].pk).update(full_member_date=date(2024, 6, 1))
    rule_facts_changed()  # a write past the ORM signals says so itself (branches/rule_cache.py)
    assert "SECRETARY_PARTY_AGE" not in codes(branch)
    RulePolicy.objects.filter(sector="").update(secretary_min_party_years=3)
    rule_facts_changed()
    assert "SECRETARY_PARTY_AGE" in codes(branch)


# --- term: 5 years for 村/社区, 3 for others; postponement ≤ 1 year ---------------

@pytest.mark.parametrize(("sector", "years"), [(Sector.VILLAGE, 5), (Sector.COMMUNITY, 5), (Sector.SCHOOL, 3)])
def test_term_length_comes_from_the_sector(sector, years):
    branch = BranchFactory(sector=sector)
    term = committee_term_open(org_unit=branch, start_date=date(2024, 3, 1), seats=1)
    assert term.due_end_date == date(2024 + years, 3, 1)


def test_term_within_its_due_date_is_not_expired():
    branch, term, _ = branch_with_committee(full=3, seats=1, roles=("secretary",), start=date(2024, 1, 1))
    assert "TERM_EXPIRED" not in codes(branch, on=date(2027, 1, 1))
    assert "TERM_EXPIRING" in codes(branch, on=date(2026, 12, 1))


def test_term_past_its_due_date_without_approval_is_expired():
    branch, term, _ = branch_with_committee(full=3, seats=1, roles=("secretary",), start=date(2022, 1, 1))
    f = finding(branch, "TERM_EXPIRED", on=date(2025, 3, 1))
    assert f.facts["overdue_days"] == 59 and not f.facts["postponed"]


def test_approved_postponement_covers_an_expired_term():
    branch, term, _ = branch_with_committee(full=3, seats=1, roles=("secretary",), start=date(2022, 1, 1))
    term_adjustment_record(term=term, kind=TermAdjustment.Kind.POSTPONE, approver="市委组织部",
                           approval_date=date(2024, 12, 1), document_no="组字〔2024〕12号",
                           new_due_end_date=date(2025, 6, 30))
    assert "TERM_EXPIRED" not in codes(branch, on=date(2025, 3, 1))
    assert finding(branch, "TERM_EXPIRED", on=date(2025, 7, 1)).facts["postponed"] is True


def test_postponement_of_exactly_one_year_is_allowed_and_longer_is_refused():
    branch, term, _ = branch_with_committee(full=3, seats=1, roles=("secretary",), start=date(2022, 1, 1))
    with pytest.raises(ValidationError) as exc:
        term_adjustment_record(term=term, kind=TermAdjustment.Kind.POSTPONE, approver="市委组织部",
                               approval_date=date(2024, 12, 1), document_no="1", new_due_end_date=date(2026, 1, 2))
    assert "不超过1年" in str(exc.value)
    assert not TermAdjustment.objects.exists()
    term_adjustment_record(term=term, kind=TermAdjustment.Kind.POSTPONE, approver="市委组织部",
                           approval_date=date(2024, 12, 1), document_no="1", new_due_end_date=date(2026, 1, 1))


def test_branch_without_any_term_is_flagged():
    branch = BranchFactory()
    MemberFactory.create_batch(3, branch=branch)
    assert "TERM_MISSING" in codes(branch)


# --- elections: quorum > 4/5, elected with > half ----------------------------------

def test_election_quorum_requires_more_than_four_fifths():
    assert rules.quorum_met(10, 9)
    assert not rules.quorum_met(10, 8)  # exactly 4/5 is not enough
    assert rules.quorum_met(5, 5) and not rules.quorum_met(5, 4)


def test_candidate_needs_more_than_half_of_voters_present():
    assert rules.is_elected(5, 9) and not rules.is_elected(4, 8) and rules.is_elected(5, 8)


def test_valid_election_opens_a_term_with_the_elected_candidates():
    branch = BranchFactory(sector=Sector.VILLAGE)
    members = MemberFactory.create_batch(10, branch=branch)
    election = election_record(
        org_unit=branch, date=date(2025, 5, 1), voters_due=10, voters_present=9, seats=3,
        candidates=[{"member": members[0], "votes": 9, "role": "secretary"},
                    {"member": members[1], "votes": 5, "role": "organization"},
                    {"member": members[2], "votes": 4, "role": "propaganda"}],
    )
    assert election.quorum_met
    term = CommitteeTerm.objects.get(org_unit=branch)
    assert term.due_end_date == date(2030, 5, 1)
    assert set(term.tenures.values_list("member_id", flat=True)) == {members[0].pk, members[1].pk}
    assert "ELECTION_QUORUM_NOT_MET" not in codes(branch)


def test_election_without_quorum_is_kept_but_invalid_and_opens_no_term():
    branch = BranchFactory()
    members = MemberFactory.create_batch(10, branch=branch)
    election = election_record(org_unit=branch, date=date(2025, 5, 1), voters_due=10, voters_present=8,
                               candidates=[{"member": members[0], "votes": 8, "role": "secretary"}])
    assert not election.quorum_met and not election.candidates.get().elected
    assert not CommitteeTerm.objects.filter(org_unit=branch).exists()
    f = finding(branch, "ELECTION_QUORUM_NOT_MET")
    assert f.facts == {"election_id": election.pk, "voters_due": 10, "voters_present": 8}


def test_election_with_more_votes_than_voters_present_is_refused_and_saves_nothing():
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    with pytest.raises(ValidationError, match="得票数不能多于实到人数"):
        election_record(org_unit=branch, date=date(2025, 5, 1), voters_due=5, voters_present=5,
                        candidates=[{"member": member, "votes": 6}])
    assert not branch.elections.exists()


def test_new_term_closes_the_previous_one_and_its_tenures():
    branch, term, members = branch_with_committee(full=3, seats=1, roles=("secretary",), start=date(2020, 1, 1))
    committee_term_open(org_unit=branch, start_date=date(2023, 1, 1), seats=1)
    term.refresh_from_db()
    assert term.actual_end_date == date(2022, 12, 31)
    assert RoleTenure.objects.get(term=term).end_date == date(2022, 12, 31)


# --- vacancy filled within 3 months ----------------------------------------------

def test_vacancy_filled_within_three_months_is_fine():
    branch, term, members = branch_with_committee(full=8)
    tenure = RoleTenure.objects.get(term=term, role="member")
    role_tenure_end(tenure=tenure, end_date=date(2026, 3, 1), reason="调离")
    role_tenure_start(term=term, member=members[6], role="member", start_date=date(2026, 5, 1))
    assert "VACANCY" not in codes(branch)


def test_seat_empty_for_more_than_three_months_is_flagged():
    branch, term, members = branch_with_committee(full=8)
    tenure = RoleTenure.objects.get(term=term, role="member")
    role_tenure_end(tenure=tenure, end_date=date(2026, 3, 1), reason="调离")
    # empty since 2026-03-02: three calendar months run to 2026-06-02 (92 days, not 90)
    assert "VACANCY" not in codes(branch, on=date(2026, 6, 2))
    f = finding(branch, "VACANCY", on=date(2026, 6, 3))
    assert f.facts == {"vacant_seats": 1, "since": "2026-03-02"}


# --- 党小组: ≥3 members incl. ≥1 正式党员; 组长 not 预备党员 ---------------------------

def test_group_of_three_with_a_full_member_leader_conforms():
    branch, *_ = branch_with_committee(full=3, seats=1, roles=("secretary",))
    group = PartyGroupFactory(branch=branch)
    members = list(branch.members.all())
    Member.objects.filter(pk__in=[m.pk for m in members]).update(party_group=group)
    group.leader = members[0]
    group.save()
    assert not {"GROUP_TOO_SMALL", "GROUP_LEADER_PROBATIONARY"} & codes(branch)


def test_group_of_probationary_members_only_is_too_small_and_its_leader_invalid():
    branch, *_ = branch_with_committee(full=3, seats=1, roles=("secretary",))
    group = PartyGroupFactory(branch=branch)
    probationers = ProbationaryMemberFactory.create_batch(3, branch=branch, party_group=group)
    group.leader = probationers[0]
    group.save()
    f = finding(branch, "GROUP_TOO_SMALL")
    assert f.facts == {"group_id": group.pk, "members": 3, "full_members": 0}
    assert "GROUP_LEADER_PROBATIONARY" in codes(branch)


def test_group_of_two_is_too_small():
    branch, *_ = branch_with_committee(full=3, seats=1, roles=("secretary",))
    group = PartyGroupFactory(branch=branch)
    Member.objects.filter(pk__in=list(branch.members.values_list("pk", flat=True))[:2]).update(party_group=group)
    assert finding(branch, "GROUP_TOO_SMALL").facts["members"] == 2


# --- one selector for many branches ------------------------------------------------

def test_findings_for_many_branches_take_a_fixed_number_of_queries(django_assert_num_queries):
    few = [branch_with_committee(full=7)[0] for _ in range(2)]
    with django_assert_num_queries(8):  # the cache token, then the facts (6) and the policies
        branch_rule_findings(few, on=TODAY)
    many = few + [branch_with_committee(full=3, seats=1, roles=("secretary",))[0] for _ in range(6)]
    for b in many[2:]:
        PartyGroupFactory(branch=b)
    with django_assert_num_queries(8):
        result = branch_rule_findings(many, on=TODAY)
    assert set(result) == {b.pk for b in many}


def test_committee_history_answers_who_sat_on_a_past_date():
    from branches.selectors import committee_on

    branch, term, members = branch_with_committee(full=7, start=date(2024, 1, 1))
    tenure = RoleTenure.objects.get(term=term, role="organization")
    role_tenure_end(tenure=tenure, end_date=date(2025, 2, 28), reason="调离")
    role_tenure_start(term=term, member=members[5], role="organization", start_date=date(2025, 3, 1))
    on_feb = {t.member_id for t in committee_on(branch, date(2025, 2, 1)) if t.role == "organization"}
    on_mar = {t.member_id for t in committee_on(branch, date(2025, 3, 1)) if t.role == "organization"}
    assert on_feb == {members[1].pk} and on_mar == {members[5].pk}


def test_tenure_factory_builds_a_member_of_the_terms_branch():
    tenure = RoleTenureFactory(term=CommitteeTermFactory())
    assert tenure.member.branch_id == tenure.term.org_unit_id
