"""民主评议党员 grades, 谈心谈话 and 党员向支部汇报 records (SPEC §3, §4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import EvaluationGrade, MemberReport, TalkRecord
from meetings.selectors import evaluation_ungraded
from tests.branches.factories import BranchFactory
from tests.meetings.factories import MeetingFactory, at, branch_with_members
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 12, 20)


def evaluation_meeting(branch):
    return services.meeting_record(
        branch=branch, kinds=["life_meeting", "evaluation"], held_at=at(DAY), topic="2025年度组织生活会暨民主评议党员"
    )


def test_each_full_member_gets_a_grade_and_at_most_a_third_are_excellent():
    branch, members = branch_with_members(full=6, probationary=1)
    meeting = evaluation_meeting(branch)
    grades = {m.pk: "qualified" for m in members[:6]}
    grades[members[0].pk] = grades[members[1].pk] = "excellent"  # 2 of 6 = exactly 1/3
    services.evaluation_grades_set(meeting, grades=grades)
    assert EvaluationGrade.objects.filter(meeting=meeting, grade="excellent").count() == 2
    grades[members[2].pk] = "excellent"  # 3 of 6 > 1/3
    with pytest.raises(ValidationError, match="超过参评正式党员"):
        services.evaluation_grades_set(meeting, grades=grades)
    assert EvaluationGrade.objects.filter(meeting=meeting, grade="excellent").count() == 2  # unchanged


def test_probationary_members_take_part_without_a_grade():
    branch, members = branch_with_members(full=3, probationary=1)
    meeting = evaluation_meeting(branch)
    assert meeting.attendance.filter(member=members[3]).exists()  # attends
    with pytest.raises(ValidationError, match="预备党员，参加评议但不评定等次"):
        services.evaluation_grades_set(meeting, grades={members[3].pk: "qualified"})
    assert not EvaluationGrade.objects.exists()


def test_grades_only_for_members_of_the_branch_and_only_at_an_evaluation():
    branch, members = branch_with_members(full=3)
    meeting = evaluation_meeting(branch)
    stranger = MemberFactory(branch=BranchFactory())
    with pytest.raises(ValidationError, match="不是本支部党员"):
        services.evaluation_grades_set(meeting, grades={stranger.pk: "qualified"})
    other = MeetingFactory(branch=branch, kind="theme_day", day=DAY)
    with pytest.raises(ValidationError, match="只有民主评议党员会议"):
        services.evaluation_grades_set(other, grades={members[0].pk: "qualified"})


def test_ratio_of_excellent_is_a_setting(settings):
    settings.MEETINGS_EXCELLENT_MAX_RATIO = (1, 2)
    branch, members = branch_with_members(full=4)
    meeting = evaluation_meeting(branch)
    services.evaluation_grades_set(
        meeting, grades={m.pk: ("excellent" if i < 2 else "qualified") for i, m in enumerate(members)}
    )
    assert EvaluationGrade.objects.filter(grade="excellent").count() == 2


def test_talk_records_who_with_whom():
    branch, members = branch_with_members(full=3)
    talk = services.talk_record(
        branch=branch,
        date=dt.date(2025, 4, 1),
        talker_id=members[0].pk,
        talkee_id=members[1].pk,
        summary="了解思想动态",
    )
    assert (talk.talker, talk.talkee, talk.summary) == (members[0], members[1], "了解思想动态")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "不能是同一人"),
        ("stranger", "不是本支部党员"),
        ("future", "不能晚于今天"),
    ],
)
def test_bad_talks_are_refused(case, message):
    branch, members = branch_with_members(full=2)
    talkee, day = members[1], dt.date(2025, 4, 1)
    if case == "self":
        talkee = members[0]
    elif case == "stranger":
        talkee = MemberFactory(branch=BranchFactory())
    else:
        day = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match=message):
        services.talk_record(branch=branch, date=day, talker_id=members[0].pk, talkee_id=talkee.pk)
    assert not TalkRecord.objects.exists()


def test_member_reports_to_the_branch():
    branch, members = branch_with_members(full=2)
    report = services.member_report_record(
        branch=branch, member_id=members[1].pk, date=dt.date(2025, 6, 1), topic="思想工作学习情况汇报"
    )
    assert report.member == members[1]
    with pytest.raises(ValidationError, match="请填写汇报主题"):
        services.member_report_record(branch=branch, member_id=members[1].pk, date=dt.date(2025, 6, 1), topic="")
    assert MemberReport.objects.count() == 1


def test_an_evaluation_leaving_a_full_member_without_a_grade_is_flagged_incomplete():
    branch, members = branch_with_members(full=3, probationary=1)
    meeting = evaluation_meeting(branch)
    services.evaluation_grades_set(meeting, grades={m.pk: "qualified" for m in members[:2]})
    assert evaluation_ungraded(meeting) == [members[2]]  # the 预备党员 is not expected to have one
    services.evaluation_grades_set(meeting, grades={m.pk: "qualified" for m in members[:3]})
    assert evaluation_ungraded(meeting) == []
