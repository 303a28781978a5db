"""The token the dashboard's cached panels depend on besides the org tree
(`branches.rule_cache`): every write of a snapshot, a scorecard or a campaign changes it
inside the writer's transaction (signals here; `snapshots_refresh` writes in
bulk and calls `scores_changed()` itself), so no reader is served panels older
than the snapshots it can see (issue P10: in place of an aggregate over the
whole subtree's snapshots on every request)."""

from __future__ import annotations

import uuid
from typing import NamedTuple

from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save

from branches.models import Alert, RuleFactsVersion

from .models import Assessment, Campaign, Scorecard, ScoreSnapshot, ScoresVersion


def scores_changed(**_signal) -> None:
    """Invalidate every cached panel (one UPDATE of one row, in the writer's transaction)."""
    ScoresVersion.objects.filter(pk=1).update(token=uuid.uuid4().hex)


class Tokens(NamedTuple):
    scores: str
    rules: str
    last_alert: int

    @property
    def data(self) -> tuple[str, str]:
        """What the panels read from snapshots, scorecards, campaigns and the org tree depend on."""
        return self.scores, self.rules


def data_tokens() -> Tokens | None:
    """(scores token, `branches.RuleFactsVersion` token, the newest alert's id)
    in one query; None when a version row is missing (then nothing is cached).
    Alerts are only ever added, by the sweep, or removed with their unit (which
    changes the org-tree token; the admin shows them read-only), so the newest
    id stands for the state of the alert table. (Two sweeps at once commit in
    the order their conflicting rows allow; anything missed is bounded by the
    cache's lifetime.)"""
    rules = RuleFactsVersion.objects.filter(pk=1).values("token")
    last_alert = Alert.objects.order_by("-pk").values("pk")[:1]
    row = (
        ScoresVersion.objects.filter(pk=1)
        .annotate(rules=Subquery(rules), last_alert=Coalesce(Subquery(last_alert), 0))
        .values_list("token", "rules", "last_alert")
        .first()
    )
    return None if row is None or row[1] is None else Tokens(*row)


def _assessment_added_or_removed(created=True, **signal) -> None:
    if created:  # a branch joins or leaves a campaign (who sees it); status changes do not matter here
        scores_changed()


def _inspectors_changed(action="", **signal) -> None:
    if action.startswith("post_"):
        scores_changed()


def connect() -> None:
    """Called from AssessmentConfig.ready(). Campaigns too: the dashboard's
    campaign picker is cached under the same token (a campaign opened, renamed
    or closed, its branches — set in the transaction that saves the campaign —
    and its inspectors decide who sees it)."""
    for model in (ScoreSnapshot, Scorecard, Campaign):
        post_save.connect(scores_changed, sender=model, dispatch_uid=f"scores-save-{model._meta.label}")
        post_delete.connect(scores_changed, sender=model, dispatch_uid=f"scores-delete-{model._meta.label}")
    post_save.connect(_assessment_added_or_removed, sender=Assessment, dispatch_uid="scores-assessment-save")
    post_delete.connect(_assessment_added_or_removed, sender=Assessment, dispatch_uid="scores-assessment-delete")
    m2m_changed.connect(_inspectors_changed, sender=Campaign.inspectors.through, dispatch_uid="scores-inspectors")
