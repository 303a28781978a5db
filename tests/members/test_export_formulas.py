"""Formula injection: a text that starts like a formula (=, +, -, @, tab, CR)
is written as text in every workbook the project produces (the roster export,
the import error report, the templates), never as a live formula; numbers
and dates stay what they are."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from config import xlsx
from members import excel
from members.models import ImportRun
from members.services import members_import
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/","点我")'
TRICKS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_text_not_formula(content: bytes, texts):
    found = {c.value: c for c in cells(content) if c.value in texts}
    assert set(found) == set(texts)
    for cell in found.values():
        assert cell.data_type != "f" and isinstance(cell.value, str), cell.coordinate
        assert cell.quotePrefix, cell.coordinate  # Excel keeps it text even after the cell is edited
    assert not [c for c in cells(content) if c.data_type == "f"]


def test_the_roster_export_writes_a_formula_looking_name_as_text():
    member = MemberFactory(name=EVIL, work_unit="+86 单位", post="-科员", remarks="@所有人")
    content = excel.export_roster([member], reveal=False)
    assert_text_not_formula(content, [EVIL, "+86 单位", "-科员", "@所有人"])
    birth = next(c for c in cells(content) if c.column == 5 and c.row == 2)
    assert birth.is_date  # dates stay dates


def test_the_roster_export_through_the_page_and_the_api(client, api_client, secretary_of):
    member = MemberFactory(name=EVIL)
    user = secretary_of(member.branch)
    client.force_login(user)
    api_client.force_authenticate(user)
    page = client.get("/members/export/")
    api = api_client.get("/api/v1/members/export/")
    for response in (page, api):
        assert response.status_code == 200, response
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert_text_not_formula(content, [EVIL])


def test_the_error_report_writes_uploaded_formula_text_as_text_and_keeps_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "月份", "月工资收入", "实交金额"])
    ws.append(["无此人", None, "2026-03", 4500, 45.5])
    for row, text in enumerate(TRICKS, start=3):  # each in the name column of its own row
        ws.cell(row=row, column=1).value = text
        ws.cell(row=row, column=1).data_type = "s"  # typed as text in the upload
        ws.cell(row=row, column=3).value = "2026-03"
    buffer = io.BytesIO()
    wb.save(buffer)
    run = members_import(branch=BranchFactory(), dataset="dues", upload=SimpleUploadedFile("d.xlsx", buffer.getvalue()))
    assert run.outcome == ImportRun.Outcome.FAILED
    with run.report.open("rb") as f:
        content = f.read()
    assert_text_not_formula(content, TRICKS[:5])  # (XML reads the CR back as a line feed)
    report = load_workbook(io.BytesIO(content)).worksheets[0]
    assert (report["D2"].value, report["E2"].value) == (4500, 45.5)


def test_the_guard_leaves_numbers_dates_and_plain_text_alone():
    ws = Workbook().active
    for value in (-5, 3.5, date(2026, 1, 1), True, "张三", "", None):
        assert xlsx.guard(ws, value) is value or xlsx.guard(ws, value) == value


PROJECT = Path(__file__).resolve().parents[2]
WRITERS = {"config/xlsx.py", "members/excel.py", "reports/xlsx.py", "reports/exporters.py"}


def test_every_module_that_writes_workbooks_goes_through_the_guard():
    """A tripwire for the next exporter: openpyxl is used only where rows are
    written through `config.xlsx.append`/`set_value` (no bare `ws.append`, no `.value =`)."""
    users = set()
    for path in PROJECT.rglob("*.py"):
        relative = path.relative_to(PROJECT).as_posix()
        if relative.startswith((".venv/", "tests/", "var/", "bench/")):
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import) openpyxl", source, re.M):
            users.add(relative)
            if relative != "config/xlsx.py":
                assert not re.search(r"\b(ws|sheet|worksheet|notes|summary)\.append\(", source), relative
                assert not re.search(r"\.value\s*=[^=]", source), relative
    assert users == WRITERS, "a new module writes Excel: write its rows with config.xlsx.append and list it here"
