#!/usr/bin/env python
"""City-scale read paths (SPEC §10), on the database seeded by bench/seed_city.py:

- the SPEC §2 rule findings and the §4 compliance calendar for all branches
  (one selector call each; the scorecard and the alert sweep will make the same calls);
- pages as a 党委 administrator (org tree, the 党委's page) and as a 支部书记
  (branch page, compliance calendar), through Django's test client.

Prints wall time and SQL query counts and writes them to bench/out/read_paths.json
(informational rows: SPEC §10 sets no target for these; see bench/common.py). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/read_paths.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from common import PeakRSS, QueryCounter, p95, row, write_rows  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from branches.models import OrgUnit, RoleAssignment  # noqa: E402
from branches.selectors import branch_rule_findings  # noqa: E402
from meetings.selectors import branches_compliance  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


ROWS = []


def timed(label, fn, repeat=1):
    times = []
    with PeakRSS() as peak:
        for _ in range(repeat):
            with QueryCounter() as queries:
                start = time.perf_counter()
                result = fn()
                times.append(time.perf_counter() - start)
    slow = p95(times)
    print(f"{label:<46} median {statistics.median(times) * 1000:8.1f} ms  p95 {slow * 1000:8.1f} ms  "
          f"{queries.count:4d} queries  (n={repeat})")
    ROWS.append(row(label, slow * 1000, "ms", queries=queries.count, peak_rss_mb=peak.mb,
                    note=f"p95 of {repeat}, one process, no concurrency" if repeat > 1 else "one call"))
    return result


def main():
    branches = list(OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS))
    if len(branches) < 1000:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    print(f"{len(branches)} 个党支部, database {connection.vendor}\n")
    year = timezone.localdate().year
    timed("rule findings, all branches", lambda: branch_rule_findings(branches))
    timed(f"compliance {year}, all branches", lambda: branches_compliance(branches, year))
    timed(f"compliance {year - 1}, all branches", lambda: branches_compliance(branches, year - 1))

    committee_admin = RoleAssignment.objects.filter(role=RoleAssignment.Role.COMMITTEE_ADMIN).select_related(
        "user", "org_unit").first()
    secretary = RoleAssignment.objects.filter(role=RoleAssignment.Role.BRANCH_SECRETARY).select_related(
        "user", "org_unit").first()
    for assignment, pages in (
        (committee_admin, ["/org/", f"/org/{committee_admin.org_unit_id}/", "/members/", "/meetings/"]),
        (secretary, [f"/org/{secretary.org_unit_id}/", f"/meetings/calendar/{secretary.org_unit_id}/{year}/",
                     "/members/", "/meetings/new/"]),
    ):
        client = Client()
        client.force_login(assignment.user)
        subtree = OrgUnit.objects.filter(path__startswith=assignment.org_unit.path, kind__in=OrgUnit.BRANCH_KINDS)
        print(f"\n{assignment.get_role_display()} {assignment.user.username} @ {assignment.org_unit} "
              f"({subtree.count()} 个支部)")
        for page in pages:
            response = timed(f"GET {page}", lambda page=page, client=client: client.get(page), repeat=20)
            assert response.status_code == 200, (page, response.status_code)
            ROWS[-1]["operation"] = f"{assignment.get_role_display()} GET {page}"
    write_rows("read_paths", ROWS)


if __name__ == "__main__":
    main()
