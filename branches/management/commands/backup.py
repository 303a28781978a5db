"""`manage.py backup [--output DIR]` — one archive of the database and the media
files, with a manifest of row counts and SHA-256 checksums (branches/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from branches.backup import BackupError, backup_create, describe, read_manifest


class Command(BaseCommand):
    help = "备份数据库与附件文件，生成一个 .tar.gz 备份（含记录数与 SHA-256 校验和清单）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "var" / "backups",
                            help="备份文件存放目录（默认 var/backups）")

    def handle(self, *args, output, **options):
        try:
            archive = backup_create(output_dir=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"备份完成：{archive}"))
        self.stdout.write(f"  {describe(read_manifest(archive))}")
