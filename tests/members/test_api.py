"""REST API of the member records (/api/v1/): dues, study hours, development
steps, transfers, six-month cases, imports and the roster export — scoped,
with Chinese field errors in the error envelope, and list endpoints whose
query count does not grow with their rows."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from branches.models import RoleAssignment
from members.models import DevelopmentStep, DuesMonth, IdNumberAccess, ImportRun, Member, Training, Transfer
from members.services import (
    development_step_record,
    dues_month_record,
    training_record,
    transfer_out_issue,
    transfer_receive,
)
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
D = Decimal


@pytest.fixture
def tree(db):
    committee = CommitteeFactory(name="甲党委")
    return {
        "committee": committee,
        "a": BranchFactory(name="甲支部", parent=committee),
        "b": BranchFactory(name="乙支部", parent=CommitteeFactory(name="乙党委")),
    }


@pytest.fixture
def api(api_client, secretary_of, tree):
    api_client.force_login(secretary_of(tree["a"]))
    return api_client


def envelope(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) >= {"detail", "errors"}
    return body["errors"]


# --------------------------------------------------------------------------- 党费


def test_recording_dues_computes_what_was_due(api, tree):
    member = MemberFactory(branch=tree["a"])
    response = api.post(
        "/api/v1/dues/",
        {"member": member.pk, "month": "2025-03", "base_pay": "3000.01", "paid_in_full": True, "paid_on": "2025-03-05"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["month"], body["amount_due"], body["amount_paid"], body["settled"]) == (
        "2025-03-01",
        "30.00",
        "30.00",
        True,
    )


def test_bad_dues_get_chinese_field_errors_and_save_nothing(api, tree):
    member = MemberFactory(branch=tree["a"])
    errors = envelope(
        api.post("/api/v1/dues/", {"member": member.pk, "month": "2025-03", "base_pay": "-1"}, format="json")
    )
    assert "base_pay" in errors
    errors = envelope(api.post("/api/v1/dues/", {"member": member.pk, "month": "2025-03"}, format="json"))
    assert errors["base_pay"] == ["请填写月工资收入（党费计算基数）。"]
    other = MemberFactory(branch=tree["b"])
    errors = envelope(
        api.post("/api/v1/dues/", {"member": other.pk, "month": "2025-03", "base_pay": "1"}, format="json")
    )
    assert errors["member"] == ["党员不存在，或不在您的管理范围内。"]
    assert not DuesMonth.objects.exists()


def test_correcting_a_month_keeps_what_was_not_sent(api, tree):
    member = MemberFactory(branch=tree["a"])
    row = dues_month_record(member=member, month=date(2025, 3, 1), base_pay="4000")
    response = api.patch(f"/api/v1/dues/{row.pk}/", {"amount_paid": "40.00", "paid_on": "2025-04-01"}, format="json")
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert (row.base_pay, row.amount_due, row.amount_paid) == (D("4000.00"), D("40.00"), D("40.00"))


def test_a_branch_month_in_one_call_is_all_or_nothing(api, tree):
    a, b = MemberFactory(branch=tree["a"]), MemberFactory(branch=tree["a"])
    payload = {
        "branch": tree["a"].pk,
        "month": "2025-04",
        "paid_on": "2025-04-10",
        "rows": [
            {"member": a.pk, "base_pay": "3000", "paid_in_full": True},
            {"member": b.pk, "fixed_amount": "1.00", "paid_in_full": True},  # employed: no fixed amount
        ],
    }
    errors = envelope(api.post("/api/v1/dues/batch/", payload, format="json"))
    assert list(errors) == [f"{b.pk}.base_pay"]  # an employed member pays a share of the pay, not a fixed amount
    assert not DuesMonth.objects.exists()
    payload["rows"][1] = {"member": b.pk, "base_pay": "8000"}
    response = api.post("/api/v1/dues/batch/", payload, format="json")
    assert response.status_code == 200, response.content
    assert [r["amount_due"] for r in response.json()] == ["15.00", "120.00"]
    stranger = MemberFactory(branch=tree["b"])
    payload["rows"] = [{"member": stranger.pk, "base_pay": "1"}]
    assert "rows" in envelope(api.post("/api/v1/dues/batch/", payload, format="json"))


def test_arrears_and_the_rate_table(api, tree):
    member = MemberFactory(branch=tree["a"], name="欠")
    dues_month_record(
        member=member, month=date(2024, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(2024, 1, 2)
    )
    body = api.get("/api/v1/dues/arrears/", {"owing": "true"}).json()
    assert [r["name"] for r in body["results"]] == ["欠"] and body["results"][0]["owed_months"] > 0
    assert body["results"][0]["last_settled"] == "2024-01-01"
    assert api.get("/api/v1/dues/arrears/", {"branch": tree["b"].pk}).status_code == 404
    rates = api.get("/api/v1/dues-rates/").json()["results"]
    assert {(r["category"], r["upper_bound"], r["percent"]) for r in rates} >= {("employed", "3000.00", "0.50")}


# --------------------------------------------------------------------------- 学时


def test_study_hours_and_trainings(api, tree):
    a = MemberFactory(branch=tree["a"], name="甲")
    MemberFactory(branch=tree["a"], name="乙")
    response = api.post(
        "/api/v1/trainings/",
        {"branch": tree["a"].pk, "title": "轮训", "start_date": "2025-03-01", "full_days": 4, "participants": [a.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["credited_hours"] == "32.0"
    rows = api.get("/api/v1/study-hours/", {"year": 2025, "short": "true"}).json()["results"]
    assert [r["name"] for r in rows] == ["乙"] and rows[0]["shortfall"] == "32.0"
    training = Training.objects.get()
    assert (
        api.patch(f"/api/v1/trainings/{training.pk}/", {"half_days": 1, "full_days": 0}, format="json").json()[
            "credited_hours"
        ]
        == "4.0"
    )
    assert api.delete(f"/api/v1/trainings/{training.pk}/").status_code == 204


def test_training_errors_and_scoping(api, tree):
    stranger = MemberFactory(branch=tree["b"])
    errors = envelope(
        api.post(
            "/api/v1/trainings/",
            {"branch": tree["a"].pk, "title": "x", "start_date": "2025-03-01", "participants": [stranger.pk]},
            format="json",
        )
    )
    assert "participants" in errors
    other = training_record(
        branch=tree["b"], title="别处", start_date=date(2025, 1, 1), full_days=1, participants=[stranger]
    )
    assert api.get(f"/api/v1/trainings/{other.pk}/").status_code == 404
    assert api.delete(f"/api/v1/trainings/{other.pk}/").status_code == 404


# --------------------------------------------------------------------------- 发展党员


def test_development_steps_in_order_with_the_timeline(api, tree):
    person = MemberFactory(
        branch=tree["a"],
        status=Member.Status.APPLICANT,
        join_date=None,
        full_member_date=None,
        application_date=None,
        birth_date=date(2000, 1, 1),
    )
    errors = envelope(
        api.post("/api/v1/development-steps/", {"member": person.pk, "step": 2, "date": "2025-01-02"}, format="json")
    )
    assert errors["step"][0].startswith("须先登记上一步")
    response = api.post(
        "/api/v1/development-steps/",
        {"member": person.pk, "step": 1, "date": "2024-01-01", "document": "入党申请书"},
        format="json",
    )
    assert response.status_code == 201, response.content
    timeline = api.get(f"/api/v1/members/{person.pk}/development/").json()
    assert timeline["next_step"] == 2 and [s["step"] for s in timeline["steps"]] == [1]
    assert [f["code"] for f in timeline["findings"]] == ["TALK_LATE"]
    flagged = api.get("/api/v1/development/", {"flagged": "true"}).json()["results"]
    assert [p["member_id"] for p in flagged] == [person.pk]
    step = DevelopmentStep.objects.get()
    assert api.patch(f"/api/v1/development-steps/{step.pk}/", {"step": 5}, format="json").status_code == 400
    assert (
        api.patch(f"/api/v1/development-steps/{step.pk}/", {"document": "申请书原件"}, format="json").status_code == 200
    )


def test_an_inspector_reads_but_cannot_record(api_client, user_with_role, tree):
    person = MemberFactory(
        branch=tree["a"],
        status=Member.Status.APPLICANT,
        join_date=None,
        full_member_date=None,
        application_date=None,
        birth_date=date(2000, 1, 1),
    )
    step = development_step_record(member=person, step=1, date=date(2025, 1, 1))
    api_client.force_login(user_with_role(Role.INSPECTOR, tree["committee"]))
    assert api_client.get(f"/api/v1/development-steps/{step.pk}/").status_code == 200
    assert (
        api_client.patch(f"/api/v1/development-steps/{step.pk}/", {"document": "x"}, format="json").status_code == 403
    )
    response = api_client.post(
        "/api/v1/development-steps/", {"member": person.pk, "step": 2, "date": "2025-01-02"}, format="json"
    )
    assert response.status_code == 403


# --------------------------------------------------------------------------- 组织关系转接


def test_issuing_receiving_and_withdrawing_letters(api, tree):
    member = MemberFactory(branch=tree["a"])
    response = api.post(
        "/api/v1/transfers/",
        {"member": member.pk, "to_org": "外县", "issued_on": "2025-01-02", "same_city": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["serial_no"], body["validity_days"], body["expires_on"], body["state"]) == (
        "2025001",
        10,
        "2025-01-12",
        "overdue",
    )
    letter = Transfer.objects.get()
    assert [t["id"] for t in api.get("/api/v1/transfers/", {"state": "overdue"}).json()["results"]] == [letter.pk]
    response = api.post(f"/api/v1/transfers/{letter.pk}/receive/", {"received_on": "2025-01-20"}, format="json")
    assert response.json()["state"] == "received"
    errors = envelope(api.post(f"/api/v1/transfers/{letter.pk}/cancel/", {"reason": "x"}, format="json"))
    assert "received_on" in errors


def test_a_letter_shows_its_receipt_due_date_and_whether_the_receipt_is_late(api, tree):
    on_time = transfer_out_issue(member=MemberFactory(branch=tree["a"]), to_org="外县", issued_on=date(2025, 1, 31))
    transfer_receive(on_time, received_on=date(2025, 2, 28))  # one calendar month after 31 January
    late = transfer_out_issue(member=MemberFactory(branch=tree["a"]), to_org="外县", issued_on=date(2025, 3, 1))

    rows = {t["id"]: t for t in api.get("/api/v1/transfers/").json()["results"]}

    assert (rows[on_time.pk]["receipt_due"], rows[on_time.pk]["receipt_late"]) == ("2025-02-28", False)
    assert (rows[late.pk]["receipt_due"], rows[late.pk]["receipt_late"]) == ("2025-04-01", True)


def test_letters_validity_and_scope(api, tree):
    member = MemberFactory(branch=tree["a"])
    errors = envelope(
        api.post("/api/v1/transfers/", {"member": member.pk, "to_org": "外县", "validity_days": 120}, format="json")
    )
    assert errors["validity_days"] == ["介绍信有效期应在1至90天之间。"]
    other = transfer_out_issue(member=MemberFactory(branch=tree["b"]), to_org="外县")
    assert api.get(f"/api/v1/transfers/{other.pk}/").status_code == 404
    assert api.post(f"/api/v1/transfers/{other.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404


def test_registering_a_letter_from_outside(api, tree):
    payload = {
        "branch": tree["a"].pk,
        "serial_no": "88",
        "from_org": "外市",
        "issued_on": "2025-02-01",
        "received_on": "2025-02-03",
        "party_status": "probationary",
        "name": "新来",
        "gender": "F",
        "birth_date": "1995-05-05",
        "join_date": "2024-12-01",
        "id_number": make_id_number(date(1995, 5, 5), 4),
    }
    response = api.post("/api/v1/transfers/register-in/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "in" and response.json()["state"] == "received"
    assert Member.objects.get(name="新来").status == Member.Status.PROBATIONARY
    payload["branch"] = tree["b"].pk
    assert "branch" in envelope(api.post("/api/v1/transfers/register-in/", payload, format="json"))


# --------------------------------------------------------------------------- six-month rule


def test_six_month_cases_and_their_handling(api, tree):
    member = MemberFactory(branch=tree["a"], name="久未")
    dues_month_record(
        member=member, month=date(2024, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(2024, 1, 2)
    )
    cases = api.get("/api/v1/six-month-cases/", {"unhandled": "true"}).json()["results"]
    assert [(c["name"], c["rule"], c["since"], c["handled"]) for c in cases] == [("久未", "dues", "2024-02-01", False)]
    response = api.post(
        "/api/v1/inactivity-handlings/",
        {
            "member": member.pk,
            "rule": "dues",
            "since": "2024-02",
            "handled_on": "2024-09-01",
            "measure": "corrected",
            "note": "谈话后补交",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert api.get("/api/v1/six-month-cases/", {"unhandled": "true"}).json()["results"] == []
    member.refresh_from_db()
    assert member.status == Member.Status.FULL


# --------------------------------------------------------------------------- imports and export


def workbook(rows, headers) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "upload.xlsx"
    return buffer


HEADERS = ["姓名", "性别", "出生日期", "身份证号", "人员类别", "状态"]


def test_importing_through_the_api(api, tree):
    bad = make_id_number(date(1990, 1, 1), 1)[:-1] + "0"
    if bad == make_id_number(date(1990, 1, 1), 1):
        bad = bad[:-1] + "1"
    response = api.post(
        "/api/v1/member-imports/",
        {
            "dataset": "roster",
            "branch": tree["a"].pk,
            "file": workbook([["甲", "男", "1990-01-01", bad, "在岗职工", "入党申请人"]], HEADERS),
        },
        format="multipart",
    )
    body = response.json()
    assert response.status_code == 400
    assert list(body["errors"]) == ["D2"] and "校验位" in body["errors"]["D2"][0]
    assert body["import"]["outcome"] == "failed" and not Member.objects.exists()
    report = api.get(body["import"]["report_url"])
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    assert ws["D2"].comment is not None

    good = make_id_number(date(1990, 1, 1), 1)
    response = api.post(
        "/api/v1/member-imports/",
        {
            "dataset": "roster",
            "branch": tree["a"].pk,
            "file": workbook([["甲", "男", "1990-01-01", good, "在岗职工", "入党申请人"]], HEADERS),
        },
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["created_count"] == 1


def test_import_errors_for_bad_requests(api, tree):
    errors = envelope(
        api.post(
            "/api/v1/member-imports/",
            {"dataset": "roster", "branch": tree["b"].pk, "file": workbook([], HEADERS)},
            format="multipart",
        )
    )
    assert "branch" in errors
    response = api.post(
        "/api/v1/member-imports/",
        {"dataset": "roster", "branch": tree["a"].pk, "file": io.BytesIO(b"not a workbook")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.json()["errors"]["file"][0]
    template = api.get("/api/v1/member-imports/template/", {"dataset": "dues"})
    assert template.status_code == 200
    assert "月份*" in [
        c.value for c in load_workbook(io.BytesIO(b"".join(template.streaming_content))).worksheets[0][1]
    ]


def test_export_through_the_api(api, tree, api_client, user_with_role):
    number = make_id_number(date(1985, 6, 15), 77)
    member = MemberFactory(branch=tree["a"], id_number=number)
    response = api.get("/api/v1/members/export/")
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and number.encode() not in content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert member.id_number_masked in [c.value for c in sheet[2]]
    full = load_workbook(
        io.BytesIO(b"".join(api.get("/api/v1/members/export/", {"id": "full"}).streaming_content))
    ).worksheets[0]
    assert number in [c.value for c in full[2]]
    assert IdNumberAccess.objects.filter(channel="export").count() == 1
    api_client.force_login(user_with_role(Role.INSPECTOR, tree["committee"]))
    assert api_client.get("/api/v1/members/export/", {"id": "full"}).status_code == 403


# --------------------------------------------------------------------------- query counts


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


LISTS = [
    "/api/v1/dues/",
    "/api/v1/dues/arrears/",
    "/api/v1/trainings/",
    "/api/v1/development-steps/",
    "/api/v1/development/",
    "/api/v1/transfers/",
    "/api/v1/six-month-cases/",
    "/api/v1/study-hours/",
    "/api/v1/inactivity-handlings/",
    "/api/v1/member-imports/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_endpoints_do_not_grow_with_their_rows(api_client, secretary_of, url):
    def branch_with(n):
        branch = BranchFactory()
        people = []
        for i in range(n):
            member = MemberFactory(branch=branch)
            dues_month_record(
                member=member, month=date(2024, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(2024, 1, 2)
            )
            person = MemberFactory(
                branch=branch,
                status=Member.Status.APPLICANT,
                join_date=None,
                full_member_date=None,
                application_date=None,
                birth_date=date(2000, 1, 1),
            )
            development_step_record(member=person, step=1, date=date(2024, 1, 1))
            people.append(member)
            if i % 2:
                transfer_out_issue(member=member, to_org="外县", issued_on=date(2024, 2, 1))
        training_record(branch=branch, title="t", start_date=date(2024, 3, 1), full_days=1, participants=people)
        ImportRun.objects.create(dataset="roster", branch=branch, filename="x.xlsx", outcome="failed")
        return branch

    small, large = branch_with(2), branch_with(12)
    api_client.force_login(secretary_of(small))
    small_count = count(api_client, url, year=2024)
    api_client.force_login(secretary_of(large))
    assert count(api_client, url, year=2024) == small_count
