"""`manage.py score_campaign CAMPAIGN_ID` — re-score the auto items of every
assessment of the campaign not yet submitted, from today's records (submitted
ones keep their frozen facts). Queries per batch do not grow with the branches."""

import time

from django.core.management.base import BaseCommand, CommandError

from assessment.campaigns.services import campaign_rescore_drafts
from assessment.models import Assessment, Campaign

from .score_branches import Progress


class Command(BaseCommand):
    help = "按当前记录为达标验收中尚未提交自评的党支部重新计算自动计分项"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="达标验收 ID")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, campaign, batch, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"达标验收 {campaign} 不存在")
        total = found.assessments.filter(status__in=Assessment.EDITABLE).count()
        started = time.monotonic()
        done = campaign_rescore_drafts(campaign=found, batch=batch, progress=Progress(total, self.stderr._out))
        frozen = found.assessments.count() - done
        self.stdout.write(
            f"{found.name}：重新计分{done}个党支部，{frozen}个已提交（记录已冻结，未改动）"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
