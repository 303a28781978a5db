"""Cached SPEC §2 findings: the org pages of a 党委 (~100 branches) and the
dashboard read the findings of every branch below them on every request, and
computing them was a third of those pages' time (issue P15).

Findings are cached per branch under the org tree's token (`rule_token`), the day
and the language (their messages are translated when evaluated). Every save or
delete of a model the rules read changes the token inside the writer's own
transaction (the signal handlers below), so no reader is served findings older
than the rows it can see. A write that bypasses the ORM signals (a queryset
`update()` of those models) calls `rule_facts_changed()` itself; the cache entry's
lifetime bounds anything missed.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import (
    CommitteeTerm,
    Election,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    RulePolicy,
    TermAdjustment,
)
from .rule_token import CACHE_SECONDS, cache_key, rule_facts_changed, rule_facts_token


def cached_findings(branches, on, compute) -> dict:
    """Per branch id, the findings on `on`: from the cache where they are there,
    the rest from `compute(branches, on)` in one call (then cached)."""
    token = rule_facts_token()
    if token is None:
        return compute(branches, on)
    keys = {b.pk: cache_key("findings", token, on, b.pk) for b in branches}
    found = cache.get_many(list(keys.values()))
    missing = [b for b in branches if keys[b.pk] not in found]
    fresh = compute(missing, on) if missing else {}
    if fresh:
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, CACHE_SECONDS)
    return {b.pk: found[keys[b.pk]] if keys[b.pk] in found else fresh[b.pk] for b in branches}


def cached_fragment(parts: tuple, build):
    """What `build()` returns (HTML of a page part made only of what the rules
    read: units, member counts, findings — and who sees which units), cached
    under the token, the day and the language; `parts` names the part and
    everything else it depends on (the page, the unit, the user)."""
    token = rule_facts_token()
    if token is None:
        return build()
    return cache.get_or_set(cache_key("fragment", token, timezone.localdate(), *parts), build, CACHE_SECONDS)


def connect() -> None:
    """Called from BranchesConfig.ready(). The member model is the one the org
    tree's own reverse relations name (branches never imports the members app)."""
    member = PartyGroup.leader.field.related_model
    # RoleAssignment: who sees which units (the cached page parts and scopes are per user)
    for model in (OrgUnit, member, CommitteeTerm, RoleTenure, Election, TermAdjustment, PartyGroup, RulePolicy,
                  RoleAssignment):
        post_save.connect(rule_facts_changed, sender=model, dispatch_uid=f"rule-facts-save-{model._meta.label}")
        post_delete.connect(rule_facts_changed, sender=model, dispatch_uid=f"rule-facts-delete-{model._meta.label}")
