"""The alert kinds of the members app (预备期满, 党费欠缴, 未参加组织生活, 学时不足,
转接逾期), registered with the alert sweep of `branches.alerts` — found by its
`autodiscover_modules("alerts")`, so the sweep names no app. The pure
`*_candidates` take the selectors' dataclasses and the rule, and are tested
without a database."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from branches.alerts.core import (
    OVERDUE,
    Candidate,
    Kind,
    RuleFact,
    SweepContext,
    alert_kind,
    count_up_stage,
    countdown_stage,
    in_season,
    month_label,
    url_or_none,
)
from branches.models import Alert

from .conf import six_month_limit
from .selectors import overdue_by_branch, six_month_cases
from .selectors import probation_ending as ending
from .selectors import study_shortfall as shortfall
from .services.inactivity import six_month_cases_record

STUDY_NAMES_LISTED = 10  # a 学时不足 alert names this many members; the study-hours page has them all


def _branch(facts: dict) -> str:
    return facts.get("branch", "")


def six_month_cases_of(ctx: SweepContext) -> dict:
    """`six_month_cases` with the smallest stage of the dues and
    organisational-life rules as the limit (nine queries), once per sweep, so
    both kinds and all their stages read one call."""

    def compute():
        stages = [s for k in (Kind.DUES_ARREARS, Kind.NO_ORG_LIFE) if k in ctx.rules for s in ctx.rules[k].stages]
        if not stages:
            return {}
        cases = six_month_cases(ctx.branch_ids, on=ctx.on, limit=min(stages), recorded=False)
        six_month_cases_record(cases, on=ctx.on)  # a case, once found, stays open until handled (SPEC §11)
        return cases

    return ctx.shared("members.six_month_cases", compute)


# ---------------------------------------------------------------- the kinds: members


def probation_candidates(ending: dict, names: dict, rule: RuleFact, on: date) -> list[Candidate]:
    """预备期满: `rule.stages` days (default 30) before a 预备党员's probation
    (1 year, plus an extension) ends."""
    out = []
    for branch_id, rows in ending.items():
        for p in rows:
            stage = countdown_stage((p.ends - on).days, rule.stages)
            if stage is None:
                continue
            out.append(Candidate(
                kind=Kind.PROBATION_ENDING,
                org_unit_id=branch_id,
                subject=f"member:{p.member_id}",
                period=p.ends.isoformat(),  # an extension gives a new end, so a new alert
                stage=str(stage),
                due_date=p.ends,
                member_id=p.member_id,
                facts={"branch": names.get(branch_id, ""), "name": p.name, "due": p.ends.isoformat()},
            ))
    return out


def six_month_candidates(cases: dict, names: dict, rule: RuleFact, *, case_rule: str) -> list[Candidate]:
    """党费欠缴 (case_rule "dues") and 未参加组织生活 ("attendance"): a streak of
    complete months without paying or attending, at each stage it crosses
    (dues: 3 months = warning, 6 = the six-month rule). Cases the branch has
    already handled raise nothing."""
    limit = six_month_limit()
    out = []
    for branch_id, items in cases.items():
        for case in items:
            if case.rule != case_rule or case.handled:
                continue
            stage = count_up_stage(case.months, rule.stages)
            if stage is None:
                continue
            out.append(Candidate(
                kind=rule.kind,
                org_unit_id=branch_id,
                subject=f"member:{case.member_id}",
                period=f"{case.since:%Y-%m}",  # the streak's first month: a new streak, new alerts
                stage=str(stage),
                member_id=case.member_id,
                facts={
                    "branch": names.get(branch_id, ""),
                    "name": case.name,
                    "since": case.since.isoformat(),
                    "months": case.months,
                    "six_month_rule": stage >= limit,
                },
            ))
    return out


def study_candidates(short: dict, names: dict, rule: RuleFact, on: date) -> list[Candidate]:
    """学时不足: from the season's start (default 1 November), a branch whose
    party members (书记 and 支委 against their higher requirement) are still
    below their hours — one alert per branch per year, naming them."""
    if not in_season(on, rule.season_start):
        return []
    out = []
    for branch_id, rows in short.items():
        if not rows:
            continue
        committee = [r for r in rows if r.committee]
        listed = sorted(rows, key=lambda r: (not r.committee, r.total, r.name))[:STUDY_NAMES_LISTED]
        out.append(Candidate(
            kind=Kind.STUDY_SHORTFALL,
            org_unit_id=branch_id,
            subject=f"branch:{branch_id}",
            period=str(on.year),
            due_date=date(on.year, 12, 31),
            facts={
                "branch": names.get(branch_id, ""),
                "year": on.year,
                "short": len(rows),
                "committee_short": len(committee),
                "names": [f"{r.name}（{r.total}/{r.required}）" for r in listed],
            },
        ))
    return out


def transfer_candidates(overdue: dict, names: dict) -> list[Candidate]:
    """转接逾期: a letter past its validity without a receipt."""
    out = []
    for branch_id, letters in overdue.items():
        for t in letters:
            out.append(Candidate(
                kind=Kind.TRANSFER_OVERDUE,
                org_unit_id=branch_id,
                subject=f"transfer:{t.pk}",
                period=t.expires_on.isoformat(),
                due_date=t.expires_on,
                member_id=t.member_id,
                facts={
                    "branch": names.get(branch_id, ""),
                    "name": t.name,
                    "serial_no": t.serial_no,
                    "to_org": t.to_org,
                    "due": t.expires_on.isoformat(),
                },
            ))
    return out


def _member_target(name: str, *, branch_arg: bool = False, year: bool = False):
    def target(alert: Alert) -> str | None:
        if branch_arg:
            args = [alert.org_unit_id] + ([int(alert.period[:4])] if year else [])
            return url_or_none(name, *args)
        return url_or_none(name, alert.member_id) if alert.member_id else None

    return target


def _transfer_target(alert: Alert) -> str | None:
    return url_or_none("transfer_detail", int(alert.subject.split(":")[1]))


def _describe_probation(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：预备党员%(name)s的预备期将于%(due)s期满，请及时讨论其转正。") % {
        "branch": _branch(facts), "name": facts["name"], "due": facts["due"],
    }


def _describe_dues(facts: dict, alert: Alert) -> str:
    text = _("%(branch)s：党员%(name)s自%(since)s起连续%(months)s个月未交纳党费。") % {
        "branch": _branch(facts), "name": facts["name"], "since": month_label(facts["since"]),
        "months": facts["months"],
    }
    if facts.get("six_month_rule"):
        text += _("已满六个月，请按规定处置。")
    return text


def _describe_no_org_life(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：党员%(name)s自%(since)s起连续%(months)s个月未参加组织生活，请按规定处置。") % {
        "branch": _branch(facts), "name": facts["name"], "since": month_label(facts["since"]),
        "months": facts["months"],
    }


def _describe_study(facts: dict, alert: Alert) -> str:
    names = "、".join(facts["names"])
    if facts["short"] > len(facts["names"]):
        names = _("%(names)s等") % {"names": names}
    return _("%(branch)s：%(year)s年有%(n)s名党员学时未达到要求（其中书记、支委%(c)s名）：%(names)s。") % {
        "branch": _branch(facts), "year": facts["year"], "n": facts["short"], "c": facts["committee_short"],
        "names": names,
    }


def _describe_transfer(facts: dict, alert: Alert) -> str:
    return _("%(branch)s：%(name)s的组织关系介绍信（%(serial)s，转往%(to)s）已于%(due)s过期，尚未收到回执。") % {
        "branch": _branch(facts), "name": facts["name"], "serial": facts["serial_no"], "to": facts["to_org"],
        "due": facts["due"],
    }


@alert_kind(Kind.PROBATION_ENDING, describe=_describe_probation, target=_member_target("development_timeline"))
def probation_ending(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    if not rule.stages:
        return []
    return probation_candidates(ending(ctx.branch_ids, on=ctx.on, within_days=max(rule.stages)), ctx.names, rule,
                                ctx.on)


@alert_kind(Kind.DUES_ARREARS, describe=_describe_dues, target=_member_target("member_dues_card"))
def dues_arrears(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return six_month_candidates(six_month_cases_of(ctx), ctx.names, rule, case_rule="dues")


@alert_kind(Kind.NO_ORG_LIFE, describe=_describe_no_org_life, target=_member_target("six_month", branch_arg=True))
def no_org_life(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return six_month_candidates(six_month_cases_of(ctx), ctx.names, rule, case_rule="attendance")


@alert_kind(Kind.STUDY_SHORTFALL, describe=_describe_study,
            target=_member_target("study_hours", branch_arg=True, year=True))
def study_shortfall(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    if not in_season(ctx.on, rule.season_start):
        return []
    return study_candidates(shortfall(ctx.branch_ids, ctx.on.year, on=ctx.on), ctx.names, rule, ctx.on)


@alert_kind(Kind.TRANSFER_OVERDUE, describe=_describe_transfer, target=_transfer_target, level=OVERDUE)
def transfer_overdue(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return transfer_candidates(overdue_by_branch(ctx.branch_ids, on=ctx.on), ctx.names)
