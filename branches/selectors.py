"""Reads of the org tree: subtrees, committees on a date, and the SPEC §2
rule findings for many branches in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import rule_cache, rules
from .models import CommitteeTerm, Election, OrgUnit, PartyGroup, RoleTenure, RulePolicy, TermAdjustment

# The member status codes the SPEC §2 rules count (members.Member.Status lives in
# the app above; tests/test_layers.py holds the two equal). Branches reads members
# only through the reverse relations that members' own FKs declare
# (OrgUnit.members, PartyGroup.members), never by importing the members app.
FULL_MEMBER, PROBATIONARY_MEMBER = "full", "probationary"
PARTY_STATUSES = (PROBATIONARY_MEMBER, FULL_MEMBER)


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


@dataclass(frozen=True)
class SeatFact:
    """A seat on a branch committee, as plain data."""

    member_id: int
    role: str
    concurrent_role: str
    term_id: int
    start: date
    end: date | None


def in_office_on(day: date) -> Q:
    """THE rule of "on the committee on a day", over RoleTenure: the tenure had
    started and had not ended (a tenure ending that day still counts). For facts
    already read, the same rule is `rules.in_office`."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def committee_in_office(branch_ids, day: date) -> dict[int, tuple[SeatFact, ...]]:
    """THE selector of the committee in office on a day, for any number of
    branches in one query: per branch id, its seats by role then start. Used by
    the meeting form's roster, the 学时 requirement, the expected attendance of
    a 支委会, and next by the scorecard."""
    branch_ids = list(branch_ids)
    out: dict[int, list[SeatFact]] = {pk: [] for pk in branch_ids}
    for row in (
        RoleTenure.objects.filter(in_office_on(day), term__org_unit_id__in=branch_ids)
        .order_by("role", "start_date", "id")
        .values_list("term__org_unit_id", "member_id", "role", "concurrent_role", "term_id", "start_date", "end_date")
    ):
        out.setdefault(row[0], []).append(SeatFact(*row[1:]))
    return {pk: tuple(seats) for pk, seats in out.items()}


def committee_on(unit: OrgUnit, day: date) -> list[RoleTenure]:
    """Who sat on the committee on a given day ("the committee on 2025-03-01"),
    as model instances for the callers that show or attach them; the same rule
    as `committee_in_office`."""
    return list(
        RoleTenure.objects.filter(in_office_on(day), term__org_unit=unit)
        .select_related("member", "term")
        .order_by("role", "start_date")
    )


def branch_facts(branches) -> dict[int, rules.BranchFacts]:
    """Facts for the rule engine, for any number of branches, in 6 queries (plain rows)."""
    branches = list(branches)
    ids = [b.pk for b in branches]
    counts = defaultdict(dict)
    for row in (
        OrgUnit.objects.filter(pk__in=ids, members__status__in=PARTY_STATUSES)
        .values("pk", "members__status")
        .annotate(n=Count("members"))
    ):
        counts[row["pk"]][row["members__status"]] = row["n"]
    # plain rows, not model instances: the org pages read the facts of ~100 branches
    # per request, and building ORM objects was most of their time (issue P15)
    current = {"term__org_unit_id__in": ids, "term__actual_end_date__isnull": True}
    tenures, adjustments = defaultdict(list), defaultdict(list)
    for term_id, *fact in (
        RoleTenure.objects.filter(**current)
        .order_by("start_date", "id")
        .values_list(
            "term_id", "member_id", "member__name", "role", "start_date", "end_date",
            "member__full_member_date", "concurrent_role", "member__status",
        )
    ):
        *fields, status = fact
        tenures[term_id].append(rules.TenureFact(*fields, is_probationary=status == PROBATIONARY_MEMBER))
    for term_id, *fact in (
        TermAdjustment.objects.filter(**current)
        .order_by("approval_date", "id")
        .values_list("term_id", "kind", "approval_date", "document_no", "new_due_end_date")
    ):
        adjustments[term_id].append(rules.AdjustmentFact(*fact))
    terms = {
        org_unit_id: rules.TermFact(
            id=pk, number=number, start=start, due_end=due_end, seats=seats,
            tenures=tuple(tenures[pk]), adjustments=tuple(adjustments[pk]),
        )
        for pk, org_unit_id, number, start, due_end, seats in CommitteeTerm.objects.filter(
            org_unit_id__in=ids, actual_end_date__isnull=True
        ).values_list("id", "org_unit_id", "number", "start_date", "due_end_date", "seats")
    }
    elections = {}
    for org_unit_id, *fact in (
        Election.objects.filter(org_unit_id__in=ids)
        .order_by("org_unit_id", "-date", "-id")
        .values_list("org_unit_id", "id", "date", "voters_due", "voters_present", "quorum_met")
    ):
        if org_unit_id not in elections:
            elections[org_unit_id] = rules.ElectionFact(*fact)
    groups = defaultdict(list)
    for g in (
        PartyGroup.objects.filter(branch_id__in=ids)
        .annotate(
            n=Count("members", filter=Q(members__status__in=PARTY_STATUSES)),
            full=Count("members", filter=Q(members__status=FULL_MEMBER)),
        )
        .order_by("name")
        .values("id", "branch_id", "name", "n", "full", "leader__name", "leader__status")
    ):
        groups[g["branch_id"]].append(
            rules.GroupFact(
                id=g["id"],
                name=g["name"],
                members=g["n"],
                full_members=g["full"],
                leader_name=g["leader__name"],
                leader_is_probationary=g["leader__status"] == PROBATIONARY_MEMBER,
            )
        )
    return {
        b.pk: rules.BranchFacts(
            id=b.pk,
            name=b.name,
            kind=b.kind,
            sector=b.sector,
            full_members=counts[b.pk].get(FULL_MEMBER, 0),
            probationary_members=counts[b.pk].get(PROBATIONARY_MEMBER, 0),
            term=terms.get(b.pk),
            latest_election=elections.get(b.pk),
            groups=tuple(groups[b.pk]),
        )
        for b in branches
    }


def branch_rule_findings(branches, *, on: date | None = None) -> dict[int, list[rules.Finding]]:
    """THE selector for SPEC §2: findings per branch id. Used by the branch page,
    the org tree, the API, and later the scorecard and alerts."""
    return rule_cache.cached_findings(list(branches), on or today(), _evaluate_findings)


def _evaluate_findings(branches, on: date) -> dict[int, list[rules.Finding]]:
    facts = branch_facts(branches)
    policies = RulePolicy.all_by_sector()
    return {
        pk: rules.evaluate(f, RulePolicy.for_sector(f.sector, policies), on) for pk, f in facts.items()
    }
