"""/api/v1/ meetings (with attendance), compliance, talks and reports."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import RoleAssignment
from meetings.models import Attachment, Meeting, TalkRecord
from tests.branches.factories import CommitteeFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
URL = "/api/v1/meetings/"


@pytest.fixture
def branch_and_members():
    branch, members = branch_with_members(full=5, probationary=1)
    committee_for(branch, members[:3])
    return branch, members


def payload(branch, **kw):
    data = {
        "branch": branch.pk,
        "kinds": ["branch_assembly", "theme_day"],
        "held_at": "2025-04-08T14:30:00+08:00",
        "topic": "传达学习上级会议精神",
    }
    data.update(kw)
    return data


def test_create_a_meeting_with_attendance(api_client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.post(
        URL,
        payload(
            branch,
            absentees=[{"member": members[4].pk, "reason": "sick"}],
            observers=[{"name": "入党积极分子李四"}],
            resolutions=[{"text": "同意推荐入党积极分子", "votes_for": 4}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kinds"] == ["branch_assembly", "theme_day"] and body["date"] == "2025-04-08"
    assert (body["expected_count"], body["present_count"], body["absent_count"], body["observer_count"]) == (6, 5, 1, 1)
    assert body["quorum_met"] is True and body["quorum_expected"] == 5
    statuses = {(a["member"], a["status"], a["absence_reason"]) for a in body["attendance"]}
    assert (members[4].pk, "absent", "sick") in statuses and (None, "observer", "") in statuses
    assert body["resolutions"][0]["adopted"] is True


def test_explicit_present_list(api_client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.post(
        URL,
        payload(
            branch,
            kinds=["committee"],
            present=[members[0].pk, members[1].pk],
            absentees=[{"member": members[2].pk, "reason": "leave"}],
        ),
        format="json",
    )
    assert response.status_code == 201 and response.json()["present_count"] == 2
    missing_one = api_client.post(URL, payload(branch, kinds=["committee"], present=[members[0].pk]), format="json")
    assert missing_one.status_code == 400
    assert "未登记出席情况" in missing_one.json()["errors"]["attendance"][0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"absentees": [{"member": "M0", "reason": ""}]}, "attendance", "须选择缺席原因"),
        ({"held_at": "2999-01-01T09:00:00+08:00"}, "held_at", "不能晚于今天"),
        ({"kinds": ["group"]}, "party_group", "须选择党小组"),
        ({"kinds": []}, "kinds", "请选择会议类型"),
    ],
)
def test_bad_input_is_a_chinese_field_error_and_changes_nothing(
    api_client, secretary_of, branch_and_members, change, field, message
):
    branch, members = branch_and_members
    if "absentees" in change:
        change = {"absentees": [{"member": members[0].pk, "reason": ""}]}
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.post(URL, payload(branch, **change), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and any(message in m for m in body["errors"][field]), body
    assert not Meeting.objects.exists()


def test_attendee_of_another_branch_is_refused(api_client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    _other, strangers = branch_with_members(full=1)
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.post(
        URL, payload(branch, absentees=[{"member": strangers[0].pk, "reason": "leave"}]), format="json"
    )
    # out of the secretary's scope: the uniform answer, which names nobody
    assert response.json()["errors"]["attendance"] == ["未找到该党员，或不在您的管理范围内。"]
    assert response.status_code == 400 and strangers[0].name not in response.content.decode()


def test_no_logging_into_another_branch_via_the_api(api_client, secretary_of, user_with_role, branch_and_members):
    branch, _ = branch_and_members
    other, _ = branch_with_members(full=3)
    api_client.force_authenticate(secretary_of(other))
    assert api_client.post(URL, payload(branch), format="json").status_code == 404
    api_client.force_authenticate(user_with_role(Role.INSPECTOR, branch.parent))
    assert api_client.post(URL, payload(branch), format="json").status_code == 403
    assert not Meeting.objects.exists()


def test_list_is_scoped_and_filtered_by_branch_kind_and_date(api_client, user_with_role):
    committee = CommitteeFactory()
    a, _ = branch_with_members(full=2, parent=committee)
    b, _ = branch_with_members(full=2, parent=committee)
    outside, _ = branch_with_members(full=2)
    MeetingFactory(branch=a, kind="committee", day=dt.date(2025, 1, 5))
    MeetingFactory(branch=a, kind="branch_assembly", also=["theme_day"], day=dt.date(2025, 4, 5))
    MeetingFactory(branch=b, kind="theme_day", day=dt.date(2025, 6, 5))
    MeetingFactory(branch=outside, kind="theme_day", day=dt.date(2025, 6, 5))
    api_client.force_authenticate(user_with_role(Role.COMMITTEE_ADMIN, committee))

    def ids(**params):
        return {(m["branch"], m["date"]) for m in api_client.get(URL, params).json()["results"]}

    assert len(ids()) == 3
    assert ids(branch=a.pk) == {(a.pk, "2025-01-05"), (a.pk, "2025-04-05")}
    assert ids(kind="theme_day") == {(a.pk, "2025-04-05"), (b.pk, "2025-06-05")}
    assert ids(date_after="2025-04-01", date_before="2025-04-30") == {(a.pk, "2025-04-05")}
    assert ids(year=2024) == set()


def test_list_query_count_does_not_grow(api_client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    api_client.force_authenticate(secretary_of(branch))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    MeetingFactory(branch=branch, day=dt.date(2025, 1, 1))
    queries()  # warm up
    before = queries()
    for month in range(2, 12):
        MeetingFactory(branch=branch, also=["lecture"], day=dt.date(2025, month, 1))
    assert queries() == before


def test_detail_of_another_branch_is_not_found(api_client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    theirs = MeetingFactory(branch=branch_with_members(full=1)[0], day=dt.date(2025, 1, 1))
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404 and response.json()["detail"]


def test_update_with_version(api_client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    created = api_client.post(URL, payload(branch), format="json").json()
    url = f"{URL}{created['id']}/"
    changed = api_client.put(url, payload(branch, topic="修改后的主题", version=created["version"]), format="json")
    assert changed.status_code == 200 and changed.json()["topic"] == "修改后的主题"
    stale = api_client.put(url, payload(branch, topic="过期", version=created["version"]), format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]


def test_attachment_upload_via_the_api(api_client, secretary_of, branch_and_members, settings):
    branch, _ = branch_and_members
    meeting = MeetingFactory(branch=branch, day=dt.date(2025, 1, 1))
    api_client.force_authenticate(secretary_of(branch))
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    response = api_client.post(
        f"{URL}{meeting.pk}/attachments/",
        {"file": SimpleUploadedFile("a.png", png), "kind": "photo"},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["url"].endswith(
        f"/meetings/attachments/{Attachment.objects.get().pk}/"
    )
    settings.MEETINGS_ATTACHMENT_MAX_BYTES = 50
    too_big = api_client.post(
        f"{URL}{meeting.pk}/attachments/",
        {"file": SimpleUploadedFile("b.png", png), "kind": "photo"},
        format="multipart",
    )
    assert too_big.status_code == 400 and "超过" in too_big.json()["errors"]["file"][0]
    assert Attachment.objects.count() == 1


def test_grades_via_the_api(api_client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    created = api_client.post(URL, payload(branch, kinds=["life_meeting", "evaluation"]), format="json").json()
    grades = [{"member": m.pk, "grade": "excellent" if i < 2 else "qualified"} for i, m in enumerate(members[:5])]
    too_many = api_client.put(f"{URL}{created['id']}/grades/", {"grades": grades}, format="json")
    assert too_many.status_code == 400
    grades[1]["grade"] = "qualified"
    assert api_client.put(f"{URL}{created['id']}/grades/", {"grades": grades}, format="json").status_code == 200


def test_compliance_per_branch_and_year(api_client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    march = MeetingFactory(branch=branch, kind="committee", day=dt.date(2025, 3, 3), quorum_met=True)
    api_client.force_authenticate(secretary_of(branch))
    body = api_client.get(f"/api/v1/compliance/{branch.pk}/", {"year": 2025}).json()
    assert body["branch"] == branch.pk and body["year"] == 2025
    (committee,) = [r for r in body["requirements"] if r["code"] == "committee"]
    cells = {p["key"]: p for p in committee["periods"]}
    assert cells["2025-03"]["status"] == "held" and cells["2025-03"]["meetings"] == [march.pk]
    assert cells["2025-02"]["status"] == "missing"
    assert body["summary"]["held"] >= 1
    other, _ = branch_with_members(full=1)
    assert api_client.get(f"/api/v1/compliance/{other.pk}/", {"year": 2025}).status_code == 404
    assert api_client.get(f"/api/v1/compliance/{branch.pk}/", {"year": "abc"}).status_code == 400


def test_compliance_list_for_many_branches_in_fixed_queries(api_client, user_with_role):
    def run(n):
        committee = CommitteeFactory()
        for _ in range(n):
            branch, _ = branch_with_members(full=2, parent=committee)
            MeetingFactory(branch=branch, day=dt.date(2025, 5, 5))
        api_client.force_authenticate(user_with_role(Role.COMMITTEE_ADMIN, committee))
        with CaptureQueriesContext(connection) as ctx:
            body = api_client.get("/api/v1/compliance/", {"year": 2025, "within": committee.pk}).json()
        assert body["count"] == n
        return len(ctx.captured_queries)

    assert run(3) == run(30)


def test_talks_and_reports_via_the_api(api_client, secretary_of, branch_and_members):
    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    talk = api_client.post(
        "/api/v1/talks/",
        {"branch": branch.pk, "date": "2025-05-01", "talker": members[0].pk, "talkee": members[3].pk},
        format="json",
    )
    assert talk.status_code == 201 and TalkRecord.objects.get().talkee == members[3]
    report = api_client.post(
        "/api/v1/member-reports/",
        {"branch": branch.pk, "date": "2025-05-01", "member": members[3].pk, "topic": "思想汇报"},
        format="json",
    )
    assert report.status_code == 201
    assert api_client.get("/api/v1/talks/", {"branch": branch.pk}).json()["count"] == 1
    other, _ = branch_with_members(full=2)
    assert (
        api_client.post(
            "/api/v1/talks/", {"branch": other.pk, "date": "2025-05-01", "talker": 1, "talkee": 2}, format="json"
        ).status_code
        == 404
    )


def test_requirement_table_is_readable(api_client, secretary_of, branch_and_members):
    branch, _ = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    codes = {r["code"] for r in api_client.get("/api/v1/meeting-requirements/").json()}
    assert {"branch_assembly", "committee", "talk", "member_report"} <= codes


# what one save through the API costs, whatever the branch size (issue P15):
# token + user, the org tree's token (branches/rule_token.py), scope (grants
# and own member record), branch, roster, requirement table, the meeting and
# its history row, its kinds and their history rows, the attendance rows in
# bulk, the catalogue (opened or locked, numbers reserved) and the archive
# entries — 13 statements — plus the SAVEPOINT/RELEASE pair the test's own
# transaction turns the service's transaction into. The response is built from
# the rows just written. Saved again, the scope and the requirement table come
# from the cache under the org tree's token: two fewer.
LOG_MEETING_QUERIES = 15
LOG_MEETING_QUERIES_WARM = 13


def test_logging_a_meeting_through_the_api_runs_a_pinned_number_of_queries(client, secretary_of):
    from rest_framework.authtoken.models import Token

    def log(n: int) -> tuple[int, int]:
        branch, members = branch_with_members(full=n)
        committee_for(branch, members[:3])
        token = Token.objects.create(user=secretary_of(branch))
        counts = []
        for held_at in ("2025-04-08T14:30:00+08:00", "2025-05-08T14:30:00+08:00"):
            body = payload(branch, held_at=held_at, absentees=[{"member": members[-1].pk, "reason": "leave"}])
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(
                    URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
                )
            assert response.status_code == 201, response.json()
            assert response.json()["present_count"] == n - 1 and len(response.json()["attendance"]) == n
            counts.append(len(ctx.captured_queries))
        return tuple(counts)

    pinned = (LOG_MEETING_QUERIES, LOG_MEETING_QUERIES_WARM)
    assert (log(10), log(60)) == (pinned, pinned)


def test_prebuilt_output_fields_answer_as_drf_builds_them(api_client, secretary_of, branch_and_members):
    """The meeting answer's fields are built once per class (config.api.PrebuiltFields):
    what it serialises is what DRF's own per-instance fields give, and the attachment
    URL follows the request of the serializer that answers, not the first one."""
    from unittest import mock

    from rest_framework.test import APIRequestFactory

    from config.api import PrebuiltFields
    from meetings import selectors
    from meetings.serializers import MeetingDetailSerializer

    branch, members = branch_and_members
    api_client.force_authenticate(secretary_of(branch))
    body = payload(
        branch,
        kinds=["life_meeting", "evaluation"],
        absentees=[{"member": members[4].pk, "reason": "sick", "note": "住院"}],
        observers=[{"name": "入党积极分子李四"}],
        resolutions=[{"text": "同意推荐入党积极分子", "votes_for": 4}],
    )
    created = api_client.post(URL, body, format="json").json()
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    api_client.post(
        f"{URL}{created['id']}/attachments/", {"file": SimpleUploadedFile("a.png", png)}, format="multipart"
    )
    grades = [{"member": m.pk, "grade": "qualified"} for m in members[:5]]
    assert api_client.put(f"{URL}{created['id']}/grades/", {"grades": grades}, format="json").status_code == 200
    meeting = selectors.meeting_detail(Meeting.objects.all()).get(pk=created["id"])

    def answer(host):
        request = APIRequestFactory().get("/", HTTP_HOST=host)
        return MeetingDetailSerializer(meeting, context={"request": request}).data

    first, second = answer("127.0.0.1"), answer("localhost")
    with mock.patch.object(PrebuiltFields, "get_fields", lambda self: super(PrebuiltFields, self).get_fields()):
        built_by_drf = answer("localhost")
    assert second == built_by_drf
    assert len(second["attendance"]) == 7 and second["resolutions"] and second["grades"]
    assert first["attachments"][0]["url"].startswith("http://127.0.0.1/")
    assert second["attachments"][0]["url"].startswith("http://localhost/")


def test_prebuilt_input_fields_validate_each_request_on_its_own():
    """The input serializer's prebuilt fields (nested lists included) keep no state
    from one request to the next: a bad body's errors do not reach a good one."""
    from meetings.serializers import MeetingInputSerializer

    good = {
        "branch": 1,
        "kinds": ["branch_assembly"],
        "held_at": "2025-04-08T14:30:00+08:00",
        "topic": "学习",
        "absentees": [{"member": 3, "reason": "leave"}],
    }
    bad = {**good, "kinds": ["no_such_kind"], "absentees": [{"member": "x"}], "resolutions": [{"votes_for": -1}]}
    first = MeetingInputSerializer(data=bad)
    assert not first.is_valid()
    assert set(first.errors) == {"kinds", "absentees", "resolutions"}
    second = MeetingInputSerializer(data=good)
    assert second.is_valid(), second.errors
    assert second.validated_data["absentees"] == [{"member": 3, "reason": "leave", "note": ""}]
    again = MeetingInputSerializer(data=bad)
    assert not again.is_valid() and again.errors == first.errors
