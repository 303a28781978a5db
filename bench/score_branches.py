#!/usr/bin/env python
"""Scoring every branch of the city (SPEC §10: ≤ 10 s for 2,000 branches, a
number of SQL queries that does not grow with them), on the database seeded by
bench/seed_city.py.

Prints, for the previous year (or BENCH_YEAR):
- scoring all branches from their records (`assessment.services.branches_score`:
  fact gathering through the apps' selectors + the pure engine): wall time and
  SQL queries;
- storing the snapshots (`snapshots_refresh`) twice: the second run must write
  nothing;
- the floor: raw SQL that reads the same facts in one pass (one aggregate per
  table, no rules evaluated), and the ratio of scoring to it (target ≤ 2×).

Everything runs in one transaction that is rolled back (the database is left as
it was). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/score_branches.py
"""

import os
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

from collections import Counter  # noqa: E402

from common import row, write_rows  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessment.selectors import branches_to_score  # noqa: E402
from assessment.services import branches_score, ensure_default_scorecards, snapshots_refresh  # noqa: E402

# The floor: every fact the scorecard reads, gathered by raw SQL in one pass over
# each table (per branch, per member or per catalogue aggregates), with no rule
# applied. %(start)s / %(end)s bound the year; %(branch_kinds)s the branch kinds.
FLOOR_SQL = [
    # org rules (A1–B2): members by status, the open term with its tenures, groups
    """SELECT branch_id, status, count(*) FROM members_member WHERE branch_id = ANY(%(ids)s) GROUP BY 1, 2""",
    """SELECT t.org_unit_id, t.id, t.due_end_date, t.seats, r.member_id, r.role, r.start_date, r.end_date,
              m.full_member_date
         FROM branches_committeeterm t LEFT JOIN branches_roletenure r ON r.term_id = t.id
         LEFT JOIN members_member m ON m.id = r.member_id
        WHERE t.org_unit_id = ANY(%(ids)s)""",
    """SELECT g.branch_id, g.id, count(m.id), count(m.id) FILTER (WHERE m.status = 'full')
         FROM branches_partygroup g LEFT JOIN members_member m ON m.party_group_id = g.id
        WHERE g.branch_id = ANY(%(ids)s) GROUP BY 1, 2""",
    # compliance (C1–C8, D6): meetings by branch, kind and month; talks; reports
    """SELECT m.branch_id, k.kind, m.party_group_id, date_trunc('month', m.date), count(*),
              count(*) FILTER (WHERE m.quorum_met IS FALSE)
         FROM meetings_meeting m JOIN meetings_meetingkind k ON k.meeting_id = m.id
        WHERE m.branch_id = ANY(%(ids)s) AND m.date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2, 3, 4""",
    """SELECT branch_id, talker_id, talkee_id, count(*) FROM meetings_talkrecord
        WHERE branch_id = ANY(%(ids)s) AND date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2, 3""",
    """SELECT branch_id, member_id, count(*) FROM meetings_memberreport
        WHERE branch_id = ANY(%(ids)s) AND date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2""",
    # study hours (B3, D1): meetings and trainings per member
    """SELECT a.member_id, sum(a.study_hours) FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
        WHERE m.branch_id = ANY(%(ids)s) AND m.date BETWEEN %(start)s AND %(end)s AND a.status <> 'absent'
        GROUP BY 1""",
    """SELECT p.member_id, sum(t.credited_hours) FROM members_trainingparticipant p
         JOIN members_training t ON t.id = p.training_id
        WHERE t.branch_id = ANY(%(ids)s) AND t.start_date BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    # dues (D2, F3, D5): months settled per member, last paid
    """SELECT member_id, count(*) FILTER (WHERE exempt OR amount_paid >= amount_due), max(month)
         FROM members_duesmonth WHERE branch_id = ANY(%(ids)s) GROUP BY 1""",
    """SELECT a.member_id, max(m.date) FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
        WHERE m.branch_id = ANY(%(ids)s) AND a.status = 'present' GROUP BY 1""",
    # development (D3), transfers (D4)
    """SELECT s.member_id, s.step, s.date FROM members_developmentstep s JOIN members_member m ON m.id = s.member_id
        WHERE m.branch_id = ANY(%(ids)s)""",
    """SELECT id, from_branch_id, issued_on, expires_on, received_on FROM members_transfer
        WHERE from_branch_id = ANY(%(ids)s) AND cancelled_on IS NULL""",
    # archive (F1, F2): documents per catalogue and kind, books
    """SELECT c.branch_id, c.box_kind, c.bound_at, d.doc_kind_id, count(d.id)
         FROM archives_catalogue c LEFT JOIN archives_document d ON d.catalogue_id = c.id
        WHERE c.branch_id = ANY(%(ids)s) AND (c.year = %(year)s OR c.term_id IS NOT NULL) GROUP BY 1, 2, 3, 4""",
    """SELECT branch_id, book_kind, count(*) FROM archives_book
        WHERE branch_id = ANY(%(ids)s) AND year = %(year)s GROUP BY 1, 2""",
]


def floor(ids, year):
    params = {"ids": ids, "year": year, "start": date(year, 1, 1), "end": date(year, 12, 31)}
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        for sql in FLOOR_SQL:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return time.perf_counter() - started, len(FLOOR_SQL), rows


def main():
    branches = list(branches_to_score())
    if len(branches) < 1000:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    year = int(os.environ.get("BENCH_YEAR") or timezone.localdate().year - 1)
    ids = [b.pk for b in branches]
    print(f"{len(branches)} 个党支部, {year}年, database {connection.vendor}\n")
    with transaction.atomic():
        ensure_default_scorecards()
        floor(ids, year)  # warm the cache for both sides alike
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            scored = branches_score(branches, year)
            elapsed = time.perf_counter() - started
        score_s, score_q = elapsed, len(queries)
        floor_time, floor_queries, floor_rows = floor(ids, year)
        grades = Counter(r.grade for _row, _facts, r in scored.values())
        print(f"score all branches  {elapsed:6.2f} s  {len(queries):4d} queries")
        print(f"raw-SQL floor       {floor_time:6.2f} s  {floor_queries:4d} queries  ({floor_rows} rows)")
        print(f"ratio to the floor  {elapsed / floor_time:6.2f} ×  (target ≤ 2×; time target ≤ 10 s)")
        print("grades (manual items 未评): " + ", ".join(f"{g} {n}" for g, n in sorted(grades.items())))
        for label in ("first snapshots", "second snapshots"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                created, updated, unchanged = snapshots_refresh(branches=branches, year=year)
                elapsed = time.perf_counter() - started
            print(
                f"{label:<19} {elapsed:6.2f} s  {len(queries):5d} queries  "
                f"created {created}, updated {updated}, unchanged {unchanged}"
            )
        assert created == updated == 0, "the second run wrote snapshots"
        transaction.set_rollback(True)
    write_rows("score_branches", [
        row(f"score {len(branches)} branches ({year})", score_s, "s", target=10, floor=floor_time, queries=score_q,
            note=f"floor: raw SQL reading the same facts, {floor_queries} queries, {floor_rows} rows"),
    ])


if __name__ == "__main__":
    main()
