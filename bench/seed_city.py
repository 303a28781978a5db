#!/usr/bin/env python
"""City-scale seed benchmark (SPEC §10): recreate a scratch database, migrate it,
run `seed_demo --scale city` (20 党委, 2,000 党支部, 40,000 members) and print
the time, the number of SQL queries and what was created. The seeded database
is left in place for the other benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_bench .venv/bin/python bench/seed_city.py

The database named in DATABASE_URL is DROPPED and recreated, so its name must
contain "bench", "scratch" or "tmp" (a SQLite file must live under /tmp).
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "False")  # no query log kept in memory


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
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("请设置 DATABASE_URL（例如 postgres://postgres@127.0.0.1:5432/dzb_bench）。")
    config = recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from branches.models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure
    from branches.selectors import branch_rule_findings
    from members.models import Member, MemberStatusChange

    print(f"数据库：{config['ENGINE'].rsplit('.', 1)[-1]} {config['NAME']}，CPU 核数 {os.cpu_count()}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate：{time.perf_counter() - started:.1f} 秒")

    queries = Counter()

    def count(execute, sql, params, many, context):
        queries[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        call_command("seed_demo", scale="city", seed=args.seed, verbosity=1)
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # planner statistics after a bulk load (autovacuum would get there later)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

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


if __name__ == "__main__":
    main()
