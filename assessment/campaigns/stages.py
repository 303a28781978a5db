"""The read side of a campaign's stages, shared by its services and selectors:
which stored values a stage's score reads, the facts frozen at submission or
fresh from the records, and the 示范 share warning. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import engine
from ..models import Assessment, Campaign, ItemScore
from ..selectors import scoring_facts
from ..services import snapshot_values
from . import rules

Stage = ItemScore.Stage

# the stages whose values a stage's score reads, in order (a later one's value wins)
STAGE_INPUTS = {
    Stage.SELF: (Stage.SELF,),
    Stage.REVIEW: (Stage.SELF, Stage.REVIEW),
    Stage.VERIFY: (Stage.SELF, Stage.REVIEW, Stage.VERIFY),
    Stage.REINSPECT: (Stage.SELF, Stage.REVIEW, Stage.VERIFY, Stage.REINSPECT),
}
RESULT_FIELDS = {
    Stage.SELF: ("self_result", "self_total"),
    Stage.REVIEW: ("review_result", "review_total"),
    Stage.VERIFY: ("verify_result", "verify_total"),
    Stage.REINSPECT: ("reinspect_result", None),
}


def card_of(a: Assessment) -> engine.Card:
    return a.scorecard.card()


def stage_inputs(a: Assessment, stage: str, rows: Iterable[ItemScore] | None = None, *, card=None) -> dict:
    """The engine's keyword arguments for a stage, from the stored values."""
    card = card or card_of(a)
    bonus_codes = {b.code for b in card.bonus}
    veto_codes = {v.code for v in card.vetoes}
    order = STAGE_INPUTS[stage]
    rows = list(rows) if rows is not None else list(a.item_scores.filter(stage__in=order))
    rows.sort(key=lambda r: order.index(r.stage) if r.stage in order else -1)
    manual, bonus, overrides, vetoes = {}, {}, {}, set()
    for r in rows:
        if r.stage not in order:
            continue
        if r.code in veto_codes:
            # a reinspection starts from no veto of its own: the earlier findings were what the 整改 put right
            if r.value and (stage != Stage.REINSPECT or r.stage == Stage.REINSPECT):
                vetoes.add(r.code)
        elif r.override is not None:
            overrides[r.code] = r.override
        elif r.code in bonus_codes:
            if r.value is None:
                bonus.pop(r.code, None)
            else:
                bonus[r.code] = r.value
        elif r.value is not None:
            manual[r.code] = r.value
        else:
            manual.pop(r.code, None)
    return {"manual": manual, "bonus": bonus, "overrides": overrides, "vetoes": vetoes}


def result_json(result: engine.BranchScore) -> dict:
    return rules.to_json({**snapshot_values(result), "bonus": result.bonus})


def frozen_facts(a: Assessment):
    if a.frozen_facts is None:
        raise ValidationError(_("该支部尚未提交自评，没有冻结的记录。"))
    return rules.facts_from_json(a.frozen_facts)


def fresh_facts(a: Assessment):
    return scoring_facts([a.branch], a.campaign.year)[a.branch_id]


def demonstration_warning(campaign: Campaign, count: int, branches: int) -> str | None:
    if not rules.demonstration_short(count, branches, campaign.demonstration_share):
        return None
    return _(
        "示范党支部%(count)s个，占%(share)s%%，低于建议的%(target)s%%（共%(branches)s个党支部）。"
    ) % {
        "count": count,
        "share": (Decimal(count) * 100 / branches).quantize(Decimal("0.1")),
        "target": format((campaign.demonstration_share * 100).normalize(), "f"),
        "branches": branches,
    }
