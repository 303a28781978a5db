"""Writes of the assessment app: loading scorecard templates (validated, one
immutable row per version) and storing score snapshots."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.models import OrgUnit, Sector
from config.bulk import gc_paused

from . import engine
from .models import Scorecard, ScoreSnapshot
from .score_cache import scores_changed
from .selectors import scorecard_choice, scorecards_latest, scoring_facts

SCORECARD_DIR = Path(__file__).resolve().parent / "scorecards"
VETO_METHODS = (engine.AUTO, engine.MANUAL)
SNAPSHOT_FIELDS = [
    "scorecard",
    "total",
    "max",
    "grade",
    "stars",
    "vetoed",
    "vetoes",
    "unrated",
    "category_scores",
    "items",
    "open_gaps",
    "facts_hash",
    "computed_at",
    "updated_at",
]


# ---------------------------------------------------------------- templates


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def scorecard_validate(data) -> list[str]:
    """Every problem of a template, each a sentence a 党务工作者 understands."""
    if not isinstance(data, dict):
        return [_("打分表文件的内容应为一个映射（code、version、categories 等字段）。")]
    errors: list[str] = []
    err = errors.append
    for key in ("code", "version", "name", "total", "thresholds", "categories"):
        if key not in data:
            err(_("缺少字段“%(key)s”。") % {"key": key})
    if "version" in data and (not isinstance(data["version"], int) or data["version"] < 1):
        err(_("版本号“%(v)s”应为正整数。") % {"v": data["version"]})
    total = _number(data.get("total"))
    if "total" in data and (total is None or total <= 0):
        err(_("总分“%(v)s”应为正数。") % {"v": data.get("total")})
    sectors = data.get("sectors") or []
    if not isinstance(sectors, list):
        err(_("适用领域（sectors）应为列表。"))
        sectors = []
    for s in sectors:
        if s not in Sector.values:
            err(_("未知的领域“%(s)s”。") % {"s": s})
    thresholds = data.get("thresholds")
    if "thresholds" in data:
        if not isinstance(thresholds, dict):
            err(_("等次分数线（thresholds）应包含 demonstration、advanced、pass。"))
        else:
            values = []
            for key in ("demonstration", "advanced", "pass"):
                v = _number(thresholds.get(key))
                if v is None:
                    err(_("等次分数线“%(key)s”缺失或不是数字。") % {"key": key})
                values.append(v)
            if None not in values and not values[0] >= values[1] >= values[2] >= 0:
                err(_("等次分数线应满足 示范 ≥ 先进 ≥ 达标 ≥ 0。"))
    cap = data.get("bonus_cap", 0)
    cap_number = _number(cap)
    if cap_number is None or cap_number < 0:
        err(_("加分上限（bonus_cap）“%(v)s”应为不小于0的数字。") % {"v": cap})

    seen: dict[str, str] = {}

    def unique(code, where):
        if not isinstance(code, str) or not code:
            err(_("%(where)s缺少代码（code）。") % {"where": where})
            return
        if code in seen:
            err(_("代码“%(code)s”重复（%(a)s与%(b)s）。") % {"code": code, "a": seen[code], "b": where})
        else:
            seen[code] = where

    def numbers(params, where):
        if not isinstance(params, dict):
            err(_("%(where)s的扣分参数（params）应为映射。") % {"where": where})
            return
        for key, value in params.items():
            if key in ("requirement", "secretary_requirement"):
                if not isinstance(value, str) or not value:
                    err(_("%(where)s的参数“%(key)s”应为会议要求代码。") % {"where": where, "key": key})
            elif _number(value) is None:
                err(_("%(where)s的扣分“%(key)s: %(value)s”不是数字。") % {"where": where, "key": key, "value": value})
            elif _number(value) < 0:
                err(_("%(where)s的扣分“%(key)s: %(value)s”不能为负数。") % {"where": where, "key": key, "value": value})

    items_sum = Decimal(0)
    categories = data.get("categories")
    if "categories" in data and (not isinstance(categories, list) or not categories):
        err(_("评分类别（categories）应为非空列表。"))
        categories = []
    for c in categories or []:
        if not isinstance(c, dict):
            err(_("评分类别应为映射。"))
            continue
        unique(c.get("code"), _("类别%(code)s") % {"code": c.get("code", "?")})
        items = c.get("items")
        if not isinstance(items, list) or not items:
            err(_("类别%(code)s没有评分项。") % {"code": c.get("code", "?")})
            continue
        for i in items:
            if not isinstance(i, dict):
                err(_("类别%(code)s的评分项应为映射。") % {"code": c.get("code", "?")})
                continue
            where = _("评分项%(code)s") % {"code": i.get("code", "?")}
            unique(i.get("code"), where)
            if not i.get("name"):
                err(_("%(where)s缺少名称。") % {"where": where})
            points = _number(i.get("max"))
            if points is None or points <= 0:
                err(_("%(where)s的分值“%(v)s”应为正数。") % {"where": where, "v": i.get("max")})
            else:
                items_sum += points
            method = i.get("method")
            if method not in (engine.AUTO, engine.MANUAL):
                err(_("%(where)s的计分方式“%(m)s”应为 auto 或 manual。") % {"where": where, "m": method})
            elif method == engine.AUTO:
                if i.get("rule") not in engine.RULES:
                    err(
                        _("%(where)s的自动计分规则“%(rule)s”计分引擎不认识（可用：%(known)s）。")
                        % {"where": where, "rule": i.get("rule"), "known": "、".join(sorted(engine.RULES))}
                    )
                numbers(i.get("params") or {}, where)
    if total is not None and categories and items_sum != total:
        err(
            _("各评分项分值合计%(sum)s分，与总分%(total)s分不符。") % {"sum": _plain(items_sum), "total": _plain(total)}
        )

    bonus = data.get("bonus") or []
    if not isinstance(bonus, list):
        err(_("加分项（bonus）应为列表。"))
        bonus = []
    for b in bonus:
        if not isinstance(b, dict):
            err(_("加分项应为映射。"))
            continue
        where = _("加分项%(code)s") % {"code": b.get("code", "?")}
        unique(b.get("code"), where)
        points = _number(b.get("max"))
        if points is None or points <= 0:
            err(_("%(where)s的分值“%(v)s”应为正数。") % {"where": where, "v": b.get("max")})
        if not b.get("name"):
            err(_("%(where)s缺少名称。") % {"where": where})
    if bonus and cap_number is not None and cap_number == 0:
        err(_("有加分项时，加分上限（bonus_cap）应大于0。"))

    vetoes = data.get("vetoes") or []
    if not isinstance(vetoes, list):
        err(_("否决项（vetoes）应为列表。"))
        vetoes = []
    for v in vetoes:
        if not isinstance(v, dict):
            err(_("否决项应为映射。"))
            continue
        where = _("否决项%(code)s") % {"code": v.get("code", "?")}
        unique(v.get("code"), where)
        if not v.get("name"):
            err(_("%(where)s缺少名称。") % {"where": where})
        if v.get("method") not in VETO_METHODS:
            err(_("%(where)s的认定方式“%(m)s”应为 auto 或 manual。") % {"where": where, "m": v.get("method")})
        elif v["method"] == engine.AUTO:
            if v.get("rule") not in engine.VETO_RULES:
                err(
                    _("%(where)s的自动认定规则“%(rule)s”计分引擎不认识（可用：%(known)s）。")
                    % {"where": where, "rule": v.get("rule"), "known": "、".join(sorted(engine.VETO_RULES))}
                )
            numbers(v.get("params") or {}, where)
    return errors


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def scorecard_parse(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(_("打分表文件不是有效的 YAML：%(e)s") % {"e": exc}) from exc
    errors = scorecard_validate(data)
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def scorecard_load(*, path, publish: bool = True) -> Scorecard:
    """Load a template file as a scorecard version. Loading the same file again
    returns the stored row; a published version never changes (a different
    template under the same code and version is refused: give it a new version)."""
    data = scorecard_parse(Path(path).read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # the stored form (dates and numbers as JSON)
    existing = Scorecard.objects.select_for_update().filter(code=data["code"], version=data["version"]).first()
    if existing is not None:
        if existing.data == data:
            return existing
        if existing.is_published:
            raise ValidationError(
                _("打分表%(code)s第%(v)s版已发布，不能修改；请将修改后的模板另存为新版本（version: %(next)s）。")
                % {"code": data["code"], "v": data["version"], "next": data["version"] + 1}
            )
    card = existing or Scorecard(code=data["code"], version=data["version"])
    card.name = data["name"]
    card.sectors = list(data.get("sectors") or [])
    card.total = Decimal(str(data["total"]))
    card.bonus_cap = Decimal(str(data.get("bonus_cap") or 0))
    card.thresholds = dict(data["thresholds"])
    card.data = data
    if publish and card.published_at is None:
        card.published_at = timezone.now()
    card.full_clean()
    card.save()
    return card


def scorecard_publish(*, scorecard: Scorecard) -> Scorecard:
    if not scorecard.is_published:
        scorecard.published_at = timezone.now()
        scorecard.save(update_fields=["published_at", "updated_at"])
    return scorecard


def ensure_default_scorecards() -> list[Scorecard]:
    """Load every shipped template not loaded yet (seed_demo and the tests call this)."""
    return [scorecard_load(path=p) for p in sorted(SCORECARD_DIR.glob("*.yaml"))]


def scorecard_for(branch: OrgUnit, cards: list[Scorecard] | None = None) -> Scorecard:
    """The template for a branch by its 领域 (the newest published version)."""
    cards = scorecards_latest() if cards is None else cards
    card = scorecard_choice(branch.sector, cards)
    if card is None:
        raise ValidationError(_("尚未载入通用打分表，请先运行 manage.py load_scorecard。"))
    return card


# ---------------------------------------------------------------- scores


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        # not dataclasses.asdict: it deep-copies every value, which dominates hashing 2,000 branches
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list, frozenset, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def facts_hash(facts, scorecard: Scorecard, *, manual=None, vetoes=None) -> str:
    payload = {
        "card": [scorecard.code, scorecard.version],
        "facts": _jsonable(facts),
        "manual": _jsonable(dict(manual or {})),
        "vetoes": sorted(vetoes or ()),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def records_json(records) -> list[dict]:
    return [{"kind": kind, "id": pk} for kind, pk in records]


def item_json(item: engine.ItemScore) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "max": str(item.max),
        "score": None if item.score is None else str(item.score),
        "method": item.method,
        "overridden": item.overridden,
        "deductions": [
            {"points": str(d.points), "code": d.code, "params": _jsonable(d.params), "records": records_json(d.records)}
            for d in item.deductions
        ],
    }


def gap_json(gap: engine.Gap) -> dict:
    return {
        "item_code": gap.item_code,
        "points": str(gap.points),
        "due": gap.due.isoformat(),
        "code": gap.code,
        "params": _jsonable(gap.params),
        "records": records_json(gap.records),
    }


def snapshot_values(result: engine.BranchScore) -> dict:
    return {
        "total": result.total,
        "max": result.max,
        "grade": result.grade,
        "stars": result.stars,
        "vetoed": result.vetoed,
        "unrated": result.unrated,
        "category_scores": {
            c.code: {"score": str(c.score), "max": str(c.max), "unrated": c.unrated} for c in result.categories
        },
        "items": [item_json(i) for i in result.items],
        "vetoes": [
            {
                "code": v.code,
                "name": v.name,
                "method": v.method,
                "reason_code": v.reason_code,
                "params": _jsonable(v.params),
                "records": records_json(v.records),
            }
            for v in result.vetoes
        ],
        "open_gaps": [gap_json(g) for g in result.open_gaps],
    }


@gc_paused()  # the facts of every branch live until the end (config/bulk.py)
def branches_score(
    branches,
    year: int,
    *,
    on: date | None = None,
    cards: list[Scorecard] | None = None,
    manual: dict | None = None,
    vetoes: dict | None = None,
):
    """Score branches from their records: per branch id, (scorecard row, facts,
    BranchScore). Manual items are 未评 unless `manual` gives {branch id: {item
    code: points}}; `vetoes` gives {branch id: [manual veto codes]}. Queries do
    not grow with the branches."""
    branches = list(branches)
    manual, vetoes = manual or {}, vetoes or {}
    cards = scorecards_latest() if cards is None else cards
    facts = scoring_facts(branches, year, on=on)
    parsed: dict[int, engine.Card] = {}
    out = {}
    for b in branches:
        row = scorecard_for(b, cards)
        if row.pk not in parsed:  # not setdefault: that would parse the card again for every branch
            parsed[row.pk] = row.card()
        card = parsed[row.pk]
        out[b.pk] = (
            row,
            facts[b.pk],
            engine.score(card, facts[b.pk], manual=manual.get(b.pk), vetoes=vetoes.get(b.pk)),
        )
    return out


@gc_paused()  # the facts and hashes of every branch (config/bulk.py)
def snapshots_refresh(
    *,
    branches,
    year: int,
    on: date | None = None,
    manual: dict | None = None,
    vetoes: dict | None = None,
    batch: int = 500,
    progress=None,
):
    """Score the branches and store one snapshot per branch and year, writing
    only where the facts (or the template version, or the manual values given
    as in `branches_score`) changed. Returns (created, updated, unchanged)."""
    branches = list(branches)
    manual, vetoes = manual or {}, vetoes or {}
    cards = scorecards_latest()
    created = updated = unchanged = 0
    now = timezone.now()
    for start in range(0, len(branches), batch):
        chunk = branches[start : start + batch]
        scored = branches_score(chunk, year, on=on, cards=cards, manual=manual, vetoes=vetoes)
        existing = {s.branch_id: s for s in ScoreSnapshot.objects.filter(year=year, branch__in=chunk)}
        new, changed = [], []
        for b in chunk:
            row, facts, result = scored[b.pk]
            digest = facts_hash(facts, row, manual=manual.get(b.pk), vetoes=vetoes.get(b.pk))
            snap = existing.get(b.pk)
            if snap is not None and snap.facts_hash == digest and snap.scorecard_id == row.pk:
                unchanged += 1
                continue
            values = {**snapshot_values(result), "scorecard": row, "facts_hash": digest, "computed_at": now}
            if snap is None:
                snap = ScoreSnapshot(branch=b, year=year, created_at=now, updated_at=now, **values)
                new.append(snap)
            else:
                for key, value in values.items():
                    setattr(snap, key, value)
                snap.updated_at = now
                changed.append(snap)
            # the database holds the unique and check constraints; no query per row to pre-check them
            snap.full_clean(exclude=["branch", "scorecard"], validate_unique=False, validate_constraints=False)
        with transaction.atomic():
            # the audit history is written alongside (simple_history's bulk paths)
            if new:
                bulk_create_with_history(new, ScoreSnapshot, batch_size=batch)
            if changed:
                bulk_update_with_history(changed, ScoreSnapshot, SNAPSHOT_FIELDS, batch_size=batch)
            if new or changed:
                scores_changed()  # the bulk paths send no signals
        created += len(new)
        updated += len(changed)
        if progress:
            progress(len(chunk))
    return created, updated, unchanged


def branch_score_live(branch: OrgUnit, year: int, *, on: date | None = None) -> dict:
    """A branch's score for a year from its records as they stand (the JSON form
    of a snapshot, with the template), for the branch page and the API."""
    row, _facts, result = branches_score([branch], year, on=on)[branch.pk]
    return {
        "year": year,
        "template": {
            "id": row.pk,
            "code": row.code,
            "version": row.version,
            "name": row.name,
            "categories": [{"code": c["code"], "name": c["name"]} for c in row.data["categories"]],
        },
        "bonus": str(result.bonus),
        "at_stake": str(result.at_stake),
        **snapshot_values(result),
    }
