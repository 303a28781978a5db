"""Excel imports (SPEC §3): the template, row-level validation, an error
report marking each bad cell, and all-or-nothing commit."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from members import excel
from members.models import DuesMonth, ImportRun, Member, MemberStatusChange
from members.services import dues_month_record, members_import
from tests.branches.factories import BranchFactory, PartyGroupFactory
from tests.members.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db

ROSTER_HEADERS = ["姓名", "性别", "出生日期", "身份证号", "人员类别", "状态", "入党日期", "转正日期", "党小组"]


def xlsx(rows, headers=ROSTER_HEADERS, name="名册.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=excel.XLSX)


def person(n, name=None, birth=date(1980, 1, 1), **overrides):
    row = {
        "姓名": name or f"党员{n}",
        "性别": "男",
        "出生日期": birth,
        "身份证号": make_id_number(birth, 10 + n),
        "人员类别": "在岗职工",
        "状态": "正式党员",
        "入党日期": date(2005, 7, 1),
        "转正日期": date(2006, 7, 1),
        "党小组": "",
    }
    row.update(overrides)
    return [row[h] for h in ROSTER_HEADERS]


def snapshot():
    return (
        Member.objects.count(),
        MemberStatusChange.objects.count(),
        Member.history.count(),
        DuesMonth.objects.count(),
    )


def report_cells(run: ImportRun):
    """(cell → comment) of the red cells of the error report's first sheet."""
    wb = load_workbook(run.report.path)
    ws = wb.worksheets[0]
    return {
        c.coordinate: c.comment.text
        for row in ws.iter_rows()
        for c in row
        if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith("FFC7CE")
    }


def test_a_good_roster_is_imported_whole_with_history():
    branch = BranchFactory()
    group = PartyGroupFactory(branch=branch, name="第一党小组")
    run = members_import(
        branch=branch,
        dataset="roster",
        upload=xlsx(
            [person(1), person(2, 党小组="第一党小组"), person(3, 状态="入党积极分子", 入党日期=None, 转正日期=None)]
        ),
    )
    assert run.outcome == ImportRun.Outcome.COMMITTED and run.created_count == 3 and run.errors == []
    assert Member.objects.filter(branch=branch).count() == 3
    assert Member.objects.get(name="党员2").party_group == group
    assert Member.objects.get(name="党员3").status == Member.Status.ACTIVIST
    assert MemberStatusChange.objects.filter(reason="建档").count() == 3


def test_the_template_round_trips(tmp_path):
    content = excel.template("roster")
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "姓名*" and "身份证号" in headers and ws.max_row == 1
    assert ws.data_validations.dataValidation  # drop-downs for the choices
    ws.append(
        [
            "赵敏",
            "女",
            "汉族",
            date(1990, 3, 4),
            make_id_number(date(1990, 3, 4), 2),
            "",
            "大学本科",
            "",
            "",
            "",
            "在岗职工",
            "正式党员",
            None,
            None,
            None,
            date(2015, 7, 1),
            date(2016, 7, 1),
            None,
            "否",
            "",
        ]
    )
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    run = members_import(
        branch=BranchFactory(), dataset="roster", upload=SimpleUploadedFile("t.xlsx", buffer.getvalue())
    )
    assert run.outcome == ImportRun.Outcome.COMMITTED, run.errors
    member = Member.objects.get()
    assert (member.name, member.education, member.gender) == ("赵敏", Member.Education.BACHELOR, "F")


def failed(upload, dataset="roster", branch=None):
    before = snapshot()
    run = members_import(branch=branch or BranchFactory(), dataset=dataset, upload=upload)
    assert run.outcome == ImportRun.Outcome.FAILED
    assert run.created_count == 0
    assert snapshot() == before, "a bad file must change nothing"
    assert run.report
    return run


def test_one_bad_id_number_among_good_rows_imports_nothing_and_marks_the_cell():
    bad = person(2)
    bad[3] = bad[3][:-1] + ("0" if bad[3][-1] != "0" else "1")
    run = failed(xlsx([person(1), bad, person(3)]))
    assert [(e["cell"], e["column"]) for e in run.errors] == [("D3", "身份证号")]
    assert "校验位" in run.errors[0]["message"]
    assert report_cells(run) == {"D3": run.errors[0]["message"]}


def test_every_error_of_every_row_is_reported():
    rows = [
        person(1, 性别="未知"),
        person(2, 出生日期="1980-13-01"),
        person(3, 人员类别=""),
        person(4, 状态="转出"),  # leaving states cannot be imported
        person(5, 党小组="不存在的小组"),
        person(6, 转正日期=date(2004, 1, 1)),  # before 入党日期 (the service's rule)
    ]
    run = failed(xlsx(rows))
    cells = {e["cell"]: e["message"] for e in run.errors}
    assert set(cells) == {"B2", "C3", "E4", "F5", "I6", "H7"}
    assert "应为以下之一" in cells["B2"] and "日期格式" in cells["C3"] and "必须填写" in cells["E4"]
    assert "不能早于" in cells["H7"]
    assert set(report_cells(run)) == set(cells)


def test_duplicate_rows_and_id_numbers_are_reported():
    first = person(1)
    again = person(1)
    same_id = person(2)
    same_id[3] = first[3]
    run = failed(xlsx([first, again, same_id]))
    assert [(e["cell"], e["message"]) for e in run.errors] == [
        ("A3", "与第2行完全相同。"),
        ("D4", "身份证号与第2行重复。"),
    ]


def test_an_id_number_already_on_the_roll_is_reported():
    existing = MemberFactory(id_number=make_id_number(date(1980, 1, 1), 11))
    run = failed(xlsx([person(1)]))
    assert run.errors[0]["cell"] == "D2" and "已登记" in run.errors[0]["message"]
    assert Member.objects.get() == existing


def test_wrong_columns_are_reported_on_the_header():
    run = failed(xlsx([["张三", "男"]], headers=["名字", "性别"]))
    messages = [e["message"] for e in run.errors]
    assert any("无法识别的列" in m for m in messages) and any("缺少必填列" in m and "姓名" in m for m in messages)
    assert "A1" in report_cells(run)


def test_a_file_that_is_not_an_xlsx_is_reported():
    run = failed(SimpleUploadedFile("名册.xlsx", b"name,gender\nzhang,M\n", content_type="text/csv"))
    assert "不是有效的 Excel" in run.errors[0]["message"] and run.errors[0]["row"] == 0
    run = failed(SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0garbage"))
    assert ".xlsx" in run.errors[0]["message"]


def test_an_empty_file_is_reported():
    assert "空的" in failed(xlsx([], headers=[])).errors[0]["message"]
    assert "没有数据行" in failed(xlsx([])).errors[0]["message"]


def test_too_many_rows_are_refused(settings):
    settings.MEMBERS_IMPORT_MAX_ROWS = 2
    assert "最多导入2行" in failed(xlsx([person(1), person(2), person(3)])).errors[0]["message"]


def test_an_id_number_stored_as_a_number_by_excel_is_reported():
    row = person(1)
    row[3] = float(row[3][:15])
    assert "文本格式" in failed(xlsx([row])).errors[0]["message"]


def test_the_error_report_can_be_fixed_and_uploaded_again():
    bad = person(1, 性别="未知")
    run = failed(xlsx([bad]))
    wb = load_workbook(run.report.path)
    ws = wb.worksheets[0]
    assert ws.cell(row=1, column=len(ROSTER_HEADERS) + 1).value == excel.ERROR_COLUMN
    ws["B2"] = "男"
    buffer = io.BytesIO()
    wb.save(buffer)
    again = members_import(branch=run.branch, dataset="roster", upload=SimpleUploadedFile("r.xlsx", buffer.getvalue()))
    assert again.errors == [
        {"row": 2, "column": "身份证号", "cell": "D2", "message": "错误报告中的身份证号已部分隐去，请填回完整的身份证号。"}
    ]
    ws["D2"] = bad[3]  # the report masks ID numbers: the secretary types it in again
    buffer = io.BytesIO()
    wb.save(buffer)
    again = members_import(branch=run.branch, dataset="roster", upload=SimpleUploadedFile("r.xlsx", buffer.getvalue()))
    assert again.outcome == ImportRun.Outcome.COMMITTED, again.errors


def _report_text(content: bytes) -> str:
    """Every part of the report workbook (cells, comments, shared strings), as text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_error_report_never_holds_a_full_id_number(api_client, secretary_of):
    """Valid ID numbers and one bad cell: neither the report (file or API download)
    nor the stored errors show a full number, wherever it was typed."""
    headers = [*ROSTER_HEADERS, "备注"]
    rows = [person(n) + [""] for n in (1, 2, 3)]
    rows[1][1] = "未知"  # the bad cell
    rows[2][-1] = f"旧号{make_id_number(date(1970, 5, 5), 7)}"  # a number typed in another column
    numbers = [r[3] for r in rows] + [make_id_number(date(1970, 5, 5), 7)]
    branch = BranchFactory()
    run = failed(xlsx(rows, headers=headers), branch=branch)
    assert [e["cell"] for e in run.errors] == ["B3"]
    with run.report.open("rb") as f:
        stored = _report_text(f.read())
    api_client.force_authenticate(secretary_of(branch))
    response = api_client.get(f"/api/v1/member-imports/{run.pk}/report/")
    assert response.status_code == 200
    downloaded = _report_text(b"".join(response.streaming_content))
    for number in numbers:
        masked = number[:3] + "*" * 11 + number[-4:]
        assert number not in stored and number not in downloaded and number not in str(run.errors)
        assert masked in stored
    ws = load_workbook(run.report.path).worksheets[0]
    assert ws["D2"].value == numbers[0][:3] + "*" * 11 + numbers[0][-4:]


# --------------------------------------------------------------------------- dues

DUES_HEADERS = ["姓名", "身份证号", "月份", "月工资收入", "实交金额", "交纳日期"]


def test_a_dues_ledger_is_imported_by_id_number_or_unique_name():
    branch = BranchFactory()
    a = MemberFactory(branch=branch, name="甲", id_number=make_id_number(date(1985, 6, 15), 1))
    b = MemberFactory(branch=branch, name="乙")
    rows = [
        ["甲", a.id_number, "2025-01", "4500", "45", date(2025, 1, 10)],
        ["乙", None, date(2025, 1, 1), 3000, None, None],
    ]
    run = members_import(branch=branch, dataset="dues", upload=xlsx(rows, headers=DUES_HEADERS))
    assert run.outcome == ImportRun.Outcome.COMMITTED, run.errors
    assert DuesMonth.objects.get(member=a).amount_due == Decimal("45.00")
    assert DuesMonth.objects.get(member=b).amount_paid == 0


def test_bad_dues_rows_import_nothing():
    branch = BranchFactory()
    a = MemberFactory(branch=branch, name="甲")
    MemberFactory(branch=branch, name="乙")
    MemberFactory(branch=branch, name="乙")
    dues_month_record(member=a, month=date(2025, 2, 1), base_pay="3000")
    rows = [
        ["甲", None, "2025-01", "3000", "15", "2025-01-05"],
        ["甲", None, "2025-01", "3000", "15", "2025-01-05"],  # exact copy
        ["甲", None, "2025-01", "3000", "14", "2025-01-05"],  # same member, same month
        ["乙", None, "2025-01", "3000", "15", "2025-01-05"],  # two people named 乙
        ["丙", None, "2025-01", "3000", "15", "2025-01-05"],  # nobody named 丙
        ["甲", None, "2025-02", "3000", "15", "2025-02-05"],  # already recorded
        ["甲", None, "2025-13", "3000.001", "-1", "2025-03-05"],
        ["甲", None, "2025-04", None, "15", "2025-04-05"],  # no base for an employed member
    ]
    run = failed(xlsx(rows, headers=DUES_HEADERS), dataset="dues", branch=branch)
    cells = {e["cell"]: e["message"] for e in run.errors}
    assert cells == {
        "A3": "与第2行完全相同。",
        "C4": "与第2行重复（同一党员同一月份）。",
        "A5": "本支部有同名党员，请填写身份证号。",
        "A6": "本支部没有名为丙的党员。",
        "C7": "甲该月党费已登记，如需更正请在党费台账中修改。",
        "C8": "月份格式不正确，应为 2026-03。",
        "D8": "金额最多保留两位小数（到分）。",
        "E8": "金额不能为负数。",
        "D9": "请填写月工资收入（党费计算基数）。",
    }
    assert DuesMonth.objects.count() == 1
