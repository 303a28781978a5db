"""`manage.py restore ARCHIVE` — replace the database and the media files with a
backup made by `manage.py backup`; checksums are verified first, row counts after."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branches.backup import BackupError, backup_restore, describe, read_manifest


class Command(BaseCommand):
    help = "从 manage.py backup 生成的备份恢复数据库与附件文件（会覆盖当前的全部数据）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件（dzb-backup-*.tar.gz）")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="不询问确认")

    def handle(self, *args, archive, interactive, **options):
        try:
            manifest = read_manifest(archive)
        except (OSError, KeyError, ValueError) as exc:
            raise CommandError(f"无法读取备份文件 {archive}：{exc}") from exc
        self.stdout.write(f"备份：{describe(manifest)}")
        if interactive and input("当前数据库与附件将被备份内容完全替换。输入 yes 继续：").strip() != "yes":
            raise CommandError("已取消。")
        try:
            result = backup_restore(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{sum(result.counts.values())} 行记录、{result.files} 个附件文件，记录数与校验和均与备份一致。"))
