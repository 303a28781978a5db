"""Concurrent edits never silently overwrite each other (SPEC §10; issue P12
item 5). For every record editable through the API: two writers read the
same version; the first wins, the second gets 409 with a Chinese message and
changes nothing; an update that names no version is refused (428); the
member edit page keeps the loser's input and says why."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection

from archives.models import Document
from config.concurrency import StaleEdit
from members.models import Member
from members.services import development_step_record, dues_month_record, member_update, training_record
from tests.branches.factories import PartyGroupFactory
from tests.meetings.factories import branch_with_members
from tests.members.factories import MemberFactory

STALE = "已被他人修改"


@dataclass
class Case:
    """url(obj), two conflicting bodies, and the field whose stored value shows who won."""

    make: Callable
    path: str
    first: dict
    second: dict
    field: str
    method: str = "patch"


def meeting_body(branch, topic):
    return {"branch": branch.pk, "kinds": ["branch_assembly"], "held_at": "2025-04-08T14:30:00+08:00", "topic": topic}


def make_meeting(tree):  # noqa: F811
    branch, _members = branch_with_members(full=3, parent=tree.committee)
    from meetings.services import meeting_record

    meeting = meeting_record(branch=branch, kinds=["branch_assembly"], held_at=date(2025, 4, 8), topic="原主题")
    return meeting


def make_document(tree, client):  # noqa: F811
    body = {"branch": tree.a.pk, "year": 2025, "doc_kind": "mass_visits", "title": "原标题", "date": "2025-01-20"}
    response = client.post("/api/v1/archive-documents/", body, format="json")
    assert response.status_code == 201, response.content
    return Document.objects.get(pk=response.json()["id"])


def applicant(tree):  # noqa: F811
    person = MemberFactory(
        branch=tree.a,
        status=Member.Status.APPLICANT,
        join_date=None,
        full_member_date=None,
        application_date=None,
        birth_date=date(2000, 1, 1),
    )
    return development_step_record(member=person, step=1, date=date(2024, 1, 1), document="入党申请书")


CASES = {
    "member": Case(lambda t, c: MemberFactory(branch=t.a), "members", {"phone": "13900000001"},
                   {"phone": "13900000002"}, "phone"),
    # different fields: the second must not write back a stale copy of the first's field
    "dues": Case(lambda t, c: dues_month_record(member=MemberFactory(branch=t.a), month=date(2025, 3, 1),
                                                base_pay="4000"),
                 "dues", {"note": "甲改备注"}, {"receipt_no": "乙收据"}, "note"),
    "party-group": Case(lambda t, c: PartyGroupFactory(branch=t.a, name="第一党小组"), "party-groups",
                        {"name": "甲改名"}, {"name": "乙改名"}, "name"),
    "org-unit": Case(lambda t, c: t.a, "org-units", {"contact_phone": "010-1"}, {"contact_phone": "010-2"},
                     "contact_phone"),
    "training": Case(lambda t, c: training_record(branch=t.a, title="轮训", start_date=date(2025, 3, 1), full_days=1,
                                                  participants=[MemberFactory(branch=t.a)]),
                     "trainings", {"title": "甲改名"}, {"title": "乙改名"}, "title"),
    "development-step": Case(lambda t, c: applicant(t), "development-steps", {"document": "甲"}, {"document": "乙"},
                             "document"),
    "archive-document": Case(make_document, "archive-documents", {"title": "甲改标题"}, {"title": "乙改标题"}, "title"),
    "meeting": Case(lambda t, c: make_meeting(t), "meetings", {"topic": "甲改主题"}, {"topic": "乙改主题"}, "topic",
                    method="put"),
}


@pytest.fixture
def admin_client(client_as, user_with_role, tree):  # noqa: F811
    from branches.models import RoleAssignment

    return client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))


def body_for(case, obj, change):
    if case.method == "put":  # a meeting is replaced whole
        return {**meeting_body(obj.branch, obj.topic), **change}
    return change


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_two_writers_with_the_same_version_one_loses(name, admin_client, tree):  # noqa: F811
    case = CASES[name]
    obj = case.make(tree, admin_client)
    url = f"/api/v1/{case.path}/{obj.pk}/"
    send = getattr(admin_client, case.method)
    read = admin_client.get(url)
    assert read.status_code == 200 and read["ETag"] == f'"{obj.version}"'
    version = read.json()["version"]
    before = {k: getattr(type(obj).objects.get(pk=obj.pk), k) for k in case.second}

    blind = send(url, body_for(case, obj, case.first), format="json")
    assert blind.status_code == 428 and "版本号" in blind.json()["detail"]

    first = send(url, {**body_for(case, obj, case.first), "version": version}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["version"] == version + 1 and first["ETag"] == f'"{version + 1}"'
    # the second writer read the same version: by If-Match this time
    second = send(url, body_for(case, obj, case.second), format="json", HTTP_IF_MATCH=f'"{version}"')
    assert second.status_code == 409, second.content
    assert STALE in second.json()["detail"]

    stored = type(obj).objects.get(pk=obj.pk)
    assert getattr(stored, case.field) == case.first[case.field]
    for key, value in before.items():  # the loser changed nothing
        if key != case.field:
            assert getattr(stored, key) == value
    assert stored.version == version + 1


@pytest.mark.django_db
def test_the_member_edit_page_keeps_the_losers_input(client, user_with_role, tree):  # noqa: F811
    from branches.models import RoleAssignment

    member = MemberFactory(branch=tree.a)
    client.force_login(user_with_role(RoleAssignment.Role.BRANCH_SECRETARY, tree.a))
    url = f"/members/{member.pk}/edit/"
    page = client.get(url)
    form = page.context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields) if field.value() is not None}
    assert data["version"] == member.version

    member_update(member, phone="13900000009")  # someone else saves first
    response = client.post(url, {**data, "phone": "13800000001", "remarks": "我填写的新备注"})
    assert response.status_code == 200
    body = response.content.decode()
    assert STALE in body and "我填写的新备注" in body and "13800000001" in body
    assert Member.objects.get(pk=member.pk).phone == "13900000009"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # restores the seeded rows
def test_a_real_race_has_one_winner():
    """Two threads, two database connections, the same expected version: the
    conditional UPDATE lets exactly one through."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    member = MemberFactory()
    version = member.version
    barrier = threading.Barrier(2)
    outcomes = []

    def write(phone):
        from django.db import connections

        try:
            barrier.wait()
            member_update(Member.objects.get(pk=member.pk), phone=phone, expected_version=version)
            outcomes.append("won")
        except StaleEdit:
            outcomes.append("lost")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in ("13900000001", "13900000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert Member.objects.get(pk=member.pk).version == version + 1


def test_every_api_update_is_covered():
    """A new viewset with update must carry the version check (and a case here)."""
    from config.api import VersionedUpdateMixin
    from config.api_urls import router

    updatable = {
        prefix
        for prefix, viewset, _basename in router.registry
        if hasattr(viewset, "update") and {"put", "patch"} & set(viewset.http_method_names)
    }
    assert updatable == {c.path for c in CASES.values()}
    for prefix, viewset, _basename in router.registry:
        if prefix in updatable:
            assert issubclass(viewset, VersionedUpdateMixin), prefix

