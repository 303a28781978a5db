"""The SPEC §7 kinds: one registered function per kind says which alerts
should fire, from the facts of the existing selectors; the pure part of each
(`*_candidates`) takes the selectors' dataclasses and the rule, so it is
tested without a database. Each kind also says how its alert reads
(`describe`, in the reader's language) and where "查看" leads (`target`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from ..models import Alert
from .core import (
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
    period_label,
    url_or_none,
)

STUDY_NAMES_LISTED = 10  # a 学时不足 alert names this many members; the study-hours page has them all


def _branch(facts: dict) -> str:
    return facts.get("branch", "")


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
    from meetings.compliance import UPCOMING

    def stage_of(cell):
        stage = countdown_stage((cell.period.end - on).days, rule.stages)
        return None if stage is None else str(stage)

    return _meeting_candidates(Kind.MEETING_DUE, compliances, lambda bc: bc.cells(status=UPCOMING), stage_of=stage_of)


def meeting_overdue_candidates(compliances, rule: RuleFact, on: date) -> list[Candidate]:
    """会议逾期: a period ended without its meetings — only periods that ended
    within `rule.lookback_days`, so a first sweep does not raise years of history."""
    from meetings.compliance import MISSING

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
    return meeting_due_candidates(ctx.compliance(ctx.on.year).values(), rule, ctx.on)


@alert_kind(Kind.MEETING_OVERDUE, describe=_describe_meeting_overdue, target=_calendar_target, level=OVERDUE)
def meeting_overdue(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    first_year = (ctx.on - timedelta(days=max(rule.lookback_days, 1))).year
    out = []
    for year in range(first_year, ctx.on.year + 1):  # in January, last year's December and Q4 too
        out += meeting_overdue_candidates(ctx.compliance(year).values(), rule, ctx.on)
    return out


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
    from members.conf import six_month_limit

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
    from members.selectors import probation_ending as ending

    if not rule.stages:
        return []
    return probation_candidates(ending(ctx.branch_ids, on=ctx.on, within_days=max(rule.stages)), ctx.names, rule,
                                ctx.on)


@alert_kind(Kind.DUES_ARREARS, describe=_describe_dues, target=_member_target("member_dues_card"))
def dues_arrears(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return six_month_candidates(ctx.six_month_cases, ctx.names, rule, case_rule="dues")


@alert_kind(Kind.NO_ORG_LIFE, describe=_describe_no_org_life, target=_member_target("six_month", branch_arg=True))
def no_org_life(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    return six_month_candidates(ctx.six_month_cases, ctx.names, rule, case_rule="attendance")


@alert_kind(Kind.STUDY_SHORTFALL, describe=_describe_study,
            target=_member_target("study_hours", branch_arg=True, year=True))
def study_shortfall(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    from members.selectors import study_shortfall as shortfall

    if not in_season(ctx.on, rule.season_start):
        return []
    return study_candidates(shortfall(ctx.branch_ids, ctx.on.year, on=ctx.on), ctx.names, rule, ctx.on)


@alert_kind(Kind.TRANSFER_OVERDUE, describe=_describe_transfer, target=_transfer_target, level=OVERDUE)
def transfer_overdue(ctx: SweepContext, rule: RuleFact) -> list[Candidate]:
    from members.selectors import overdue_by_branch

    return transfer_candidates(overdue_by_branch(ctx.branch_ids, on=ctx.on), ctx.names)
