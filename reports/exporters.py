"""One class per report (pretix's exporters): `render(params) -> (filename,
content_type, bytes)`, the same from a page, the API and a Celery job.

`params` is plain JSON (ids, a year, texts), so that a job can store it;
`clean(user, params)` checks it against the user's scope and returns the
cleaned form (a 党委 only ever exports its own subtree). `render` may take a
`progress(done, total)` callback, which the report jobs turn into 0–100."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessment import explain
from assessment.selectors import record_names
from branches.models import OrgUnit, Sector
from config import xlsx as guarded
from meetings import compliance as mc
from meetings.selectors import branches_compliance
from members import excel as member_excel
from members.models import DuesMonth, Member

from . import selectors as s
from . import xlsx
from .pdf import PDF, bar_chart_svg, render_pdf
from .xlsx import XLSX, Col

ZIP = "application/zip"
TEXT_LIMIT = 4000


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "report"


def stars(n: int) -> str:
    return "★" * n if n else ""


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class Exporter:
    kind: str = ""
    label = ""
    content_type = PDF
    # "branch": params name one 党支部; "unit": an org unit whose subtree is exported
    target = "unit"
    with_year = True
    with_texts = False  # 存在问题 / 下步打算, filled in by the user before export

    # ---------------------------------------------------------------- params

    def clean(self, user, params: dict) -> dict:
        """The params checked against the user's scope, in their stored form."""
        params = params or {}
        if not isinstance(params, dict):
            raise ValidationError({"params": _("参数应为对象，如 {\"unit\": 1, \"year\": 2025}。")})
        out: dict = {}
        if self.target == "branch":
            branch = s.branch_for(user, params.get("branch"))
            if branch is None:
                raise ValidationError({"branch": _("党支部不存在或不在您的管理范围内。")})
            out["branch"] = branch.pk
        else:
            unit = s.unit_for(user, params.get("unit"))
            if unit is None:
                raise ValidationError({"unit": _("党组织不存在或不在您的管理范围内。")})
            out["unit"] = unit.pk
        if self.with_year:
            try:
                year = int(params.get("year") or timezone.localdate().year)
            except (TypeError, ValueError, OverflowError):
                year = 0
            if not 2000 <= year <= timezone.localdate().year:
                raise ValidationError({"year": _("年度应在2000年至今年之间。")})
            out["year"] = year
        if self.with_texts:
            for key in ("problems", "plans"):
                text = str(params.get(key) or "").strip()
                if len(text) > TEXT_LIMIT:
                    raise ValidationError({key: _("内容不能超过%(n)s字。") % {"n": TEXT_LIMIT}})
                out[key] = text
        return out

    def target_of(self, params: dict) -> OrgUnit:
        key = "branch" if self.target == "branch" else "unit"
        return OrgUnit.objects.select_related("parent").get(pk=params[key])

    def render(self, params: dict, progress=None) -> tuple[str, str, bytes]:
        raise NotImplementedError


# ---------------------------------------------------------------- 党支部达标验收报告 (PDF)


def calendar_rows(comp: mc.BranchCompliance) -> list[dict]:
    marks = {mc.HELD: _("已"), mc.MISSING: _("缺"), mc.UPCOMING: _("待"), mc.NOT_APPLICABLE: "—"}
    rows = []
    for row in comp.rows:
        cells = [
            {"span": c.period.months, "mark": marks.get(c.status, ""), "status": c.status}
            for c in sorted(row.cells, key=lambda c: c.period.first_month)
        ]
        rows.append({"label": row.label, "cells": cells, "held": row.held, "missing": row.missing})
    return rows


def branch_report_context(data: s.BranchReportData) -> dict:
    score = data.score
    values = score.values
    shown = explain.explained(values, branch_id=data.branch.pk, year=data.year, names=record_names(values))
    categories = []
    for cat in score.categories:
        got = values["category_scores"].get(cat["code"], {})
        items = [i for i in shown["items"] if i["category"] == cat["code"]]
        for item in items:
            item["lost"] = item["score"] is not None and Decimal(str(item["score"])) < Decimal(str(item["max"]))
        categories.append(
            {"code": cat["code"], "name": cat["name"], "score": Decimal(str(got.get("score", 0))),
             "max": Decimal(str(got.get("max", 0))), "items": items}
        )
    campaign = score.campaign
    opinions = list(campaign.opinions) or [
        (_("党支部自评意见"), ""),
        (_("党委审核意见"), ""),
        (_("验收组意见"), ""),
    ]
    unit = data.branch.parent.name if data.branch.parent_id else data.branch.name
    return {
        "report_name": _("党支部达标验收报告"),
        "header_unit": f"{unit} · {data.branch.name}",
        "branch": data.branch,
        "year": data.year,
        "stats": data.stats,
        "term": data.term,
        "tenures": data.tenures,
        "months": range(1, 13),
        "calendar": calendar_rows(data.compliance),
        "categories": categories,
        "vetoes": shown["vetoes"],
        "card_name": score.card_name,
        "from_snapshot": score.from_snapshot,
        "documents": data.documents,
        "campaign": campaign,
        "total": score.total,
        "max": score.max,
        "grade_label": str(explain.GRADES.get(score.grade, score.grade)),
        "stars_text": stars(values["stars"]),
        "unrated": values["unrated"],
        "opinions": opinions,
    }


def branch_report_pdf(data: s.BranchReportData) -> tuple[str, bytes]:
    filename = f"{safe_filename(data.branch.name)}-{data.year}年度达标验收报告.pdf"
    return filename, render_pdf("reports/branch_report.html", branch_report_context(data))


class BranchReport(Exporter):
    kind = "branch_report"
    label = gettext_lazy("党支部达标验收报告（PDF）")
    target = "branch"

    def render(self, params, progress=None):
        branch = self.target_of(params)
        data = s.branch_reports([branch], params["year"])[branch.pk]
        filename, content = branch_report_pdf(data)
        if progress:
            progress(1, 1)
        return filename, PDF, content


class BranchReportsZip(Exporter):
    """All branch reports of a 党委 (its subtree) as one ZIP, a PDF per branch."""

    kind = "branch_reports_zip"
    label = gettext_lazy("全部党支部验收报告（ZIP）")
    content_type = ZIP
    batch = 25

    def render(self, params, progress=None):
        unit = self.target_of(params)
        year = params["year"]
        branches = s.branches_under(unit)
        out = io.BytesIO()
        seen: set[str] = set()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for start in range(0, len(branches), self.batch):
                chunk = branches[start : start + self.batch]
                data = s.branch_reports(chunk, year)
                for i, b in enumerate(chunk, start=start + 1):
                    filename, content = branch_report_pdf(data[b.pk])
                    name = f"{i:04d}-{filename}"
                    if name in seen:
                        name = f"{i:04d}-{b.pk}-{filename}"
                    seen.add(name)
                    zf.writestr(name, content)
                    if progress:
                        progress(i, len(branches))
        return f"{safe_filename(unit.name)}-{year}年度党支部验收报告.zip", ZIP, out.getvalue()


# ---------------------------------------------------------------- 汇总报告 (PDF and Excel)


def summary_title(unit: OrgUnit, year: int) -> str:
    return _("%(unit)s%(year)s年度党支部标准化规范化建设达标创建工作情况报告") % {"unit": unit.name, "year": year}


def summary_rows(summary: s.Summary) -> list[dict]:
    # the labels translated once, not once per branch
    sectors = {code: str(label) for code, label in Sector.choices}
    grades = {code: str(label) for code, label in explain.GRADES.items()}
    return [
        {
            "parent": b.branch.parent.name if b.branch.parent_id else "",
            "name": b.branch.name,
            "sector": sectors.get(b.branch.sector, b.branch.sector),
            "total": b.total,
            "max": b.max,
            "self_total": b.campaign.self_total,
            "review_total": b.campaign.review_total,
            "verify_total": b.campaign.verify_total,
            "final_total": b.campaign.final_total,
            "grade": grades.get(b.grade, b.grade),
            "stars": b.values["stars"],
            "vetoed": b.values["vetoed"],
            "unrated": b.values["unrated"],
        }
        for b in summary.scores
    ]


def _summary(params, progress):
    unit = OrgUnit.objects.get(pk=params["unit"])

    def step(done, total):
        if progress:
            progress(done, total * 2)  # scoring is the first half, writing the second

    return s.summary(unit, params["year"], progress=step)


class SummaryReport(Exporter):
    kind = "summary_pdf"
    label = gettext_lazy("党委/组织部汇总报告（PDF）")
    with_texts = True

    def render(self, params, progress=None):
        summary = _summary(params, progress)
        grades = [{"code": g, "label": str(explain.GRADES[g]), "count": summary.distribution[g]} for g in s.GRADES]
        weakest = [
            {"code": w.code, "name": w.name, "branches": w.branches, "share_text": percent(w.share),
             "rate_text": percent(w.rate)}
            for w in summary.weakest
        ]
        title = summary_title(summary.unit, summary.year)
        rows = summary_rows(summary)
        for r in rows:
            r["stars"] = stars(r["stars"])
        context = {
            "report_name": _("达标创建工作情况报告"),
            "header_unit": summary.unit.name,
            "title": title,
            "unit": summary.unit,
            "year": summary.year,
            "summary": summary,
            "pass_ratio": percent(summary.pass_ratio),
            "grades": grades,
            "chart": bar_chart_svg([(g["label"], g["count"]) for g in grades], unit=_("个")),
            "weakest": weakest,
            "rows": rows,
            "problems": params.get("problems", ""),
            "plans": params.get("plans", ""),
        }
        content = render_pdf("reports/summary_report.html", context)
        if progress:
            progress(1, 1)
        return f"{safe_filename(title)}.pdf", PDF, content


BRANCH_COLUMNS = (
    Col(gettext_lazy("序号"), min_width=4),
    Col(gettext_lazy("上级党组织"), max_width=30),
    Col(gettext_lazy("党支部"), max_width=36),
    Col(gettext_lazy("领域")),
    Col(gettext_lazy("得分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("满分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("得分率"), xlsx.PERCENT_FORMAT),
    Col(gettext_lazy("自评得分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("审核得分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("抽验得分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("最终得分"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("等次")),
    Col(gettext_lazy("星级"), "0"),
    Col(gettext_lazy("一票否决")),
    Col(gettext_lazy("未评项数"), "0"),
)
WEAK_COLUMNS = (
    Col(gettext_lazy("编号")),
    Col(gettext_lazy("评分项"), max_width=50),
    Col(gettext_lazy("失分支部数"), "0"),
    Col(gettext_lazy("评分支部数"), "0"),
    Col(gettext_lazy("失分支部占比"), xlsx.PERCENT_FORMAT),
    Col(gettext_lazy("失分合计"), xlsx.SCORE_FORMAT),
    Col(gettext_lazy("得分率"), xlsx.PERCENT_FORMAT),
)


def branch_table(summary: s.Summary) -> list[list]:
    """The values of the 各党支部得分 sheet, a row per branch in BRANCH_COLUMNS' order."""
    yes, no = _("是"), _("否")
    return [
        [
            i, r["parent"], r["name"], r["sector"], r["total"], r["max"], xlsx.ratio(r["total"], r["max"]),
            r["self_total"], r["review_total"], r["verify_total"], r["final_total"], r["grade"], r["stars"],
            yes if r["vetoed"] else no, r["unrated"],
        ]
        for i, r in enumerate(summary_rows(summary), start=1)
    ]


class SummaryWorkbook(Exporter):
    kind = "summary_xlsx"
    label = gettext_lazy("党委/组织部汇总报告（Excel）")
    content_type = XLSX
    with_texts = True

    def render(self, params, progress=None):
        summary = _summary(params, progress)
        title = summary_title(summary.unit, summary.year)
        wb = Workbook(write_only=True)

        # 汇总: the facts, the grade distribution, 存在问题 and 下步打算
        ws = wb.create_sheet(_("汇总"))
        for col, width in zip("ABC", (22, 16, 16), strict=True):
            ws.column_dimensions[col].width = width
        xlsx.print_setup(ws, title_rows="")
        bold = Font(bold=True)
        guarded.append(ws, [xlsx.cell(ws, title, font=Font(bold=True, size=14))])
        guarded.append(ws, [])
        guarded.append(ws, xlsx.header_row(ws, (Col(_("项目")), Col(_("数值")))))
        facts = (
            (_("党支部数"), summary.count, "0"),
            (_("达标及以上"), summary.passing, "0"),
            (_("达标比例"), summary.pass_ratio, xlsx.PERCENT_FORMAT),
            (_("平均得分"), summary.average, xlsx.SCORE_FORMAT),
        )
        for label, value, fmt in facts:
            guarded.append(ws, [xlsx.cell(ws, label, border=xlsx.BORDER), xlsx.cell(ws, value, fmt, border=xlsx.BORDER)])
        guarded.append(ws, [])
        guarded.append(ws, xlsx.header_row(ws, (Col(_("等次")), Col(_("党支部数")), Col(_("占比")))))
        for g in s.GRADES:
            n = summary.distribution[g]
            guarded.append(ws, [
                xlsx.cell(ws, str(explain.GRADES[g]), border=xlsx.BORDER),
                xlsx.cell(ws, n, "0", border=xlsx.BORDER),
                xlsx.cell(ws, xlsx.ratio(n, summary.count), xlsx.PERCENT_FORMAT, border=xlsx.BORDER),
            ])
        row = 3 + 1 + len(facts) + 1 + 1 + len(s.GRADES)  # rows written so far
        for label, key in ((_("存在问题"), "problems"), (_("下步打算"), "plans")):
            text = params.get(key, "")
            guarded.append(ws, [])
            guarded.append(ws, [xlsx.cell(ws, label, font=bold)])
            guarded.append(ws, [xlsx.cell(ws, text, alignment=xlsx.WRAP)])
            row += 3
            ws.merged_cells.add(f"A{row}:C{row}")  # the text spans the sheet's width
            lines = sum(1 + xlsx.text_width(line) // 52 for line in (text or " ").splitlines())
            ws.row_dimensions[row].height = max(1, lines) * 15

        # 各党支部: a row per branch (the big one)
        rows = branch_table(summary)
        total = len(rows)
        ws = wb.create_sheet(_("各党支部得分"))
        for i, w in enumerate(xlsx.fit_widths(BRANCH_COLUMNS, rows[:500]), start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "D2"
        xlsx.print_setup(ws, landscape=True)
        guarded.append(ws, xlsx.header_row(ws, BRANCH_COLUMNS))
        for n, row in enumerate(rows, start=1):
            guarded.append(ws, xlsx.typed_row(ws, BRANCH_COLUMNS, row))
            if progress and (n % 200 == 0 or n == total):
                progress(total + n, total * 2)

        # 失分较多的评分项
        weak_rows = [
            [w.code, w.name, w.branches, w.scored, w.share, w.lost, w.rate] for w in summary.weakest
        ]
        xlsx.table_sheet(wb, _("失分较多的评分项"), WEAK_COLUMNS, weak_rows)
        if progress:
            progress(1, 1)
        return f"{safe_filename(title)}.xlsx", XLSX, xlsx.save(wb)


# ---------------------------------------------------------------- 推荐示范党支部名单 (附件2)

# the official 支部类型 words of the note under the table (seed 004, 附件2)
BRANCH_TYPES = {
    Sector.VILLAGE: "农村",
    Sector.COMMUNITY: "社区",
    Sector.GOVERNMENT: "机关",
    Sector.STATE_OWNED: "国有企业",
    Sector.PRIVATE: "非公企业",
    Sector.SOCIAL_ORG: "社会组织",
    Sector.INSTITUTION: "事业单位",
    Sector.SCHOOL: "学校",
}
RECOMMEND_TITLE = "推荐标准化规范化建设示范党支部名单"
RECOMMEND_HEADERS = ("序号", "党支部名称", "党支部负责人", "联系方式", "支部类型")
RECOMMEND_NOTE = "备注：支部类型填写农村、社区、机关、国有企业、非公企业和社会组织等。"


class RecommendList(Exporter):
    """附件2 as the notice prints it: 附件2, the title, 单位（盖章）and 填写时间,
    the five columns, the 备注 on 支部类型 under the table; A4 landscape.
    Rows: the 示范 branches of the year (the campaign's grade once there is one), best first."""

    kind = "recommend_xlsx"
    label = gettext_lazy("推荐示范党支部名单（附件2，Excel）")
    content_type = XLSX

    def render(self, params, progress=None):
        unit = self.target_of(params)
        year = params["year"]
        branches = s.branches_under(unit)
        scores = s.branch_scores(branches, year)
        chosen = sorted(
            (sc for sc in scores.values() if sc.grade == "demonstration"),
            key=lambda sc: (-(sc.campaign.final_total or sc.total), sc.branch.path),
        )
        heads = s.secretaries([sc.branch.pk for sc in chosen])
        wb = Workbook()
        ws = wb.active
        ws.title = "附件2"
        widths = (8, 40, 16, 18, 14)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws["A1"] = "附件2："
        ws["A1"].font = Font(name="黑体", size=12)
        ws.merge_cells("A2:E2")
        ws["A2"] = RECOMMEND_TITLE
        ws["A2"].font = Font(name="方正小标宋简体", size=18, bold=True)
        ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[2].height = 36
        ws.merge_cells("A3:B3")
        ws["A3"] = "单位（盖章）：" + unit.name
        ws.merge_cells("C3:E3")
        today = timezone.localdate()
        ws["C3"] = f"填写时间：{today.year}年{today.month}月{today.day}日"
        ws["C3"].alignment = Alignment(horizontal="right")
        for i, text in enumerate(RECOMMEND_HEADERS, start=1):
            c = ws.cell(row=4, column=i, value=text)
            c.font = Font(bold=True, size=12)
            c.alignment = xlsx.CENTER
            c.border = xlsx.BORDER
            c.fill = xlsx.HEADER_FILL
        ws.row_dimensions[4].height = 24
        row = 5
        for n, sc in enumerate(chosen, start=1):
            name, phone = heads.get(sc.branch.pk, ("", ""))
            values = (n, sc.branch.name, name, phone or sc.branch.contact_phone,
                      BRANCH_TYPES.get(sc.branch.sector, str(Sector(sc.branch.sector).label)))
            for i, v in enumerate(values, start=1):
                c = guarded.set_value(ws.cell(row=row, column=i), v)  # a formula-looking name stays text
                c.border = xlsx.BORDER
                c.alignment = xlsx.CENTER if i != 2 else Alignment(vertical="center", wrap_text=True)
            ws.row_dimensions[row].height = 22
            row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        ws.cell(row=row, column=1, value=RECOMMEND_NOTE).alignment = Alignment(wrap_text=True)
        ws.freeze_panes = "A5"
        xlsx.print_setup(ws, landscape=True, title_rows="4:4")
        if progress:
            progress(1, 1)
        return f"{safe_filename(unit.name)}-{year}年度推荐示范党支部名单.xlsx", XLSX, xlsx.save(wb)


# ---------------------------------------------------------------- 三会一课 compliance export

STATUS_TEXT = {
    mc.HELD: gettext_lazy("已开"),
    mc.MISSING: gettext_lazy("未开"),
    mc.UPCOMING: gettext_lazy("待开"),
    mc.NOT_APPLICABLE: gettext_lazy("不适用"),
}
STATUS_FILL = {
    mc.HELD: PatternFill("solid", fgColor="C6EFCE"),
    mc.MISSING: PatternFill("solid", fgColor="FFC7CE"),
    mc.UPCOMING: PatternFill("solid", fgColor="FFEB9C"),
    mc.NOT_APPLICABLE: PatternFill("solid", fgColor="EDEDED"),
}
STATUS_RANK = {mc.MISSING: 3, mc.UPCOMING: 2, mc.HELD: 1, mc.NOT_APPLICABLE: 0}


def branch_cells(comp: mc.BranchCompliance) -> dict[tuple[str, str], str]:
    """(requirement code, period key) → status; a per-group requirement is missing
    if any 党小组 missed it (worst status wins)."""
    out: dict[tuple[str, str], str] = {}
    for row in comp.rows:
        for c in row.cells:
            key = (row.requirement.code, c.period.key)
            if key not in out or STATUS_RANK[c.status] > STATUS_RANK[out[key]]:
                out[key] = c.status
    return out


class ComplianceWorkbook(Exporter):
    """One row per branch, one column per requirement and period: 已开 / 未开 /
    待开 / 不适用 as values and as fill colours, then the counts and the rate."""

    kind = "compliance_xlsx"
    label = gettext_lazy("“三会一课”落实情况（Excel）")
    content_type = XLSX
    batch = 500

    def render(self, params, progress=None):
        unit = self.target_of(params)
        year = params["year"]
        branches = s.branches_under(unit)
        on = timezone.localdate()
        cells: dict[int, dict] = {}
        columns: dict[tuple[str, str], tuple] = {}  # (code, period) → (order, label)
        for start in range(0, len(branches), self.batch):
            chunk = branches[start : start + self.batch]
            for pk, comp in branches_compliance(chunk, year, on=on).items():
                cells[pk] = branch_cells(comp)
                for row in comp.rows:
                    for c in row.cells:
                        key = (row.requirement.code, c.period.key)
                        if key not in columns:
                            name = explain.requirement_label(row.requirement.code)
                            columns[key] = ((row.requirement.order, row.requirement.code, c.period.start),
                                            f"{name}\n{c.period.label}")
            if progress:
                progress(min(start + self.batch, len(branches)), len(branches) * 2)
        keys = sorted(columns, key=lambda k: columns[k][0])
        head = [Col(_("序号"), min_width=4), Col(_("上级党组织"), max_width=24), Col(_("党支部"), max_width=30)]
        period_cols = [Col(columns[k][1], min_width=9, max_width=10) for k in keys]
        tail = [Col(_("应开"), "0"), Col(_("已开"), "0"), Col(_("未开"), "0"), Col(_("完成率"), xlsx.PERCENT_FORMAT)]
        all_cols = head + period_cols + tail

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("三会一课落实情况"))
        name_rows = [[0, b.parent.name if b.parent_id else "", b.name] for b in branches[:500]]
        widths = xlsx.fit_widths(head, name_rows)
        widths += [10] * len(period_cols) + [8, 8, 8, 9]
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "D2"
        xlsx.print_setup(ws, landscape=True)
        # far too many columns for one page: a page holds about 16 periods, the branch
        # columns repeat on each page (and the header row on each page down)
        ws.page_setup.fitToWidth = max(1, -(-len(period_cols) // 16))
        ws.print_title_cols = "A:C"
        ws.row_dimensions[1].height = 32
        guarded.append(ws, xlsx.header_row(ws, all_cols))
        total = len(branches)
        for n, b in enumerate(branches, start=1):
            statuses = cells.get(b.pk, {})
            row = [
                xlsx.cell(ws, n, border=xlsx.BORDER),
                xlsx.cell(ws, b.parent.name if b.parent_id else "", border=xlsx.BORDER),
                xlsx.cell(ws, b.name, border=xlsx.BORDER),
            ]
            held = missing = 0
            for k in keys:
                status = statuses.get(k, mc.NOT_APPLICABLE)
                held += status == mc.HELD
                missing += status == mc.MISSING
                row.append(xlsx.cell(ws, str(STATUS_TEXT[status]), fill=STATUS_FILL[status], alignment=xlsx.CENTER,
                                     border=xlsx.BORDER))
            due = held + missing
            row += [
                xlsx.cell(ws, due, "0", border=xlsx.BORDER),
                xlsx.cell(ws, held, "0", border=xlsx.BORDER),
                xlsx.cell(ws, missing, "0", border=xlsx.BORDER),
                xlsx.cell(ws, xlsx.ratio(held, due), xlsx.PERCENT_FORMAT, border=xlsx.BORDER),
            ]
            guarded.append(ws, row)
            if progress and (n % 200 == 0 or n == total):
                progress(total + n, total * 2)
        if progress:
            progress(1, 1)
        return f"{safe_filename(unit.name)}-{year}年三会一课落实情况.xlsx", XLSX, xlsx.save(wb)


# ---------------------------------------------------------------- 党员花名册 and 党费台账


class RosterWorkbook(Exporter):
    """The roster of a unit's subtree: members/excel.py's export (ID numbers masked)."""

    kind = "roster_xlsx"
    label = gettext_lazy("党员花名册（Excel）")
    content_type = XLSX
    with_year = False

    def render(self, params, progress=None):
        unit = self.target_of(params)
        members = (
            Member.objects.filter(branch__path__startswith=unit.path)
            .exclude(status__in=Member.LEFT_STATUSES)
            .select_related("branch", "party_group")
            .order_by("branch__path", "name", "pk")
        )
        content = member_excel.export_roster(members.iterator(chunk_size=2000), reveal=False)
        if progress:
            progress(1, 1)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return f"{safe_filename(unit.name)}-党员花名册{stamp}.xlsx", XLSX, content


DUES_COLUMNS = (
    Col(gettext_lazy("党支部"), max_width=30),
    Col(gettext_lazy("姓名")),
    Col(gettext_lazy("月份"), "yyyy-mm", min_width=8),
    Col(gettext_lazy("月工资收入"), xlsx.MONEY_FORMAT, min_width=10),
    Col(gettext_lazy("交纳比例"), xlsx.PERCENT_FORMAT),
    Col(gettext_lazy("应交金额"), xlsx.MONEY_FORMAT),
    Col(gettext_lazy("实交金额"), xlsx.MONEY_FORMAT),
    Col(gettext_lazy("自愿多交"), xlsx.MONEY_FORMAT),
    Col(gettext_lazy("经批准免交")),
    Col(gettext_lazy("交纳日期"), xlsx.DATE_FORMAT, min_width=10),
    Col(gettext_lazy("票据号")),
    Col(gettext_lazy("备注"), max_width=30),
)


class DuesWorkbook(Exporter):
    """The 党费台账 of a year: one row per member and month recorded."""

    kind = "dues_xlsx"
    label = gettext_lazy("党费台账（Excel）")
    content_type = XLSX

    def render(self, params, progress=None):
        unit = self.target_of(params)
        year = params["year"]
        records = (
            DuesMonth.objects.filter(branch__path__startswith=unit.path, month__year=year)
            .select_related("branch", "member")
            .order_by("branch__path", "member__name", "member_id", "month")
        )
        rows = [
            [
                d.branch.name, d.member.name, d.month, d.base_pay,
                None if d.percent is None else d.percent / 100,
                d.amount_due, d.amount_paid, d.extra, _("是") if d.exempt else _("否"), d.paid_on, d.receipt_no,
                d.note,
            ]
            for d in records.iterator(chunk_size=2000)
        ]
        wb = Workbook(write_only=True)
        xlsx.table_sheet(wb, _("%(y)s年党费台账") % {"y": year}, DUES_COLUMNS, rows, landscape=True)
        if progress:
            progress(1, 1)
        return f"{safe_filename(unit.name)}-{year}年党费台账.xlsx", XLSX, xlsx.save(wb)


EXPORTERS: dict[str, Exporter] = {
    e.kind: e
    for e in (
        BranchReport(),
        BranchReportsZip(),
        SummaryReport(),
        SummaryWorkbook(),
        RecommendList(),
        ComplianceWorkbook(),
        RosterWorkbook(),
        DuesWorkbook(),
    )
}
KIND_CHOICES = [(k, e.label) for k, e in EXPORTERS.items()]


def exporter(kind: str) -> Exporter:
    try:
        return EXPORTERS[kind]
    except KeyError:
        raise ValidationError({"kind": _("未知的报表类型。")}) from None
