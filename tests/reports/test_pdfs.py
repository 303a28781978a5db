"""The PDFs as a reader gets them: Chinese in an embedded CJK font (pdffonts,
since pdftotext extracts text even when glyphs are missing), the branch's
name, total and grade, the page header and 第 N 页 / 共 M 页, the chart as
vector graphics."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from assessment.explain import GRADES, points_text, sentence
from reports.exporters import EXPORTERS

from .conftest import YEAR, assert_cjk_embedded, pdf_text, snapshot

pytestmark = pytest.mark.django_db


def test_branch_report_embeds_a_cjk_font_and_shows_name_total_grade_and_every_deduction(tree, tmp_path):
    branch = tree["branch"]
    snap = snapshot(branch)
    filename, content_type, content = EXPORTERS["branch_report"].render({"branch": branch.pk, "year": YEAR})

    assert content_type == "application/pdf" and filename.endswith(".pdf") and "甲一党支部" in filename
    assert_cjk_embedded(content, tmp_path)
    text = pdf_text(content, tmp_path)
    flat = text.replace(" ", "")
    assert "甲一党支部" in text
    assert f"{snap.total:.2f}" in text
    assert str(GRADES[snap.grade]) in text
    assert "第1页/共" in flat and "党支部达标验收报告" in text and "甲党委" in text  # running header and footer
    for heading in ("基本情况", "支部委员会", "党员情况", "落实情况", "评分详情", "佐证材料清单", "得分与等次", "意见"):
        assert heading in text
    assert "支部书记签字" in text and "党委（盖章）" in text and "日期" in text
    # every deduction with its reason and points
    deductions = [d for item in snap.items for d in item["deductions"]]
    assert deductions
    for d in deductions:
        assert sentence(d["code"], d["params"]).replace(" ", "")[:12] in flat
        assert f"−{points_text(d['points'])}" in flat
    # no campaign on this branch yet: the adapter's empty values, said in words
    assert "尚无达标验收活动记录" in flat


def test_branch_report_page_serves_the_pdf_in_scope_only(tree, tmp_path):
    client = Client()
    client.force_login(tree["secretary"])
    url = reverse("branch_report_pdf", args=[tree["branch"].pk, YEAR])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "甲一党支部" in pdf_text(response.content, tmp_path)
    assert client.get(reverse("branch_report_pdf", args=[tree["branch2"].pk, YEAR])).status_code == 404


def test_summary_pdf_has_the_chart_as_vectors_the_ratio_and_the_users_text(tree, tmp_path):
    params = {"unit": tree["committee"].pk, "year": YEAR, "problems": "个别支部主题党日不规范", "plans": "加强督导检查"}
    filename, _ct, content = EXPORTERS["summary_pdf"].render(params)

    assert_cjk_embedded(content, tmp_path)
    text = pdf_text(content, tmp_path)
    flat = text.replace(" ", "")
    assert "甲党委" in text and "甲一党支部" in text and "甲二党支部" in text
    assert "乙一党支部" not in text  # only the unit's subtree
    assert "达标比例" in text and "等次分布" in text and "失分较多的评分项" in flat
    assert "个别支部主题党日不规范" in flat and "加强督导检查" in flat
    for b in (tree["branch"], tree["branch2"]):
        assert f"{snapshot(b).total:.2f}" in text
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2  # header lines only: the chart is vectors, not a picture


def test_the_zip_holds_one_pdf_per_branch_of_the_committee(tree, tmp_path):
    import io
    import zipfile

    _name, content_type, content = EXPORTERS["branch_reports_zip"].render({"unit": tree["committee"].pk, "year": YEAR})
    assert content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert len(names) == 2
    assert any("甲一党支部" in n for n in names) and any("甲二党支部" in n for n in names)
    first = zipfile.ZipFile(io.BytesIO(content)).read(names[0])
    assert_cjk_embedded(first, tmp_path)


def test_every_character_the_reports_print_has_a_glyph(caplog):
    """The 25 steps of 发展党员 are numbered ①–㉕ in the archive catalogue and the
    member pages; the CJK font alone lacks ㉑–㉕ (printed as empty boxes until
    Noto CJK was installed beside it, Makefile APT_PACKAGES). WeasyPrint says
    when it prints a character no font has."""
    from members.pipeline import CIRCLED
    from reports.pdf import render_pdf

    with caplog.at_level("WARNING", logger="weasyprint"):
        content = render_pdf(
            "reports/pdf_base.html", {"header_unit": "甲党委", "report_name": "字形检查 " + CIRCLED + " 〇一二三"}
        )
    assert content.startswith(b"%PDF")
    assert not [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()]
