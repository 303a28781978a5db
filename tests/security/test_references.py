"""References to other objects (member ids in request bodies, an ID number on
a letter from outside) resolve only within the actor's scope, and every miss
gets the same answer, naming nobody (issue P12, items 3 and 4)."""

import datetime as dt
from decimal import Decimal

import pytest

from branches.models import RoleAssignment
from meetings.models import Attendance, Meeting
from members.selectors import study_hours
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db

UNIFORM = "未找到该党员，或不在您的管理范围内。"
STRANGER = "宋敏丹"


@pytest.fixture
def setting():
    """Branch 甲 (our secretary's) and a member of a branch under another committee."""
    branch, members = branch_with_members(full=4)
    committee_for(branch, members[:2])
    stranger = MemberFactory(branch=BranchFactory(parent=CommitteeFactory()), name=STRANGER)
    return branch, members, stranger


def refused_without_name(response, field=None):
    assert response.status_code in (400, 404), response.content
    body = response.content.decode()
    assert STRANGER not in body, body
    if field is not None:
        assert UNIFORM in response.json()["errors"][field], body


def test_talks_and_member_reports(api_client, secretary_of, setting):
    branch, members, stranger = setting
    api_client.force_login(secretary_of(branch))
    talk = {"branch": branch.pk, "date": "2025-04-01", "talker": members[0].pk, "talkee": stranger.pk}
    refused_without_name(api_client.post("/api/v1/talks/", talk, format="json"), "talkee")
    report = {"branch": branch.pk, "member": stranger.pk, "date": "2025-04-01", "topic": "思想汇报"}
    refused_without_name(api_client.post("/api/v1/member-reports/", report, format="json"), "member")
    # an id that exists nowhere gets the very same words
    missing = {**talk, "talkee": stranger.pk + 1000}
    refused_without_name(api_client.post("/api/v1/talks/", missing, format="json"), "talkee")


def test_meeting_absentees_observers_and_grades(api_client, secretary_of, setting):
    branch, members, stranger = setting
    api_client.force_login(secretary_of(branch))
    base = {"branch": branch.pk, "kinds": ["branch_assembly"], "held_at": "2025-04-08T14:30:00+08:00", "topic": "学习"}
    absent = {**base, "absentees": [{"member": stranger.pk, "reason": "leave"}]}
    refused_without_name(api_client.post("/api/v1/meetings/", absent, format="json"), "attendance")
    observer = {**base, "observers": [{"member": stranger.pk}]}
    refused_without_name(api_client.post("/api/v1/meetings/", observer, format="json"), "observers")
    assert not Meeting.objects.exists()

    evaluation = MeetingFactory(branch=branch, kind="evaluation", day=dt.date(2025, 3, 1))
    grades = {"grades": [{"member": stranger.pk, "grade": "qualified"}]}
    response = api_client.put(f"/api/v1/meetings/{evaluation.pk}/grades/", grades, format="json")
    refused_without_name(response, "grades")


def test_archive_book_for_a_stranger(api_client, secretary_of, setting):
    branch, _members, stranger = setting
    api_client.force_login(secretary_of(branch))
    book = {"branch": branch.pk, "book_kind": "study_notes", "year": 2025, "member": stranger.pk}
    refused_without_name(api_client.post("/api/v1/archive-books/", book, format="json"), "member")


def test_register_in_with_someone_elses_id_number(api_client, secretary_of, setting):
    branch, _members, _stranger = setting
    number = make_id_number(dt.date(1990, 2, 3), 7)
    holder = MemberFactory(branch=BranchFactory(parent=CommitteeFactory()), name=STRANGER, id_number=number)
    api_client.force_login(secretary_of(branch))
    letter = {
        "to_branch": branch.pk,
        "serial_no": "12",
        "from_org": "外单位党委",
        "issued_on": "2025-01-01",
        "party_status": "full",
        "name": "某某",
        "gender": "M",
        "birth_date": "1990-02-03",
        "join_date": "2015-06-01",
        "full_member_date": "2016-06-01",
        "id_number": number,
    }
    response = api_client.post("/api/v1/transfers/register-in/", letter, format="json")
    refused_without_name(response)
    body = response.content.decode()
    assert holder.branch.name not in body and str(holder.get_status_display()) not in body


def test_observer_from_a_visible_branch_is_recorded_but_earns_no_hours(api_client, user_with_role):
    """SPEC §3: 学时 come from the meetings one attends as a member of the branch.
    A committee officer may list a member of a sibling branch as 列席; the row is
    kept (the minutes show who sat in) but credits that member nothing."""
    committee = CommitteeFactory()
    branch, _members = branch_with_members(full=3, parent=committee)
    sibling, (guest, *_rest) = branch_with_members(full=1, parent=committee)
    api_client.force_login(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, committee))
    before = {r.member_id: r.meetings for r in study_hours([sibling.pk], 2025, on=dt.date(2025, 12, 31))[sibling.pk]}
    payload = {
        "branch": branch.pk,
        "kinds": ["branch_assembly", "lecture"],
        "lecturer_name": "外请专家",
        "held_at": "2025-04-08T14:30:00+08:00",
        "topic": "党课",
        "study_hours": "24",
        "observers": [{"member": guest.pk}],
    }
    response = api_client.post("/api/v1/meetings/", payload, format="json")
    assert response.status_code == 201, response.json()
    row = Attendance.objects.get(member=guest)
    assert row.status == Attendance.Status.OBSERVER and row.study_hours == 0
    after = {r.member_id: r.meetings for r in study_hours([sibling.pk], 2025, on=dt.date(2025, 12, 31))[sibling.pk]}
    assert after[guest.pk] == before[guest.pk] == Decimal("0")
    # and a row written before this rule (hours stored on a foreign 列席 row) is not summed
    row.study_hours = Decimal("24")
    row.save()
    after = {r.member_id: r.meetings for r in study_hours([sibling.pk], 2025, on=dt.date(2025, 12, 31))[sibling.pk]}
    assert after[guest.pk] == Decimal("0")
