"""The org tree's data token (`RuleFactsVersion`) and what is cached under it.

What is computed from the org tree and changes only when it does — SPEC §2
findings, the org pages' tables (`rule_cache`), each user's scope
(`scoping.scope_of`), the meeting requirement table — is cached under this
token. Every write of the data those read changes it inside the writer's own
transaction (the signal handlers of `rule_cache.connect` and of the apps that
own such data), so a reader sees the new token exactly when it sees the new
rows.

Within one request the token is read once (`RequestTokenMiddleware`): logging
a meeting used to read the user's scope (a UNION query) and the requirement
table on every save; both now come from the cache behind one read of the
token (issue P15). A write in the request that changes the token updates
what the request remembers, so the request reads its own writes.
"""

from __future__ import annotations

import hashlib
import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from .models import RuleFactsVersion

CACHE_SECONDS = 600

# the token as read in this request; None outside a request (commands, tasks, tests
# calling services), where every caller reads the row itself
_request_memo: ContextVar[dict | None] = ContextVar("dzb_rule_token", default=None)


def rule_facts_changed(**_signal) -> None:
    """Invalidate everything cached under the token (one UPDATE of one row, in the writer's transaction)."""
    token = uuid.uuid4().hex
    RuleFactsVersion.objects.filter(pk=1).update(token=token)
    remember_token(token)


def rule_facts_token() -> str | None:
    """The current token; None (nothing is cached) when the row is missing. Read
    once per request."""
    memo = _request_memo.get()
    if memo is not None and "token" in memo:
        return memo["token"]
    token = RuleFactsVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    remember_token(token)
    return token


def remember_token(token: str | None) -> None:
    """Tell the request the token (a page that read it with other tokens in one query)."""
    memo = _request_memo.get()
    if memo is not None:
        memo["token"] = token


def cache_key(kind: str, token: str, day, *parts) -> str:
    """A cache key for what depends on the org tree's data: the database, the
    token, the day and the language (messages are translated when evaluated)."""
    raw = repr((connection.settings_dict["NAME"], token, day.isoformat(), get_language(), *parts))
    return f"dzb:rules:{kind}:" + hashlib.sha1(raw.encode()).hexdigest()


def cached_in_request(kind: str, parts: tuple, build):
    """What `build()` returns, cached under the token when serving a request;
    outside a request (or with no token row) simply `build()`."""
    if _request_memo.get() is None:
        return build()
    token = rule_facts_token()
    if token is None:
        return build()
    return cache.get_or_set(cache_key(kind, token, timezone.localdate(), *parts), build, CACHE_SECONDS)


class RequestTokenMiddleware:
    """Reads of the token within one request share one query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(reset)
