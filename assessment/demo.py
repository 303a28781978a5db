"""The assessment app's step of seed_demo: load the shipped scorecards and
score the demo's previous year, so that a new user sees every grade at once."""

from datetime import date
from decimal import Decimal

from .services import branches_score, ensure_default_scorecards, snapshots_refresh

# 支部自评 of the manual items (阵地建设), as the campaign workflow will supply them
FULL_MARKS = {"E1": Decimal("4"), "E2": Decimal("2"), "E3": Decimal("2")}
PARTLY = {"E1": Decimal("3"), "E2": Decimal("1"), "E3": Decimal("1")}


def seed(ctx) -> None:
    ensure_default_scorecards()
    if getattr(getattr(ctx, "scale", None), "name", "demo") != "demo":
        return  # city scale: bench/score_branches.py scores it
    previous_year_grade_spread(ctx)


def previous_year_grade_spread(ctx) -> None:
    """Snapshots of the previous year for the demo branches with the manual
    items valued: the best-kept quarter of the branches rate their 阵地建设
    fully, the others partly, and the weakest branch carries a 一票否决 for
    弄虚作假 found in verification — so that 示范, 先进, 达标 and 未达标 (and a
    veto) all appear. Records are not touched: the spread comes from them."""
    branches = list(getattr(ctx, "branches", None) or [])
    if not branches:
        return
    year = (getattr(ctx, "today", None) or date.today()).year - 1
    auto = branches_score(branches, year)
    ranked = sorted(branches, key=lambda b: (-auto[b.pk][2].total, b.pk))
    top = max(1, len(ranked) // 4)
    manual = {b.pk: FULL_MARKS if i < top else PARTLY for i, b in enumerate(ranked)}
    vetoes = {ranked[-1].pk: ["V2"]} if len(ranked) > 3 else {}
    snapshots_refresh(branches=branches, year=year, manual=manual, vetoes=vetoes)
