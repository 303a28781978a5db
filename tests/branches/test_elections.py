"""差额选举, who may be elected, and "a year is a year" (SPEC §2, §11)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from branches import rules
from branches.models import CommitteeTerm, Election, RoleTenure, Sector, TermAdjustment
from branches.rule_cache import rule_facts_changed
from branches.selectors import branch_rule_findings
from branches.services import committee_term_open, election_record, role_tenure_start, term_adjustment_record
from members.models import Member
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

pytestmark = pytest.mark.django_db


def contested(branch, votes, *, seats=3, present=18, kind=Election.Kind.GENERAL, day=date(2025, 5, 1)):
    members = [MemberFactory(branch=branch, name=f"候选{i}") for i in range(len(votes))]
    election = election_record(
        org_unit=branch, date=day, voters_due=18, voters_present=present, seats=seats, kind=kind,
        candidates=[{"member": m, "votes": v} for m, v in zip(members, votes, strict=True)],
    )
    return election, members


def test_contested_election_fills_the_seats_by_votes_highest_first():
    branch = BranchFactory()
    election, members = contested(branch, [15, 18, 16, 17])  # all four above half of 18
    assert election.quorum_met and election.seats == 3 and election.runoff_seats == 0
    elected = {c.member_id for c in election.candidates.all() if c.elected}
    assert elected == {members[1].pk, members[3].pk, members[2].pk}
    term = CommitteeTerm.objects.get(org_unit=branch)
    assert term.seats == 3
    assert set(term.tenures.values_list("member_id", flat=True)) == elected


def test_a_tie_for_the_last_seat_leaves_it_open_for_another_round():
    branch = BranchFactory()
    election, members = contested(branch, [18, 17, 16, 16])
    assert election.runoff_seats == 1
    by_member = {c.member_id: c for c in election.candidates.all()}
    assert [by_member[m.pk].elected for m in members] == [True, True, False, False]
    assert [by_member[m.pk].runoff for m in members] == [False, False, True, True]
    term = CommitteeTerm.objects.get(org_unit=branch)
    assert term.seats == 3 and term.tenures.count() == 2  # the third seat stays open


def test_a_tie_that_fits_within_the_seats_elects_both():
    outcome = rules.allocate_seats({"a": 18, "b": 16, "c": 16, "d": 9}, voters_present=18, seats=3)
    assert set(outcome.elected) == {"a", "b", "c"} and outcome.runoff == () and outcome.runoff_seats == 0


def test_the_seat_count_never_comes_from_the_number_elected():
    branch = BranchFactory()
    members = MemberFactory.create_batch(4, branch=branch)
    with pytest.raises(ValidationError) as exc:
        election_record(org_unit=branch, date=date(2025, 5, 1), voters_due=10, voters_present=9,
                        candidates=[{"member": m, "votes": 8} for m in members])
    assert "职数" in str(exc.value.message_dict["seats"])
    assert not Election.objects.exists()


def test_a_general_election_without_a_seat_count_takes_the_current_terms_approved_seats():
    branch = BranchFactory()
    committee_term_open(org_unit=branch, start_date=date(2020, 1, 1), seats=3)
    members = MemberFactory.create_batch(5, branch=branch)
    election = election_record(org_unit=branch, date=date(2025, 5, 1), voters_due=10, voters_present=9,
                               candidates=[{"member": m, "votes": 9 - i} for i, m in enumerate(members)])
    new_term = CommitteeTerm.objects.get(org_unit=branch, actual_end_date__isnull=True)
    assert (election.seats, new_term.seats, new_term.tenures.count()) == (3, 3, 3)


def test_a_by_election_fills_only_the_vacant_seats():
    branch = BranchFactory()
    term = committee_term_open(org_unit=branch, start_date=date(2024, 1, 1), seats=3)
    sitting = MemberFactory.create_batch(2, branch=branch)
    for m, role in zip(sitting, ("secretary", "organization"), strict=True):
        role_tenure_start(term=term, member=m, role=role, start_date=date(2024, 1, 1))
    election, members = contested(branch, [17, 16], seats=None, kind=Election.Kind.BY_ELECTION)
    assert election.seats == 1
    assert [c.elected for c in election.candidates.order_by("-votes")] == [True, False]
    assert term.tenures.filter(end_date__isnull=True).count() == 3


def test_a_probationary_member_may_not_be_a_candidate():
    branch = BranchFactory()
    full = MemberFactory(branch=branch)
    probationer = ProbationaryMemberFactory(branch=branch, name="预备乙")
    with pytest.raises(ValidationError) as exc:
        election_record(org_unit=branch, date=date(2025, 5, 1), voters_due=5, voters_present=5, seats=1,
                        candidates=[{"member": full, "votes": 5}, {"member": probationer, "votes": 5}])
    assert "预备乙是预备党员" in str(exc.value.message_dict["candidates"])
    assert not Election.objects.exists()


def test_a_probationary_member_may_not_take_a_committee_seat():
    branch = BranchFactory()
    term = committee_term_open(org_unit=branch, start_date=date(2025, 1, 1), seats=1)
    with pytest.raises(ValidationError, match="预备党员"):
        role_tenure_start(term=term, member=ProbationaryMemberFactory(branch=branch), role="secretary",
                          start_date=date(2025, 1, 1))


def test_a_committee_seat_held_by_a_probationary_member_is_flagged():
    branch = BranchFactory()
    MemberFactory.create_batch(3, branch=branch)
    term = committee_term_open(org_unit=branch, start_date=date(2025, 1, 1), seats=1)
    member = MemberFactory(branch=branch, name="丙")
    RoleTenure.objects.create(term=term, member=member, role="secretary", start_date=date(2025, 1, 1))
    findings = branch_rule_findings([branch], on=date(2025, 6, 1))[branch.pk]
    assert "COMMITTEE_SEAT_PROBATIONARY" not in {f.code for f in findings}
    Member.objects.filter(pk=member.pk).update(status=Member.Status.PROBATIONARY)  # e.g. data from before the rule
    rule_facts_changed()  # a write past the ORM signals says so itself (branches/rule_cache.py)
    finding = next(f for f in branch_rule_findings([branch], on=date(2025, 6, 1))[branch.pk]
                   if f.code == "COMMITTEE_SEAT_PROBATIONARY")
    assert finding.severity == rules.ERROR and finding.facts == {"member_id": member.pk, "role": "secretary"}


def postpone(term, new_due, kind=TermAdjustment.Kind.POSTPONE):
    return term_adjustment_record(term=term, kind=kind, approver="市委组织部", approval_date=date(2026, 12, 1),
                                  document_no="组字〔2026〕1号", new_due_end_date=new_due)


def test_a_postponement_of_one_calendar_year_across_29_february_is_accepted():
    branch = BranchFactory(sector=Sector.GOVERNMENT)
    term = committee_term_open(org_unit=branch, start_date=date(2024, 3, 1), seats=1)
    assert term.due_end_date == date(2027, 3, 1)
    postpone(term, date(2028, 3, 1))  # 366 days: 2028 is a leap year
    with pytest.raises(ValidationError, match="不超过1年"):
        postpone(term, date(2028, 3, 2))


def test_an_advance_is_limited_to_the_same_date_one_year_earlier():
    branch = BranchFactory(sector=Sector.GOVERNMENT)
    term = committee_term_open(org_unit=branch, start_date=date(2025, 3, 1), seats=1)  # due 2028-03-01
    with pytest.raises(ValidationError, match="不超过1年"):
        postpone(term, date(2027, 2, 28), kind=TermAdjustment.Kind.ADVANCE)
    postpone(term, date(2027, 3, 1), kind=TermAdjustment.Kind.ADVANCE)  # 366 days earlier
