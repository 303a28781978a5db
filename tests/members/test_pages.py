"""The members pages (党费, 学时, 发展党员, 转接, six-month rule, Excel) through
the test client: what a secretary sees and does, and scoping (404 out of
scope, 403 read-only)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from branches.models import RoleAssignment
from members.models import DevelopmentStep, DuesMonth, IdNumberAccess, ImportRun, Member, Training, Transfer
from members.services import dues_month_record, transfer_out_issue
from tests.branches.factories import BranchFactory, CommitteeFactory, PartyGroupFactory, UserFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


def today():
    """Read at use time, not import time: a run that crosses midnight must agree with the services' today."""
    return timezone.localdate()


@pytest.fixture
def tree(db):
    committee = CommitteeFactory(name="甲党委")
    return {
        "committee": committee,
        "a": BranchFactory(name="甲一支部", parent=committee),
        "b": BranchFactory(name="乙一支部", parent=CommitteeFactory(name="乙党委")),
    }


@pytest.fixture
def secretary(client, secretary_of, tree):
    client.force_login(secretary_of(tree["a"]))
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --------------------------------------------------------------------------- branch page and member page


def test_the_branch_page_shows_six_month_cases_study_shortfall_and_links(secretary, tree):
    member = MemberFactory(branch=tree["a"], name="久未交费")
    dues_month_record(
        member=member,
        month=date(today().year - 2, 1, 1),
        base_pay="3000",
        paid_in_full=True,
        paid_on=date(today().year - 2, 1, 5),
    )
    html = text(secretary.get(reverse("org_unit", args=[tree["a"].pk])))
    assert "党员管理" in html and "连续6个月未参加组织生活或未交纳党费" in html
    assert "久未交费" in html and "未处置" in html
    assert reverse("dues_grid", args=[tree["a"].pk, today().year]) in html
    assert reverse("study_hours", args=[tree["a"].pk, today().year]) in html


def test_the_member_page_shows_dues_study_and_transfer_actions(secretary, tree):
    member = MemberFactory(branch=tree["a"])
    dues_month_record(
        member=member, month=date(2024, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(2024, 1, 3)
    )
    html = text(secretary.get(reverse("member_detail", args=[member.pk])))
    assert "党费证" in html and "学时" in html and reverse("transfer_out", args=[member.pk]) in html
    assert "2024年1月" in html  # 交至


# --------------------------------------------------------------------------- 党费


def test_a_secretary_enters_a_month_for_everyone_at_once(secretary, tree):
    a = MemberFactory(branch=tree["a"], name="甲")
    b = MemberFactory(branch=tree["a"], name="乙", category=Member.Category.FARMER)
    url = reverse("dues_month", args=[tree["a"].pk, 2025, 3])
    html = text(secretary.get(url))
    assert "甲" in html and "乙" in html and "每月金额" in html
    response = secretary.post(
        url,
        {
            "paid_on": "2025-03-10",
            f"base_pay_{a.pk}": "5000.01",
            f"paid_in_full_{a.pk}": "on",
            f"fixed_amount_{b.pk}": "0.50",
            f"paid_in_full_{b.pk}": "on",
        },
    )
    assert response.status_code == 302
    rows = {r.member_id: r for r in DuesMonth.objects.all()}
    assert rows[a.pk].amount_due == Decimal("75.00") and rows[a.pk].settled
    assert rows[b.pk].amount_due == Decimal("0.50")


def test_one_bad_line_saves_no_line_and_shows_the_error_on_that_line(secretary, tree):
    a = MemberFactory(branch=tree["a"], name="甲")
    b = MemberFactory(branch=tree["a"], name="乙", category=Member.Category.FARMER)
    response = secretary.post(
        reverse("dues_month", args=[tree["a"].pk, 2025, 3]),
        {
            f"base_pay_{a.pk}": "3000",
            f"paid_in_full_{a.pk}": "on",
            f"fixed_amount_{b.pk}": "5",
            f"paid_in_full_{b.pk}": "on",
        },
    )
    html = text(response)
    assert "均未保存" in html and "0.20元至1.00元之间" in html
    assert not DuesMonth.objects.exists()


def test_the_year_grid_and_the_printable_dues_card(secretary, tree):
    member = MemberFactory(branch=tree["a"], name="张三")
    dues_month_record(
        member=member,
        month=date(2025, 1, 1),
        base_pay="3000",
        paid_in_full=True,
        paid_on=date(2025, 1, 3),
        receipt_no="NO.001",
    )
    grid = text(secretary.get(reverse("dues_grid", args=[tree["a"].pk, 2025])))
    assert "张三" in grid and "✓" in grid
    card = text(secretary.get(reverse("member_dues_card", args=[member.pk]), {"year": 2025}))
    assert "中国共产党党费证" in card and "NO.001" in card and "15.00" in card
    assert "@media print" in card and "window.print()" in card


def test_a_party_member_sees_their_own_dues_card_but_cannot_enter_dues(client, tree):
    member = MemberFactory(branch=tree["a"])
    user = member.user = UserFactory()
    member.save()
    client.force_login(user)
    assert client.get(reverse("member_dues_card", args=[member.pk])).status_code == 200
    assert client.get(reverse("dues_month", args=[tree["a"].pk, 2025, 3])).status_code == 404


def test_an_inspector_may_look_but_not_enter(client, user_with_role, tree):
    client.force_login(user_with_role(Role.INSPECTOR, tree["committee"]))
    assert client.get(reverse("dues_grid", args=[tree["a"].pk, 2025])).status_code == 200
    assert client.get(reverse("dues_month", args=[tree["a"].pk, 2025, 3])).status_code == 403
    assert client.get(reverse("training_create", args=[tree["a"].pk])).status_code == 403
    assert client.get(reverse("member_import", args=[tree["a"].pk])).status_code == 403
    assert client.get(reverse("transfer_in", args=[tree["a"].pk])).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "dues_grid",
        "study_hours",
        "development_branch",
        "six_month",
        "dues_month",
        "member_import",
        "transfer_in",
        "training_create",
    ],
)
def test_branch_pages_out_of_scope_are_404(secretary, tree, name):
    args = {"dues_grid": [2025], "study_hours": [2025], "dues_month": [2025, 3]}.get(name, [])
    assert secretary.get(reverse(name, args=[tree["b"].pk, *args])).status_code == 404


# --------------------------------------------------------------------------- 学时


def test_recording_a_training_for_several_members(secretary, tree):
    a, b = MemberFactory(branch=tree["a"], name="甲"), MemberFactory(branch=tree["a"], name="乙")
    response = secretary.post(
        reverse("training_create", args=[tree["a"].pk]),
        {
            "title": "党校春季轮训",
            "start_date": "2025-04-01",
            "full_days": "3",
            "half_days": "1",
            "hours": "0",
            "participants": [a.pk, b.pk],
        },
    )
    assert response.status_code == 302
    assert Training.objects.get().credited_hours == Decimal("28")
    html = text(secretary.get(reverse("study_hours", args=[tree["a"].pk, 2025])))
    assert "党校春季轮训" in html and "28" in html


def test_a_training_without_hours_is_refused_in_chinese(secretary, tree):
    a = MemberFactory(branch=tree["a"])
    html = text(
        secretary.post(
            reverse("training_create", args=[tree["a"].pk]),
            {
                "title": "空",
                "start_date": "2025-04-01",
                "full_days": "0",
                "half_days": "0",
                "hours": "0",
                "participants": [a.pk],
            },
        )
    )
    assert "1天计8学时" in html and not Training.objects.exists()


# --------------------------------------------------------------------------- 发展党员


def test_the_timeline_and_recording_steps_in_order(secretary, tree):
    person = MemberFactory(
        branch=tree["a"],
        name="申请人",
        status=Member.Status.APPLICANT,
        join_date=None,
        full_member_date=None,
        application_date=None,
        birth_date=date(2000, 1, 1),
    )
    html = text(secretary.get(reverse("development_timeline", args=[person.pk])))
    assert "① 递交入党申请书" in html and "㉕ 材料归档" in html and "已完成 0 / 25 步" in html
    refused = text(
        secretary.post(reverse("development_step_create", args=[person.pk]), {"step": "3", "date": "2025-01-01"})
    )
    assert "须先登记上一步" in refused and not DevelopmentStep.objects.exists()
    response = secretary.post(
        reverse("development_step_create", args=[person.pk]),
        {"step": "1", "date": "2025-01-01", "document": "入党申请书"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.application_date == date(2025, 1, 1)
    page = text(secretary.get(reverse("development_branch", args=[tree["a"].pk])))
    assert "申请人" in page and "② 党组织派人谈话" in page


def test_a_time_limit_missed_is_flagged_on_the_timeline(secretary, tree):
    person = MemberFactory(
        branch=tree["a"],
        status=Member.Status.APPLICANT,
        join_date=None,
        full_member_date=None,
        application_date=None,
        birth_date=date(2000, 1, 1),
    )
    secretary.post(reverse("development_step_create", args=[person.pk]), {"step": "1", "date": "2024-01-01"})
    html = text(secretary.get(reverse("development_timeline", args=[person.pk])))
    assert 'data-code="TALK_LATE"' in html


# --------------------------------------------------------------------------- 组织关系转接


def test_issuing_printing_and_receiving_a_letter(secretary, tree):
    member = MemberFactory(branch=tree["a"], name="调出人", id_number=make_id_number(date(1985, 6, 15), 9))
    response = secretary.post(
        reverse("transfer_out", args=[member.pk]),
        {
            "to_org": "中共某县委组织部",
            "issued_on": today().isoformat(),
            "dues_paid_until": "",
        },
    )
    assert response.status_code == 302
    letter = Transfer.objects.get()
    html = text(secretary.get(reverse("transfer_letter", args=[letter.pk])))
    assert "中国共产党党员组织关系介绍信" in html and "回执" in html and member.id_number_masked in html
    assert member.id_number not in html
    full = text(secretary.post(reverse("transfer_letter", args=[letter.pk])))
    assert member.id_number in full
    assert IdNumberAccess.objects.filter(member=member, channel="letter").count() == 1
    response = secretary.post(reverse("transfer_receive", args=[letter.pk]), {"received_on": today().isoformat()})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.received_on == today()


def test_a_member_transferred_to_a_branch_of_another_committee_is_confirmed_there(
    client, secretary_of, tree, user_with_role
):
    member = MemberFactory(branch=tree["a"])
    letter = transfer_out_issue(member=member, to_branch=tree["b"])
    client.force_login(secretary_of(tree["b"]))
    html = text(client.get(reverse("transfer_detail", args=[letter.pk])))
    assert reverse("transfer_receive", args=[letter.pk]) in html
    assert reverse("transfer_cancel", args=[letter.pk]) not in html  # only the issuing branch withdraws
    assert client.get(reverse("transfer_cancel", args=[letter.pk])).status_code == 403
    group = PartyGroupFactory(branch=tree["b"])
    response = client.post(
        reverse("transfer_receive", args=[letter.pk]), {"received_on": today().isoformat(), "party_group": group.pk}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.branch, member.party_group, member.status) == (tree["b"], group, Member.Status.FULL)


def test_transfer_list_filters_by_state_and_is_scoped(secretary, tree):
    mine = transfer_out_issue(member=MemberFactory(branch=tree["a"]), to_org="外单位", issued_on=date(2025, 1, 1))
    transfer_out_issue(member=MemberFactory(branch=tree["b"]), to_org="外单位", issued_on=date(2025, 1, 1))
    html = text(secretary.get(reverse("transfer_list"), {"state": "overdue"}))
    assert mine.serial_no in html and "共 1 封" in html and "逾期" in html
    assert "共 0 封" in text(secretary.get(reverse("transfer_list"), {"state": "received"}))
    other = Transfer.objects.exclude(pk=mine.pk).get()
    assert secretary.get(reverse("transfer_detail", args=[other.pk])).status_code == 404


def test_registering_a_letter_from_outside(secretary, tree):
    response = secretary.post(
        reverse("transfer_in", args=[tree["a"].pk]),
        {
            "serial_no": "2025-88",
            "from_org": "中共外市委组织部",
            "issued_on": "2025-02-01",
            "received_on": "2025-02-10",
            "party_status": "full",
            "name": "转入人",
            "gender": "F",
            "ethnicity": "汉族",
            "birth_date": "1992-03-04",
            "category": "employed",
            "join_date": "2015-07-01",
            "full_member_date": "2016-07-01",
            "id_number": make_id_number(date(1992, 3, 4), 8),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member = Member.objects.get(name="转入人")
    assert member.branch == tree["a"] and member.transfers.get().direction == Transfer.Direction.IN


# --------------------------------------------------------------------------- six-month rule


def test_handling_a_six_month_case(secretary, tree):
    member = MemberFactory(branch=tree["a"], name="长期外出")
    dues_month_record(
        member=member,
        month=date(today().year - 1, 1, 1),
        base_pay="3000",
        paid_in_full=True,
        paid_on=date(today().year - 1, 1, 5),
    )
    html = text(secretary.get(reverse("six_month", args=[tree["a"].pk])))
    since = f"{today().year - 1}-02"
    assert "长期外出" in html and f"?since={since}" in html
    url = reverse("inactivity_handle", args=[member.pk, "dues"]) + f"?since={since}"
    assert "不会改变党员状态" in text(secretary.get(url))
    response = secretary.post(
        url,
        {"since": since, "handled_on": today().isoformat(), "measure": "valid_reason", "note": "外出务工，已联系并补交"},
    )
    assert response.status_code == 302
    html = text(secretary.get(reverse("six_month", args=[tree["a"].pk])))
    assert "有正当理由" in html and "未处置" not in html
    member.refresh_from_db()
    assert member.status == Member.Status.FULL


# --------------------------------------------------------------------------- Excel


def upload(rows, headers):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.name = "名册.xlsx"
    buffer.seek(0)
    return buffer


def test_template_download(secretary):
    response = secretary.get(reverse("import_template", args=["roster"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value == "姓名*"
    assert secretary.get(reverse("import_template", args=["nothing"])).status_code == 404


def test_a_bad_upload_shows_every_error_and_offers_the_report(secretary, tree):
    headers = ["姓名", "性别", "出生日期", "人员类别", "状态"]
    response = secretary.post(
        reverse("member_import", args=[tree["a"].pk]),
        {
            "dataset": "roster",
            "file": upload(
                [
                    ["甲", "男", "1990-01-01", "在岗职工", "入党申请人"],
                    ["乙", "?", "1990-01-01", "在岗职工", "入党申请人"],
                ],
                headers,
            ),
        },
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_detail", args=[run.pk])
    html = text(secretary.get(response.url))
    assert "未导入任何数据" in html and "B3" in html and reverse("import_report", args=[run.pk]) in html
    report = secretary.get(reverse("import_report", args=[run.pk]))
    assert report.status_code == 200
    assert not Member.objects.exists()


def test_a_good_upload_imports(secretary, tree):
    headers = ["姓名", "性别", "出生日期", "人员类别", "状态"]
    secretary.post(
        reverse("member_import", args=[tree["a"].pk]),
        {"dataset": "roster", "file": upload([["甲", "男", "1990-01-01", "在岗职工", "入党申请人"]], headers)},
    )
    assert "已从" in text(secretary.get(reverse("import_detail", args=[ImportRun.objects.get().pk])))
    assert Member.objects.get().branch == tree["a"]


def test_import_results_of_other_branches_are_404(client, secretary_of, tree):
    run = ImportRun.objects.create(dataset="roster", branch=tree["b"], filename="x.xlsx", outcome="failed")
    client.force_login(secretary_of(tree["a"]))
    assert client.get(reverse("import_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("import_report", args=[run.pk])).status_code == 404


def test_export_masks_id_numbers_unless_asked_and_allowed(secretary, tree, client, user_with_role):
    number = make_id_number(date(1985, 6, 15), 31)
    member = MemberFactory(branch=tree["a"], name="导出人", id_number=number)
    MemberFactory(branch=tree["b"], name="别支部的人")

    def cells(response):
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [[c.value for c in row] for row in ws.iter_rows()]

    rows = cells(secretary.get(reverse("member_export")))
    assert [r[1] for r in rows[1:]] == ["导出人"]
    assert member.id_number_masked in rows[1] and number not in rows[1]
    assert not IdNumberAccess.objects.exists()

    rows = cells(secretary.get(reverse("member_export"), {"id": "full"}))
    assert number in rows[1]
    assert IdNumberAccess.objects.filter(member=member, channel="export").count() == 1

    client.force_login(user_with_role(Role.BRANCH_COMMITTEE, tree["a"]))  # a 支委 may not see full numbers
    assert client.get(reverse("member_export"), {"id": "full"}).status_code == 403
    assert number not in str(cells(client.get(reverse("member_export"))))
