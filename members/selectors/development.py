"""Reads of the 发展党员 pipeline: the people in it with their steps and the
findings of `members.pipeline.evaluate`, for any number of branches in two
queries; and one person's timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q

from .. import pipeline
from ..conf import DevelopmentPolicy
from ..models import DevelopmentStep, Member

IN_PIPELINE = (*Member.PIPELINE_STATUSES, Member.Status.PROBATIONARY)


@dataclass
class PersonRow:
    member_id: int
    name: str
    status: str
    branch_id: int
    steps: dict[int, pipeline.StepFact]
    findings: list[pipeline.Finding]

    @property
    def status_label(self) -> str:
        return str(Member.Status(self.status).label)

    @property
    def last_step(self) -> pipeline.StepDef | None:
        return pipeline.BY_NUMBER[max(self.steps)] if self.steps else None

    @property
    def next_step(self) -> pipeline.StepDef | None:
        return pipeline.next_step(self.steps)

    @property
    def stage(self) -> int | None:
        return self.last_step.stage if self.last_step else None


def step_facts(member_filter: Q) -> dict[int, dict[int, pipeline.StepFact]]:
    """Recorded steps per member, with how many people are named on each (they
    were 正式党员 when recorded; the service checked) — one query."""
    out: dict[int, dict[int, pipeline.StepFact]] = defaultdict(dict)
    rows = (
        DevelopmentStep.objects.filter(member_filter)
        .annotate(named=Count("people"))
        .values_list("member_id", "step", "date", "hours", "extension_months", "named")
    )
    for member_id, step, day, hours, extension, people in rows:
        out[member_id][step] = pipeline.StepFact(
            number=step, date=day, hours=hours, extension_months=extension, people=people
        )
    return out


def development_people(branch_ids, *, on: date, include_finished: bool = False) -> dict[int, list[PersonRow]]:
    """THE pipeline selector: per branch id, the people in the pipeline (申请人
    to 预备党员, and anyone else with steps recorded when `include_finished`),
    each with their steps and findings. Two queries."""
    branch_ids = list(branch_ids)
    policy = DevelopmentPolicy.current()
    steps = step_facts(Q(member__branch_id__in=branch_ids))
    people = Member.objects.filter(branch_id__in=branch_ids).exclude(status__in=Member.LEFT_STATUSES)
    wanted = Q(status__in=IN_PIPELINE)
    if include_finished:
        wanted |= Q(pk__in=list(steps))
    out: dict[int, list[PersonRow]] = {pk: [] for pk in branch_ids}
    for member_id, name, status, branch_id, birth, join in (
        people.filter(wanted)
        .order_by("name", "id")
        .values_list("id", "name", "status", "branch_id", "birth_date", "join_date")
    ):
        facts = pipeline.PersonFacts(
            member_id=member_id,
            name=name,
            birth_date=birth,
            status=status,
            steps=steps.get(member_id, {}),
            join_date=join,
        )
        out[branch_id].append(
            PersonRow(
                member_id=member_id,
                name=name,
                status=status,
                branch_id=branch_id,
                steps=facts.steps,
                findings=pipeline.evaluate(facts, policy, on),
            )
        )
    return out


def development_findings(branch_ids, *, on: date) -> dict[int, list[tuple[PersonRow, pipeline.Finding]]]:
    """Every step out of order or past its time limit, per branch (the scorecard's D3)."""
    return {
        pk: [(row, f) for row in rows for f in row.findings]
        for pk, rows in development_people(branch_ids, on=on, include_finished=True).items()
    }


@dataclass
class TimelineStage:
    number: int
    name: str
    steps: list  # (StepDef, DevelopmentStep | None, [findings])


def timeline(member: Member, *, on: date) -> tuple[list[TimelineStage], list[pipeline.Finding]]:
    """One person's 25 steps grouped by stage, recorded or not, with findings (two queries)."""
    records = {
        r.step: r
        for r in DevelopmentStep.objects.filter(member=member).prefetch_related(
            Prefetch("people", queryset=Member.objects.order_by("name"))
        )
    }
    facts = pipeline.PersonFacts(
        member_id=member.pk,
        name=member.name,
        birth_date=member.birth_date,
        status=member.status,
        join_date=member.join_date,
        steps={
            n: pipeline.StepFact(
                number=n, date=r.date, hours=r.hours, extension_months=r.extension_months, people=len(r.people.all())
            )
            for n, r in records.items()
        },
    )
    findings = pipeline.evaluate(facts, DevelopmentPolicy.current(), on)
    by_step = defaultdict(list)
    for f in findings:
        by_step[f.step].append(f)
    stages = []
    for number, name in pipeline.STAGES.items():
        stages.append(
            TimelineStage(
                number=number,
                name=str(name),
                steps=[
                    (s, records.get(s.number), by_step.get(s.number, [])) for s in pipeline.STEPS if s.stage == number
                ],
            )
        )
    return stages, findings


@dataclass(frozen=True)
class ProbationEnd:
    member_id: int
    name: str
    branch_id: int
    join_date: date
    ends: date


def probation_ending(branch_ids, *, on: date, within_days: int = 30) -> dict[int, list[ProbationEnd]]:
    """预备党员 whose probation (1 year, plus an extension recorded at ㉑) ends
    within `within_days` from `on` — the alerts' 预备期满 — two queries."""
    branch_ids = list(branch_ids)
    policy = DevelopmentPolicy.current()
    extensions = dict(
        DevelopmentStep.objects.filter(
            member__branch_id__in=branch_ids, step=21, extension_months__isnull=False
        ).values_list("member_id", "extension_months")
    )
    out: dict[int, list[ProbationEnd]] = {pk: [] for pk in branch_ids}
    for member_id, name, branch_id, join in (
        Member.objects.filter(branch_id__in=branch_ids, status=Member.Status.PROBATIONARY, join_date__isnull=False)
        .order_by("join_date", "id")
        .values_list("id", "name", "branch_id", "join_date")
    ):
        ends = pipeline.probation_end(join, extensions.get(member_id), policy)
        if on <= ends <= on + timedelta(days=within_days):
            out[branch_id].append(ProbationEnd(member_id, name, branch_id, join, ends))
    return out
