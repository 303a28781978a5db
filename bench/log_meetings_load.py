#!/usr/bin/env python
"""Logging meetings under load (SPEC §10: p95 ≤ 150 ms at 20 concurrent secretaries).

Starts gunicorn on 127.0.0.1 against the city-scale database of bench/seed_city.py,
gives 20 branch secretaries an API token, and lets 20 threads each log a bounded
number of 支部党员大会 meetings through POST /api/v1/meetings/ (everyone present but
one absentee), pausing THINK_SECONDS between two submissions as a person would
(set BENCH_THINK=0 for a closed loop that measures queueing instead). Prints
p50/p95/max latency and the error count. Loopback only; stops by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/log_meetings_load.py
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from branches.models import OrgUnit, RoleAssignment  # noqa: E402
from members.models import Member  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8011"))
USERS, PER_USER = 20, 10
THINK_SECONDS = float(os.environ.get("BENCH_THINK", "1.0"))


def start_server():
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "False"}
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "4", "--log-level",
         "warning"],
        cwd=BASE_DIR, env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def main():
    branches = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).order_by("path")[:USERS])
    if len(branches) < USERS:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    secretaries = []
    for n, branch in enumerate(branches):  # one bench secretary per branch (created once, reused)
        user, _ = get_user_model().objects.get_or_create(username=f"bench_sj{n}")
        assignment, _ = RoleAssignment.objects.get_or_create(
            user=user, role=RoleAssignment.Role.BRANCH_SECRETARY, org_unit=branch
        )
        secretaries.append(assignment)
    jobs = []
    now = timezone.localtime().replace(second=0, microsecond=0)
    for a in secretaries:
        token, _ = Token.objects.get_or_create(user=a.user)
        member_ids = list(Member.objects.filter(branch_id=a.org_unit_id, status="full").values_list("pk", flat=True))
        jobs.append((token.key, a.org_unit_id, member_ids))
    server = start_server()
    latencies, errors, lock = [], [], threading.Lock()

    def secretary(token, branch_id, member_ids, n):
        time.sleep(THINK_SECONDS * n / USERS)  # people do not all press 保存 in the same millisecond
        for i in range(PER_USER):
            body = {
                "branch": branch_id,
                "kinds": ["branch_assembly"],
                "held_at": (now - timedelta(days=1 + n * PER_USER + i, hours=1)).isoformat(),
                "topic": "压力测试：学习贯彻会议精神",
                "absentees": [{"member": member_ids[-1], "reason": "leave"}] if member_ids else [],
            }
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/meetings/", data=json.dumps(body).encode(), method="POST",
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    ok = response.status == 201
            except urllib.error.HTTPError as exc:
                ok = False
                with lock:
                    errors.append(f"{exc.code} {exc.read()[:200]!r}")
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
            time.sleep(THINK_SECONDS)

    try:
        threads = [threading.Thread(target=secretary, args=(*job, n)) for n, job in enumerate(jobs)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    latencies.sort()
    if not latencies:
        sys.exit(f"no meeting was logged; first errors: {errors[:3]}")
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(f"{USERS} concurrent secretaries × {PER_USER} meetings (支部党员大会, one absentee), "
          f"think time {THINK_SECONDS:g} s, gunicorn -w 4")
    print(f"logged {len(latencies)} in {wall:.1f} s ({len(latencies) / wall:.0f}/s); errors {len(errors)}")
    print(f"latency p50 {statistics.median(latencies) * 1000:.0f} ms  p95 {p95 * 1000:.0f} ms  "
          f"max {latencies[-1] * 1000:.0f} ms   (target p95 ≤ 150 ms)")
    for e in errors[:3]:
        print("  error:", e)


if __name__ == "__main__":
    main()
