"""`manage.py seed_demo` — demo data for a fresh database.

    manage.py seed_demo                  # small demo: ~13 branches, ~150 members, the demo logins
    manage.py seed_demo --scale city     # 20 党委, 2,000 branches, 40,000 members (bench/seed_city.py)
    manage.py seed_demo --if-empty       # do nothing when org units exist (make run)
    manage.py seed_demo --seed 7         # other names, dates, ID numbers; same seed → same data

Each app contributes a `demo` module that writes only its own app's data;
SEED_STEPS lists who runs when (see branches/demo.py for why the branches app
has two steps). The command lives in the top app (assessment), the one layer
that may import every app below it. Apps whose demo module does not exist yet
are skipped. All steps run in one transaction.
"""

from __future__ import annotations

import time
import unicodedata
from datetime import date
from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from branches.demo import SCALES, Scale, SeedContext, login_rows
from branches.models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure
from branches.rule_cache import rule_facts_changed
from members.models import Member

# (app, function of `<app>.demo`) in the order they run
SEED_STEPS = (
    ("branches", "seed"),  # org tree, 党小组
    ("members", "seed"),  # roster, 建档 status changes
    ("branches", "seed_committees"),  # terms, elections, tenures, group leaders, users
    ("members", "link_users"),  # the demo logins of members (dy1, sj1, …)
    ("meetings", "seed"),
    ("members", "seed_records"),  # dues ledgers, trainings, the pipeline, transfers (reads attendance)
    ("archives", "seed"),
    ("assessment", "seed"),
    ("assessment.campaigns", "seed"),  # the acceptance campaigns of the previous year
    ("branches", "seed_alerts"),  # last: the alert sweep over everything above
)


def demo_module(app: str):
    """`<app>.demo`, or None when that module does not exist (any other import error propagates)."""
    name = f"{app}.demo"
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def seed_database(*, seed: int = 2026, scale: Scale | str = "demo", today: date | None = None,
                  log=None, steps=SEED_STEPS) -> SeedContext:
    """Run the steps in one transaction and return the context (tests call this directly,
    some with only the first steps)."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    ctx = SeedContext(seed=seed, scale=scale, today=today or timezone.localdate())
    with transaction.atomic():
        for app, func in steps:
            module = demo_module(app)
            if module is None:
                continue
            started = time.monotonic()
            getattr(module, func)(ctx)
            rule_facts_changed()  # the steps write in bulk, past the signals that invalidate cached findings
            if log:
                log(f"  {app}.demo.{func} … {time.monotonic() - started:.1f} 秒")
    return ctx


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A plain-text table aligned for CJK text (full-width characters count double)."""
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row):
        return "  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


class Command(BaseCommand):
    help = "生成演示数据（组织、班子、党员、登录账号）。同一 --seed 生成完全相同的数据。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo",
                            help="demo：约13个党支部、150名党员；city：20个党委、2000个党支部、40000名党员")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有组织数据时不做任何操作")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="以此日期为“今天”生成数据（YYYY-MM-DD，默认今天），便于复现")

    def handle(self, *args, seed, scale, if_empty, today, **options):
        if OrgUnit.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有组织数据，未生成演示数据。")
                self._print_logins()
                return
            raise CommandError(
                "数据库中已有组织数据，未生成演示数据。演示数据只能生成到空数据库中："
                "请新建数据库并执行 migrate 后再运行；或加 --if-empty 跳过。"
            )
        verbose = options.get("verbosity", 1) >= 1
        started = time.monotonic()
        if verbose:
            self.stdout.write(f"正在生成演示数据（规模 {scale}，随机种子 {seed}）…")
        ctx = seed_database(seed=seed, scale=scale, today=today, log=self.stdout.write if verbose else None)
        elapsed = time.monotonic() - started
        self._print_summary(ctx, elapsed)
        self._print_logins()

    def _print_summary(self, ctx: SeedContext, elapsed: float) -> None:
        units = OrgUnit.objects.all()
        rows = [
            ("党委", units.filter(kind=OrgUnit.Kind.COMMITTEE).count()),
            ("党总支", units.filter(kind=OrgUnit.Kind.GENERAL_BRANCH).count()),
            ("党支部", units.filter(kind__in=OrgUnit.BRANCH_KINDS).count()),
            ("党小组", PartyGroup.objects.count()),
            ("党员及入党积极分子等", Member.objects.count()),
            ("委员会任期", CommitteeTerm.objects.count()),
            ("委员任职", RoleTenure.objects.count()),
            ("选举记录", Election.objects.count()),
            ("登录账号", get_user_model().objects.count()),
        ]
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {elapsed:.1f} 秒（今天按 {ctx.today} 计）："))
        self.stdout.write("  " + "，".join(f"{label} {n}" for label, n in rows))
        if ctx.counts:  # what later apps' steps report
            self.stdout.write("  " + "，".join(f"{label} {n}" for label, n in ctx.counts.items()))

    def _print_logins(self) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write("（未找到演示账号）")
            return
        self.stdout.write("\n演示账号（密码均为 demo12345）：")
        self.stdout.write(format_table(("用户名", "密码", "角色", "范围"), rows))
