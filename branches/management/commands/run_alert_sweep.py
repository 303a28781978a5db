"""`manage.py run_alert_sweep` — run the SPEC §7 alert sweep now (Celery beat
runs it daily). Idempotent: a second run the same day adds nothing."""

from datetime import date

from django.core.management.base import BaseCommand

from branches.alerts import run_alert_sweep
from branches.models import AlertKind


class Command(BaseCommand):
    help = "运行提醒扫描：计算所有党支部的各类提醒，保存、通知并发送邮件。重复运行不会重复提醒。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="按此日期扫描（YYYY-MM-DD，默认今天）")
        parser.add_argument("--no-email", action="store_true", help="只生成站内通知，不发送邮件")

    def handle(self, *args, date, no_email, **options):
        result = run_alert_sweep(on=date, email=not no_email)
        labels = dict(AlertKind.choices)
        self.stdout.write(self.style.SUCCESS(
            f"提醒扫描完成（{result.on}），用时 {result.seconds:.1f} 秒：应有提醒 {result.candidates} 条，"
            f"新提醒 {result.new_alerts} 条，新通知 {result.notifications} 条，邮件 {result.emails} 封。"
        ))
        for kind, n in sorted(result.by_kind.items()):
            self.stdout.write(f"  {labels.get(kind, kind)}：{n}")
