"""POST /members/{id}/reveal-id-number/ (audited, restricted) and
POST /members/{id}/change-status/ (dated history)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from branches.models import RoleAssignment
from members.models import IdNumberAccess, Member, MemberStatusChange
from tests.members.factories import MemberFactory, ProbationaryMemberFactory, make_id_number

from .helpers import BIRTH, errors_of

Role = RoleAssignment.Role
NUMBER = make_id_number(BIRTH, 123)


@pytest.fixture
def member(tree):
    return MemberFactory(branch=tree.a, birth_date=BIRTH, id_number=NUMBER)


def reveal(client, member):
    return client.post(f"/api/v1/members/{member.pk}/reveal-id-number/", REMOTE_ADDR="10.1.2.3")


def test_branch_secretary_reveals_the_id_number_and_the_reveal_is_audited(tree, member, secretary_of, client_as):
    user = secretary_of(tree.a)

    response = reveal(client_as(user), member)

    assert response.status_code == 200
    assert response.json() == {"id_number": NUMBER}
    access = IdNumberAccess.objects.get()
    assert (access.member, access.user, access.channel, access.ip_address) == (member, user, "api", "10.1.2.3")


def test_committee_admin_above_the_branch_may_reveal(tree, member, user_with_role, client_as):
    response = reveal(client_as(user_with_role(Role.COMMITTEE_ADMIN, tree.committee)), member)

    assert response.status_code == 200
    assert IdNumberAccess.objects.count() == 1


def test_branch_committee_member_may_not_reveal_and_nothing_is_audited(tree, member, user_with_role, client_as):
    response = reveal(client_as(user_with_role(Role.BRANCH_COMMITTEE, tree.a)), member)

    assert response.status_code == 403
    assert response.json()["detail"] == "您无权查看该党员的完整身份证号。"
    assert NUMBER not in response.content.decode()
    assert not IdNumberAccess.objects.exists()


def test_inspector_may_not_reveal(tree, member, user_with_role, client_as):
    response = reveal(client_as(user_with_role(Role.INSPECTOR, tree.committee)), member)

    assert response.status_code == 403
    assert not IdNumberAccess.objects.exists()


def test_member_may_reveal_their_own_id_number(tree, member, client_as):
    from tests.branches.factories import UserFactory

    member.user = UserFactory()
    member.save()

    response = reveal(client_as(member.user), member)

    assert response.json() == {"id_number": NUMBER}


def test_secretary_of_another_branch_gets_404_on_reveal(tree, member, secretary_of, client_as):
    response = reveal(client_as(secretary_of(tree.b)), member)

    assert response.status_code == 404
    assert not IdNumberAccess.objects.exists()


def test_change_status_records_a_dated_history_row(tree, secretary_of, client_as):
    member = ProbationaryMemberFactory(branch=tree.a, join_date=date(2025, 1, 10))
    user = secretary_of(tree.a)
    day = timezone.localdate() - timedelta(days=1)

    response = client_as(user).post(
        f"/api/v1/members/{member.pk}/change-status/",
        {"to_status": "full", "date": day.isoformat(), "reason": "按期转正"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "full"
    assert response.json()["full_member_date"] == day.isoformat()
    change = MemberStatusChange.objects.get(member=member, to_status="full")
    assert (change.from_status, change.date, change.reason, change.changed_by) == (
        "probationary",
        day,
        "按期转正",
        user,
    )


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"to_status": "martian", "date": "2025-06-01"}, "to_status", "“martian” 不是合法选项。"),
        ({"to_status": "full"}, "date", "该字段是必填项。"),
        ({"to_status": "probationary", "date": "2025-06-01"}, "to_status", "新状态与当前状态相同。"),
        ({"to_status": "full", "date": "2999-01-01"}, "date", "变动日期不能晚于今天。"),
    ],
    ids=["unknown-status", "missing-date", "same-status", "future-date"],
)
def test_bad_status_change_is_refused_and_changes_nothing(tree, secretary_of, client_as, payload, field, message):
    member = ProbationaryMemberFactory(branch=tree.a, join_date=date(2025, 1, 10))
    before = MemberStatusChange.objects.count()

    response = client_as(secretary_of(tree.a)).post(
        f"/api/v1/members/{member.pk}/change-status/", payload, format="json"
    )

    assert response.status_code == 400
    assert errors_of(response)[field] == [message]
    member.refresh_from_db()
    assert member.status == Member.Status.PROBATIONARY
    assert MemberStatusChange.objects.count() == before


def test_inspector_may_not_change_status(tree, member, user_with_role, client_as):
    response = client_as(user_with_role(Role.INSPECTOR, tree.committee)).post(
        f"/api/v1/members/{member.pk}/change-status/", {"to_status": "suspended", "date": "2025-06-01"}, format="json"
    )

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == Member.Status.FULL
