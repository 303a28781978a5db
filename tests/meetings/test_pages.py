"""The meeting pages: the phone-first logging form, list, detail with history,
edit, attachments served through the scoping selector, the calendar and the
overview of many branches."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import RoleAssignment
from meetings import services
from meetings.models import Attachment, Attendance, EvaluationGrade, Meeting, MemberReport, TalkRecord
from tests.branches.factories import CommitteeFactory
from tests.meetings.factories import MeetingFactory, at, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
DAY = dt.date(2025, 3, 12)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def branch_and_members():
    branch, members = branch_with_members(full=5, probationary=1)
    committee_for(branch, members[:3])
    return branch, members


def form_data(branch, **overrides):
    data = {
        "branch": branch.pk,
        "kinds": ["committee"],
        "date": DAY.isoformat(),
        "time": "09:30",
        "topic": "研究部署3月份党建工作",
        "attachment_kind": "photo",
        "res-TOTAL_FORMS": "0",
        "res-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_secretary_logs_a_meeting_with_one_absentee(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    client.force_login(secretary_of(branch))
    page = client.get(reverse("meeting_create"))  # their only branch is chosen for them
    assert page.status_code == 200
    assert "默认全部出席" in page.content.decode()
    response = client.post(
        reverse("meeting_create"),
        form_data(branch, absent=[str(members[1].pk)], **{f"reason_{members[1].pk}": "official"}),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meeting_detail", args=[meeting.pk])
    assert (meeting.kind, meeting.expected_count, meeting.present_count, meeting.quorum_met) == (
        "committee",
        3,
        2,
        True,
    )
    assert meeting.attendance.get(status=Attendance.Status.ABSENT).member == members[1]
    detail = client.get(response.url).content.decode()
    assert "研究部署3月份党建工作" in detail and "因公" in detail


def test_quorum_failure_is_shown_at_once(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    client.force_login(secretary_of(branch))
    absent = {f"reason_{m.pk}": "leave" for m in members[:3]}
    response = client.post(
        reverse("meeting_create"),
        form_data(branch, kinds=["branch_assembly"], absent=[str(m.pk) for m in members[:3]], **absent),
        follow=True,
    )
    html = response.content.decode()
    assert "未达法定人数" in html and Meeting.objects.get().quorum_met is False
    # the quorum counts 正式党员 only: say so next to the meeting's own 应到
    assert "有表决权的正式党员应到5人、实到2人" in html and "全体应到6人" in html
    detail = client.get(reverse("meeting_detail", args=[Meeting.objects.get().pk])).content.decode()
    assert "有表决权的正式党员应到 5 人、实到 2 人" in detail and "全体应到 6 人" in detail


def test_the_recorder_is_named_as_a_person_and_the_branch_filter_says_all(client, user_with_role, branch_and_members):
    branch, _ = branch_and_members
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, branch, username="sj9", first_name="董晶思"))
    response = client.post(reverse("meeting_create"), form_data(branch))
    detail = client.get(response.url).content.decode()
    assert "董晶思" in detail and "sj9" not in detail
    listing = client.get(reverse("meeting_list")).content.decode()
    assert "全部党支部" in listing and "---------" not in listing


def test_absent_without_reason_shows_the_error_and_saves_nothing(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    client.force_login(secretary_of(branch))
    response = client.post(reverse("meeting_create"), form_data(branch, absent=[str(members[0].pk)]))
    assert response.status_code == 400
    assert "须选择缺席原因" in response.content.decode()
    assert not Meeting.objects.exists()


def test_future_date_is_refused_on_the_page(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    client.force_login(secretary_of(branch))
    response = client.post(reverse("meeting_create"), form_data(branch, date="2999-01-01"))
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    assert not Meeting.objects.exists()


def test_no_logging_into_another_branch(client, secretary_of, user_with_role, branch_and_members):
    branch, _ = branch_and_members
    other, _ = branch_with_members(full=3)
    client.force_login(secretary_of(other))
    assert client.get(reverse("meeting_create"), {"branch": branch.pk}).status_code == 404
    assert client.post(reverse("meeting_create"), form_data(branch, kinds=["theme_day"])).status_code == 404
    inspector = user_with_role(Role.INSPECTOR, branch.parent)  # can see, cannot edit
    client.force_login(inspector)
    assert client.get(reverse("meeting_create"), {"branch": branch.pk}).status_code == 403
    assert client.post(reverse("meeting_create"), form_data(branch, kinds=["theme_day"])).status_code == 403
    assert not Meeting.objects.exists()


def test_list_and_detail_show_only_visible_branches(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    other, _ = branch_with_members(full=3)
    mine = MeetingFactory(branch=branch, topic="本支部会议", day=DAY)
    theirs = MeetingFactory(branch=other, topic="别的支部会议", day=DAY)
    client.force_login(secretary_of(branch))
    html = client.get(reverse("meeting_list")).content.decode()
    assert "本支部会议" in html and "别的支部会议" not in html
    assert client.get(reverse("meeting_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("meeting_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("meeting_edit", args=[theirs.pk])).status_code == 404


def test_list_filters_by_kind_and_dates(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    MeetingFactory(branch=branch, kind="committee", topic="三月支委会", day=DAY)
    MeetingFactory(branch=branch, kind="branch_assembly", also=["theme_day"], topic="四月大会", day=dt.date(2025, 4, 2))
    client.force_login(secretary_of(branch))
    html = client.get(reverse("meeting_list"), {"kind": "theme_day"}).content.decode()
    assert "四月大会" in html and "三月支委会" not in html
    html = client.get(reverse("meeting_list"), {"date_to": "2025-03-31"}).content.decode()
    assert "三月支委会" in html and "四月大会" not in html


def test_edit_keeps_history(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    meeting = services.meeting_record(branch=branch, kinds=["committee"], held_at=at(DAY), topic="旧主题")
    client.force_login(secretary_of(branch))
    page = client.get(reverse("meeting_edit", args=[meeting.pk]))
    assert page.status_code == 200 and "旧主题" in page.content.decode()
    response = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        form_data(
            branch, topic="新主题", version="1", absent=[str(members[2].pk)], **{f"reason_{members[2].pk}": "sick"}
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.version, meeting.absent_count) == ("新主题", 2, 1)
    html = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "修改记录" in html and "旧主题" in html and "新主题" in html
    stale = client.post(reverse("meeting_edit", args=[meeting.pk]), form_data(branch, topic="过期", version="1"))
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()


def test_attachments_are_served_only_to_users_who_may_see_the_branch(
    client, secretary_of, user_with_role, branch_and_members
):
    branch, _ = branch_and_members
    meeting = MeetingFactory(branch=branch, day=DAY)
    client.force_login(secretary_of(branch))
    response = client.post(
        reverse("meeting_attachment_upload", args=[meeting.pk]),
        {"file": SimpleUploadedFile("签到表.png", PNG), "kind": "sign_in"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    url = reverse("meeting_attachment", args=[attachment.pk])
    html = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert url in html and "/media/" not in html
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG

    client.force_login(secretary_of(branch_with_members(full=3)[0]))
    assert client.get(url).status_code == 404
    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, branch.parent))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_bad_attachment_is_refused_on_the_page(client, secretary_of, branch_and_members, settings):
    settings.MEETINGS_ATTACHMENT_MAX_BYTES = 32
    branch, _ = branch_and_members
    meeting = MeetingFactory(branch=branch, day=DAY)
    client.force_login(secretary_of(branch))
    response = client.post(
        reverse("meeting_attachment_upload", args=[meeting.pk]),
        {"file": SimpleUploadedFile("大.png", PNG), "kind": "photo"},
        follow=True,
    )
    assert "超过" in response.content.decode() and not Attachment.objects.exists()


def test_calendar_cells_are_coloured_and_link_to_their_meetings(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    march = MeetingFactory(branch=branch, kind="committee", day=DAY, quorum_met=True)
    client.force_login(secretary_of(branch))
    html = client.get(reverse("meeting_calendar", args=[branch.pk, 2025])).content.decode()
    cell = re.search(r'<tr data-code="committee">(.*?)</tr>', html, re.S).group(1)
    march_cell = re.search(r'<td[^>]*data-period="2025-03"[^>]*>(.*?)</td>', cell, re.S)
    assert 'data-status="held"' in march_cell.group(0)
    assert reverse("meeting_detail", args=[march.pk]) in march_cell.group(1)
    feb_cell = re.search(r'<td[^>]*data-period="2025-02"[^>]*>(.*?)</td>', cell, re.S)
    assert 'data-status="missing"' in feb_cell.group(0)
    assert f"{reverse('meeting_create')}?branch={branch.pk}&amp;kind=committee" in feb_cell.group(1)


def test_calendar_of_another_branch_is_not_found(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    client.force_login(secretary_of(branch_with_members(full=3)[0]))
    assert client.get(reverse("meeting_calendar", args=[branch.pk, 2025])).status_code == 404


def test_calendar_home_leads_a_secretary_to_their_branch(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    client.force_login(secretary_of(branch))
    response = client.get(reverse("meeting_calendar_home"), {"year": 2025})
    assert response.url == reverse("meeting_calendar", args=[branch.pk, 2025])


def test_overview_of_5_and_50_branches_takes_the_same_number_of_queries(client, user_with_role):
    def queries(n):
        committee = CommitteeFactory()
        for i in range(n):
            branch, members = branch_with_members(full=3, parent=committee)
            if i % 3 == 0:
                committee_for(branch, members)
            MeetingFactory(branch=branch, kind="theme_day", day=DAY)
        client.force_login(user_with_role(Role.COMMITTEE_ADMIN, committee))
        url = reverse("meeting_overview", args=[committee.pk, 2025])
        client.get(url)  # warm up (session, content types)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("<tr data-branch=") == n
        return len(ctx.captured_queries)

    assert queries(5) == queries(50)


def test_calendar_query_count_does_not_grow_with_meetings(client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    client.force_login(secretary_of(branch))
    url = reverse("meeting_calendar", args=[branch.pk, 2025])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first view fills what is cached under the org tree's token (scope, requirement table)
    before = queries()
    for month in range(1, 13):
        MeetingFactory(branch=branch, kind="committee", also=["theme_day"], day=dt.date(2025, month, 5))
    assert queries() == before


def test_grades_page_refuses_too_many_excellent(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    meeting = services.meeting_record(
        branch=branch, kinds=["life_meeting", "evaluation"], held_at=at(dt.date(2025, 12, 20)), topic="组织生活会"
    )
    client.force_login(secretary_of(branch))
    page = client.get(reverse("meeting_grades", args=[meeting.pk])).content.decode()
    assert "预备党员：参加评议，不评定等次" in page
    data = {f"grade_{m.pk}": "excellent" for m in members[:2]} | {f"grade_{m.pk}": "qualified" for m in members[2:5]}
    response = client.post(reverse("meeting_grades", args=[meeting.pk]), data)
    assert response.status_code == 400 and "超过参评正式党员" in response.content.decode()
    data[f"grade_{members[1].pk}"] = "qualified"
    assert client.post(reverse("meeting_grades", args=[meeting.pk]), data).status_code == 302
    assert EvaluationGrade.objects.filter(meeting=meeting).count() == 5


def test_talks_and_reports_are_logged_on_their_pages(client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    client.force_login(secretary_of(branch))
    response = client.post(
        reverse("meeting_talk_create"),
        {
            "branch": branch.pk,
            "date": "2025-05-06",
            "talker": members[0].pk,
            "talkee": members[4].pk,
            "summary": "谈心",
        },
    )
    assert response.status_code == 302 and TalkRecord.objects.get().talkee == members[4]
    response = client.post(
        reverse("meeting_report_create"),
        {"branch": branch.pk, "date": "2025-05-06", "member": members[4].pk, "topic": "年度思想汇报"},
    )
    assert response.status_code == 302 and MemberReport.objects.get().member == members[4]
    assert "年度思想汇报" in client.get(reverse("meeting_reports")).content.decode()
    bad = client.post(
        reverse("meeting_talk_create"),
        {"branch": branch.pk, "date": "2025-05-06", "talker": members[0].pk, "talkee": members[0].pk},
    )
    assert bad.status_code == 400 and "不能是同一人" in bad.content.decode()


def test_logging_form_takes_the_same_number_of_queries_for_5_or_30_members(client, secretary_of):
    def count(n):
        branch, members = branch_with_members(full=n)
        # no 书记 on the committee: the form must not look for one member by member
        committee_for(branch, members[:3], roles=["organization", "propaganda", "discipline"])
        client.force_login(secretary_of(branch))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("meeting_create"), {"branch": branch.pk}).status_code == 200
        return len(queries)

    assert count(5) == count(30)


def _roles_on_the_form(html: str) -> dict[str, str]:
    """member pk -> the role badge beside their name in the attendance list."""
    rows = re.findall(r'data-member="(\d+)".*?</li>', html, flags=re.S)
    out = {}
    for pk in rows:
        row = re.search(rf'data-member="{pk}".*?</li>', html, flags=re.S).group(0)
        badge = re.search(r'<span class="badge[^"]*">([^<]+)</span>', row)
        out[pk] = badge.group(1) if badge else ""
    return out


def test_the_meeting_form_shows_the_roles_in_office_on_the_meetings_date(client, secretary_of):
    """[P13] 1: a tenure of the previous term must not win over the current one."""
    from branches.models import RoleTenure

    branch, members = branch_with_members(full=4)
    a, b, c = members[:3]
    old = committee_for(branch, [a, b, c], start=dt.date(2019, 1, 1),
                        roles=[RoleTenure.Role.SECRETARY, RoleTenure.Role.YOUTH, RoleTenure.Role.ORGANIZATION])
    RoleTenure.objects.filter(term=old).update(end_date=dt.date(2023, 12, 31))
    old.actual_end_date = dt.date(2023, 12, 31)
    old.save()
    committee_for(branch, [b, a], start=dt.date(2024, 1, 1),
                  roles=[RoleTenure.Role.SECRETARY, RoleTenure.Role.ORGANIZATION])
    client.force_login(secretary_of(branch))

    new_form = _roles_on_the_form(client.get(reverse("meeting_create") + f"?branch={branch.pk}").content.decode())
    assert (new_form[str(a.pk)], new_form[str(b.pk)], new_form[str(c.pk)]) == ("组织委员", "书记", "")

    earlier = MeetingFactory(branch=branch, day=dt.date(2023, 6, 1))
    edit_form = _roles_on_the_form(client.get(reverse("meeting_edit", args=[earlier.pk])).content.decode())
    assert (edit_form[str(a.pk)], edit_form[str(b.pk)], edit_form[str(c.pk)]) == ("书记", "青年委员", "组织委员")


def test_who_must_attend_is_decided_on_the_server_for_the_date_asked(client, secretary_of, user_with_role):
    """The logging form's script applies these lists; it holds no rule of its own (P11)."""
    branch, members = branch_with_members(full=4)
    committee_for(branch, members[:2], start=dt.date(2024, 1, 1))
    late = members[3]
    late.join_date = dt.date(2025, 6, 1)
    late.save()
    client.force_login(secretary_of(branch))
    url = reverse("meeting_due")

    before = client.get(url, {"branch": branch.pk, "date": "2023-12-31"}).json()
    after = client.get(url, {"branch": branch.pk, "date": "2025-06-01"}).json()

    assert before["committee"] == [] and late.pk not in before["all"]
    assert sorted(after["committee"]) == sorted(m.pk for m in members[:2]) and late.pk in after["all"]
    assert client.get(url, {"branch": branch.pk, "date": "nonsense"}).status_code == 400
    page = client.get(reverse("meeting_create") + f"?branch={branch.pk}").content.decode()
    assert "data-due=" in page and "data-committee=" not in page

    outsider = user_with_role(RoleAssignment.Role.BRANCH_SECRETARY, CommitteeFactory())
    client.force_login(outsider)
    assert client.get(url, {"branch": branch.pk, "date": "2025-06-01"}).status_code == 404
