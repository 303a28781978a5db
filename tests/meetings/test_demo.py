"""seed_demo's meetings step: two years of meetings with realistic gaps."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from meetings import compliance as c
from meetings import demo, selectors
from meetings.models import Attendance, EvaluationGrade, Meeting, MeetingKind, TalkRecord
from tests.branches.factories import CommitteeFactory, PartyGroupFactory
from tests.meetings.factories import branch_with_members, committee_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def make_branches(n=8):
    parent = CommitteeFactory()
    branches = []
    for i in range(n):
        branch, members = branch_with_members(full=8, probationary=1, parent=parent)
        committee_for(branch, members[:3], start=dt.date(2022, 1, 1))
        if i % 2 == 0:
            group = PartyGroupFactory(branch=branch)
            for m in members[:4]:
                m.party_group = group
                m.save(update_fields=["party_group"])
        branches.append(branch)
    return branches


def test_two_years_of_meetings_with_gaps_that_vary_between_branches():
    branches = make_branches()
    demo.seed(SimpleNamespace(rng=random.Random(7), today=TODAY, branches=branches))

    assert {d.year for d in Meeting.objects.values_list("date", flat=True)} == {2025, 2026}
    assert not Meeting.objects.filter(date__gt=TODAY).exists()
    results = selectors.branches_compliance(branches, 2025, on=TODAY)
    missing = sorted(r.count(c.MISSING) for r in results.values())
    assert missing[-1] > missing[0]  # some branches keep up better than others
    assert sum(r.count(c.HELD) for r in results.values()) > 2 * sum(missing)  # mostly held, with gaps

    # the rows agree with each other
    for m in Meeting.objects.filter(kind=Meeting.Kind.BRANCH_ASSEMBLY):
        rows = m.attendance.all()
        assert m.expected_count == len(rows) == m.present_count + m.absent_count
        voting_present = sum(1 for a in rows if a.is_voting and a.status == Attendance.Status.PRESENT)
        assert m.quorum_present == voting_present and m.quorum_met == c.quorum_met(m.quorum_expected, voting_present)
    kinds = set(MeetingKind.objects.values_list("meeting_id", "kind"))
    assert all((pk, kind) in kinds for pk, kind in Meeting.objects.values_list("pk", "kind"))
    for meeting in Meeting.objects.filter(kinds__kind=Meeting.Kind.EVALUATION):
        grades = list(meeting.grades.values_list("grade", flat=True))
        assert grades.count(EvaluationGrade.Grade.EXCELLENT) * 3 <= len(grades)
    assert TalkRecord.objects.exists()


def test_same_seed_same_meetings():
    branches = make_branches(3)
    demo.seed(SimpleNamespace(rng=random.Random(1), today=TODAY, branches=branches))
    first = list(Meeting.objects.order_by("branch_id", "date", "kind").values_list("branch_id", "date", "kind"))
    Meeting.objects.all().delete()
    TalkRecord.objects.all().delete()
    demo.seed(SimpleNamespace(rng=random.Random(1), today=TODAY, branches=branches))
    again = list(Meeting.objects.order_by("branch_id", "date", "kind").values_list("branch_id", "date", "kind"))
    assert first == again


def test_the_whole_demo_seed_gives_varied_calendars():
    from assessment.management.commands.seed_demo import seed_database

    ctx = seed_database(seed=2026, today=TODAY)
    results = selectors.branches_compliance(ctx.branches, 2025, on=TODAY)
    assert len({r.count(c.MISSING) for r in results.values()}) > 3
    assert Meeting.objects.filter(quorum_met=False).exists()
