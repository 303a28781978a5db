"""Hostile workbooks against every Excel import (roster and dues, page and API
reach the same service): a declared dimension of the whole grid, 200,000 rows,
a part that inflates to hundreds of MB, a huge cell. Each is refused with a
Chinese message, nothing is imported, and memory stays bounded: the test
process's traced peak and its peak RSS grow by less than 200 MB.

The bombs are built here, streamed into a zip (a few hundred KB on disk)."""

import io
import resource
import tracemalloc
import zipfile
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from members import excel
from members.models import DuesMonth, ImportRun, Member
from members.services import members_import
from tests.branches.factories import BranchFactory
from tests.members.factories import make_id_number

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
CEILING = 200 * MB
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADERS = {
    "roster": ["姓名", "性别", "出生日期", "身份证号", "人员类别", "状态", "入党日期", "转正日期"],
    "dues": ["姓名", "身份证号", "月份", "月工资收入", "实交金额"],
}


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, texts) -> str:
    letters = "ABCDEFGH"
    return f'<row r="{number}">' + "".join(_istr(f"{letters[i]}{number}", t) for i, t in enumerate(texts)) + "</row>"


def _data_row(dataset: str, n: int) -> list[str]:
    if dataset == "roster":
        number = make_id_number(date(1980, 1, 1), 10 + n % 900)
        return [f"党员{n}", "男", "1980-01-01", number, "在岗职工", "正式党员", "2005-07-01", "2006-07-01"]
    return [f"党员{n}", "", "2026-03", "4500", "45"]


def package(sheet_chunks, *, dimension="A1", shared_strings_chunks=None) -> SimpleUploadedFile:
    """A real workbook with its sheet XML (and optionally sharedStrings) replaced,
    written chunk by chunk so that the test itself never holds the inflated file."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as f:
                    f.write(f'<worksheet xmlns="{NS}"><dimension ref="{dimension}"/><sheetData>'.encode())
                    for chunk in sheet_chunks:
                        f.write(chunk.encode())
                    f.write(b"</sheetData></worksheet>")
                continue
            if info.filename == "[Content_Types].xml" and shared_strings_chunks is not None:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(info, data)
        if shared_strings_chunks is not None:
            with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(f'<sst xmlns="{NS}"><si><t>'.encode())
                for chunk in shared_strings_chunks:
                    f.write(chunk)
                f.write(b"</t></si></sst>")
    return SimpleUploadedFile("bomb.xlsx", out.getvalue(), content_type=excel.XLSX)


@contextmanager
def memory_ceiling():
    """Peak traced allocations and peak RSS growth of the block, both < 200 MB."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        yield
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert peak < CEILING, f"traced peak {peak / MB:.0f} MB"
    assert rss_growth < CEILING, f"peak RSS grew {rss_growth / MB:.0f} MB"


def refused(dataset: str, upload) -> str:
    branch = BranchFactory()
    before = (Member.objects.count(), DuesMonth.objects.count())
    with memory_ceiling():
        run = members_import(branch=branch, dataset=dataset, upload=upload)
    assert run.outcome == ImportRun.Outcome.FAILED and run.created_count == 0
    assert (Member.objects.count(), DuesMonth.objects.count()) == before
    assert len(run.errors) == 1 and run.errors[0]["row"] == 0
    return run.errors[0]["message"]


@pytest.mark.parametrize("dataset", ["roster", "dues"])
def test_a_dimension_bomb_with_a_far_cell_is_refused(dataset):
    """The issue's 8 KB file: the sheet declares A1:XFD1048576; here it really has a cell there."""
    chunks = [
        _row(1, HEADERS[dataset]),
        _row(2, _data_row(dataset, 1)),
        f'<row r="1048576">{_istr("XFD1048576", "x")}</row>',
    ]
    upload = package(chunks, dimension="A1:XFD1048576")
    assert upload.size < 10_000
    assert "列数过多" in refused(dataset, upload)


def test_a_declared_dimension_is_ignored_and_the_real_rows_are_read():
    branch = BranchFactory()
    upload = package([_row(1, HEADERS["roster"]), _row(2, _data_row("roster", 1))], dimension="A1:XFD1048576")
    with memory_ceiling():
        run = members_import(branch=branch, dataset="roster", upload=upload)
    assert run.outcome == ImportRun.Outcome.COMMITTED, run.errors
    assert Member.objects.filter(branch=branch).count() == 1


SHORT_ROW = "<row><c><v>1</v></c></row>"  # no row or cell reference: each counts on from the last


@pytest.mark.parametrize("dataset", ["roster", "dues"])
def test_a_row_bomb_stops_at_the_first_row_beyond_the_limit(dataset):
    """200,000 rows (14 MB inflated: under the size limit, so the row limit decides)."""
    chunks = (_row(n, HEADERS[dataset] if n == 1 else [f"党员{n}"]) for n in range(1, 200_002))
    upload = package(chunks)
    assert upload.size < 2 * MB
    assert "一次最多导入5000行" in refused(dataset, upload)


def test_a_million_rows_are_never_all_read_even_with_the_size_limit_lifted(settings):
    """The issue's 2.9 MB file of a million rows: refused by its inflated size, and
    with that limit lifted the streaming reader still stops at row 5,002."""
    settings.MEMBERS_IMPORT_MAX_UNCOMPRESSED_BYTES = 10**12
    settings.MEMBERS_IMPORT_MAX_COMPRESSION_RATIO = 10**6
    chunks = (_row(1, HEADERS["roster"]) if n == 1 else SHORT_ROW for n in range(1, 1_000_002))
    upload = package(chunks)
    assert upload.size < 5 * MB
    assert "一次最多导入5000行" in refused("roster", upload)


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    chunk = b"A" * MB
    upload = package([_row(1, HEADERS["roster"])], shared_strings_chunks=(chunk for _ in range(300)))
    assert upload.size < 2 * MB
    message = refused("roster", upload)
    assert "解压后过大" in message and "未导入任何数据" in message


def test_a_part_with_an_absurd_compression_ratio_is_refused():
    """Under the total limit (50 MB), but 20 MB of one letter: no spreadsheet looks like that."""
    upload = package([_row(1, HEADERS["roster"])], shared_strings_chunks=(b"A" * MB for _ in range(20)))
    assert "压缩比异常" in refused("roster", upload)


def test_a_huge_cell_is_refused():
    upload = package([_row(1, HEADERS["roster"]), _row(2, ["张" * 100_000, "男"])])
    message = refused("roster", upload)
    assert "A2" in message and "内容过长" in message


def test_a_bomb_through_the_api_is_a_chinese_400(api_client, secretary_of):
    branch = BranchFactory()
    api_client.force_authenticate(secretary_of(branch))
    chunks = (_row(n, HEADERS["roster"] if n == 1 else _data_row("roster", n)) for n in range(1, 20_002))
    response = api_client.post(
        "/api/v1/member-imports/",
        {"branch": branch.pk, "dataset": "roster", "file": package(chunks)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "一次最多导入5000行" in response.json()["errors"]["file"][0]
    assert not Member.objects.filter(branch=branch).exists()
