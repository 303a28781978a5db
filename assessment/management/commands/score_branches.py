"""`manage.py score_branches --year YYYY [--org UNIT_ID]` — score every branch
in scope from its records and store a snapshot per branch and year; a re-run
with unchanged records writes nothing new."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from assessment.selectors import branches_to_score
from assessment.services import snapshots_refresh
from branches.models import OrgUnit


class Progress:
    """A plain progress bar on stderr."""

    def __init__(self, total: int, stream=sys.stderr, width: int = 30):
        self.total, self.done, self.stream, self.width = total, 0, stream, width

    def __call__(self, n: int):
        self.done += n
        filled = self.width * self.done // self.total if self.total else self.width
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "按记录为党支部计分，保存每个支部的年度得分快照"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org", type=int, help="只计该组织及其下级的党支部（组织 ID）")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, year, org, batch, **options):
        unit = None
        if org is not None:
            unit = OrgUnit.objects.filter(pk=org).first()
            if unit is None:
                raise CommandError(f"组织 {org} 不存在")
        branches = list(branches_to_score(unit))
        started = time.monotonic()
        created, updated, unchanged = snapshots_refresh(
            branches=branches, year=year, batch=batch, progress=Progress(len(branches), self.stderr._out)
        )
        self.stdout.write(
            f"{year}年：{len(branches)}个党支部，新增{created}，更新{updated}，未变{unchanged}"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
