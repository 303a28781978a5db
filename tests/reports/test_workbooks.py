"""The workbooks as Excel opens them: every cell equal to the database's value
and typed (numbers, dates, percentages), bold frozen header, A4 print setup,
the official 附件2 layout, and text that can never run as a formula."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl.cell.cell import TYPE_NUMERIC, TYPE_STRING

from assessment.explain import GRADES
from assessment.models import ScoreSnapshot
from members.models import DuesMonth
from reports.exporters import EXPORTERS, RECOMMEND_HEADERS, RECOMMEND_NOTE, RECOMMEND_TITLE
from tests.members.factories import MemberFactory

from .conftest import YEAR, snapshot, workbook

pytestmark = pytest.mark.django_db


def rows_of(ws):
    return list(ws.iter_rows(values_only=True))


def test_summary_workbook_cells_equal_the_snapshots_typed(tree):
    params = {"unit": tree["committee"].pk, "year": YEAR, "problems": "=HYPERLINK(\"http://x\")", "plans": "+下步"}
    filename, _ct, content = EXPORTERS["summary_xlsx"].render(params)
    wb = workbook(content)
    assert filename.endswith(".xlsx") and wb.sheetnames == ["汇总", "各党支部得分", "失分较多的评分项"]

    ws = wb["各党支部得分"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["序号", "上级党组织", "党支部", "领域", "得分", "满分", "得分率"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "D2" and ws.print_title_rows == "$1:$1"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    by_name = {row[2].value: row for row in ws.iter_rows(min_row=2)}
    assert set(by_name) == {"甲一党支部", "甲二党支部"}  # 乙党委's branch is not in 甲党委's summary
    for branch in (tree["branch"], tree["branch2"]):
        snap = snapshot(branch)
        row = by_name[branch.name]
        assert row[1].value == "甲党委"
        assert row[4].data_type == TYPE_NUMERIC and Decimal(str(row[4].value)) == snap.total
        assert Decimal(str(row[5].value)) == snap.max
        assert row[6].number_format == "0.0%" and row[6].value == pytest.approx(float(snap.total / snap.max))
        assert row[11].value == str(GRADES[snap.grade])
        assert row[12].value == snap.stars and row[12].data_type == TYPE_NUMERIC
        assert row[7].value is None  # no campaign: 自评 empty, not a made-up number

    ws = wb["汇总"]
    facts = {r[0]: r[1] for r in rows_of(ws) if r and r[0] and len(r) > 1}
    assert facts["党支部数"] == 2
    passing = ScoreSnapshot.objects.filter(branch__parent=tree["committee"], year=YEAR).exclude(grade="fail").count()
    assert facts["达标及以上"] == passing
    ratio_cell = next(r[1] for r in ws.iter_rows(min_row=1) if r[0].value == "达标比例")
    assert ratio_cell.number_format == "0.0%" and ratio_cell.value == pytest.approx(passing / 2)
    # the user's text, never a formula
    texts = [c for row in ws.iter_rows() for c in row if c.value in ('=HYPERLINK("http://x")', "+下步")]
    assert len(texts) == 2 and all(c.data_type == TYPE_STRING and c.quotePrefix for c in texts)


def test_recommend_list_has_the_official_attachment_2_layout(tree):
    ScoreSnapshot.objects.filter(branch=tree["branch2"], year=YEAR).update(grade="demonstration")
    _name, _ct, content = EXPORTERS["recommend_xlsx"].render({"unit": tree["committee"].pk, "year": YEAR})
    ws = workbook(content).active

    assert ws["A1"].value == "附件2："
    assert ws["A2"].value == RECOMMEND_TITLE == "推荐标准化规范化建设示范党支部名单"
    assert ws["A3"].value.startswith("单位（盖章）：") and ws["C3"].value.startswith("填写时间：")
    assert [ws.cell(row=4, column=i).value for i in range(1, 6)] == list(RECOMMEND_HEADERS) == [
        "序号", "党支部名称", "党支部负责人", "联系方式", "支部类型"]
    assert ws["A5"].value == 1 and ws["A5"].data_type == TYPE_NUMERIC
    assert ws["B5"].value == "甲二党支部"
    secretary = tree["branch2"].terms.get().tenures.get().member
    assert ws["C5"].value == secretary.name
    assert ws["E5"].value == "农村"  # the official word for a village branch
    assert ws["A6"].value == RECOMMEND_NOTE == "备注：支部类型填写农村、社区、机关、国有企业、非公企业和社会组织等。"
    assert ws["B6"].value is None  # only the one 示范 branch is listed
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$4:$4" and "A2:E2" in {str(r) for r in ws.merged_cells.ranges}


def test_compliance_workbook_one_row_per_branch_held_and_missing_as_values_and_colours(tree):
    from meetings.selectors import branch_compliance
    from reports.exporters import branch_cells

    _name, _ct, content = EXPORTERS["compliance_xlsx"].render({"unit": tree["committee"].pk, "year": YEAR})
    ws = workbook(content).active
    header = [c.value for c in ws[1]]
    rows = {row[2].value: row for row in ws.iter_rows(min_row=2)}
    assert set(rows) == {"甲一党支部", "甲二党支部"}
    comp = branch_compliance(tree["branch"], YEAR, on=dt.date(YEAR + 1, 1, 10))
    assembly = next(r for r in comp.rows if r.requirement.code == "branch_assembly")
    for cell in assembly.cells:
        col = header.index(f"支部党员大会\n{cell.period.label}")
        got = rows["甲一党支部"][col]
        expected = {"held": "已开", "missing": "未开"}[cell.status]
        assert got.value == expected
        assert got.fill.fgColor.rgb.endswith({"held": "C6EFCE", "missing": "FFC7CE"}[cell.status])
    row = rows["甲一党支部"]
    due, held, missing, rate = (c.value for c in row[-4:])
    statuses = branch_cells(comp).values()
    assert held == sum(v == "held" for v in statuses) > 0
    assert missing == sum(v == "missing" for v in statuses) > 0
    assert due == held + missing
    assert row[-1].number_format == "0.0%" and rate == pytest.approx(held / due)
    assert ws.freeze_panes == "D2" and ws.print_title_cols == "$A:$C"


def test_dues_workbook_money_dates_and_rates_are_typed(tree):
    member = MemberFactory(branch=tree["branch"], name="=cmd|' /C calc'!A0")
    DuesMonth.objects.create(
        member=member, branch=tree["branch"], month=dt.date(YEAR, 3, 1), base_pay=Decimal("4500.00"),
        percent=Decimal("1.00"), amount_due=Decimal("45.00"), amount_paid=Decimal("45.00"),
        paid_on=dt.date(YEAR, 3, 10), receipt_no="R-001",
    )
    _name, _ct, content = EXPORTERS["dues_xlsx"].render({"unit": tree["committee"].pk, "year": YEAR})
    ws = workbook(content).active
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "=cmd|' /C calc'!A0")
    assert row[1].data_type == TYPE_STRING and row[1].quotePrefix  # a name that looks like a formula stays text
    assert row[2].value == dt.datetime(YEAR, 3, 1) and row[2].is_date
    assert row[3].value == 4500 and row[3].data_type == TYPE_NUMERIC
    assert row[4].value == pytest.approx(0.01) and row[4].number_format == "0.0%"
    assert row[5].value == 45 and row[6].value == 45
    assert row[9].value == dt.datetime(YEAR, 3, 10) and row[9].number_format == "yyyy-mm-dd"
    assert row[10].value == "R-001"


def test_roster_export_reuses_the_members_export_for_the_subtree(tree):
    _name, _ct, content = EXPORTERS["roster_xlsx"].render({"unit": tree["committee"].pk})
    ws = workbook(content).active
    branches = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert branches == {"甲一党支部", "甲二党支部"}
    assert ws.max_row - 1 == 11  # 7 + 4 members


def test_a_summary_reads_what_it_shows_of_the_snapshots_and_nothing_else(tree):
    import gc

    from reports import selectors

    branches = selectors.branches_under(tree["committee"])
    full = selectors.branch_scores(branches, YEAR)
    brief = selectors.branch_scores(branches, YEAR, with_gaps=False, summary=True)
    for b in branches:
        assert "category_scores" in full[b.pk].values and "category_scores" not in brief[b.pk].values
        for key in ("total", "max", "grade", "stars", "vetoed", "unrated", "items"):
            assert brief[b.pk].values[key] == full[b.pk].values[key]
        assert (brief[b.pk].total, brief[b.pk].grade) == (full[b.pk].total, full[b.pk].grade)
    summary = selectors.summary(tree["committee"], YEAR)
    assert [s.branch.pk for s in summary.scores] == [b.pk for b in branches]
    assert gc.isenabled()  # the collector paused for the summary is back on
