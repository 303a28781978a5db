"""The assessment app's step of seed_demo: load the shipped scorecards and
score the demo's previous year, so that a new user sees every grade at once."""

from datetime import date
from decimal import Decimal

from .services import branches_score, ensure_default_scorecards, snapshots_refresh

# 支部自评 of the manual items (阵地建设: E1 4, E2 2, E3 2), as the campaign workflow will supply them
SELF_RATINGS = {
    8: {"E1": Decimal("4"), "E2": Decimal("2"), "E3": Decimal("2")},
    5: {"E1": Decimal("3"), "E2": Decimal("1"), "E3": Decimal("1")},
    3: {"E1": Decimal("2"), "E2": Decimal("1"), "E3": Decimal("0")},
    0: {"E1": Decimal("0"), "E2": Decimal("0"), "E3": Decimal("0")},
}
BANDS = {"demonstration": (90, 1000), "advanced": (80, 90), "pass": (60, 80)}


def seed(ctx) -> None:
    ensure_default_scorecards()
    if getattr(getattr(ctx, "scale", None), "name", "demo") != "demo":
        return  # city scale: bench/score_branches.py scores it
    previous_year_grade_spread(ctx)
    current_year_live_scores(ctx)


def current_year_live_scores(ctx) -> None:
    """Snapshots of the year so far, so that the dashboard's default year (the
    current one) shows the demo's branches at once; `score_branches` or the
    dashboard's 重新计算 brings them up to date later."""
    year = (getattr(ctx, "today", None) or date.today()).year
    snapshots_refresh(branches=list(getattr(ctx, "branches", None) or []), year=year, on=getattr(ctx, "today", None))


def _rating_for(total: Decimal, band: tuple[int, int]) -> int | None:
    """The highest self-rating that puts an auto total into the band, if any."""
    return next((e for e in SELF_RATINGS if band[0] <= total + e < band[1]), None)


def previous_year_grade_spread(ctx) -> None:
    """Snapshots of the previous year for the demo branches with the manual
    items valued as a self-assessment would value them, so that 示范, 先进,
    达标 and 未达标 (and a veto) all appear: the weakest branch carries a 一票否决
    for 弄虚作假 found in verification; for each other grade the branch whose
    record-based score can reach it rates its 阵地建设 accordingly; the rest
    rate it partly (5 of 8). Records are not touched: the spread comes from them."""
    branches = list(getattr(ctx, "branches", None) or [])
    if not branches:
        return
    year = (getattr(ctx, "today", None) or date.today()).year - 1
    auto = {pk: result.total for pk, (_row, _facts, result) in branches_score(branches, year).items()}
    ranked = sorted(branches, key=lambda b: (-auto[b.pk], b.pk))
    vetoes = {ranked[-1].pk: ["V2"]} if len(ranked) > 3 else {}
    rating = {}
    for grade, band in BANDS.items():
        candidates = ranked if grade != "pass" else list(reversed(ranked))
        for b in candidates:
            e = _rating_for(auto[b.pk], band)
            if b.pk not in rating and b.pk not in vetoes and e is not None:
                rating[b.pk] = e
                break
    manual = {b.pk: SELF_RATINGS[rating.get(b.pk, 5)] for b in branches}
    snapshots_refresh(branches=branches, year=year, manual=manual, vetoes=vetoes)
