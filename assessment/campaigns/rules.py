"""The pure rules of the campaign: no ORM, no request, no translation."""

from __future__ import annotations

import dataclasses
import math
import random
import types
import typing
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from .. import engine
from .. import facts as f
from ..engine import q

LAST_STAGE, WEIGHTED = "last_stage", "weighted"


def final_score(
    *,
    mode: str,
    self_total: Decimal | None,
    superior_total: Decimal | None,
    self_weight: Decimal,
    thresholds: engine.Thresholds,
    vetoed: bool = False,
) -> tuple[Decimal, str]:
    """(final total, grade). Last stage wins: the superior's score (verification
    replaces review), else the self score. Weighted: self × w + superior × (1 − w),
    half up to the cent. Any veto gives 未达标 whatever the score."""
    self_total = self_total if self_total is not None else Decimal("0")
    if superior_total is None:
        total = q(self_total)
    elif mode == WEIGHTED:
        total = q(self_total * self_weight + superior_total * (Decimal("1") - self_weight))
    else:
        total = q(superior_total)
    return total, engine.FAIL if vetoed else thresholds.grade(total)


def add_working_days(start: date, days: int) -> date:
    """The last day of a period of `days` working days (Monday–Friday) that
    starts on `start` (or on the next working day if `start` is a weekend)."""
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    counted = 1
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def sample_size(total: int, ratio: Decimal) -> int:
    return math.ceil(Decimal(total) * ratio) if total else 0


def draw_sample(branch_ids: Iterable[int], candidates: Iterable[int], ratio: Decimal, seed: int) -> list[int]:
    """The branches to verify: every 示范 candidate, then random others (by
    `random.Random(seed)` over the sorted ids) up to ratio × all branches.
    The same ids, candidates, ratio and seed always give the same sample."""
    ids = sorted(set(branch_ids))
    chosen = sorted(set(candidates) & set(ids))
    rest = [pk for pk in ids if pk not in chosen]
    more = max(sample_size(len(ids), ratio) - len(chosen), 0)
    picked = random.Random(seed).sample(rest, min(more, len(rest)))
    return sorted(chosen + picked)


def demonstration_short(count: int, branches: int, share: Decimal) -> bool:
    """The 示范 recommendation list is below the recommended share of branches."""
    return branches > 0 and Decimal(count) < Decimal(branches) * share


# ---------------------------------------------------------------- frozen facts


def to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {fl.name: to_json(getattr(value, fl.name)) for fl in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def _decode(tp, value):
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if tp is object:
        return tuple(_decode(object, v) for v in value) if isinstance(value, list) else value
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(**{fl.name: _decode(hints[fl.name], value[fl.name]) for fl in dataclasses.fields(tp) if fl.init})
    if tp is date:
        return date.fromisoformat(value)
    if tp is Decimal:
        return Decimal(value)
    return value


def facts_from_json(data: dict) -> f.BranchScoringFacts:
    """The frozen facts as the engine reads them (the inverse of `to_json`)."""
    return _decode(f.BranchScoringFacts, data)
