"""The SPEC §7 kinds: one registered function per kind says which alerts
should fire, from the facts of the existing selectors; the pure part of each
(`*_candidates`) takes the selectors' dataclasses and the rule, so it is
tested without a database. Each kind also says how its alert reads
(`describe`, in the reader's language) and where "查看" leads (`target`)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ..models import Alert
from .core import (
    OVERDUE,
    Candidate,
    Kind,
    RuleFact,
    SweepContext,
    alert_kind,
    countdown_stage,
    url_or_none,
)

STUDY_NAMES_LISTED = 10  # a 学时不足 alert names this many members; the study-hours page has them all


def _branch(facts: dict) -> str:
    return facts.get("branch", "")


# ---------------------------------------------------------------- the kinds: committee terms


def term_candidates(findings: dict, names: dict, rule: RuleFact) -> list[Candidate]:
    """换届提醒 (TERM_EXPIRING at each stage crossed) and 换届逾期 (TERM_EXPIRED:
    the term, postponement included, has ended without an election)."""
    out = []
    for branch_id, items in findings.items():
        for f in items:
            if rule.kind == Kind.TERM_EXPIRING and f.code == "TERM_EXPIRING":
                stage = countdown_stage(f.facts["days_left"], rule.stages)
                if stage is None:
                    continue
                stage = str(stage)
            elif rule.kind == Kind.TERM_OVERDUE and f.code == "TERM_EXPIRED":
                stage = ""
            else:
                continue
            due = f.facts["due_end"]
            out.append(Candidate(
                kind=rule.kind,
                org_unit_id=branch_id,
                subject=f"term:{f.facts['term_id']}",
                period=due,  # an approved postponement gives a new due end, so new alerts
                stage=stage,
                due_date=date.fromisoformat(due),
                facts={"branch": names.get(branch_id, ""), "due": due, "postponed": bool(f.facts.get("postponed"))},
            ))
    return out


def _branch_target(alert: Alert) -> str | None:
    return url_or_none("org_unit", alert.org_unit_id)


def _describe_term_expiring(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：支部委员会任期将于%(due)s届满（届满前%(stage)s天提醒），请做好换届准备。") % {
        "branch": _branch(facts), "due": facts["due"], "stage": alert.stage,
    }


def _describe_term_overdue(facts: dict, alert: Alert) -> str:
    if facts.get("postponed"):
        text = _("%(branch)s：任期已于%(due)s届满（含批准的延期），尚未换届。")
    else:
        text = _("%(branch)s：任期已于%(due)s届满，尚未换届，且无批准的延期。")
    return text % {"branch": _branch(facts), "due": facts["due"]}


@alert_kind(Kind.TERM_EXPIRING, describe=_describe_term_expiring, target=_branch_target)
def term_expiring(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return term_candidates(ctx.findings, ctx.names, rule)


@alert_kind(Kind.TERM_OVERDUE, describe=_describe_term_overdue, target=_branch_target, level=OVERDUE)
def term_overdue(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return term_candidates(ctx.findings, ctx.names, rule)
