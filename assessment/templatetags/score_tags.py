"""`{% branch_score_card branch %}`: the live score card the branch page (the
secretary's home) shows — the assessment app's named hook into the pages of
the apps below it, so that none of them imports it."""

from django import template
from django.utils import timezone

from assessment.models import Scorecard
from assessment.views import score_context

register = template.Library()


@register.inclusion_tag("assessment/partials/score_card.html")
def branch_score_card(branch, limit: int = 5):
    if not Scorecard.objects.filter(published_at__isnull=False).exists():
        return {"missing_card": True}
    context = score_context(branch, timezone.localdate().year)
    context["gaps"] = context["score"]["open_gaps"][:limit]
    context["more_gaps"] = max(len(context["score"]["open_gaps"]) - limit, 0)
    return context
