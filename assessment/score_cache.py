"""The token the dashboard's cached panels depend on besides the org tree
(`branches.rule_cache`): every write of a snapshot or a scorecard changes it
inside the writer's transaction (signals here; `snapshots_refresh` writes in
bulk and calls `scores_changed()` itself), so no reader is served panels older
than the snapshots it can see (issue P10: in place of an aggregate over the
whole subtree's snapshots on every request)."""

from __future__ import annotations

import uuid

from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save

from branches.models import RuleFactsVersion

from .models import Scorecard, ScoreSnapshot, ScoresVersion


def scores_changed(**_signal) -> None:
    """Invalidate every cached panel (one UPDATE of one row, in the writer's transaction)."""
    ScoresVersion.objects.filter(pk=1).update(token=uuid.uuid4().hex)


def data_tokens() -> tuple[str, str] | None:
    """(scores token, `branches.RuleFactsVersion` token) in one query; None
    when either row is missing (then nothing is cached)."""
    rules = RuleFactsVersion.objects.filter(pk=1).values("token")
    row = ScoresVersion.objects.filter(pk=1).annotate(rules=Subquery(rules)).values_list("token", "rules").first()
    return None if row is None or row[1] is None else row


def connect() -> None:
    """Called from AssessmentConfig.ready()."""
    for model in (ScoreSnapshot, Scorecard):
        post_save.connect(scores_changed, sender=model, dispatch_uid=f"scores-save-{model._meta.label}")
        post_delete.connect(scores_changed, sender=model, dispatch_uid=f"scores-delete-{model._meta.label}")
