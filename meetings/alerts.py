"""The alert kinds of the meetings app (会议即将到期, 会议逾期), registered with
the alert sweep of `branches.alerts` — found by its `autodiscover_modules("alerts")`,
so the sweep names no app. The pure `*_candidates` take the compliance
dataclasses and the rule, and are tested without a database."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from branches.alerts.core import (
    OVERDUE,
    Candidate,
    Kind,
    RuleFact,
    SweepContext,
    alert_kind,
    countdown_stage,
    url_or_none,
)
from branches.models import Alert

from . import compliance
from .compliance import MISSING, UPCOMING
from .selectors import branches_compliance


def _branch(facts: dict) -> str:
    return facts.get("branch", "")


def compliance_of(ctx: SweepContext, year: int) -> dict:
    """`branches_compliance` of the sweep's branches for a year (11 queries),
    once per sweep whichever kinds ask."""
    return ctx.shared(("meetings.compliance", year), lambda: branches_compliance(ctx.branches, year, on=ctx.on))


def period_label(key: str) -> str:
    """"2026-03" → 2026年3月, "2026-Q1" → 2026年第一季度, "2026" → 2026年."""
    kinds = {"Q": "quarter", "H": "half_year"}
    try:
        year = int(key[:4])
        if len(key) == 4:
            return compliance.periods_of(year, "year")[0].label
        rest = key[5:]
        if rest[0] in kinds:
            period = compliance.periods_of(year, kinds[rest[0]])[int(rest[1:]) - 1]
        else:
            period = compliance.periods_of(year, "month")[int(rest) - 1]
    except (ValueError, IndexError):
        return key
    return _("%(year)s年%(period)s") % {"year": year, "period": period.label}


# ---------------------------------------------------------------- the kinds: meetings


def _meeting_candidates(kind: str, compliances, cells, *, stage_of) -> list[Candidate]:
    out = []
    for bc in compliances:
        for row, cell in cells(bc):
            stage = stage_of(cell)
            if stage is None:
                continue
            scope = f"group:{row.subject_id}" if row.subject_id else f"branch:{bc.branch_id}"
            out.append(Candidate(
                kind=kind,
                org_unit_id=bc.branch_id,
                subject=f"{scope}:{row.requirement.code}",
                period=cell.period.key,
                stage=stage,
                due_date=cell.period.end,
                facts={
                    "branch": bc.branch_name,
                    "requirement": row.label,
                    "period": cell.period.key,
                    "due": cell.period.end.isoformat(),
                    "count": cell.count,
                    "required": cell.required,
                },
            ))
    return out


def meeting_due_candidates(compliances, rule: RuleFact, on: date) -> list[Candidate]:
    """会议即将到期: a requirement of a period not yet met, `rule.stages` days
    (default 7) before the period ends."""
    def stage_of(cell):
        stage = countdown_stage((cell.period.end - on).days, rule.stages)
        return None if stage is None else str(stage)

    return _meeting_candidates(Kind.MEETING_DUE, compliances, lambda bc: bc.cells(status=UPCOMING), stage_of=stage_of)


def meeting_overdue_candidates(compliances, rule: RuleFact, on: date) -> list[Candidate]:
    """会议逾期: a period ended without its meetings — only periods that ended
    within `rule.lookback_days`, so a first sweep does not raise years of history."""
    since = on - timedelta(days=max(rule.lookback_days, 1))
    return _meeting_candidates(
        Kind.MEETING_OVERDUE,
        compliances,
        lambda bc: bc.cells(status=MISSING),
        stage_of=lambda cell: "" if cell.period.end >= since else None,
    )


def _calendar_target(alert: Alert) -> str | None:
    return url_or_none("meeting_calendar", alert.org_unit_id, int(alert.period[:4]))


def _describe_meeting_due(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：%(period)s的“%(requirement)s”尚未完成，须在%(due)s前完成。") % {
        "branch": _branch(facts),
        "period": period_label(facts["period"]),
        "requirement": facts["requirement"],
        "due": facts["due"],
    }


def _describe_meeting_overdue(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：%(period)s的“%(requirement)s”未按要求完成（已于%(due)s到期）。") % {
        "branch": _branch(facts),
        "period": period_label(facts["period"]),
        "requirement": facts["requirement"],
        "due": facts["due"],
    }


@alert_kind(Kind.MEETING_DUE, describe=_describe_meeting_due, target=_calendar_target)
def meeting_due(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return meeting_due_candidates(compliance_of(ctx, ctx.on.year).values(), rule, ctx.on)


@alert_kind(Kind.MEETING_OVERDUE, describe=_describe_meeting_overdue, target=_calendar_target, level=OVERDUE)
def meeting_overdue(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    first_year = (ctx.on - timedelta(days=max(rule.lookback_days, 1))).year
    out = []
    for year in range(first_year, ctx.on.year + 1):  # in January, last year's December and Q4 too
        out += meeting_overdue_candidates(compliance_of(ctx, year).values(), rule, ctx.on)
    return out
