"""`manage.py load_scorecard FILE` — load a scorecard template (YAML) as a new,
published version; every problem of the file is listed in Chinese."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.services import scorecard_load


class Command(BaseCommand):
    help = "载入打分表模板（YAML）为一个已发布的版本"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            card = scorecard_load(path=file)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{file}") from exc
        except ValidationError as exc:
            raise CommandError("打分表有误：\n" + "\n".join(f"  - {m}" for m in exc.messages)) from exc
        self.stdout.write(f"已载入 {card.name}（{card.code} 第{card.version}版，{card.total}分）")
