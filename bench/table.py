#!/usr/bin/env python
"""The one table of `make bench`: every row of bench/out/*.json (see bench/common.py
for the convention), printed aligned and written as Markdown to bench/out/TABLE.md,
with the machine it ran on.

    .venv/bin/python bench/table.py [--strict]   # --strict: exit 1 when a row is over its target
                                                 # or a script `make bench` runs wrote no rows
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT_DIR  # noqa: E402

# the order of the table (a script not named here comes after, alphabetically)
ORDER = ["seed_city", "scoring", "dashboard_load", "log_meetings_load", "reports", "alert_sweep", "read_paths",
         "growth"]
EXPECTED = ["seed_city", "read_paths", "alert_sweep", "growth"]  # the scripts `make bench` runs on every branch
HEADERS = ["operation", "measured", "target", "floor", "ratio to floor", "SQL queries", "peak memory", "result"]


def number(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def verdict(r: dict) -> str:
    over = []
    if r.get("target") is not None and r["value"] > r["target"]:
        over.append("target")
    if r.get("ratio") is not None and r.get("ratio_target") is not None and r["ratio"] > r["ratio_target"]:
        over.append(f"ratio>{r['ratio_target']}×")
    if r.get("peak_rss_mb") is not None and r.get("rss_target_mb") is not None and r["peak_rss_mb"] > r["rss_target_mb"]:
        over.append("memory")
    if over:
        return "OVER " + ", ".join(over)
    if r.get("target") is None and r.get("ratio_target") is None and r.get("rss_target_mb") is None:
        return "info"
    return "PASS"


def cells(r: dict) -> list[str]:
    unit = r.get("unit") or ""
    target = "—" if r.get("target") is None else f"≤ {number(r['target'], unit)}"
    ratio = "—" if r.get("ratio") is None else f"{r['ratio']:.2f}× (≤ {r.get('ratio_target') or '—'}×)"
    memory = "—" if r.get("peak_rss_mb") is None else number(float(r["peak_rss_mb"]), "MB")
    if r.get("rss_target_mb") is not None:
        memory += f" (≤ {r['rss_target_mb']} MB)"
    return [r["operation"], number(r["value"], unit), target, number(r.get("floor"), unit), ratio,
            number(r.get("queries")), memory, verdict(r)]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except (OSError, IndexError, ValueError):
        mem = 0
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pg = "psql ?"
    return (f"{os.cpu_count()} CPU ({cpu}), {mem:.1f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {pg}")


def load() -> tuple[list[tuple[str, dict]], list[str]]:
    files = sorted(OUT_DIR.glob("*.json"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER),
                                                          p.stem))
    rows, broken = [], []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            rows += [(path.stem, r) for r in data]
        except (ValueError, TypeError, KeyError):
            broken.append(path.name)
    return rows, broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    rows, broken = load()
    if not rows:
        print(f"{OUT_DIR} 中没有结果（先运行 make bench）。")
        return 1
    table = [cells(r) for _, r in rows]
    widths = [max(_width(line[i]) for line in [HEADERS, *table]) for i in range(len(HEADERS))]
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print()
    print(f"SPEC §10 — {when} — {machine()}")
    print("  ".join(_pad(h, w) for h, w in zip(HEADERS, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)))
    missing = [name for name in EXPECTED if name not in {s for s, _ in rows}]
    for name in missing:
        print(f"!! bench/{name}.py 没有写出结果（bench/out/{name}.json）")
    for name in broken:
        print(f"!! {name} 不是有效的结果文件")

    md = [f"Measured {when} on {machine()}.", "", "| " + " | ".join(HEADERS) + " |",
          "|" + "|".join("---" for _ in HEADERS) + "|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in table]
    notes = [f"- **{r['operation']}**: {r['note']}" for _, r in rows if r.get("note")]
    if notes:
        md += ["", *notes]
    (OUT_DIR / "TABLE.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print(f"\n(Markdown: {OUT_DIR / 'TABLE.md'})")
    over = [line[0] for line in table if line[-1].startswith("OVER")]
    return 1 if broken or (args.strict and (over or missing)) else 0


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if ord(ch) >= 0x1100 and (0x1100 <= ord(ch) <= 0x115F or 0x2E80 <= ord(ch) <= 0xFFDC) else 1
               for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


if __name__ == "__main__":
    sys.exit(main())
