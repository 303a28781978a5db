"""P11: every members write checks who acts inside the service, whoever calls
it. A direct call with an actor outside the record's scope is refused and
changes nothing; the page and the API give the same refusal for the same
actor; `actor=None` (a command, the demo) may."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from branches.models import RoleAssignment
from members import excel
from members.models import (
    DevelopmentStep,
    DuesMonth,
    IdNumberAccess,
    ImportRun,
    InactivityHandling,
    Member,
    MemberStatusChange,
    Training,
    Transfer,
)
from members.services import (
    DuesRowIn,
    development_step_record,
    development_step_update,
    dues_month_record,
    dues_month_record_many,
    id_number_reveals_record,
    inactivity_handle,
    member_change_status,
    member_create,
    member_reveal_id_number,
    member_update,
    members_import,
    training_delete,
    training_record,
    training_update,
    transfer_cancel,
    transfer_in_register,
    transfer_out_issue,
    transfer_receive,
)
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
S = Member.Status
FORBIDDEN = "您没有执行该操作的权限。"


@pytest.fixture
def tree(db):
    committee = CommitteeFactory(name="甲党委")
    return {
        "committee": committee,
        "a": BranchFactory(name="甲支部", parent=committee),
        "b": BranchFactory(name="乙支部", parent=CommitteeFactory(name="乙党委")),
    }


@pytest.fixture
def outsider(secretary_of, tree):
    """The secretary of 乙支部: edits their own branch, sees nothing of 甲党委."""
    return secretary_of(tree["b"])


@pytest.fixture
def inspector(user_with_role, tree):
    """A 验收组 member of 甲党委: sees 甲支部's records, changes none."""
    return user_with_role(Role.INSPECTOR, tree["committee"])


@pytest.fixture
def member(tree):
    return MemberFactory(branch=tree["a"], name="张甲", id_number=make_id_number(date(1985, 6, 15), 7))


def snapshot(member: Member) -> tuple:
    member.refresh_from_db()
    return (member.name, member.status, member.branch_id, member.version, member.status_changes.count())


# --------------------------------------------------------------------------- roster


def test_registering_a_member_in_a_branch_the_actor_does_not_edit_is_refused(outsider, tree):
    person = {"name": "李乙", "gender": "M", "birth_date": date(1990, 1, 1), "status": S.APPLICANT}
    with pytest.raises(ValidationError) as exc:
        member_create(actor=outsider, branch=tree["a"], **person)
    assert exc.value.message_dict == {"branch": ["党支部不存在，或不在您的管理范围内。"]}
    assert not Member.objects.filter(name="李乙").exists()
    created = member_create(actor=outsider, branch=tree["b"], **person)
    assert created.status_changes.get().changed_by == outsider


def test_editing_or_changing_the_status_of_an_unseen_member_is_refused(outsider, inspector, member):
    before = snapshot(member)
    for actor in (outsider, inspector):
        with pytest.raises(PermissionDenied):
            member_update(member, actor=actor, name="改名")
        with pytest.raises(PermissionDenied):
            member_change_status(member, actor=actor, to_status=S.SUSPENDED, date=date(2025, 1, 1))
    assert snapshot(member) == before


def test_moving_a_member_into_a_branch_the_actor_does_not_edit_is_refused(outsider, tree):
    mine = MemberFactory(branch=tree["b"])
    with pytest.raises(ValidationError) as exc:
        member_update(mine, actor=outsider, branch=tree["a"])
    assert exc.value.message_dict == {"branch": ["党支部不存在，或不在您的管理范围内。"]}
    mine.refresh_from_db()
    assert mine.branch == tree["b"]


def test_full_id_numbers_are_refused_to_those_who_may_not_see_them(inspector, secretary_of, tree, member):
    with pytest.raises(PermissionDenied):
        member_reveal_id_number(member, actor=inspector, channel="web")
    with pytest.raises(PermissionDenied):
        id_number_reveals_record(members=[member], actor=inspector, channel="export")
    assert not IdNumberAccess.objects.exists()
    secretary = secretary_of(tree["a"])
    assert member_reveal_id_number(member, actor=secretary, channel="web") == member.id_number
    assert IdNumberAccess.objects.get().user == secretary


# --------------------------------------------------------------------------- 党费, 学时, six-month rule


def test_dues_of_an_unseen_member_or_branch_are_refused(outsider, inspector, tree, member):
    with pytest.raises(PermissionDenied):
        dues_month_record(actor=outsider, member=member, month=date(2025, 3, 1), base_pay="3000", paid_in_full=True)
    with pytest.raises(PermissionDenied):
        dues_month_record_many(
            actor=inspector, branch=tree["a"], month=date(2025, 3, 1),
            rows=[DuesRowIn(member=member, base_pay="3000", paid_in_full=True)],
        )
    assert not DuesMonth.objects.exists()


def test_trainings_of_another_branch_are_refused(outsider, secretary_of, tree, member):
    with pytest.raises(PermissionDenied):
        training_record(actor=outsider, branch=tree["a"], title="党课", start_date=date(2025, 3, 1), hours=4,
                        participants=[member])
    assert not Training.objects.exists()
    training = training_record(actor=secretary_of(tree["a"]), branch=tree["a"], title="党课",
                               start_date=date(2025, 3, 1), hours=4, participants=[member])
    with pytest.raises(PermissionDenied):
        training_update(training, actor=outsider, title="改")
    with pytest.raises(PermissionDenied):
        training_delete(training, actor=outsider)
    training.refresh_from_db()
    assert training.title == "党课" and Training.objects.filter(pk=training.pk).exists()


def test_six_month_handling_of_an_unseen_member_is_refused(outsider, member):
    with pytest.raises(PermissionDenied):
        inactivity_handle(actor=outsider, member=member, rule=InactivityHandling.Rule.DUES, since=date(2025, 1, 1),
                          handled_on=date(2025, 8, 1), measure="", note="谈话提醒")
    assert not InactivityHandling.objects.exists()


def test_an_import_into_another_branch_is_refused_before_anything_is_read(outsider, tree):
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PermissionDenied):
        members_import(actor=outsider, branch=tree["a"], dataset="roster",
                       upload=SimpleUploadedFile("r.xlsx", buffer.getvalue(), content_type=excel.XLSX))
    assert not ImportRun.objects.exists()


# --------------------------------------------------------------------------- 发展党员


def test_development_steps_of_an_unseen_person_are_refused(outsider, secretary_of, tree):
    person = MemberFactory(branch=tree["a"], status=S.APPLICANT, application_date=None, join_date=None,
                           full_member_date=None, birth_date=date(2000, 5, 4))
    with pytest.raises(PermissionDenied):
        development_step_record(actor=outsider, member=person, step=1, date=date(2021, 3, 1))
    assert not DevelopmentStep.objects.exists()
    step = development_step_record(actor=secretary_of(tree["a"]), member=person, step=1, date=date(2021, 3, 1))
    with pytest.raises(PermissionDenied):
        development_step_update(step, actor=outsider, date=date(2021, 3, 2))
    step.refresh_from_db()
    assert step.date == date(2021, 3, 1)


def test_people_named_in_a_step_must_be_ones_the_actor_sees(secretary_of, tree):
    person = MemberFactory(branch=tree["a"], status=S.APPLICANT, application_date=None, join_date=None,
                           full_member_date=None, birth_date=date(2000, 5, 4))
    days = {1: date(2021, 3, 1), 2: date(2021, 3, 20), 3: date(2021, 9, 1), 4: date(2021, 9, 10)}
    for number, day in days.items():
        development_step_record(member=person, step=number, date=day)
    unseen = MemberFactory(branch=tree["b"], name="王乙")
    with pytest.raises(ValidationError) as exc:
        development_step_record(actor=secretary_of(tree["a"]), member=person, step=5, date=date(2021, 9, 12),
                                people=[unseen])
    assert exc.value.message_dict == {"people": ["人员不存在，或不在您的管理范围内。"]}
    assert "王乙" not in str(exc.value)
    assert not DevelopmentStep.objects.filter(step=5).exists()


# --------------------------------------------------------------------------- 组织关系转接


def test_letters_for_an_unseen_member_or_into_an_unseen_branch_are_refused(outsider, secretary_of, tree, member):
    before = snapshot(member)
    with pytest.raises(PermissionDenied):
        transfer_out_issue(actor=outsider, member=member, to_org="外单位")
    with pytest.raises(ValidationError) as exc:  # 乙支部 is outside 甲支部's secretary's sight
        transfer_out_issue(actor=secretary_of(tree["a"]), member=member, to_branch=tree["b"])
    assert exc.value.message_dict == {"to_branch": ["接收党支部不存在，或不在您的管理范围内。"]}
    assert not Transfer.objects.exists() and snapshot(member) == before


def test_only_the_receiving_branch_confirms_and_only_the_issuing_branch_withdraws(secretary_of, tree, member):
    letter = transfer_out_issue(member=member, to_branch=tree["b"])
    issuing, receiving = secretary_of(tree["a"]), secretary_of(tree["b"])
    with pytest.raises(PermissionDenied):
        transfer_receive(letter, actor=issuing)
    with pytest.raises(PermissionDenied):
        transfer_cancel(letter, actor=receiving, reason="不去了")
    letter.refresh_from_db()
    member.refresh_from_db()
    assert letter.is_open and member.status == S.TRANSFERRED_OUT and member.branch == tree["a"]
    transfer_receive(letter, actor=receiving)
    member.refresh_from_db()
    assert member.branch == tree["b"] and member.status == S.FULL
    assert member.status_changes.order_by("-pk").first().changed_by == receiving


def test_registering_a_letter_into_another_branch_is_refused(outsider, tree):
    with pytest.raises(PermissionDenied):
        transfer_in_register(actor=outsider, branch=tree["a"], serial_no="X1", from_org="外省某支部",
                             issued_on=date(2025, 3, 1), name="赵丙", gender="M", birth_date=date(1990, 1, 1))
    assert not Transfer.objects.exists() and not Member.objects.filter(name="赵丙").exists()


# --------------------------------------------------------------------------- page and API agree


def test_a_dues_record_is_refused_alike_by_the_page_the_api_and_the_service(client, api_client, inspector, tree,
                                                                              member):
    client.force_login(inspector)
    page = client.post(
        reverse("dues_month", args=[tree["a"].pk, 2025, 3]),
        {"paid_on": "2025-03-10", f"base_pay_{member.pk}": "3000", f"paid_in_full_{member.pk}": "on"},
    )
    api_client.force_login(inspector)
    api = api_client.post(
        "/api/v1/dues/", {"member": member.pk, "month": "2025-03", "base_pay": "3000", "paid_in_full": True},
        format="json",
    )
    assert page.status_code == api.status_code == 403
    assert api.json()["detail"] == FORBIDDEN
    with pytest.raises(PermissionDenied):
        dues_month_record(actor=inspector, member=member, month=date(2025, 3, 1), base_pay="3000", paid_in_full=True)
    assert not DuesMonth.objects.exists()


def test_withdrawing_a_letter_is_refused_alike_by_the_page_the_api_and_the_service(client, api_client, inspector,
                                                                                  tree, member):
    letter = transfer_out_issue(member=member, to_org="外单位")
    client.force_login(inspector)
    page = client.post(reverse("transfer_cancel", args=[letter.pk]), {"reason": "不去了"})
    api_client.force_login(inspector)
    api = api_client.post(f"/api/v1/transfers/{letter.pk}/cancel/", {"reason": "不去了"}, format="json")
    assert page.status_code == api.status_code == 403
    assert api.json()["detail"] == FORBIDDEN
    with pytest.raises(PermissionDenied):
        transfer_cancel(letter, actor=inspector, reason="不去了")
    letter.refresh_from_db()
    member.refresh_from_db()
    assert letter.is_open and member.status == S.TRANSFERRED_OUT


def test_a_status_change_is_refused_alike_by_the_page_and_the_api(client, api_client, inspector, member):
    before = snapshot(member)
    client.force_login(inspector)
    page = client.post(reverse("member_change_status", args=[member.pk]),
                       {"to_status": S.SUSPENDED, "date": "2025-01-01", "reason": "x"})
    api_client.force_login(inspector)
    api = api_client.post(f"/api/v1/members/{member.pk}/change-status/",
                          {"to_status": S.SUSPENDED, "date": "2025-01-01", "reason": "x"}, format="json")
    assert page.status_code == api.status_code == 403
    assert snapshot(member) == before and not MemberStatusChange.objects.filter(to_status=S.SUSPENDED).exists()
