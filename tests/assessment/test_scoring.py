"""Scoring from the database: facts for many branches in a fixed number of
queries, the template chosen by 领域, snapshots written only when the facts
changed, and the score_branches command."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from assessment.models import ScoreSnapshot
from assessment.selectors import scoring_facts
from assessment.services import branches_score, ensure_default_scorecards, scorecard_for, snapshots_refresh
from branches.models import OrgUnit, Sector
from meetings.models import Attendance
from members.services import dues_month_record, transfer_out_issue
from tests.branches.factories import CommitteeFactory, PartyGroupFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
YEAR = 2025
ON = date(2026, 2, 1)


@pytest.fixture
def cards():
    return ensure_default_scorecards()


def scored_branch(parent, i: int):
    branch, members = branch_with_members(full=8, parent=parent, sector=Sector.VILLAGE if i % 2 else Sector.GOVERNMENT)
    committee_for(branch, members[:3], start=date(2024, 1, 1))
    PartyGroupFactory(branch=branch)
    meeting = MeetingFactory(branch=branch, day=date(YEAR, 3, 10), kind="branch_assembly")
    for m in members:
        Attendance.objects.create(
            meeting=meeting, member=m, name=m.name, status=Attendance.Status.PRESENT, study_hours=4
        )
        dues_month_record(
            member=m, month=date(YEAR, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(YEAR, 1, 2)
        )
    if i % 3 == 0:
        transfer_out_issue(member=members[-1], to_org="外县", issued_on=date(YEAR, 2, 1))
    return branch


def test_scoring_5_and_50_branches_takes_the_same_number_of_queries(cards, django_assert_num_queries):
    parent = CommitteeFactory()
    branches = [scored_branch(parent, i) for i in range(50)]
    # 51: the facts (the dues ledger read once, for the dues items and the 党费证), plus the token of
    # the cached SPEC §2 findings (branches/rule_cache.py)
    with django_assert_num_queries(51):
        five = branches_score(branches[:5], YEAR, on=ON)
    with django_assert_num_queries(51):
        fifty = branches_score(branches, YEAR, on=ON)
    assert len(five) == 5 and len(fifty) == 50
    assert all(r.total > 0 for _card, _facts, r in fifty.values())


def test_the_template_is_chosen_by_the_branch_sector(cards):
    parent = CommitteeFactory()
    village = OrgUnit.objects.create(
        name="李家村党支部", kind=OrgUnit.Kind.BRANCH, sector=Sector.VILLAGE, parent=parent
    )
    office = OrgUnit.objects.create(name="办公室党支部", kind=OrgUnit.Kind.BRANCH, sector=Sector.SCHOOL, parent=parent)
    assert scorecard_for(village).code == "village"
    assert scorecard_for(office).code == "default"


def test_facts_are_plain_data(cards):
    branch = scored_branch(CommitteeFactory(), 0)
    facts = scoring_facts([branch], YEAR, on=ON)[branch.pk]
    assert facts.on == date(YEAR + 1, 1, 1) and not facts.year_open
    assert {c.requirement for c in facts.cells} >= {"branch_assembly", "committee", "theme_day"}
    assert [t.code for t in facts.transfers] == ["overdue"]


def test_snapshots_are_written_only_when_the_facts_change(cards):
    parent = CommitteeFactory()
    branches = [scored_branch(parent, i) for i in range(3)]
    assert snapshots_refresh(branches=branches, year=YEAR, on=ON) == (3, 0, 0)
    history = ScoreSnapshot.history.count()
    assert snapshots_refresh(branches=branches, year=YEAR, on=ON) == (0, 0, 3)
    assert ScoreSnapshot.history.count() == history
    before = ScoreSnapshot.objects.get(branch=branches[1], year=YEAR)
    MeetingFactory(branch=branches[1], day=date(YEAR, 6, 10), kind="branch_assembly")
    assert snapshots_refresh(branches=branches, year=YEAR, on=ON) == (0, 1, 2)
    after = ScoreSnapshot.objects.get(branch=branches[1], year=YEAR)
    assert after.total == before.total + 1 or after.total > before.total
    assert after.history.count() == 2  # the change is in the audit history


def test_snapshot_keeps_the_language_free_explanation(cards):
    branch = scored_branch(CommitteeFactory(), 1)
    snapshots_refresh(branches=[branch], year=YEAR, on=ON)
    snap = ScoreSnapshot.objects.get(branch=branch, year=YEAR)
    assert snap.scorecard.code == "village" and snap.unrated == 3
    assert set(snap.category_scores) == {"A", "B", "C", "D", "E", "F"}
    c1 = next(i for i in snap.items if i["code"] == "C1")
    missing = [d for d in c1["deductions"] if d["code"] == "meeting_missing"]
    assert [d["params"]["period"] for d in missing] == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert all(d["points"] == "1.50" for d in missing)


def test_score_branches_command_prints_counts_and_a_rerun_writes_nothing(cards):
    parent = CommitteeFactory()
    for i in range(2):
        scored_branch(parent, i)
    out, err = StringIO(), StringIO()
    call_command("score_branches", "--year", str(YEAR), "--org", str(parent.pk), stdout=out, stderr=err)
    assert "新增2，更新0，未变0" in out.getvalue()
    out = StringIO()
    call_command("score_branches", "--year", str(YEAR), "--org", str(parent.pk), stdout=out, stderr=StringIO())
    assert "新增0，更新0，未变2" in out.getvalue()
    assert ScoreSnapshot.objects.count() == 2
