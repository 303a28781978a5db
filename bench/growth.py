#!/usr/bin/env python
"""Growth (issue P8 §2): the city-wide reads at 200, 1,000 and 2,000 branches (the
first N branches of the city data, in tree order), on the database seeded by
bench/seed_city.py. For each operation and size: wall time and SQL queries.
What should hold: the number of SELECTs does not grow with the branches (flat),
and time grows linearly at worst (2,000 branches ≤ 10× the time of 200).

Operations:
- scoring: `assessment.selectors.scoring_facts` (the facts) and
  `assessment.services.snapshots_refresh` (facts + engine + saving the snapshots,
  in one batch, rolled back) — when the scoring engine is on this branch;
- `branches.selectors.branch_rule_findings` (SPEC §2 rules) and
  `meetings.selectors.branches_compliance` (the compliance calendar), the facts
  scoring and the alerts are built from;
- the alert sweep (`run_alert_sweep` on the first N branches, from an empty alert
  table, inside a transaction rolled back at the end).

Prints a table and writes bench/out/growth.json (see bench/common.py). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/growth.py [--sizes 200,1000,2000]
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from common import QueryCounter, Timer, row, write_rows  # noqa: E402
from django.db import transaction  # noqa: E402

from branches import alerts  # noqa: E402
from branches.alerts import sweep as alert_sweep  # noqa: E402
from branches.models import Alert, Notification  # noqa: E402
from branches.selectors import branch_rule_findings  # noqa: E402
from meetings.selectors import branches_compliance  # noqa: E402


def scoring_available() -> bool:
    if importlib.util.find_spec("assessment.selectors") is None or importlib.util.find_spec(
            "assessment.services") is None:
        return False
    from assessment import selectors, services

    return hasattr(selectors, "scoring_facts") and hasattr(services, "snapshots_refresh")


class Measured:
    """The part of an operation that is timed and whose queries are counted."""

    def __enter__(self):
        self.queries, self.timer = QueryCounter(), Timer()
        self.queries.__enter__()
        self.timer.__enter__()
        return self

    def __exit__(self, *exc):
        self.timer.__exit__(*exc)
        self.queries.__exit__(*exc)
        return False


def operations(year: int, day):
    """name → fn(branches, measured) that runs the operation once, inside `with measured:`
    (the setup and the rollback of writes stay outside)."""
    ops = {}
    if scoring_available():
        from assessment.models import ScoreSnapshot
        from assessment.selectors import scoring_facts
        from assessment.services import snapshots_refresh

        def facts(branches, measured):
            with measured:
                scoring_facts(branches, year)

        def refresh(branches, measured):
            with transaction.atomic():
                ScoreSnapshot.objects.filter(year=year).delete()
                with measured:
                    snapshots_refresh(branches=branches, year=year, batch=len(branches))
                transaction.set_rollback(True)

        ops["scoring facts (scoring_facts)"] = facts
        ops["score and save (snapshots_refresh)"] = refresh

    def findings(branches, measured):
        with measured:
            branch_rule_findings(branches, on=day)

    def compliance(branches, measured):
        with measured:
            branches_compliance(branches, year)

    def sweep(branches, measured):
        with transaction.atomic():
            Notification.objects.all().delete()
            Alert.objects.all().delete()
            saved = alert_sweep.sweep_branches
            alert_sweep.sweep_branches = lambda: list(branches)  # the sweep over these branches only
            try:
                with measured:
                    alerts.run_alert_sweep(on=day, email=False)
            finally:
                alert_sweep.sweep_branches = saved
            transaction.set_rollback(True)

    ops["rule findings (branch_rule_findings)"] = findings
    ops["compliance calendar (branches_compliance)"] = compliance
    ops["alert sweep (run_alert_sweep)"] = sweep
    return ops


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,2000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    every = list(alert_sweep.sweep_branches())  # active branches in tree order, as the sweep reads them
    if len(every) < max(sizes):
        sys.exit(f"只有 {len(every)} 个党支部：先运行 bench/seed_city.py 生成城市规模数据。")
    day = alerts.today()
    ops = operations(day.year, day)
    if not scoring_available():
        print("（本分支没有评分引擎 assessment.selectors.scoring_facts / services.snapshots_refresh：不测评分。）")

    branch_rule_findings(every[:max(sizes)], on=day)  # warm the caches once
    results = {}  # (op, size) → (seconds, queries, selects)
    print(f"{'operation':<44}" + "".join(f"{n:>10,} br   SQL" for n in sizes))
    for name, fn in ops.items():
        line = f"{name:<44}"
        for n in sizes:
            measured = Measured()
            fn(every[:n], measured)
            seconds, q = measured.timer.seconds, measured.queries
            results[(name, n)] = (seconds, q.count, q.by_verb["SELECT"])
            line += f"{seconds:11.2f} s {q.count:5d}"
        print(line)

    rows = []
    small, big = min(sizes), max(sizes)
    for name in ops:
        for n in sizes:
            seconds, count, selects = results[(name, n)]
            rows.append(row(f"growth: {name} @ {n:,} branches", seconds, "s", queries=count,
                            note=f"{selects} SELECTs"))
        (t_small, _, s_small), (t_big, _, s_big) = results[(name, small)], results[(name, big)]
        rows.append(row(f"growth: {name}, time {big:,} / {small:,} branches", t_big / t_small, "×",
                        target=big / small,
                        note=f"linear at worst: {big / small:.0f}× the branches may take {big / small:.0f}× the time"))
        rows.append(row(f"growth: {name}, SELECTs {big:,} − {small:,} branches", s_big - s_small, "queries",
                        target=0, note=f"{s_small} → {s_big} SELECTs; writes are batched by size"))
    write_rows("growth", rows)


if __name__ == "__main__":
    main()
