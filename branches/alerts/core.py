"""The core of the alerts: the dataclasses the kinds exchange, the stage
arithmetic, the registry of kinds, the selector results the kinds share, and
the messages and links of a stored alert. No kind and no write here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from ..models import Alert, AlertKind, AlertRule, OrgUnit
from ..selectors import branch_rule_findings

Kind = AlertKind
REMINDER, OVERDUE = Alert.Level.REMINDER, Alert.Level.OVERDUE


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class RuleFact:
    """An `AlertRule` row as plain data for the pure functions."""

    kind: str
    stages: tuple[int, ...] = ()
    lookback_days: int = 0
    season_start: tuple[int, int] | None = None  # (month, day)
    notify_secretary: bool = True
    notify_superior: bool = False
    notify_org_department: bool = False
    send_email: bool = True

    @classmethod
    def of(cls, rule: AlertRule) -> RuleFact:
        season = None
        if rule.season_start:
            month, day = (int(p) for p in rule.season_start.split("-"))
            season = (month, day)
        return cls(
            kind=rule.kind,
            stages=tuple(sorted({int(s) for s in rule.stages or ()})),
            lookback_days=rule.lookback_days,
            season_start=season,
            notify_secretary=rule.notify_secretary,
            notify_superior=rule.notify_superior,
            notify_org_department=rule.notify_org_department,
            send_email=rule.send_email,
        )


@dataclass(frozen=True)
class Candidate:
    """An alert that should exist. `facts` hold what the message needs (names,
    dates, numbers), so that reading an alert costs no further query."""

    kind: str
    org_unit_id: int
    subject: str
    period: str
    stage: str = ""
    due_date: date | None = None
    member_id: int | None = None
    facts: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "kind", str(self.kind))  # a plain string, not the TextChoices member

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.subject, self.period, self.stage)


def countdown_stage(days_left: int, stages: Iterable[int]) -> int | None:
    """The stage a countdown has reached: the smallest threshold ≥ days_left
    (180/90/30 days before a term ends: 95 days left → stage 180, 90 → 90).
    One alert per stage crossed; a first sweep late in the countdown raises
    only the stage it is in, not the ones it missed."""
    if days_left < 0:
        return None
    reached = [s for s in stages if s >= days_left]
    return min(reached) if reached else None


def count_up_stage(months: int, stages: Iterable[int]) -> int | None:
    """The stage a streak has reached: the largest threshold ≤ months (3 and 6
    months of dues unpaid: 4 months → stage 3, 7 → 6)."""
    reached = [s for s in stages if months >= s]
    return max(reached) if reached else None


def in_season(on: date, season_start: tuple[int, int] | None) -> bool:
    """From the season's first day (e.g. 1 November) to the end of the year."""
    if season_start is None:
        return True
    month, day = season_start
    return (on.month, on.day) >= (month, day)


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class KindSpec:
    kind: str
    collect: Callable[[SweepContext, RuleFact], Iterable[Candidate]]
    describe: Callable[[dict, Alert], str]
    target: Callable[[Alert], str] | None = None
    level: str = REMINDER


_REGISTRY: dict[str, KindSpec] = {}
_discovered = False


def alert_kind(kind: str, *, describe: Callable[[dict, Alert], str], target=None, level: str = REMINDER):
    """Register the function that says which alerts of `kind` should fire:
    `fn(ctx: SweepContext, rule: RuleFact) -> iterable of Candidate`."""

    def register(fn):
        _REGISTRY[str(kind)] = KindSpec(str(kind), fn, describe, target, level)
        return fn

    return register


def registry() -> dict[str, KindSpec]:
    """Every registered kind; the first call imports each app's `alerts` module."""
    global _discovered
    if not _discovered:
        autodiscover_modules("alerts")
        _discovered = True
    return _REGISTRY


# ---------------------------------------------------------------- facts for all branches


class SweepContext:
    """The branches of a sweep and the selector results the kinds share, each
    computed once (and only if an active kind asks for it)."""

    def __init__(self, on: date, branches: list[OrgUnit], rules: dict[str, RuleFact]):
        self.on = on
        self.branches = branches
        self.branch_ids = [b.pk for b in branches]
        self.names = {b.pk: b.name for b in branches}
        self.rules = rules
        self._shared: dict = {}

    def shared(self, key, compute: Callable[[], object]):
        """A selector result several kinds share, computed once per sweep (and
        only if an active kind asks for it). The app that owns the selector
        names it (e.g. `meetings.alerts.compliance_of`), so the sweep knows none."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    @cached_property
    def findings(self) -> dict:
        """`branches.selectors.branch_rule_findings` (7 queries)."""
        return branch_rule_findings(self.branches, on=self.on)


# ---------------------------------------------------------------- messages and links


def month_label(iso: str | None) -> str:
    """"2026-01-01" → 2026年1月."""
    if not iso:
        return "—"
    day = date.fromisoformat(iso)
    return _("%(year)s年%(month)s月") % {"year": day.year, "month": day.month}


def describe(alert: Alert) -> str:
    spec = registry().get(alert.kind)
    if spec is None:
        return str(alert.get_kind_display())
    try:
        return spec.describe(alert.facts or {}, alert)
    except (KeyError, TypeError, ValueError):  # facts of an older format: still say what it is
        return str(alert.get_kind_display())


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def target_url(alert: Alert) -> str:
    """Where "查看" leads: the record the alert is about, else the branch page."""
    spec = registry().get(alert.kind)
    url = spec.target(alert) if spec and spec.target else None
    return url or reverse("org_unit", args=[alert.org_unit_id])


def _branch(facts: dict) -> str:
    return facts.get("branch", "")
