"""Reads of the campaign: what a user may see, the reviewer's queue, progress
per stage, and the drift between the facts frozen at submission and today's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from branches.models import OrgUnit, RoleAssignment
from branches.scoping import branches_visible_to, org_units_visible_to, scope_of

from .. import engine
from ..explain import explained
from ..models import Assessment, Campaign
from ..services import facts_hash
from . import rules
from .stages import STAGE_INPUTS, demonstration_warning, fresh_facts, frozen_facts, stage_inputs

Status = Assessment.Status
Role = RoleAssignment.Role


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns over a unit the user sees, with a branch the user sees, or that the user verifies."""
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    if scope_of(user).is_superuser:
        return Campaign.objects.all()
    return Campaign.objects.filter(
        Q(org_unit__in=org_units_visible_to(user))
        | Q(assessments__branch__in=branches_visible_to(user))
        | Q(inspectors=user)
    ).distinct()


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(branch__in=branches_visible_to(user))


def review_queue(user, campaign: Campaign | None = None) -> QuerySet[Assessment]:
    """Submitted self-assessments in the subtrees the user reviews (党委/党总支)."""
    q = scope_of(user).units_q((Role.COMMITTEE_ADMIN,))
    if scope_of(user).is_superuser:
        qs = Assessment.objects.all()
    elif q is None:
        return Assessment.objects.none()
    else:
        qs = Assessment.objects.filter(branch__in=OrgUnit.objects.filter(q))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.filter(status=Status.SUBMITTED).select_related("branch", "campaign").order_by("submitted_at")


def verification_queue(user, campaign: Campaign | None = None) -> QuerySet[Assessment]:
    qs = assessments_visible_to(user).filter(campaign__inspectors=user, sampled=True)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related("branch", "campaign").order_by("status", "branch__path")


@dataclass(frozen=True)
class Progress:
    branches: int
    submitted: int  # 自评 submitted (any later status)
    reviewed: int
    sampled: int
    verified: int
    finalised: int
    by_status: dict
    by_grade: dict

    def percent(self, part: int) -> int:
        return round(part * 100 / self.branches) if self.branches else 0


def campaign_progress(campaign: Campaign) -> Progress:
    """Counts per stage, in one query."""
    after_submit = [Status.SUBMITTED, Status.APPROVED, Status.VERIFIED, Status.FINALISED, Status.RECTIFYING,
                    Status.REINSPECTED]
    agg = campaign.assessments.aggregate(
        n_branches=Count("id"),
        n_submitted=Count("id", filter=Q(status__in=after_submit)),
        n_reviewed=Count("id", filter=Q(status__in=after_submit[1:])),
        n_sampled=Count("id", filter=Q(sampled=True)),
        n_verified=Count("id", filter=Q(sampled=True, verify_total__isnull=False)),
        n_finalised=Count("id", filter=Q(status__in=after_submit[3:])),
        **{f"s_{s}": Count("id", filter=Q(status=s)) for s in Status.values},
        **{f"g_{g}": Count("id", filter=Q(grade=g)) for g in Assessment.Grade.values},
    )
    return Progress(
        branches=agg["n_branches"],
        submitted=agg["n_submitted"],
        reviewed=agg["n_reviewed"],
        sampled=agg["n_sampled"],
        verified=agg["n_verified"],
        finalised=agg["n_finalised"],
        by_status={s: agg[f"s_{s}"] for s in Status.values},
        by_grade={g: agg[f"g_{g}"] for g in Assessment.Grade.values},
    )


def campaign_warnings(campaign: Campaign) -> list[str]:
    """The 20% 示范 warning once grades exist (公示 or later)."""
    if campaign.status == Campaign.Status.OPEN:
        return []
    progress = campaign_progress(campaign)
    warning = demonstration_warning(campaign, progress.by_grade[engine.DEMONSTRATION], progress.branches)
    return [warning] if warning else []


def publicity_list(campaign: Campaign) -> QuerySet[Assessment]:
    return campaign.assessments.select_related("branch").prefetch_related("objections").order_by(
        "branch__path"
    )


# ---------------------------------------------------------------- drift


@dataclass(frozen=True)
class ItemDrift:
    code: str
    name: str
    frozen: Decimal | None
    fresh: Decimal | None
    frozen_deductions: tuple
    fresh_deductions: tuple


@dataclass(frozen=True)
class Drift:
    changed: bool  # the facts differ (even where no item's score moved)
    items: tuple[ItemDrift, ...]
    frozen_total: Decimal | None = None
    fresh_total: Decimal | None = None


NO_DRIFT = Drift(False, ())


def assessment_drift(assessment: Assessment) -> Drift:
    """Compare the facts frozen at submission with the records as they stand
    now, item by item (auto items; the stored manual values are the same on
    both sides). Nothing is written: the submitted score does not move."""
    a = assessment
    if a.frozen_facts is None:
        return NO_DRIFT
    fresh = fresh_facts(a)
    if facts_hash(fresh, a.scorecard) == a.facts_hash:
        return NO_DRIFT
    card = a.scorecard.card()
    stage = next(s for s in reversed(list(STAGE_INPUTS)) if s != "reinspect" and _has(a, s))
    inputs = stage_inputs(a, stage)
    thresholds = a.campaign.thresholds()
    before = engine.score(card, frozen_facts(a), thresholds=thresholds, **inputs)
    after = engine.score(card, fresh, thresholds=thresholds, **inputs)
    items = []
    for old, new in zip(before.items, after.items, strict=True):
        if old.method != engine.AUTO:
            continue
        old_d = tuple(rules.to_json(d) for d in old.deductions)
        new_d = tuple(rules.to_json(d) for d in new.deductions)
        if old.score != new.score or old_d != new_d:
            items.append(ItemDrift(old.code, old.name, old.score, new.score, old_d, new_d))
    return Drift(True, tuple(items), before.total, after.total)


def _has(a: Assessment, stage: str) -> bool:
    return {"self": a.self_result, "review": a.review_result, "verify": a.verify_result}.get(stage) is not None


# ---------------------------------------------------------------- stages, explained

STAGES = (("self", "self_result"), ("review", "review_result"), ("verify", "verify_result"),
          ("reinspect", "reinspect_result"))


def assessment_stages(a: Assessment, rows=None) -> list[dict]:
    """Each stage scored so far, its items explained (sentences and record
    links) and every override shown with its reason."""
    rows = list(a.item_scores.all()) if rows is None else rows
    reasons = {(r.stage, r.code): r.reason for r in rows if r.override is not None}
    out = []
    for stage, attr in STAGES:
        values = getattr(a, attr)
        if values is None:
            continue
        shown = explained(values, branch_id=a.branch_id, year=a.campaign.year)
        for item in shown["items"]:
            item["override_reason"] = _override_reason(reasons, stage, item["code"]) if item["overridden"] else ""
            for d in item["deductions"]:
                d["text"] = d["reason"]
        out.append({**shown, "stage": stage})
    return out


def _override_reason(reasons: dict, stage: str, code: str) -> str:
    """The reason of the override a stage's score carries (its own, else the earlier stage's)."""
    for s in reversed(STAGE_INPUTS[stage]):
        if (s, code) in reasons:
            return reasons[(s, code)]
    return ""


def items_side_by_side(stages: list[dict]) -> list[dict]:
    """One row per item with its score at each stage (the reviewer's desktop table)."""
    rows: dict[str, dict] = {}
    for st in stages:
        for item in st["items"]:
            row = rows.setdefault(item["code"], {"code": item["code"], "name": item["name"], "max": item["max"],
                                                 "method": item["method"], "category": item["category"],
                                                 "scores": {}, "items": {}})
            row["scores"][st["stage"]] = item["score"]
            row["items"][st["stage"]] = item
    return list(rows.values())
