#!/usr/bin/env python
"""The alert sweep at city scale (SPEC §10: ≤ 30 s, and a second run adds nothing),
on the database seeded by bench/seed_city.py, against its floor.

The floor is raw SQL gathering the same facts: the SELECT statements the sweep
runs to gather its candidates' facts (every kind's facts, the branches, the
rules, the officers to notify) are recorded once, then replayed through a bare
psycopg connection (execute + fetchall: no ORM, no rule evaluation, no writes),
median of 3. The replayed SQL is written to bench/out/alert_sweep_floor.sql.

Then, inside one transaction that is rolled back at the end (the database is
left as it was): clears the alerts, runs the sweep as of today (or BENCH_DAY,
e.g. 2027-01-05 for a January sweep, which also reads last year's calendar),
runs it again, and prints wall time, SQL queries and what each run added.
Writes bench/out/alert_sweep.json (see bench/common.py). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/alert_sweep.py
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from common import OUT_DIR, PeakRSS, QueryCounter, row, write_rows  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from branches import alerts  # noqa: E402
from branches.models import Alert, Notification, OrgUnit  # noqa: E402


def timed_sweep(label: str, day: date | None):
    with QueryCounter() as queries, PeakRSS() as peak:
        started = time.perf_counter()
        result = alerts.run_alert_sweep(on=day, email=False)
        elapsed = time.perf_counter() - started
    print(f"{label:<14} {elapsed:6.2f} s  {queries.count:4d} queries  "
          f"{result.candidates:6d} alerts due  {result.new_alerts:6d} new  {result.notifications:6d} notifications")
    return result, elapsed, queries.count, peak.mb


def fact_statements(day: date) -> list[tuple[str, object]]:
    """The SELECTs that gather what the sweep decides from (run once, through the ORM)."""
    with QueryCounter(keep=True) as q:
        rules = alerts.active_rules()
        ctx = alerts.SweepContext(day, alerts.sweep_branches(), rules)
        alerts.collect_candidates(ctx)
        alerts.officer_assignments()
    return [(sql, params) for sql, params in q.statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def raw_floor(statements: list[tuple[str, object]], repeat: int = 3) -> tuple[float, int]:
    """Median seconds to run the statements on a bare psycopg connection, and the rows they return."""
    import psycopg

    db = settings.DATABASES["default"]
    params = {"dbname": db["NAME"], "user": db.get("USER"), "password": db.get("PASSWORD"),
              "host": db.get("HOST"), "port": db.get("PORT")}
    times, rows = [], 0
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        conn.execute("SET TIME ZONE 'UTC'")  # as Django's connection
        cursor = psycopg.ClientCursor(conn)  # Django's default (client-side binding)
        for _ in range(repeat):
            rows = 0
            started = time.perf_counter()
            for sql, args in statements:
                cursor.execute(sql, args)
                rows += len(cursor.fetchall())
            times.append(time.perf_counter() - started)
        conn.rollback()
    return statistics.median(times), rows


def main():
    branches = OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS, is_active=True).count()
    if branches < 1000:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    if connection.vendor != "postgresql":
        sys.exit("基准需要 PostgreSQL。")
    day = date.fromisoformat(os.environ["BENCH_DAY"]) if os.environ.get("BENCH_DAY") else None
    print(f"{branches} 个党支部, database {connection.vendor}, day {day or 'today'}\n")

    statements = fact_statements(day or alerts.today())  # also warms the caches for what follows
    floor, fetched = raw_floor(statements)
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "alert_sweep_floor.sql").write_text(
        "".join(f"-- params: {args!r}\n{sql};\n\n" for sql, args in statements), encoding="utf-8")
    print(f"{'raw SQL floor':<14} {floor:6.2f} s  {len(statements):4d} queries  {fetched:6d} rows fetched "
          "(median of 3)")

    with transaction.atomic():
        Notification.objects.all().delete()
        Alert.objects.all().delete()
        first, first_s, first_q, first_mb = timed_sweep("first sweep", day)
        second, second_s, second_q, second_mb = timed_sweep("second sweep", day)
        assert second.new_alerts == 0 and Alert.objects.count() == first.candidates, "the second run added alerts"
        print("\nby kind: " + ", ".join(f"{k} {n}" for k, n in sorted(first.by_kind.items())))
        transaction.set_rollback(True)

    floor_note = (f"floor: the sweep's {len(statements)} fact SELECTs replayed as raw SQL via psycopg "
                  f"({fetched} rows, median of 3; no ORM, no rules, no writes)")
    write_rows("alert_sweep", [
        row(f"alert sweep, {branches} branches ({first.candidates} alerts due)", first_s, "s", target=30,
            floor=floor, queries=first_q, peak_rss_mb=first_mb,
            note=f"first run on an empty alert table, {first.notifications} notifications, no e-mail; {floor_note}"),
        row("alert sweep rerun", second_s, "s", target=30, floor=floor, queries=second_q, peak_rss_mb=second_mb,
            note="the same day again, nothing new to save"),
        row("alert sweep rerun: alerts added", second.new_alerts, "alerts", target=0, queries=second_q,
            note="SPEC §7/§10: a second run adds nothing"),
    ])


if __name__ == "__main__":
    main()
