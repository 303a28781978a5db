"""The one place the reports read the acceptance campaign (自评 / 审核 / 抽验
scores and opinions, SPEC §6).

A branch without an assessment in a campaign of the year gets empty values,
which the reports show as "—" (and the branch report leaves the opinion boxes
blank for handwriting). Everything else in the reports comes from the year's
score snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from assessment.models import Assessment, Transition


@dataclass(frozen=True)
class CampaignResult:
    campaign: str = ""
    self_total: Decimal | None = None
    review_total: Decimal | None = None
    verify_total: Decimal | None = None
    final_total: Decimal | None = None
    grade: str = ""
    # (stage label, text) pairs: 自评意见, 审核意见, 抽验意见 …
    opinions: tuple[tuple[str, str], ...] = field(default=())
    evidence: tuple[str, ...] = ()


EMPTY = CampaignResult()


def campaign_results(branch_ids, year: int) -> dict[int, CampaignResult]:
    """Per branch id, its assessment in the campaign of `year` (the latest
    campaign when there are several); branches without one are absent.
    Three queries."""
    branch_ids = list(branch_ids)
    if not branch_ids:
        return {}
    out: dict[int, CampaignResult] = {}
    rows = (
        Assessment.objects.filter(branch_id__in=branch_ids, campaign__year=year)
        .select_related("campaign")
        .prefetch_related("evidence")
        .order_by("branch_id", "campaign__created_at")
    )
    rows = list(rows)
    opinions: dict[int, list[tuple[str, str]]] = {}
    for t in (
        Transition.objects.filter(assessment__in=rows)
        .exclude(comment="")
        .order_by("at", "id")
    ):
        opinions.setdefault(t.assessment_id, []).append((t.action, t.comment))
    for a in rows:  # the latest campaign of the year wins
        out[a.branch_id] = CampaignResult(
            campaign=a.campaign.name,
            self_total=a.self_total,
            review_total=a.review_total,
            verify_total=a.verify_total,
            final_total=a.final_total,
            grade=a.grade,
            opinions=tuple(opinions.get(a.pk, ())),
            evidence=tuple(str(e.original_name) for e in a.evidence.all()),
        )
    return out
