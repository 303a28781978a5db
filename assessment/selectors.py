"""Reads of the assessment app.

`scoring_facts` gathers the facts of the scorecard for many branches in a
number of queries that does not grow with the number of branches, by calling
the selectors that already hold each rule — nothing is computed a second
time here; this module only turns their results into the plain data of
`assessment.facts`. Every call into another app's selectors is in this one
module, so that they can be re-pointed in one place.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from archives.selectors import archive_completeness
from branches.models import OrgUnit, PartyGroup
from branches.scoping import branches_visible_to
from branches.selectors import branch_rule_findings
from config.bulk import gc_paused
from meetings.models import Meeting
from meetings.selectors import branches_compliance
from members.models import Member
from members.selectors import (
    development_findings,
    dues_year,
    overdue_by_branch,
    receipt_late_by_branch,
    six_month_cases,
    study_hours,
)

from . import facts as f
from .models import Scorecard, ScoreSnapshot


def _params(data: dict) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (data or {}).items()))


def facts_day(year: int, on: date | None = None) -> date:
    """The day the facts of `year` describe: today while the year runs, else
    1 January after it (so that a past year's facts, and their hash, are stable)."""
    on = on or timezone.localdate()
    return min(on, date(year + 1, 1, 1))


@gc_paused()  # the facts of every branch live until the end (config/bulk.py)
def scoring_facts(branches, year: int, *, on: date | None = None) -> dict[int, f.BranchScoringFacts]:
    """Per branch id, the scorecard facts of `year` as they stand on `on`."""
    branches = list(branches)
    ids = [b.pk for b in branches]
    if not ids:
        return {}
    today = on or timezone.localdate()
    day = facts_day(year, today)
    state_day = min(day, date(year, 12, 31))  # rules about a state: as of the year's end at most

    findings = branch_rule_findings(branches, on=state_day)
    compliance = branches_compliance(branches, year, on=today)
    study = study_hours(ids, year, on=state_day)
    dues = dues_year(ids, year, on=today)
    development = development_findings(ids, on=state_day)
    overdue = overdue_by_branch(ids, on=state_day)
    late = receipt_late_by_branch(ids, on=state_day)
    cases = six_month_cases(ids, on=state_day)
    archive = archive_completeness(branches, year, today=today, dues_ledger=dues)  # the same ledger, read once

    out = {}
    for b in branches:
        pk = b.pk
        cells = []
        for row in compliance[pk].rows:
            for cell in row.cells:
                cells.append(
                    f.CellFact(
                        requirement=row.requirement.code,
                        period=cell.period.key,
                        end=cell.period.end,
                        status=cell.status,
                        count=cell.count,
                        required=cell.required,
                        meeting_ids=tuple(cell.meeting_ids),
                        excluded_ids=tuple(cell.excluded_ids),
                        subject_id=row.subject_id,
                    )
                )
        transfers = {}
        for t in overdue.get(pk, ()):
            if t.expires_on.year <= year:
                transfers[t.pk] = f.TransferFact(id=t.pk, member_id=t.member_id, code="overdue")
        for t in late.get(pk, ()):
            if t.issued_on.year == year and t.pk not in transfers:
                transfers[t.pk] = f.TransferFact(id=t.pk, member_id=t.member_id, code="receipt_late")
        arch = archive[pk]
        out[pk] = f.BranchScoringFacts(
            branch_id=pk,
            sector=b.sector,
            year=year,
            on=day,
            findings=tuple(f.FindingFact(x.code, _params(x.facts)) for x in findings.get(pk, ())),
            cells=tuple(cells),
            evaluations=tuple(
                f.EvaluationFact(meeting_id=m.id, rated=m.rated, excellent=m.excellent)
                for m in compliance[pk].evaluation
            ),
            study=tuple(
                f.StudyFact(member_id=r.member_id, hours=r.total, required=r.required, committee=r.committee)
                for r in study.get(pk, ())
            ),
            dues=tuple(
                f.DuesFact(member_id=r.member_id, due_months=r.due_months, settled_months=r.settled_months)
                for r in dues.get(pk, ())
            ),
            development=tuple(
                f.DevelopmentFact(member_id=row.member_id, step=x.step, code=x.code, due=x.due)
                for row, x in development.get(pk, ())
                if x.due is None or x.due.year == year
            ),
            transfers=tuple(transfers[k] for k in sorted(transfers)),
            six_month=tuple(
                f.CaseFact(member_id=c.member_id, rule=str(c.rule), since=c.since, months=c.months, handled=c.handled)
                for c in cases.get(pk, ())
            ),
            books=tuple(f.BookFact(kind=b_.book_kind, expected=b_.expected, present=b_.present) for b_ in arch.books),
            boxes=tuple(
                f.BoxFact(
                    box_kind=x.box_kind,
                    catalogue_id=x.catalogue_id,
                    complete=x.complete,
                    missing=len(x.missing),
                    bound=x.bound,
                    bound_on_time=x.bound_on_time,
                    deadline=x.deadline,
                )
                for x in arch.boxes
            ),
            dues_cards=f.DuesCardsFact(expected=arch.dues_cards.expected, present=arch.dues_cards.present),
        )
    return out


# ---------------------------------------------------------------- scorecards and snapshots


def scorecards_latest() -> list[Scorecard]:
    """The newest published version of each scorecard code (one query)."""
    latest: dict[str, Scorecard] = {}
    for card in Scorecard.objects.filter(published_at__isnull=False).order_by("code", "-version"):
        latest.setdefault(card.code, card)
    return list(latest.values())


def scorecard_choice(sector: str, cards: list[Scorecard]) -> Scorecard | None:
    """The card for a 领域: one that names it, else the default (no sectors)."""
    named = [c for c in cards if sector in (c.sectors or [])]
    if named:
        return named[0]
    default = [c for c in cards if not c.sectors]
    return default[0] if default else None


def snapshots_under(unit: OrgUnit, year: int) -> QuerySet[ScoreSnapshot]:
    """All snapshots of a year for the branches under an org unit (the index
    score_snapshot_year_branch_idx serves it)."""
    return ScoreSnapshot.objects.filter(year=year, branch__path__startswith=unit.path).select_related("branch")


def branches_to_score(unit: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS, is_active=True)
    if unit is not None:
        qs = qs.filter(path__startswith=unit.path)
    return qs.order_by("path")


def branch_score_visible(user, branch_id: int) -> OrgUnit | None:
    """The branch if the user may see it (scoped like every branch read)."""
    return branches_visible_to(user).filter(pk=branch_id).first()


__all__ = [
    "branch_score_visible",
    "branches_to_score",
    "facts_day",
    "record_names",
    "scorecard_choice",
    "scorecards_latest",
    "scoring_facts",
    "snapshots_under",
]


def record_names(values: dict) -> dict[tuple[str, int], str]:
    """Names of the members, 党小组 and meetings a score refers to, for its links
    and sentences: one query per kind, whatever the number of records."""
    refs: dict[str, set[int]] = {"member": set(), "group": set(), "meeting": set()}
    entries = [d for i in values["items"] for d in i["deductions"]] + list(values["open_gaps"])
    for entry in entries:
        for r in entry.get("records") or ():
            if r["kind"] in refs:
                refs[r["kind"]].add(r["id"])
        group_id = (entry.get("params") or {}).get("group_id")
        if group_id:
            refs["group"].add(group_id)
    names: dict[tuple[str, int], str] = {}
    if refs["member"]:
        names.update(
            (("member", pk), name)
            for pk, name in Member.objects.filter(pk__in=refs["member"]).values_list("id", "name")
        )
    if refs["group"]:
        names.update(
            (("group", pk), name)
            for pk, name in PartyGroup.objects.filter(pk__in=refs["group"]).values_list("id", "name")
        )
    if refs["meeting"]:
        names.update(
            (("meeting", pk), f"{day:%m-%d} {topic}"[:24])
            for pk, day, topic in Meeting.objects.filter(pk__in=refs["meeting"]).values_list("id", "date", "topic")
        )
    return names
