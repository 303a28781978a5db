"""Stored score snapshots made directly (the dashboard reads snapshots only):
each item at full marks unless `lost` says otherwise."""

from decimal import Decimal

from django.utils import timezone

from assessment.models import ScoreSnapshot
from assessment.services import ensure_default_scorecards

GRADE_OF = [(Decimal(90), "demonstration"), (Decimal(80), "advanced"), (Decimal(60), "pass")]


def default_card():
    return next(c for c in ensure_default_scorecards() if c.code == "default")


def snapshot(branch, year, *, card, lost=None, vetoed=False, deductions=None):
    """A snapshot whose items lose `lost[code]` points (manual items 未评);
    `deductions[code]` is the stored deduction list of an item."""
    lost, deductions = lost or {}, deductions or {}
    items, categories = [], {}
    for cat in card.data["categories"]:
        c = categories.setdefault(cat["code"], {"score": Decimal(0), "max": Decimal(0), "unrated": 0})
        for spec in cat["items"]:
            maximum = Decimal(str(spec["max"]))
            c["max"] += maximum
            if spec["method"] == "manual":
                score = None
                c["unrated"] += 1
            else:
                score = maximum - Decimal(str(lost.get(spec["code"], 0)))
                c["score"] += score
            items.append({
                "code": spec["code"], "name": spec["name"], "category": cat["code"], "max": str(maximum),
                "score": None if score is None else str(score), "method": spec["method"], "overridden": False,
                "deductions": deductions.get(spec["code"], [
                    {"points": str(lost[spec["code"]]), "code": "x", "params": {}, "records": []}
                ] if lost.get(spec["code"]) else []),
            })
    total = sum((c["score"] for c in categories.values()), Decimal(0))
    grade = "fail" if vetoed else next((g for floor, g in GRADE_OF if total >= floor), "fail")
    return ScoreSnapshot.objects.create(
        branch=branch, year=year, scorecard=card, total=total, max=Decimal(100), grade=grade,
        stars={"demonstration": 5, "advanced": 4, "pass": 3}.get(grade, 0), vetoed=vetoed,
        unrated=sum(c["unrated"] for c in categories.values()),
        category_scores={k: {"score": str(v["score"]), "max": str(v["max"]), "unrated": v["unrated"]}
                         for k, v in categories.items()},
        items=items, facts_hash="t" * 64, computed_at=timezone.now(),
    )


def meeting_missing(year: int, quarter: int, points="1.5"):
    return {"points": points, "code": "meeting_missing",
            "params": {"requirement": "branch_assembly", "period": f"{year}-Q{quarter}"}, "records": []}
