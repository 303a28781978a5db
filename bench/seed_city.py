#!/usr/bin/env python
"""City-scale seed benchmark (SPEC §10): recreate a scratch database, migrate it,
run `seed_demo --scale city` (20 党委, 2,000 党支部, 40,000 members) and print
the time, the number of SQL queries and what was created. The seeded database
is left in place for the other benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/seed_city.py [--rebuild]

The city is built once and reused while it is current: after a build the script
stores a stamp in the database (table `bench_stamp`: a SHA-256 of every migration
file, of the demo-data code and of SEED_VERSION and --seed). When the stamp in the
database matches the code, nothing is rebuilt and the script ends in seconds;
`--rebuild` rebuilds anyway.

On a rebuild the database named in DATABASE_URL is DROPPED and recreated, so its
name must contain "bench", "scratch" or "tmp" (a SQLite file must live under /tmp).
Writes bench/out/seed_city.json (see bench/common.py).
"""

import argparse
import hashlib
import os
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")  # no query log kept in memory

from common import PeakRSS, QueryCounter, row, write_rows  # noqa: E402

# Raise when the city data changes in a way the hashed files do not show.
SEED_VERSION = 1
# The code that decides what the city database holds, besides the migrations.
SEED_SOURCES = ["*/demo*.py", "*/demo/*.py", "*/campaigns/demo.py", "*/management/commands/seed_demo.py"]


def code_stamp(seed: int) -> str:
    """SHA-256 of every migration file (the schema), the demo-data code, SEED_VERSION and the seed."""
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"seed-version {SEED_VERSION} seed {seed}\n".encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    files = {Path(sys.modules[m.__module__].__file__) for m in loader.disk_migrations.values()}
    for pattern in SEED_SOURCES:
        files.update(p for p in BASE_DIR.glob(pattern) if ".venv" not in p.parts)
    for path in sorted(files):
        digest.update(f"{path.relative_to(BASE_DIR)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_stamp() -> tuple[str, float] | None:
    """(stamp, seconds the build took) of the city in the database, or None (no database, no stamp table, no stamp)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            if "bench_stamp" not in connection.introspection.table_names(cursor):
                return None
            cursor.execute("SELECT stamp, seconds FROM bench_stamp ORDER BY built_at DESC LIMIT 1")
            found = cursor.fetchone()
            return tuple(found) if found else None
    except DatabaseError:
        return None
    finally:
        connection.close()


def store_stamp(stamp: str, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_stamp (stamp varchar(64) NOT NULL, "
                       "built_at timestamp NOT NULL, seconds double precision NOT NULL)")
        cursor.execute("DELETE FROM bench_stamp")
        cursor.execute("INSERT INTO bench_stamp (stamp, built_at, seconds) VALUES (%s, CURRENT_TIMESTAMP, %s)",
                       [stamp, seconds])


def recreate_database(url: str) -> dict:
    import environ

    config = environ.Env.db_url_config(url)
    name = str(config["NAME"])
    if "sqlite" in config["ENGINE"]:
        if not name.startswith("/tmp/"):
            sys.exit(f"拒绝删除 {name}：SQLite 临时库须位于 /tmp 下。")
        Path(name).unlink(missing_ok=True)
        return config
    if not any(word in name for word in ("bench", "scratch", "tmp")):
        sys.exit(f"拒绝重建数据库 {name}：库名须包含 bench、scratch 或 tmp。")
    import psycopg

    params = {"dbname": "postgres", "user": config.get("USER") or None, "password": config.get("PASSWORD") or None,
              "host": config.get("HOST") or None, "port": config.get("PORT") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true", help="rebuild even when the stamp is current")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("请设置 DATABASE_URL（例如 postgres://postgres@127.0.0.1:5432/dzb_bench）。")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    checked = time.perf_counter()
    stamp = code_stamp(args.seed)
    stored = stored_stamp()
    if not args.rebuild and stored and stored[0] == stamp:
        from branches.models import OrgUnit

        branches = OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS).count()
        elapsed = time.perf_counter() - checked
        print(f"城市数据为最新（stamp {stamp[:12]}，{branches} 个党支部），不重建：{elapsed:.1f} 秒。"
              "（--rebuild 可强制重建）")
        write_rows("seed_city", [row(f"city data ({branches} branches): stamp current, reused", elapsed, "s",
                                     note=f"stamp {stamp[:12]}, built in {stored[1]:.0f} s (migrate + seed_demo "
                                          "--scale city); `bench/seed_city.py --rebuild` rebuilds")])
        return
    config = recreate_database(url)

    from branches.models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure
    from branches.selectors import branch_rule_findings
    from members.models import Member, MemberStatusChange

    print(f"数据库：{config['ENGINE'].rsplit('.', 1)[-1]} {config['NAME']}，CPU 核数 {os.cpu_count()}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    print(f"migrate：{migrate_seconds:.1f} 秒")

    started = time.perf_counter()
    with QueryCounter() as counter, PeakRSS() as peak:
        call_command("seed_demo", scale="city", seed=args.seed, verbosity=1)
    seed_seconds = elapsed = time.perf_counter() - started
    queries = counter.by_verb
    if connection.vendor == "postgresql":
        # planner statistics and the visibility map after a bulk load, as autovacuum would leave
        # them later: without the map, index-only scans read the heap, and the first readers of
        # each page write its hint bits, so the first runs on a new city would measure that
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    branches = OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS)
    print()
    print(f"seed_demo --scale city：{elapsed:.1f} 秒，SQL 语句 {sum(queries.values())} 条（{dict(queries)}）")
    print(f"  党委 {OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE).count()}，"
          f"党总支 {OrgUnit.objects.filter(kind=OrgUnit.Kind.GENERAL_BRANCH).count()}，"
          f"党支部 {branches.count()}，党小组 {PartyGroup.objects.count()}，"
          f"党员等 {Member.objects.count()}（历史 {Member.history.count()}，状态变动 {MemberStatusChange.objects.count()}），"
          f"任期 {CommitteeTerm.objects.count()}，任职 {RoleTenure.objects.count()}，选举 {Election.objects.count()}")

    started = time.perf_counter()
    findings = branch_rule_findings(branches)
    elapsed = time.perf_counter() - started
    codes = Counter(f.code for fs in findings.values() for f in fs)
    clean = sum(1 for fs in findings.values() if not any(f.severity == "error" for f in fs))
    print(f"branch_rule_findings（{len(findings)} 个党支部）：{elapsed:.2f} 秒；无错误项 {clean} 个")
    for code, n in codes.most_common():
        print(f"  {code:28} {n}")

    store_stamp(stamp, migrate_seconds + seed_seconds)
    print(f"已写入 stamp {stamp[:12]}：下次 make bench 将直接复用这些数据。")
    write_rows("seed_city", [
        row(f"city data built: {branches.count()} branches, {Member.objects.count()} members", seed_seconds, "s",
            queries=counter.count, peak_rss_mb=peak.mb,
            note=f"seed_demo --scale city (migrate {migrate_seconds:.0f} s more); stamp {stamp[:12]} stored"),
    ])


if __name__ == "__main__":
    main()
