"""Reads of the org tree: subtrees, committees on a date, and the SPEC §2
rule findings for many branches in a fixed number of queries."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from members.models import Member

from . import rules
from .models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure, RulePolicy, TermAdjustment


def today() -> date:
    return timezone.localdate()


def org_subtree(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    """One indexed query on the materialised path; never a walk in Python."""
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def current_term(unit: OrgUnit) -> CommitteeTerm | None:
    return (
        CommitteeTerm.objects.filter(org_unit=unit, actual_end_date__isnull=True)
        .prefetch_related("postponements", Prefetch("tenures", queryset=RoleTenure.objects.select_related("member")))
        .first()
    )


def current_term_prefetch() -> Prefetch:
    """The open term of each branch, with its postponements and seats, into
    `branch.open_terms` (a list of at most one): 3 queries for any number of branches."""
    return Prefetch(
        "terms",
        queryset=CommitteeTerm.objects.filter(actual_end_date__isnull=True).prefetch_related(
            "postponements",
            Prefetch("tenures", queryset=RoleTenure.objects.select_related("member").order_by("start_date", "id")),
        ),
        to_attr="open_terms",
    )


def committee_on(unit: OrgUnit, day: date) -> list[RoleTenure]:
    """Who sat on the committee on a given day ("the committee on 2025-03-01")."""
    return list(
        RoleTenure.objects.filter(term__org_unit=unit, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("member", "term")
        .order_by("role", "start_date")
    )


def _term_fact(term: CommitteeTerm) -> rules.TermFact:
    return rules.TermFact(
        id=term.pk,
        number=term.number,
        start=term.start_date,
        due_end=term.due_end_date,
        seats=term.seats,
        tenures=tuple(
            rules.TenureFact(
                member_id=t.member_id,
                member_name=t.member.name,
                role=t.role,
                start=t.start_date,
                end=t.end_date,
                full_member_date=t.member.full_member_date,
                concurrent_role=t.concurrent_role,
                is_probationary=t.member.status == Member.Status.PROBATIONARY,
            )
            for t in term.tenures.all()
        ),
        adjustments=tuple(
            rules.AdjustmentFact(
                kind=a.kind, approval_date=a.approval_date, document_no=a.document_no, new_due_end=a.new_due_end_date
            )
            for a in term.postponements.all()
        ),
    )


def branch_facts(branches) -> dict[int, rules.BranchFacts]:
    """Facts for the rule engine, for any number of branches, in 6 queries."""
    branches = list(branches)
    ids = [b.pk for b in branches]
    counts = defaultdict(dict)
    for row in (
        Member.objects.filter(branch_id__in=ids, status__in=Member.PARTY_STATUSES)
        .values("branch_id", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["branch_id"]][row["status"]] = row["n"]
    terms = {
        t.org_unit_id: _term_fact(t)
        for t in CommitteeTerm.objects.filter(org_unit_id__in=ids, actual_end_date__isnull=True).prefetch_related(
            Prefetch("tenures", queryset=RoleTenure.objects.select_related("member").order_by("start_date")),
            Prefetch("postponements", queryset=TermAdjustment.objects.order_by("approval_date", "id")),
        )
    }
    elections = {}
    for e in Election.objects.filter(org_unit_id__in=ids).order_by("org_unit_id", "-date", "-id"):
        elections.setdefault(
            e.org_unit_id,
            rules.ElectionFact(
                id=e.pk, date=e.date, voters_due=e.voters_due, voters_present=e.voters_present,
                quorum_met=e.quorum_met,
            ),
        )
    groups = defaultdict(list)
    for g in (
        PartyGroup.objects.filter(branch_id__in=ids)
        .select_related("leader")
        .annotate(
            n=Count("members", filter=Q(members__status__in=Member.PARTY_STATUSES)),
            full=Count("members", filter=Q(members__status=Member.Status.FULL)),
        )
        .order_by("name")
    ):
        groups[g.branch_id].append(
            rules.GroupFact(
                id=g.pk,
                name=g.name,
                members=g.n,
                full_members=g.full,
                leader_name=g.leader.name if g.leader else None,
                leader_is_probationary=bool(g.leader and g.leader.status == Member.Status.PROBATIONARY),
            )
        )
    return {
        b.pk: rules.BranchFacts(
            id=b.pk,
            name=b.name,
            kind=b.kind,
            sector=b.sector,
            full_members=counts[b.pk].get(Member.Status.FULL, 0),
            probationary_members=counts[b.pk].get(Member.Status.PROBATIONARY, 0),
            term=terms.get(b.pk),
            latest_election=elections.get(b.pk),
            groups=tuple(groups[b.pk]),
        )
        for b in branches
    }


def branch_rule_findings(branches, *, on: date | None = None) -> dict[int, list[rules.Finding]]:
    """THE selector for SPEC §2: findings per branch id. Used by the branch page,
    the org tree, the API, and later the scorecard and alerts."""
    on = on or today()
    facts = branch_facts(branches)
    policies = RulePolicy.all_by_sector()
    return {
        pk: rules.evaluate(f, RulePolicy.for_sector(f.sector, policies), on) for pk, f in facts.items()
    }
