#!/usr/bin/env python
"""The committee dashboard under load (SPEC §10): p95 ≤ 200 ms for a 党委 with
100 branches at 20 concurrent users; ≤ 800 ms for the 组织部 (2,000 branches);
both ≤ 3× the floor — a trivial authenticated Django view under the same load.

Starts gunicorn (config.settings.bench, which routes /bench/floor/) on the
city-scale database of bench/seed_city.py, signs in a bench 党委管理员 and a
bench 组织部 user (sessions made here), then runs locust headless — a separate
process; the locustfile does not import Django — once per page: the floor, the
党委 dashboard, the 组织部 dashboard. Each run: USERS users, THINK seconds
between two requests (0.5–1.5× at random), DURATION seconds. Prints p50/p95/max
and the ratio of each p95 to the floor's. Loopback only; stops by itself.

Needs snapshots: run `manage.py score_branches --year 2026` (and 2024, 2025 for
the trend) on the same database first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/dashboard_load.py
"""

import csv
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
os.environ["DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from common import row, write_rows  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessment.models import ScoreSnapshot  # noqa: E402
from branches.models import OrgUnit, RoleAssignment  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8012"))
USERS = int(os.environ.get("BENCH_USERS", "20"))
THINK = float(os.environ.get("BENCH_THINK", "1.0"))
DURATION = int(os.environ.get("BENCH_DURATION", "60"))  # 40 s gave p95s ±30% apart run to run
WORKERS = os.environ.get("BENCH_WORKERS", "4")
TARGETS = {"floor": None, "党委 dashboard": 200, "组织部 dashboard": 800}


def sessions_for(username: str, role: str, unit: OrgUnit, n: int) -> list[str]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=unit)
    keys = []
    for _ in range(n):  # one session per simulated user, as real people each have theirs
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        keys.append(s.session_key)
    return keys


def start_server():
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "False",
           "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS,
         "--log-level", "warning"],
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


def warm_up(path: str, session: str, n: int) -> float:
    """Open a page n times from n threads, so that every gunicorn worker has
    computed and cached its panels (the cache is per process and per state of
    the data). Returns the slowest of these, the cold cost."""
    import threading

    slowest = []

    def hit():
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": f"sessionid={session}"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        slowest.append(time.perf_counter() - start)

    threads = [threading.Thread(target=hit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return max(slowest) * 1000


def run_locust(path: str, sessions: list[str], workdir: str, name: str) -> dict:
    prefix = os.path.join(workdir, name)
    env = {**os.environ, "BENCH_PATH": path, "BENCH_SESSIONS": ",".join(sessions), "BENCH_THINK": str(THINK)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [str(BASE_DIR / ".venv/bin/locust"), "-f", str(BASE_DIR / "bench/locustfile_dashboard.py"), "--headless",
         "-u", str(USERS), "-r", str(USERS), "-t", f"{DURATION}s", "-H", f"http://127.0.0.1:{PORT}",
         "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "page")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "max": float(row["Max Response Time"]),
        "rps": float(row["Requests/s"]),
    }


def main():
    year = int(os.environ.get("BENCH_YEAR", timezone.localdate().year))
    branch = Q(kind__in=OrgUnit.BRANCH_KINDS, is_active=True)
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    committees = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent=root)
        .annotate(n=Count("children", filter=Q(children__kind__in=OrgUnit.BRANCH_KINDS)))
        .order_by("-n", "path")
    )
    committee = committees.first()
    if root is None or committee is None:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    branches = OrgUnit.objects.filter(branch, path__startswith=committee.path).count()
    city = OrgUnit.objects.filter(branch, path__startswith=root.path).count()
    scored = ScoreSnapshot.objects.filter(year=year).count()
    if scored < city:
        sys.exit(f"{year}年只有{scored}/{city}个支部有得分快照：先运行 manage.py score_branches --year {year}。")
    committee_sessions = sessions_for("bench_dashboard_dw", RoleAssignment.Role.COMMITTEE_ADMIN, committee, USERS)
    city_sessions = sessions_for("bench_dashboard_zzb", RoleAssignment.Role.ORG_DEPARTMENT, root, USERS)
    pages = [
        ("floor", "/bench/floor/", committee_sessions),
        ("党委 dashboard", f"/dashboard/?org={committee.pk}&year={year}", committee_sessions),
        ("组织部 dashboard", f"/dashboard/?org={root.pk}&year={year}", city_sessions),
    ]
    server = start_server()
    results, cold = {}, {}
    try:
        with tempfile.TemporaryDirectory() as workdir:
            for name, path, sessions in pages:
                cold[name] = warm_up(path, sessions[0], int(WORKERS) * 3)
                results[name] = run_locust(path, sessions, workdir, f"run{len(results)}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    floor = results["floor"]["p95"] or 1
    print(f"Committee dashboard under load: gunicorn -w {WORKERS}, {USERS} users each, think time "
          f"{THINK:g} s (0.5–1.5×), {DURATION} s per page; 党委 {committee.name} ({branches} branches), "
          f"组织部 {root.name} ({city} branches), year {year}")
    print(f"{'page':<18}{'requests':>9}{'fail':>6}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
          f"{'p95/floor':>10}{'target':>9}")
    for name, r in results.items():
        target = TARGETS[name]
        verdict = "" if target is None else (" ok" if r["p95"] <= target and r["p95"] <= 3 * floor else " MISSED")
        print(f"{name:<18}{r['requests']:>9}{r['failures']:>6}{r['rps']:>7.1f}{r['p50']:>8.0f}{r['p95']:>8.0f}"
              f"{r['max']:>8.0f}{r['p95'] / floor:>9.1f}×{('' if target is None else f'≤{target}'):>9}{verdict}")
    print("targets: p95 within the SPEC §10 number and ≤ 3× the floor's p95")
    print("before each run, every worker opened the page once (cache warm-up); slowest of those (cold, "
          "panels computed from the snapshots): " + ", ".join(f"{k} {v:.0f} ms" for k, v in cold.items()))
    write_rows("dashboard_load", [
        row(f"{name} ({n} branches), p95 @ {USERS} users", results[name]["p95"], "ms", target=TARGETS[name],
            floor=floor, ratio_target=3, note=f"floor: GET /bench/floor/ under the same load; "
                                              f"{results[name]['failures']} failures")
        for name, n in (("党委 dashboard", branches), ("组织部 dashboard", city))
    ])


if __name__ == "__main__":
    main()
