"""The one place the reports read the acceptance campaign (自评 / 审核 / 抽验
scores and opinions, SPEC §6).

The campaign workflow is built on another branch; until it is merged there
is no campaign model here and `campaign_results` returns empty values, which
the reports show as "—" (and the branch report leaves the opinion boxes blank
for handwriting). Everything else in the reports comes from the year's score
snapshots. When the campaign arrives, this function is the only code to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps


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


def _assessment_model():
    try:
        return apps.get_model("assessment", "Assessment")
    except LookupError:
        return None


def campaign_results(branch_ids, year: int) -> dict[int, CampaignResult]:
    """Per branch id, its assessment in the campaign of `year` (the latest
    campaign when there are several); branches without one are absent.
    Three queries when a campaign model exists, none when it does not."""
    model = _assessment_model()
    branch_ids = list(branch_ids)
    if model is None or not branch_ids:
        return {}
    out: dict[int, CampaignResult] = {}
    rows = (
        model.objects.filter(branch_id__in=branch_ids, campaign__year=year)
        .select_related("campaign")
        .prefetch_related("evidence")
        .order_by("branch_id", "campaign__created_at")
    )
    rows = list(rows)
    opinions: dict[int, list[tuple[str, str]]] = {}
    for t in (
        apps.get_model("assessment", "Transition")
        .objects.filter(assessment__in=rows)
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
