#!/usr/bin/env python
"""The alert sweep at city scale (SPEC §10: ≤ 30 s, and a second run adds nothing),
on the database seeded by bench/seed_city.py.

Inside one transaction that is rolled back at the end (the database is left as
it was): clears the alerts, runs the sweep as of today (or BENCH_DAY, e.g.
2027-01-05 for a January sweep, which also reads last year's calendar), runs
it again, and prints wall time, SQL queries and what each run added. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/alert_sweep.py
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from branches.alerts import run_alert_sweep  # noqa: E402
from branches.models import Alert, Notification, OrgUnit  # noqa: E402


def timed_sweep(label: str, day: date | None):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run_alert_sweep(on=day, email=False)
        elapsed = time.perf_counter() - started
    print(f"{label:<14} {elapsed:6.2f} s  {len(queries):4d} queries  "
          f"{result.candidates:6d} alerts due  {result.new_alerts:6d} new  {result.notifications:6d} notifications")
    return result


def main():
    branches = OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS, is_active=True).count()
    if branches < 1000:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    day = date.fromisoformat(os.environ["BENCH_DAY"]) if os.environ.get("BENCH_DAY") else None
    print(f"{branches} 个党支部, database {connection.vendor}, day {day or 'today'}\n")
    with transaction.atomic():
        Notification.objects.all().delete()
        Alert.objects.all().delete()
        first = timed_sweep("first sweep", day)
        second = timed_sweep("second sweep", day)
        assert second.new_alerts == 0 and Alert.objects.count() == first.candidates, "the second run added alerts"
        print("\nby kind: " + ", ".join(f"{k} {n}" for k, n in sorted(first.by_kind.items())))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
