"""Cached SPEC §2 findings: the org pages of a 党委 (~100 branches) and the
dashboard read the findings of every branch below them on every request, and
computing them was a third of those pages' time (issue P15).

Findings are cached per branch under the token of `RuleFactsVersion`, the day
and the language (their messages are translated when evaluated). Every save or
delete of a model the rules read changes the token inside the writer's own
transaction (the signal handlers below), so no reader is served findings older
than the rows it can see. A write that bypasses the ORM signals (a queryset
`update()` of those models) calls `rule_facts_changed()` itself; the cache entry's
lifetime bounds anything missed.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from .models import (
    CommitteeTerm,
    Election,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    RuleFactsVersion,
    RulePolicy,
    TermAdjustment,
)
from .scoping import scope_of

CACHE_SECONDS = 600


def rule_facts_changed(**_signal) -> None:
    """Invalidate every cached finding (one UPDATE of one row, in the writer's transaction)."""
    RuleFactsVersion.objects.filter(pk=1).update(token=uuid.uuid4().hex)


def rule_facts_token() -> str | None:
    """The current token; None (nothing is cached) when the row is missing."""
    return RuleFactsVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _key(kind: str, token: str, day, *parts) -> str:
    """A cache key for what depends on the rules' data: the database, the token,
    the day and the language (messages are translated when evaluated)."""
    raw = repr((connection.settings_dict["NAME"], token, day.isoformat(), get_language(), *parts))
    return f"dzb:rules:{kind}:" + hashlib.sha1(raw.encode()).hexdigest()


def cached_findings(branches, on, compute) -> dict:
    """Per branch id, the findings on `on`: from the cache where they are there,
    the rest from `compute(branches, on)` in one call (then cached)."""
    token = rule_facts_token()
    if token is None:
        return compute(branches, on)
    keys = {b.pk: _key("findings", token, on, b.pk) for b in branches}
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
    return cache.get_or_set(_key("fragment", token, timezone.localdate(), *parts), build, CACHE_SECONDS)


def prime_scope(user, token: str | None) -> None:
    """Put the user's scope (`scoping.scope_of`: their role grants and member
    link) in place from the cache, for a page that has read the token anyway
    (the dashboard): one query fewer per request. Role assignments and members
    change the token, so a revoked grant is never served from here; the user's
    own flags are part of the key."""
    if token is None or not getattr(user, "is_authenticated", False) or hasattr(user, "_dzb_scope"):
        return
    key = _key("scope", token, timezone.localdate(), user.pk, user.is_active, user.is_superuser)
    user._dzb_scope = cache.get_or_set(key, lambda: scope_of(user), CACHE_SECONDS)


def connect() -> None:
    """Called from BranchesConfig.ready(). The member model is the one the org
    tree's own reverse relations name (branches never imports the members app)."""
    member = PartyGroup.leader.field.related_model
    # RoleAssignment: who sees which units (the cached page parts are per user)
    for model in (OrgUnit, member, CommitteeTerm, RoleTenure, Election, TermAdjustment, PartyGroup, RulePolicy,
                  RoleAssignment):
        post_save.connect(rule_facts_changed, sender=model, dispatch_uid=f"rule-facts-save-{model._meta.label}")
        post_delete.connect(rule_facts_changed, sender=model, dispatch_uid=f"rule-facts-delete-{model._meta.label}")
