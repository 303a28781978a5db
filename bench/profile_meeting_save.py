#!/usr/bin/env python
"""Where the time of one meeting save goes (issue P15), on the city database of
bench/seed_city.py: POST /api/v1/meetings/ through Django's test client with a
token, as the load benchmark sends it (支部党员大会, everyone present but one
absentee), on a realistic branch (the largest with at most BENCH_MEMBERS=40
party members; the city's largest has 68).

Prints, for one save: the queries and rows written per phase (auth and
session, scoping, validation — roster, committee, requirement table, quorum
and study hours —, the meeting row and its history, kinds, attendance, filing
into the archive, the outbox, the response), the time per phase (median of
BENCH_SAVES saves), and a pyinstrument profile of one save. The meetings it
logs are deleted again at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/profile_meeting_save.py
"""

import json
import os
import statistics
import sys
import time
import traceback
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "False"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from branches.models import OrgUnit, RoleAssignment  # noqa: E402
from meetings import services  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from meetings.services import meeting as meeting_service  # noqa: E402
from members.models import Member  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "40"))
SAVES = int(os.environ.get("BENCH_SAVES", "15"))
PROJECT = str(Path(__file__).resolve().parent.parent)

# phase of a query: the first rule whose marker is on the call stack (innermost frames first)
PHASES = [
    ("history rows", ()),
    ("outbox", ("meetings/outbox.py",)),
    ("archive filing", ("archives/",)),
    ("attendance rows", ("Attendance.objects.bulk_create",)),
    ("kinds rows", ("MeetingKind",)),
    ("meeting row", ("prepared.meeting.save()", "meeting.save()")),
    ("quorum & study hours", ("requirements_for", "requirement_rows", "quorum")),
    ("validation: roster & committee", ("def _prepare", "_prepare(")),
    ("scoping (may edit?)", ("branch_for_write", "require_edit", "scoping")),
    ("session & auth", ("rest_framework/authentication", "contrib/auth", "contrib/sessions", "authtoken")),
    ("response (re-read + JSON)", ("meeting_detail", "serializers", "Response(")),
]


def phase_of(stack, table: str) -> str:
    if "historical" in table:
        return "history rows"
    text = "\n".join(f"{f.filename}:{f.line}" for f in stack)
    for name, markers in PHASES:
        if any(m in text for m in markers):
            return name
    return "other"


@contextmanager
def recording(out: list):
    """Every SQL statement with its phase, time and rows affected."""

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        result = execute(sql, params, many, context)
        elapsed = time.perf_counter() - start
        stack = [f for f in traceback.extract_stack()[:-1] if "/site-packages/django/db/" not in f.filename]
        verb = sql.lstrip().split(None, 1)[0].upper()
        rows = context["cursor"].rowcount if verb in ("INSERT", "UPDATE", "DELETE") else 0
        table = ""
        for word in ("INTO", "UPDATE", "FROM"):
            if f"{word} " in sql:
                table = sql.split(f"{word} ", 1)[1].split(None, 1)[0].strip('"')
                break
        out.append({"phase": phase_of(stack, table), "verb": verb, "table": table, "rows": max(rows, 0), "ms": elapsed * 1000})
        return result

    with connection.execute_wrapper(wrapper):
        yield


def pick_branch():
    counts = (
        Member.objects.filter(status__in=Member.PARTY_STATUSES)
        .values("branch_id")
        .annotate(n=Count("id"))
        .filter(n__lte=MEMBERS)
        .order_by("-n", "branch_id")
    )
    row = counts.first()
    if row is None:
        sys.exit("先运行 bench/seed_city.py 生成城市规模数据。")
    return OrgUnit.objects.get(pk=row["branch_id"]), row["n"]


def main():
    branch, size = pick_branch()
    user, _ = get_user_model().objects.get_or_create(username="bench_profile")
    RoleAssignment.objects.get_or_create(user=user, role=RoleAssignment.Role.BRANCH_SECRETARY, org_unit=branch)
    token, _ = Token.objects.get_or_create(user=user)
    member_ids = list(
        Member.objects.filter(branch=branch, status=Member.Status.FULL).order_by("-join_date", "pk").values_list("pk", flat=True)
    )
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    now = timezone.localtime().replace(second=0, microsecond=0)
    logged: list[int] = []
    base_day = 210  # the load benchmark logs on the last 200 days

    def save(i: int):
        body = {
            "branch": branch.pk,
            "kinds": ["branch_assembly"],
            "held_at": (now - timedelta(days=base_day + i, hours=1)).isoformat(),
            "topic": "性能剖析：学习贯彻会议精神",
            "absentees": [{"member": member_ids[-1], "reason": "leave"}] if member_ids else [],
        }
        response = client.post("/api/v1/meetings/", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:300])
        logged.append(response.json()["id"])
        return response

    phase_times: dict[str, list[float]] = defaultdict(list)
    originals = {}

    def timed_phase(owner, attr, label):
        fn = getattr(owner, attr)
        originals[(owner, attr)] = fn

        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phase_times[label].append((time.perf_counter() - start) * 1000)

        setattr(owner, attr, wrapped)

    try:
        for i in range(3):  # warm up: connection, caches, first imports
            save(i)
        # the one save whose queries we classify
        queries: list[dict] = []
        with recording(queries):
            save(3)

        # time per phase over several saves (wrappers around the service's steps)
        from rest_framework.views import APIView

        timed_phase(APIView, "perform_authentication", "session & auth")
        timed_phase(meeting_service, "_prepare", "validation (roster, committee, quorum, study hours)")
        timed_phase(meeting_service, "_write_children", "kinds + attendance + resolutions rows")
        timed_phase(meeting_service, "_file_in_archive", "archive filing")
        if hasattr(meeting_service, "_after_save"):
            timed_phase(meeting_service, "_after_save", "outbox")
        timed_phase(services, "meeting_record", "service total (in transaction, incl. commit)")
        walls = []
        for i in range(4, 4 + SAVES):
            start = time.perf_counter()
            save(i)
            walls.append((time.perf_counter() - start) * 1000)
        for (owner, attr), fn in originals.items():
            setattr(owner, attr, fn)

        profiler = Profiler(interval=0.0005)
        profiler.start()
        save(4 + SAVES)
        profiler.stop()
    finally:
        for (owner, attr), fn in originals.items():
            setattr(owner, attr, fn)
        for meeting in Meeting.objects.filter(pk__in=logged):
            services.meeting_delete(meeting)

    load = os.getloadavg()
    print(f"One meeting save: POST /api/v1/meetings/ (支部党员大会, {len(member_ids)} 正式党员 of {size} party members "
          f"due, one absentee) on {branch.name}; database {connection.vendor}; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs\n")

    by_phase = defaultdict(lambda: {"queries": 0, "ms": 0.0, "rows": defaultdict(int)})
    for q in queries:
        p = by_phase[q["phase"]]
        p["queries"] += 1
        p["ms"] += q["ms"]
        if q["rows"]:
            p["rows"][q["table"]] += q["rows"]
    print(f"{'phase':<32} {'queries':>7} {'SQL ms':>7}  rows written")
    order = [name for name, _m in PHASES] + ["other"]
    for name in order:
        if name in by_phase:
            p = by_phase[name]
            rows = ", ".join(f"{t} {n}" for t, n in sorted(p["rows"].items())) or "-"
            print(f"{name:<32} {p['queries']:>7} {p['ms']:>7.1f}  {rows}")
    total_rows = sum(q["rows"] for q in queries)
    print(f"{'total':<32} {len(queries):>7} {sum(q['ms'] for q in queries):>7.1f}  {total_rows} rows")
    statements = defaultdict(int)
    for q in queries:
        statements[(q["verb"], q["table"])] += 1
    print("statements: " + ", ".join(f"{v} {t}×{n}" if n > 1 else f"{v} {t}" for (v, t), n in statements.items()))

    print(f"\nTime per phase, median of {SAVES} saves (wall per save: median {statistics.median(walls):.1f} ms, "
          f"max {max(walls):.1f} ms):")
    for label, values in phase_times.items():
        print(f"  {label:<52} {statistics.median(values):7.1f} ms")
    print("\npyinstrument, one save:")
    print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False)
          if "short_mode" in Profiler.output_text.__code__.co_varnames
          else profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
