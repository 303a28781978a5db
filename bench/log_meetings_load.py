#!/usr/bin/env python
"""Logging meetings under load beside a floor, and the 党委's pages under load
(SPEC §10: logging p95 ≤ 150 ms at 20 concurrent secretaries and ≤ 3× the
floor; the 党委's pages p95 ≤ 200 ms at 20 users).

Starts gunicorn (-w 4) on 127.0.0.1 with the benchmark settings
(config.settings.bench: the production URLs plus the floor) against the
city-scale database of bench/seed_city.py.

1. 20 branch secretaries, each with an API token, each log PER_USER 支部党员大会
   meetings through POST /api/v1/meetings/ (everyone present but one
   absentee) and, alternating with them in the same threads, send as many
   POST /bench/floor/ — a trivial authenticated view that writes one row
   through the ORM. Both are measured in the same run under the same load;
   a pause of THINK_SECONDS separates two requests of one person (BENCH_THINK=0
   for a closed loop that measures queueing instead).
2. 20 users logged in as the 党委 administrator of a committee with ~100
   branches GET /org/ and /org/<committee>/ in turn, with the same pauses.

Prints p50/p95/max per request kind, the ratio to the floor, the error
count, and the machine's load average before and after (the machine may be
shared: the ratio, measured in one run, is the figure that travels).
Loopback only; stops by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/log_meetings_load.py
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
os.environ["DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from common import row, write_rows  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from branches.models import OrgUnit, RoleAssignment  # noqa: E402
from members.models import Member  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8011"))
USERS = int(os.environ.get("BENCH_USERS", "20"))
PER_USER = int(os.environ.get("BENCH_PER_USER", "10"))
THINK_SECONDS = float(os.environ.get("BENCH_THINK", "1.0"))
WORKERS = os.environ.get("BENCH_WORKERS", "4")


def start_server():
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "False",
           "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS,
         "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def percentile(values, q):
    values = sorted(values)
    return values[max(0, int(round(len(values) * q)) - 1)]


def report(label, values, floor=None, target=None):
    if not values:
        print(f"  {label:<34} no successful request")
        return
    p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
    line = f"  {label:<34} n={len(values):<4} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  max {max(values) * 1000:6.0f} ms"
    if floor:
        f50, f95 = statistics.median(floor) * 1000, percentile(floor, 0.95) * 1000
        line += f"   ×floor: p50 {p50 / f50:.1f}  p95 {p95 / f95:.1f}"
    if target:
        line += f"   (target p95 ≤ {target} ms)"
    print(line)


class Run:
    """Threads of simulated people; latencies per request kind."""

    def __init__(self):
        self.latencies = defaultdict(list)
        self.errors = []
        self.lock = threading.Lock()

    def call(self, kind, request, ok_status):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                ok = response.status == ok_status
        except urllib.error.HTTPError as exc:
            ok = False
            with self.lock:
                self.errors.append(f"{kind}: {exc.code} {exc.read()[:200]!r}")
        except OSError as exc:
            ok = False
            with self.lock:
                self.errors.append(f"{kind}: {exc}")
        elapsed = time.perf_counter() - start
        with self.lock:
            if ok:
                self.latencies[kind].append(elapsed)

    def run(self, people):
        threads = [threading.Thread(target=fn) for fn in people]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        return time.perf_counter() - began


def secretaries():
    """One bench secretary (with a token) for each of USERS branches of 20–60 party members."""
    sized = (
        Member.objects.filter(status__in=Member.PARTY_STATUSES)
        .values("branch_id")
        .annotate(n=Count("id"))
        .filter(n__gte=20, n__lte=60)
        .order_by("branch_id")
        .values_list("branch_id", flat=True)[:USERS]
    )
    branches = list(OrgUnit.objects.filter(pk__in=list(sized)).order_by("path"))
    if len(branches) < USERS:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    jobs = []
    for n, branch in enumerate(branches):
        user, _ = get_user_model().objects.get_or_create(username=f"bench_sj{n}")
        RoleAssignment.objects.filter(user=user, role=RoleAssignment.Role.BRANCH_SECRETARY).exclude(
            org_unit=branch).delete()
        RoleAssignment.objects.get_or_create(user=user, role=RoleAssignment.Role.BRANCH_SECRETARY, org_unit=branch)
        token, _ = Token.objects.get_or_create(user=user)
        members = Member.objects.filter(branch=branch, status=Member.Status.FULL).order_by("join_date", "pk")
        absentee = members.values_list("pk", flat=True).first()
        jobs.append((token.key, branch.pk, absentee, members.count()))
    return jobs


def committee_session():
    """A session cookie of the 党委 administrator of the committee with the most branches (~100)."""
    admin = (
        RoleAssignment.objects.filter(role=RoleAssignment.Role.COMMITTEE_ADMIN, org_unit__kind=OrgUnit.Kind.COMMITTEE)
        .select_related("user", "org_unit").order_by("org_unit__path").first()
    )
    if admin is None:
        sys.exit("no 党委 administrator in the database")
    user = admin.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # the first backend is axes', which only guards logins
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    unit = admin.org_unit
    branches = OrgUnit.objects.filter(path__startswith=unit.path, kind__in=OrgUnit.BRANCH_KINDS).count()
    return session.session_key, unit, branches, user.username


def log_meetings(run: Run, jobs):
    now = timezone.localtime().replace(second=0, microsecond=0)
    url = f"http://127.0.0.1:{PORT}"

    def secretary(token, branch_id, absentee, n):
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        rnd = random.Random(n)
        time.sleep(THINK_SECONDS * n / USERS)  # people do not all press 保存 in the same millisecond
        for i in range(PER_USER):
            body = {
                "branch": branch_id,
                "kinds": ["branch_assembly"],
                "held_at": (now - timedelta(days=1 + i, hours=1 + n % 20, minutes=rnd.randrange(60))).isoformat(),
                "topic": "压力测试：学习贯彻会议精神",
                "absentees": [{"member": absentee, "reason": "leave"}] if absentee else [],
            }
            steps = [
                ("meeting", urllib.request.Request(f"{url}/api/v1/meetings/", data=json.dumps(body).encode(),
                                                   method="POST", headers=headers)),
                ("floor", urllib.request.Request(f"{url}/bench/floor/", data=b"{}", method="POST", headers=headers)),
            ]
            rnd.shuffle(steps)  # neither kind always follows the other
            for kind, request in steps:
                run.call(kind, request, 201)
                time.sleep(THINK_SECONDS)

    return [lambda job=job, n=n: secretary(job[0], job[1], job[2], n) for n, job in enumerate(jobs)]


def committee_pages(run: Run, session_key, unit):
    url = f"http://127.0.0.1:{PORT}"
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}

    def person(n):
        time.sleep(THINK_SECONDS * n / USERS)
        for _ in range(PER_USER):
            for kind, path in (("/org/", "/org/"), ("/org/<id>/", f"/org/{unit.pk}/")):
                run.call(kind, urllib.request.Request(url + path, headers=cookie), 200)
                time.sleep(THINK_SECONDS)

    return [lambda n=n: person(n) for n in range(USERS)]


def main():
    jobs = secretaries()
    session_key, unit, n_branches, username = committee_session()
    server = start_server()
    load_before = os.getloadavg()
    try:
        # warm every worker up (first imports, template compilation) outside the measurement
        warm = Run()
        warm.run(committee_pages(warm, session_key, unit)[:4] + log_meetings(warm, jobs[:4]))
        logging = Run()
        wall_logging = logging.run(log_meetings(logging, jobs))
        pages = Run()
        wall_pages = pages.run(committee_pages(pages, session_key, unit))
    finally:
        server.terminate()
        server.wait(timeout=10)
    load_after = os.getloadavg()
    sizes = sorted(j[3] for j in jobs)
    print(f"gunicorn -w {WORKERS}, {os.cpu_count()} CPUs; load average before {load_before[0]:.1f} "
          f"{load_before[1]:.1f} {load_before[2]:.1f}, after {load_after[0]:.1f} {load_after[1]:.1f} "
          f"{load_after[2]:.1f}; think time {THINK_SECONDS:g} s")
    print(f"\n1. {USERS} concurrent secretaries × {PER_USER} meetings (支部党员大会, {sizes[0]}–{sizes[-1]} 正式党员, "
          f"one absentee) and × {PER_USER} floor POSTs, interleaved, {wall_logging:.0f} s")
    report("floor POST /bench/floor/", logging.latencies["floor"])
    report("POST /api/v1/meetings/", logging.latencies["meeting"], floor=logging.latencies["floor"], target=150)
    print(f"\n2. {USERS} users as 党委 administrator {username} of {unit.name} ({n_branches} 个支部), "
          f"{PER_USER} rounds, {wall_pages:.0f} s")
    report("GET /org/", pages.latencies["/org/"], target=200)
    report(f"GET /org/{unit.pk}/", pages.latencies["/org/<id>/"], target=200)
    errors = logging.errors + pages.errors
    print(f"\nerrors: {len(errors)}")
    for e in errors[:5]:
        print("  error:", e)
    if not logging.latencies["meeting"]:
        sys.exit("no meeting was logged")

    def p95_ms(values):
        return percentile(values, 0.95) * 1000 if values else float("nan")

    floor_p95 = p95_ms(logging.latencies["floor"])
    load = f"{USERS} users, load {load_before[0]:.1f}→{load_after[0]:.1f}"
    write_rows("log_meetings_load", [
        row(f"log a meeting, p95 @ {USERS} secretaries", p95_ms(logging.latencies["meeting"]), "ms", target=150,
            floor=floor_p95, ratio_target=3, queries=12, note=f"floor: POST /bench/floor/ in the same run; {load}"),
        *(row(f"党委 page {label} ({n_branches} branches), p95 @ {USERS} users", p95_ms(pages.latencies[key]), "ms",
              target=200, floor=floor_p95, ratio_target=3, queries=queries,  # cold; a warm page: 5 / 7
              note=f"floor: the logging run's; {len(errors)} errors")
          for label, key, queries in (("/org/", "/org/", 13), ("/org/<id>/", "/org/<id>/", 15))),
    ])


if __name__ == "__main__":
    main()
