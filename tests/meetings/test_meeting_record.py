"""Logging a meeting (SPEC §4) through the service: attendance, quorum,
kinds, study hours, resolutions, and bad input that changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branches.models import RoleTenure
from meetings import services
from meetings.models import Attachment, Attendance, Meeting, MeetingKind, Resolution
from meetings.services import AbsenceIn, ObserverIn, ResolutionIn
from members.models import Member
from tests.branches.factories import BranchFactory, PartyGroupFactory
from tests.meetings.factories import at, branch_with_members, committee_for
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 12)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def record(branch, kinds=("theme_day",), **kw):
    kw.setdefault("held_at", at(DAY))
    kw.setdefault("topic", "学习贯彻全会精神")
    return services.meeting_record(branch=branch, kinds=list(kinds), **kw)


def test_everyone_due_is_present_unless_ticked_absent():
    branch, members = branch_with_members(full=5, probationary=1)
    meeting = record(branch, absentees=[AbsenceIn(members[1].pk, "sick", "住院")])
    assert (meeting.expected_count, meeting.present_count, meeting.absent_count) == (6, 5, 1)
    absent = meeting.attendance.get(status=Attendance.Status.ABSENT)
    assert (absent.member, absent.absence_reason, absent.note) == (members[1], "sick", "住院")
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == 5
    assert meeting.date == DAY and timezone.is_aware(meeting.held_at)


def test_study_hours_are_credited_to_those_present_only():
    branch, members = branch_with_members(full=3)
    meeting = record(
        branch, kinds=["lecture"], lecturer_id=members[0].pk, absentees=[AbsenceIn(members[2].pk, "leave")]
    )
    assert meeting.study_hours == Decimal("2.0")  # default for a meeting with study content
    hours = dict(meeting.attendance.values_list("member_id", "study_hours"))
    assert hours == {members[0].pk: Decimal("2.0"), members[1].pk: Decimal("2.0"), members[2].pk: Decimal("0")}
    committee_meeting = record(branch, kinds=["branch_assembly"], study_hours=Decimal("1.5"))
    assert set(committee_meeting.attendance.values_list("study_hours", flat=True)) == {Decimal("1.5")}


def test_a_meeting_may_count_for_several_kinds():
    branch, _members = branch_with_members(full=3)
    meeting = record(branch, kinds=["theme_day", "branch_assembly"])
    assert meeting.kind == Meeting.Kind.BRANCH_ASSEMBLY  # the form of the meeting
    assert set(meeting.kinds.values_list("kind", flat=True)) == {"branch_assembly", "theme_day"}


def test_assembly_quorum_exactly_half_of_full_members_is_not_enough():
    branch, members = branch_with_members(full=4, probationary=2)
    full = members[:4]
    half = record(
        branch, kinds=["branch_assembly"], absentees=[AbsenceIn(full[0].pk, "leave"), AbsenceIn(full[1].pk, "official")]
    )
    assert half.quorum_met is False  # 2 of 4 正式党员: kept, and marked 未达法定人数
    assert (half.quorum_expected, half.quorum_present) == (4, 2)
    assert Meeting.objects.filter(pk=half.pk).exists()
    more = record(branch, kinds=["branch_assembly"], absentees=[AbsenceIn(full[0].pk, "leave")])
    assert more.quorum_met is True and (more.quorum_expected, more.quorum_present) == (4, 3)


def test_probationary_members_do_not_count_towards_the_assembly_quorum():
    branch, members = branch_with_members(full=2, probationary=3)
    meeting = record(branch, kinds=["branch_assembly"], absentees=[AbsenceIn(members[0].pk, "leave")])
    assert meeting.present_count == 4 and meeting.quorum_met is False  # 1 of 2 voting members


def test_a_member_is_voting_only_from_the_full_membership_date():
    branch, members = branch_with_members(full=3)
    Member.objects.filter(pk=members[0].pk).update(full_member_date=dt.date(2025, 6, 1))
    meeting = record(branch, kinds=["branch_assembly"])
    assert meeting.quorum_expected == 2  # on 2025-03-12 members[0] was still 预备党员
    assert not meeting.attendance.get(member=members[0]).is_voting


def test_committee_quorum_counts_the_committee_on_the_meeting_date():
    branch, members = branch_with_members(full=8)
    term = committee_for(branch, members[:5])
    RoleTenure.objects.filter(term=term, member=members[4]).update(end_date=dt.date(2025, 1, 31))
    # on DAY the committee is members[0..3]: 2 of 4 is exactly half
    half = record(
        branch, kinds=["committee"], absentees=[AbsenceIn(members[0].pk, "leave"), AbsenceIn(members[1].pk, "sick")]
    )
    assert (half.expected_count, half.quorum_expected, half.quorum_present, half.quorum_met) == (4, 4, 2, False)
    met = record(branch, kinds=["committee"], absentees=[AbsenceIn(members[0].pk, "leave")])
    assert met.quorum_met is True
    assert not met.attendance.filter(member=members[4]).exists()


def test_non_committee_members_sit_in_a_committee_meeting_as_observers():
    branch, members = branch_with_members(full=8)
    committee_for(branch, members[:3])
    with pytest.raises(ValidationError) as exc:
        record(branch, kinds=["committee"], present=[m.pk for m in members[:4]])
    assert "不是支委会委员" in str(exc.value)
    meeting = record(
        branch, kinds=["committee"], observers=[ObserverIn(member_id=members[5].pk), ObserverIn(name="上级党委联系人")]
    )
    assert meeting.observer_count == 2 and meeting.expected_count == 3
    assert set(meeting.attendance.filter(status="observer").values_list("name", flat=True)) == {
        members[5].name,
        "上级党委联系人",
    }


def test_group_meeting_roster_is_the_group():
    branch, members = branch_with_members(full=6)
    group = PartyGroupFactory(branch=branch)
    Member.objects.filter(pk__in=[m.pk for m in members[:3]]).update(party_group=group)
    meeting = record(branch, kinds=["group"], party_group_id=group.pk)
    assert meeting.party_group == group and meeting.expected_count == 3


def test_lecture_keeps_lecturer_and_title():
    branch, members = branch_with_members(full=3)
    meeting = record(branch, kinds=["lecture"], lecturer_id=members[0].pk, lecture_title="弘扬伟大建党精神")
    assert (meeting.lecturer, meeting.lecturer_name, meeting.lecture_title) == (
        members[0],
        members[0].name,
        "弘扬伟大建党精神",
    )
    outside = record(branch, kinds=["lecture"], lecturer_name="市委党校 刘教授")
    assert outside.lecturer is None and outside.lecture_title == outside.topic


def test_resolutions_keep_vote_counts_and_pass_with_more_than_half_of_those_due():
    branch, members = branch_with_members(full=5)
    meeting = record(
        branch,
        kinds=["branch_assembly"],
        resolutions=[
            ResolutionIn("同意接收张三为预备党员", votes_for=5),
            ResolutionIn("同意党费使用方案", votes_for=2, votes_against=2, votes_abstain=1),
        ],
    )
    first, second = meeting.resolutions.all()
    assert (first.votes_for, first.adopted) == (5, True)
    assert (second.votes_for, second.votes_against, second.votes_abstain, second.adopted) == (2, 2, 1, False)


def test_attachments_are_stored_with_type_and_size(settings):
    branch, _members = branch_with_members(full=2)
    meeting = record(
        branch,
        attachments=[
            SimpleUploadedFile("签到表.png", PNG),
            SimpleUploadedFile("现场.JPG", JPEG),
            SimpleUploadedFile("议程.pdf", PDF),
        ],
    )
    rows = {a.original_name: (a.content_type, a.size) for a in meeting.attachments.all()}
    assert rows == {
        "签到表.png": ("image/png", len(PNG)),
        "现场.JPG": ("image/jpeg", len(JPEG)),
        "议程.pdf": ("application/pdf", len(PDF)),
    }
    for a in meeting.attachments.all():
        assert a.file.path.startswith(str(settings.MEDIA_ROOT))


def _nothing_written(media_root):
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists() and not MeetingKind.objects.exists()
    assert not Resolution.objects.exists() and not Attachment.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def bad_inputs():
    """(name, builder, field, message part). Each builder returns service kwargs for a branch and members."""
    other = {}

    def elsewhere(branch, members):
        other["m"] = MemberFactory(branch=BranchFactory(), name="外支部党员")
        return {"absentees": [AbsenceIn(other["m"].pk, "leave")]}

    return [
        ("attendee not in the branch", elsewhere, "attendance", "不是本支部党员"),
        (
            "attendee of another branch marked present",
            lambda b, m: {"present": [*[x.pk for x in m], MemberFactory(branch=BranchFactory()).pk]},
            "attendance",
            "不是本支部党员",
        ),
        (
            "date in the future",
            lambda b, m: {"held_at": at(timezone.localdate() + dt.timedelta(days=1))},
            "held_at",
            "不能晚于今天",
        ),
        ("absent without reason", lambda b, m: {"absentees": [AbsenceIn(m[0].pk, "")]}, "attendance", "缺席原因"),
        ("group meeting without a group", lambda b, m: {"kinds": ["group"]}, "party_group", "须选择党小组"),
        (
            "non-member marked present as member",
            lambda b, m: {
                "present": [
                    *[x.pk for x in m],
                    MemberFactory(branch=b, status=Member.Status.ACTIVIST, full_member_date=None, join_date=None).pk,
                ]
            },
            "attendance",
            "不是党员",
        ),
        (
            "oversized attachment",
            lambda b, m: {"attachments": [SimpleUploadedFile("大.jpg", JPEG + b"\0" * 2048)]},
            "attachments",
            "超过",
        ),
        (
            "disallowed attachment type",
            lambda b, m: {"attachments": [SimpleUploadedFile("a.exe", b"MZ\x90")]},
            "attachments",
            "格式不允许",
        ),
        (
            "attachment whose content is not what its name says",
            lambda b, m: {"attachments": [SimpleUploadedFile("photo.jpg", b"<html>not an image</html>")]},
            "attachments",
            "内容与其格式不符",
        ),
        ("two roster kinds at once", lambda b, m: {"kinds": ["committee", "branch_assembly"]}, "kinds", "不能合并"),
        ("lecture without lecturer", lambda b, m: {"kinds": ["lecture"]}, "lecturer", "党课须填写主讲人"),
        ("no topic", lambda b, m: {"topic": "  "}, "topic", "请填写会议主题"),
        (
            "votes above those present",
            lambda b, m: {"kinds": ["branch_assembly"], "resolutions": [ResolutionIn("决议", votes_for=9)]},
            "resolutions",
            "超过实到",
        ),
    ]


@pytest.mark.parametrize(("name", "build", "field", "message"), bad_inputs(), ids=[b[0] for b in bad_inputs()])
def test_bad_input_gets_a_clear_chinese_error_and_changes_nothing(settings, name, build, field, message):
    settings.MEETINGS_ATTACHMENT_MAX_BYTES = 1024
    branch, members = branch_with_members(full=3)
    kwargs = {"kinds": ["theme_day"], "held_at": at(DAY), "topic": "主题", **build(branch, members)}
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(branch=branch, **kwargs)
    errors = exc.value.message_dict
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors
    _nothing_written(settings.MEDIA_ROOT)


def test_logging_takes_the_same_number_of_queries_for_5_or_40_members():
    def count(n):
        branch, members = branch_with_members(full=n)
        committee_for(branch, members[:3])
        with CaptureQueriesContext(connection) as ctx:
            record(
                branch,
                kinds=["branch_assembly", "theme_day"],
                absentees=[AbsenceIn(members[-1].pk, "leave")],
                resolutions=[ResolutionIn("决议", votes_for=2)],
            )
        return len(ctx.captured_queries)

    assert count(5) == count(40)
    assert count(5) <= 12


# The statements of a save, per form and for an edit, pinned exactly: the steps of
# `_prepare` read the roster, the committee (支委会), the 党小组 (党小组会) and the
# requirement table once each, whatever the roster size.
SAVE_QUERIES = {"branch_assembly": 12, "committee": 12, "group": 11, "lecture": 11, "edit": 24}


@pytest.mark.parametrize("n", [5, 40])
def test_each_form_and_an_edit_run_their_pinned_number_of_queries(n):
    branch, members = branch_with_members(full=n)
    committee_for(branch, members[:3])
    group = PartyGroupFactory(branch=branch)

    def count(save):
        with CaptureQueriesContext(connection) as ctx:
            save()
        return len(ctx.captured_queries)

    meeting = record(branch, kinds=["branch_assembly"])
    counts = {
        "branch_assembly": count(
            lambda: record(
                branch,
                kinds=["branch_assembly", "theme_day"],
                absentees=[AbsenceIn(members[-1].pk, "leave")],
                resolutions=[ResolutionIn("决议", votes_for=2)],
            )
        ),
        "committee": count(lambda: record(branch, kinds=["committee"])),
        "group": count(lambda: record(branch, kinds=["group"], party_group_id=group.pk)),
        "lecture": count(
            lambda: record(
                branch, kinds=["lecture"], lecturer_id=members[0].pk, host_id=members[1].pk,
                observers=[ObserverIn(name="列席人")],
            )
        ),
        "edit": count(
            lambda: services.meeting_update(
                meeting, kinds=["branch_assembly", "theme_day"], held_at=at(DAY), topic="新主题",
                absentees=[AbsenceIn(members[0].pk, "leave")], expected_version=1,
            )
        ),
    }
    assert counts == SAVE_QUERIES


def test_edit_rewrites_attendance_keeps_history_and_rejects_a_stale_version():
    branch, members = branch_with_members(full=4)
    meeting = record(branch, kinds=["branch_assembly"])
    assert meeting.version == 1
    updated = services.meeting_update(
        meeting,
        kinds=["branch_assembly", "theme_day"],
        held_at=at(DAY),
        topic="新主题",
        expected_version=1,
        absentees=[
            AbsenceIn(members[0].pk, "official"),
            AbsenceIn(members[1].pk, "sick"),
            AbsenceIn(members[2].pk, "leave"),
        ],
    )
    assert (updated.version, updated.topic, updated.present_count, updated.quorum_met) == (2, "新主题", 1, False)
    assert updated.attendance.filter(status="absent").count() == 3
    assert set(updated.kinds.values_list("kind", flat=True)) == {"branch_assembly", "theme_day"}
    assert [h.topic for h in updated.history.order_by("history_date")] == ["学习贯彻全会精神", "新主题"]
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.meeting_update(meeting, kinds=["theme_day"], held_at=at(DAY), topic="过期的编辑", expected_version=1)
    assert Meeting.objects.get(pk=meeting.pk).topic == "新主题"


def test_edit_keeps_a_member_who_has_left_the_branch_since():
    branch, members = branch_with_members(full=3)
    meeting = record(branch, kinds=["theme_day"])
    Member.objects.filter(pk=members[2].pk).update(status=Member.Status.TRANSFERRED_OUT)
    updated = services.meeting_update(
        meeting, kinds=["theme_day"], held_at=at(DAY), topic="补充记录", absentees=[AbsenceIn(members[2].pk, "other")]
    )
    assert updated.expected_count == 3 and updated.attendance.get(member=members[2]).status == "absent"


def test_meeting_date_is_the_shanghai_date_of_its_time():
    branch, _members = branch_with_members(full=2)
    late = dt.datetime(2025, 3, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 April in Shanghai
    assert record(branch, held_at=late).date == dt.date(2025, 4, 1)
