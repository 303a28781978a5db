"""What every bench script shares: where its rows go, peak memory, SQL query counts.

The convention (bench/table.py reads it): a script named `bench/<name>.py` writes
`bench/out/<name>.json`, a JSON list of rows, one per measured operation:

    {"operation": "alert sweep, 2,000 branches",   # what was measured (shown as is)
     "value": 12.3, "unit": "s",                  # the measurement: "s", "ms", "MB", "alerts", …
     "target": 30,                                # SPEC §10 absolute target in the same unit, or null
     "floor": 4.1,                                # the floor measured in the same run, same unit, or null
     "ratio": 3.0,                                # value / floor (null without a floor)
     "ratio_target": 2,                           # the most `ratio` may be (2; 3 for the load rows), or null
     "queries": 41,                               # SQL statements the operation ran, or null
     "peak_rss_mb": 312.5,                        # peak resident memory of the operation, or null
     "rss_target_mb": null,                       # the most `peak_rss_mb` may be, or null
     "note": "…"}                                 # how it was measured (p95 of n, the floor, …)

`row(...)` builds one (it computes the ratio); `write_rows(name, rows)` writes the
file. A row passes when value ≤ target, ratio ≤ ratio_target and peak_rss_mb ≤
rss_target_mb, each where given; a row with none of these is informational.

This module does not import Django, so a locustfile or a bare-floor script can
use `write_rows` and `PeakRSS` too; `QueryCounter` imports it when used.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
FIELDS = ("operation", "value", "unit", "target", "floor", "ratio", "ratio_target", "queries", "peak_rss_mb",
          "rss_target_mb", "note")


def row(operation: str, value: float, unit: str, *, target: float | None = None, floor: float | None = None,
        ratio_target: float | None = None, queries: int | None = None, peak_rss_mb: float | None = None,
        rss_target_mb: float | None = None, note: str = "") -> dict:
    """One row of the table; `ratio_target` defaults to 2 when there is a floor."""
    ratio = round(value / floor, 2) if floor else None
    if floor and ratio_target is None:
        ratio_target = 2
    return {
        "operation": operation, "value": _round(value), "unit": unit, "target": target, "floor": _round(floor),
        "ratio": ratio, "ratio_target": ratio_target, "queries": queries,
        "peak_rss_mb": None if peak_rss_mb is None else round(peak_rss_mb, 1), "rss_target_mb": rss_target_mb,
        "note": note,
    }


def _round(value):
    if value is None or isinstance(value, int):
        return value
    return round(value, 4 if abs(value) < 1 else 2)


def write_rows(name: str, rows: list[dict]) -> Path:
    """Write `bench/out/<name>.json` (the rows, each with every field of FIELDS)."""
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    clean = [{field: r.get(field) for field in FIELDS} for r in rows]
    path.write_text(json.dumps(clean, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# ---------------------------------------------------------------- memory


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


class PeakRSS:
    """Peak resident memory of this process while the block runs, in MB:

        with PeakRSS() as peak:
            build_the_workbook()
        peak.mb

    It samples /proc/self/statm every few milliseconds (a peak shorter than
    that can be missed; use `peak_rss_of_children()` for a whole subprocess)."""

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.mb = 0.0
        self._stop = threading.Event()

    def __enter__(self):
        self.mb = rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(self.interval):
            self.mb = max(self.mb, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, rss_mb())
        return False


def peak_rss_of_children() -> float:
    """The largest peak RSS of any finished child process (getrusage), in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# ---------------------------------------------------------------- SQL queries


class QueryCounter:
    """SQL statements run on a Django connection while the block runs (works
    with DEBUG off, unlike connection.queries):

        with QueryCounter() as q:
            branches_compliance(branches, 2026)
        q.count, q.by_verb  # 7, Counter({"SELECT": 7})

    `keep=True` also keeps (sql, params) of each statement in `q.statements`."""

    def __init__(self, using: str = "default", keep: bool = False):
        self.using = using
        self.keep = keep
        self.count = 0
        self.by_verb: Counter = Counter()
        self.statements: list[tuple[str, object]] = []

    def _wrapper(self, execute, sql, params, many, context):
        self.count += 1
        self.by_verb[sql.lstrip().split(None, 1)[0].upper()] += 1
        if self.keep:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connections

        self._cm = connections[self.using].execute_wrapper(self._wrapper)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


class Timer:
    """with Timer() as t: …; t.seconds"""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank) of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
