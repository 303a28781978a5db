"""Pages of the scorecard: a branch's score for a year, live from its records,
every deduction in words with links to the records behind it, and what can
still be won this year (还可争取)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from branches.scoping import branches_visible_to

from . import explain, services
from .selectors import record_names


def score_context(branch, year: int) -> dict:
    """Everything the score card and the score page show, in the reader's language."""
    values = services.branch_score_live(branch, year)
    shown = explain.explained(values, branch_id=branch.pk, year=year, names=record_names(values))
    categories = []
    for code, cat in values["category_scores"].items():
        spec = next(c for c in values_template_categories(values) if c["code"] == code)
        categories.append(
            {
                "code": code,
                "name": spec["name"],
                "score": Decimal(cat["score"]),
                "max": Decimal(cat["max"]),
                "unrated": cat["unrated"],
                "items": [i for i in shown["items"] if i["category"] == code],
            }
        )
    for item in shown["items"]:
        item["lost"] = item["score"] is not None and Decimal(item["score"]) < Decimal(item["max"])
    return {
        "score": shown,
        "categories": categories,
        "total": Decimal(values["total"]),
        "max": Decimal(values["max"]),
        "at_stake": Decimal(values["at_stake"]),
        "stars_range": range(values["stars"]),
        "year": year,
        "is_current_year": year == timezone.localdate().year,
        "branch": branch,
    }


def values_template_categories(values: dict) -> list[dict]:
    return values["template"]["categories"]


@login_required
def branch_score(request, branch_pk: int, year: int):
    branch = get_object_or_404(branches_visible_to(request.user), pk=branch_pk)
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise Http404
    context = score_context(branch, year)
    context["years"] = range(max(year - 2, 2000), today.year + 1)
    return render(request, "assessment/branch_score.html", context)
