#!/usr/bin/env python
"""Reports at city scale (SPEC §8, §10), on the database seeded by bench/seed_city.py
and scored by `manage.py score_branches --year YEAR`:

- one branch acceptance report (PDF; target ≤ 1 s) beside bare WeasyPrint
  writing the very same HTML (the floor: layout and font subsetting alone);
- the summary workbook of the whole city (~2,000 branches; targets ≤ 10 s and
  ≤ 500 MB peak RSS) beside bare openpyxl write_only writing the same cells;
- the ZIP of the branch reports of a 党委 with about 100 branches.

Each measurement runs in its own process, so that its peak RSS is its own.
Prints each time and the ratio to its floor (target ≤ 2×) and writes the rows
of the one table to bench/out/reports.json (see bench/common.py). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/reports.py
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")
YEAR = int(os.environ.get("BENCH_YEAR", "2026"))


def setup():
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# ---------------------------------------------------------------- measurements (each in a child process)


def branch_pdf() -> dict:
    from django.db.models import Count
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from assessment.models import ScoreSnapshot
    from reports import selectors
    from reports.exporters import EXPORTERS, branch_report_context

    # a branch of typical size: the median member count among the scored ones
    snaps = list(
        ScoreSnapshot.objects.filter(year=YEAR)
        .annotate(n=Count("branch__members"))
        .order_by("n", "branch_id")
        .values_list("branch_id", "n")
    )
    if not snaps:
        sys.exit(f"先运行 manage.py score_branches --year {YEAR}。")
    branch_id, members = snaps[len(snaps) // 2]
    params = {"branch": branch_id, "year": YEAR}
    EXPORTERS["branch_report"].render(params)  # warm-up: fonts, templates
    full, (_name, _ct, content) = median_time(lambda: EXPORTERS["branch_report"].render(params), 5)
    from branches.models import OrgUnit

    branch = OrgUnit.objects.select_related("parent").get(pk=branch_id)
    html = render_to_string("reports/branch_report.html",
                            branch_report_context(selectors.branch_reports([branch], YEAR)[branch_id]))
    floor, _pdf = median_time(lambda: HTML(string=html).write_pdf(), 5)
    return {"members": members, "seconds": full, "floor": floor, "bytes": len(content), "html_chars": len(html)}


def summary_workbook() -> dict:
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from branches.models import OrgUnit
    from reports import selectors, xlsx
    from reports.exporters import BRANCH_COLUMNS, EXPORTERS, branch_table

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    branches = selectors.branches_under(root)
    params = {"unit": root.pk, "year": YEAR, "problems": "存在问题", "plans": "下步打算"}
    start = time.perf_counter()
    _name, _ct, content = EXPORTERS["summary_xlsx"].render(params)
    full = time.perf_counter() - start
    rss = peak_mb()

    # the floors: the cells of the branch table (the report's bulk) through bare openpyxl
    # write_only, as plain values, and as the report writes them: a number format per
    # column and a thin border, each column's style registered once and copied to its
    # cells (the fastest way openpyxl has; setting .border per cell takes twice as long)
    start = time.perf_counter()
    summary = selectors.summary(root, YEAR)
    data = time.perf_counter() - start
    rows = branch_table(summary)
    formats = [c.number_format for c in BRANCH_COLUMNS]

    def bare(styled: bool):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("t")
        styles = []
        for number_format in formats:
            proto = WriteOnlyCell(ws)
            proto.border = xlsx.BORDER
            if number_format:
                proto.number_format = number_format
            styles.append(proto._style)
        for r in rows:
            if styled:
                cells = []
                for value, style in zip(r, styles, strict=True):
                    c = WriteOnlyCell(ws, value=value)
                    c._style = copy(style)
                    cells.append(c)
                ws.append(cells)
            else:
                ws.append(r)
        import io

        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    floor_values, _ = median_time(lambda: bare(False), 3)
    floor, _ = median_time(lambda: bare(True), 3)
    return {"branches": len(branches), "seconds": full, "data": data, "floor": floor, "floor_values": floor_values,
            "peak_mb": rss, "bytes": len(content)}


def branch_zip() -> dict:
    from branches.models import OrgUnit
    from reports.exporters import EXPORTERS

    branch_kinds = OrgUnit.BRANCH_KINDS
    candidates = []
    for unit in OrgUnit.objects.exclude(kind__in=branch_kinds).only("pk", "path", "name"):
        n = OrgUnit.objects.filter(path__startswith=unit.path, kind__in=branch_kinds, is_active=True).count()
        candidates.append((abs(n - 100), n, unit.pk))
    _gap, n, unit_id = min(candidates)
    start = time.perf_counter()
    _name, _ct, content = EXPORTERS["branch_reports_zip"].render({"unit": unit_id, "year": YEAR})
    return {"branches": n, "seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "bytes": len(content)}


MEASUREMENTS = {"branch_pdf": branch_pdf, "summary_workbook": summary_workbook, "branch_zip": branch_zip}


def child(name: str) -> None:
    setup()
    import logging

    logging.disable(logging.WARNING)
    print(json.dumps(MEASUREMENTS[name]()))


def run(name: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, cwd=ROOT,
                         env=os.environ)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    from common import row, write_rows

    only = sys.argv[1:] or list(MEASUREMENTS)
    rows = []
    print(f"reports benchmark, year {YEAR}\n")
    if "branch_pdf" in only:
        r = run("branch_pdf")
        rows.append(row(f"branch acceptance report PDF ({r['members']} members)", r["seconds"], "s", target=1,
                        floor=r["floor"], note=f"{r['bytes'] // 1024} KB; floor: bare WeasyPrint on the same HTML"))
        print(f"branch acceptance report (PDF, {r['members']} members, {r['bytes'] // 1024} KB): "
              f"{r['seconds']:.2f} s  | bare WeasyPrint, same HTML: {r['floor']:.2f} s  "
              f"| ratio {r['seconds'] / r['floor']:.2f}×  (target ≤ 1 s, ≤ 2×)")
    if "summary_workbook" in only:
        r = run("summary_workbook")
        print(f"summary workbook ({r['branches']} branches, {r['bytes'] // 1024} KB): {r['seconds']:.2f} s, "
              f"peak RSS {r['peak_mb']:.0f} MB  | bare openpyxl write_only, same cells and formats: "
              f"{r['floor']:.2f} s  | ratio {r['seconds'] / r['floor']:.1f}×  (targets ≤ 10 s, ≤ 500 MB)")
        writing = max(r["seconds"] - r["data"], 0.001)
        rows.append(row(f"summary Excel ({r['branches']} branches)", r["seconds"], "s", target=10, floor=r["floor"],
                        peak_rss_mb=r["peak_mb"], rss_target_mb=500,
                        note=f"reading the snapshots {r['data']:.2f} s, writing {writing:.2f} s; "
                             "floor: bare openpyxl write_only writing the same cells with the same number formats "
                             f"and borders (as plain values: {r['floor_values']:.2f} s, "
                             f"{r['seconds'] / r['floor_values']:.1f}×)"))
        print(f"  of which reading the {r['branches']} snapshots: {r['data']:.2f} s; writing: {writing:.2f} s "
              f"| ratio of writing to the floor {writing / r['floor']:.1f}×")
        print(f"  the same cells as plain values (no formats, no borders): {r['floor_values']:.2f} s "
              f"| ratio {r['seconds'] / r['floor_values']:.1f}×")
    if "branch_zip" in only:
        r = run("branch_zip")
        print(f"ZIP of branch reports ({r['branches']} branches, {r['bytes'] // 1024} KB): {r['seconds']:.1f} s "
              f"({r['seconds'] / max(r['branches'], 1):.2f} s per branch), peak RSS {r['peak_mb']:.0f} MB")
        rows.append(row(f"ZIP of branch reports ({r['branches']} branches)", r["seconds"], "s",
                        peak_rss_mb=r["peak_mb"], note=f"{r['seconds'] / max(r['branches'], 1):.2f} s per branch"))
    write_rows("reports", rows)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
