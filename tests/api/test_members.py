"""/api/v1/members/: roster CRUD through the services, with Chinese field errors
and nothing saved when the input is bad."""

from datetime import timedelta

import pytest
from django.utils import timezone

from branches.models import RoleAssignment
from members.models import Member, MemberStatusChange
from tests.api.helpers import if_match
from tests.members.factories import MemberFactory, ProbationaryMemberFactory, make_id_number

from .helpers import BIRTH, errors_of, member_payload

URL = "/api/v1/members/"


@pytest.fixture
def secretary(tree, secretary_of, client_as):
    return client_as(secretary_of(tree.a))


def test_secretary_registers_a_member_and_only_the_masked_id_number_comes_back(tree, secretary):
    number = make_id_number(BIRTH, 7)

    response = secretary.post(URL, member_payload(tree.a, id_number=number), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "full" and body["status_display"] == "正式党员"
    assert body["branch_name"] == "甲支部"
    assert body["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert "id_number" not in body and number not in response.content.decode()
    member = Member.objects.get(pk=body["id"])
    assert member.id_number == number
    assert member.status_changes.get().to_status == "full"


def test_member_list_and_detail_never_contain_the_full_id_number(tree, secretary):
    number = make_id_number(BIRTH, 8)
    member = MemberFactory(branch=tree.a, id_number=number)

    for url in (URL, f"{URL}{member.pk}/"):
        response = secretary.get(url)
        assert response.status_code == 200
        assert number not in response.content.decode()
        assert number[-4:] in response.content.decode()


def test_partial_update_changes_only_the_given_fields(tree, secretary):
    member = MemberFactory(branch=tree.a, name="李四", phone="1")

    response = secretary.patch(f"{URL}{member.pk}/", {"phone": "13911112222"}, format="json", **if_match(member))

    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.name, member.phone) == ("李四", "13911112222")


def test_partial_update_sets_an_id_number_checked_against_the_birth_date(tree, secretary):
    member = MemberFactory(branch=tree.a, birth_date=BIRTH)

    wrong_birth = secretary.patch(
        f"{URL}{member.pk}/", {"id_number": make_id_number(BIRTH.replace(year=1990), 3)}, format="json",
        **if_match(member),
    )
    right = secretary.patch(f"{URL}{member.pk}/", {"id_number": make_id_number(BIRTH, 3)}, format="json", **if_match(member))

    assert wrong_birth.status_code == 400
    assert errors_of(wrong_birth)["id_number"] == ["身份证号中的出生日期与填写的出生日期不一致。"]
    assert right.status_code == 200
    member.refresh_from_db()
    assert member.id_number == make_id_number(BIRTH, 3)


def test_put_is_not_offered(tree, secretary):
    member = MemberFactory(branch=tree.a)

    response = secretary.put(f"{URL}{member.pk}/", member_payload(tree.a), format="json", **if_match(member))

    assert response.status_code == 405
    assert response.json()["detail"] == "方法 “PUT” 不被允许。"


def _bad_id_checksum():
    number = make_id_number(BIRTH, 1)
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": _bad_id_checksum()}, "id_number", "身份证号校验位不正确，请核对。"),
        ({"id_number": "12345"}, "id_number", "身份证号应为18位，前17位为数字，最后一位为数字或X。"),
        ({"name": None}, "name", "该字段是必填项。"),
        ({"name": ""}, "name", "该字段不能为空。"),
        ({"status": "martian"}, "status", "“martian” 不是合法选项。"),
        ({"birth_date": "1985-13-01"}, "birth_date", None),
        ({"full_member_date": None}, "full_member_date", "正式党员须填写转正日期。"),
        ({"join_date": "2007-01-01", "full_member_date": "2008-01-01"}, "join_date", "入党日期不能早于申请入党日期。"),
    ],
    ids=[
        "bad-checksum",
        "bad-format",
        "missing-name",
        "blank-name",
        "unknown-status",
        "bad-date",
        "full-member-without-date",
        "dates-out-of-order",
    ],
)
def test_bad_member_input_is_refused_with_a_chinese_field_message_and_nothing_saved(
    tree, secretary, overrides, field, message
):
    before = (Member.objects.count(), MemberStatusChange.objects.count())

    response = secretary.post(URL, member_payload(tree.a, **overrides), format="json")

    assert response.status_code == 400, response.content
    errors = errors_of(response)
    assert field in errors
    if message:
        assert errors[field] == [message]
    else:
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in errors[field]), errors[field]
    assert response.json()["detail"] == "提交的数据有误，请按提示修改。"
    assert (Member.objects.count(), MemberStatusChange.objects.count()) == before


def test_future_birth_date_is_refused(tree, secretary):
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = Member.objects.count()

    response = secretary.post(
        URL, member_payload(tree.a, birth_date=tomorrow.isoformat(), id_number=None), format="json"
    )

    assert response.status_code == 400
    assert errors_of(response)["birth_date"] == ["出生日期不能晚于今天。"]
    assert Member.objects.count() == before


def test_duplicate_id_number_is_refused(tree, secretary):
    number = make_id_number(BIRTH, 42)
    MemberFactory(branch=tree.b, id_number=number)  # registered elsewhere, even out of this user's scope
    before = Member.objects.count()

    response = secretary.post(URL, member_payload(tree.a, id_number=number.lower()), format="json")

    assert response.status_code == 400
    assert errors_of(response)["id_number"] == ["该身份证号已登记在其他党员名下。"]
    assert Member.objects.count() == before


def test_member_cannot_be_registered_in_a_branch_outside_the_users_scope(tree, secretary):
    before = Member.objects.count()

    response = secretary.post(URL, member_payload(tree.b), format="json")

    assert response.status_code == 400
    assert errors_of(response)["branch"] == ["党支部不存在，或不在您的管理范围内。"]
    assert Member.objects.count() == before


def test_member_cannot_be_registered_directly_under_a_committee(tree, user_with_role, client_as):
    admin = client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))

    response = admin.post(URL, member_payload(tree.committee), format="json")

    assert response.status_code == 400
    assert errors_of(response)["branch"] == ["党支部不存在，或不在您的管理范围内。"]


def test_status_is_not_changed_by_partial_update(tree, secretary):
    member = ProbationaryMemberFactory(branch=tree.a)

    response = secretary.patch(f"{URL}{member.pk}/", {"status": "full"}, format="json", **if_match(member))

    assert response.status_code == 400
    assert "change-status" in errors_of(response)["status"][0]
    member.refresh_from_db()
    assert member.status == Member.Status.PROBATIONARY


def test_filters_by_status_category_mobile_flag_and_search(tree, secretary):
    MemberFactory(branch=tree.a, name="王流动", is_mobile=True, category=Member.Category.RETIRED)
    ProbationaryMemberFactory(branch=tree.a, name="赵预备", phone="13700001111")
    MemberFactory(branch=tree.a, name="钱正式")

    def names(query):
        response = secretary.get(URL + query)
        assert response.status_code == 200, response.content
        return sorted(row["name"] for row in response.json()["results"])

    assert names("?status=probationary") == ["赵预备"]
    assert names("?is_mobile=true") == ["王流动"]
    assert names("?category=retired") == ["王流动"]
    assert names("?search=0000111") == ["赵预备"]
    assert names("?search=钱") == ["钱正式"]
    assert names(f"?branch={tree.a.pk}&status=full") == ["王流动", "钱正式"]


def test_exact_lookup_by_id_number_without_decrypting(tree, secretary):
    number = make_id_number(BIRTH, 55)
    MemberFactory(branch=tree.a, name="孙有证", id_number=number)
    MemberFactory(branch=tree.a, name="周无证")

    response = secretary.get(URL, {"id_number": number.lower()})

    assert [row["name"] for row in response.json()["results"]] == ["孙有证"]


def test_unknown_filter_value_is_a_chinese_400(tree, secretary):
    response = secretary.get(URL, {"status": "martian"})

    assert response.status_code == 400
    assert "status" in errors_of(response)
