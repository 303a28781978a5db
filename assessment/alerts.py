"""The 验收截止 alert kind (SPEC §7), found by the alert sweep through
`autodiscover_modules("alerts")`: 14 and 3 days (the rule's stages) before a
campaign's deadline — to the branch while its 自评 is not submitted (due
`self_due`), and to the reviewing 党委/党总支 while self-assessments of its
branches wait for review (due `review_due`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from branches.alerts import Candidate, RuleFact, SweepContext, alert_kind, countdown_stage
from branches.alerts.core import url_or_none
from branches.models import Alert, AlertKind

from .models import Assessment, Campaign

Kind = AlertKind


@dataclass(frozen=True)
class DueRow:
    """An open assessment as plain data: what is due, by when, and who must act."""

    campaign_id: int
    campaign: str
    assessment_id: int
    branch_id: int
    branch: str
    reviewer_id: int | None  # the branch's superior unit
    reviewer: str
    status: str
    self_due: date
    review_due: date


def acceptance_candidates(rows: list[DueRow], rule: RuleFact, on: date) -> list[Candidate]:
    """One alert per branch and stage before its 自评 deadline; one per reviewing
    unit, campaign and stage before the review deadline (with how many wait)."""
    out = []
    waiting: dict[tuple[int, int], list[DueRow]] = defaultdict(list)
    for r in rows:
        if r.status in Assessment.EDITABLE:
            stage = countdown_stage((r.self_due - on).days, rule.stages)
            if stage is not None:
                out.append(Candidate(
                    kind=Kind.ACCEPTANCE_DUE, org_unit_id=r.branch_id, subject=f"assessment:{r.assessment_id}:self",
                    period=r.self_due.isoformat(), stage=str(stage), due_date=r.self_due,
                    facts={"stage": "self", "branch": r.branch, "campaign": r.campaign, "due": r.self_due.isoformat(),
                           "assessment": r.assessment_id},
                ))
        elif r.status == Assessment.Status.SUBMITTED and r.reviewer_id:
            waiting[(r.campaign_id, r.reviewer_id)].append(r)
    for (campaign_id, unit_id), group in sorted(waiting.items()):
        first = group[0]
        stage = countdown_stage((first.review_due - on).days, rule.stages)
        if stage is None:
            continue
        out.append(Candidate(
            kind=Kind.ACCEPTANCE_DUE, org_unit_id=unit_id, subject=f"campaign:{campaign_id}:review:{unit_id}",
            period=first.review_due.isoformat(), stage=str(stage), due_date=first.review_due,
            facts={"stage": "review", "branch": first.reviewer, "campaign": first.campaign,
                   "due": first.review_due.isoformat(), "count": len(group), "campaign_id": campaign_id},
        ))
    return out


def _describe(facts: dict, alert: Alert) -> str:
    if facts.get("stage") == "review":
        return _("%(unit)s：%(campaign)s有%(count)s个党支部的自评待审核，审核须在%(due)s前完成。") % {
            "unit": facts["branch"], "campaign": facts["campaign"], "count": facts["count"], "due": facts["due"]}
    return _("%(branch)s：%(campaign)s的支部自评须在%(due)s前提交。") % {
        "branch": facts["branch"], "campaign": facts["campaign"], "due": facts["due"]}


def _target(alert: Alert) -> str | None:
    facts = alert.facts or {}
    if facts.get("stage") == "review":
        return url_or_none("campaign_review_queue")
    return url_or_none("campaign_assessment", facts.get("assessment"))


@alert_kind(Kind.ACCEPTANCE_DUE, describe=_describe, target=_target)
def acceptance_due(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    rows = [
        DueRow(*values)
        for values in Assessment.objects.filter(
            campaign__status=Campaign.Status.OPEN,
            branch_id__in=ctx.branch_ids,
            status__in=[*Assessment.EDITABLE, Assessment.Status.SUBMITTED],
        )
        .values_list("campaign_id", "campaign__name", "pk", "branch_id", "branch__name", "branch__parent_id",
                     "branch__parent__name", "status", "campaign__self_due", "campaign__review_due")
        .order_by("pk")
    ]
    return acceptance_candidates(rows, rule, ctx.on)
