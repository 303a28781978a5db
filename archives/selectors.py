"""Reads of the archive. Scoping goes through `branches.scoping` only; the
completeness selector gathers facts for any number of branches in a fixed
number of queries and hands them to the pure `archives.completeness`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from branches.models import CommitteeTerm, OrgUnit, PartyGroup, RulePolicy
from branches.scoping import org_units_visible_to
from members.models import Member
from members.selectors import dues_year

from . import completeness as c
from .models import TERM_BOXES, Book, BoxKind, BoxType, Catalogue, Document, DocumentKind

# ---------------------------------------------------------------- scoping


def catalogues_visible_to(user) -> QuerySet[Catalogue]:
    return Catalogue.objects.filter(branch__in=org_units_visible_to(user))


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents of the org units the user may see: downloads go through this,
    so guessing another branch's document id gives 404."""
    return Document.objects.filter(branch__in=org_units_visible_to(user))


def books_visible_to(user) -> QuerySet[Book]:
    return Book.objects.filter(branch__in=org_units_visible_to(user))


def catalogue_entries(catalogue: Catalogue) -> QuerySet[Document]:
    """The numbered entries of a catalogue, for the box page, the API and the PDF."""
    return (
        Document.objects.filter(catalogue=catalogue)
        .select_related("catalogue", "doc_kind", "corrects", "created_by")
        .order_by("number")
    )


def document_kinds(box_kind: str | None = None, *, active_only: bool = True) -> QuerySet[DocumentKind]:
    qs = DocumentKind.objects.all()
    if box_kind:
        qs = qs.filter(box_kind=box_kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("box_kind", "order", "code")


def box_rules() -> list[c.BoxRule]:
    """The six boxes' settings (the built-in defaults for a row an admin deleted)."""
    rows = {b.box_kind: b for b in BoxType.objects.all()}
    out = []
    for i, (kind, label) in enumerate(BoxKind.choices):
        row = rows.get(kind)
        out.append(
            c.BoxRule(
                box_kind=kind,
                name=str(label),
                binding_period="term" if kind in TERM_BOXES else "year",
                bind_within_days=row.bind_within_days if row else 90,
                order=row.order if row else i,
            )
        )
    return out


def kind_rules() -> list[c.KindRule]:
    return [
        c.KindRule(
            id=k.pk,
            code=k.code,
            name=k.name,
            box_kind=k.box_kind,
            required=k.required,
            required_for=k.required_for,
            min_count=k.min_count,
            order=k.order,
        )
        for k in DocumentKind.objects.filter(is_active=True)
    ]


# ---------------------------------------------------------------- 一证 (党费证)


def _dues_cards(branch_ids: list[int], year: int, today, ledger=None) -> dict[int, c.DuesCards]:
    """The 党费证 is the per-member view of the dues ledger (SPEC §3): a member's
    card for the year is complete when every month owed up to `today` is settled.
    `ledger`: `dues_year(branch_ids, year, on=today)` when the caller has it already."""
    out = {}
    ledger = dues_year(branch_ids, year, on=today) if ledger is None else ledger
    for pk, rows in ledger.items():
        owing = [r for r in rows if r.due_months]
        missing = tuple(r.name for r in owing if not r.complete)
        out[pk] = c.DuesCards(expected=len(owing), present=len(owing) - len(missing), missing=missing)
    return out


# ---------------------------------------------------------------- completeness


@dataclass(frozen=True)
class ExpectedBooks:
    groups: tuple  # (id, name) of the branch's 党小组
    members: tuple  # (id, name) of the party members of the year


def expected_books(branch_ids: list[int], year: int) -> dict[int, ExpectedBooks]:
    """Who needs a book in `year`: every 党小组 of the branch, and every party
    member (正式 and 预备) who had joined by the end of the year. Two queries."""
    end = date(year, 12, 31)
    groups, members = defaultdict(list), defaultdict(list)
    for pk, branch_id, name in (
        PartyGroup.objects.filter(branch_id__in=branch_ids)
        .order_by("name", "id")
        .values_list("id", "branch_id", "name")
    ):
        groups[branch_id].append((pk, name))
    for pk, branch_id, name in (
        Member.objects.filter(branch_id__in=branch_ids, status__in=Member.PARTY_STATUSES)
        .filter(Q(join_date__isnull=True) | Q(join_date__lte=end))
        .order_by("name", "id")
        .values_list("id", "branch_id", "name")
    ):
        members[branch_id].append((pk, name))
    return {pk: ExpectedBooks(groups=tuple(groups[pk]), members=tuple(members[pk])) for pk in branch_ids}


def _period(term: dict | None, year: int) -> c.BoxPeriod:
    if term is None:
        return c.BoxPeriod(year)
    return c.BoxPeriod(
        year, term["number"], term["start_date"], term["actual_end_date"] or term["due_end_date"]
    )


def archive_facts(
    branches, year: int, *, today: date | None = None, rules: list[c.BoxRule] | None = None, dues_ledger=None
) -> dict[int, c.BranchArchiveFacts]:
    """Facts for the completeness maths, for any number of branches, in 8 queries
    (the dues provider, once plugged in, adds its own fixed number)."""
    today = today or timezone.localdate()
    branches = list(branches)
    ids = [b.pk for b in branches]
    start, end = date(year, 1, 1), date(year, 12, 31)
    rules = box_rules() if rules is None else rules
    term_boxes = {r.box_kind for r in rules if r.binding_period == "term"}
    policies = RulePolicy.all_by_sector()

    # the committee terms of the year; the 组织管理档案盒 of a year is the catalogue of the
    # term in office that year (the later one when a 换届 falls in it)
    terms = defaultdict(list)
    for t in (
        CommitteeTerm.objects.filter(org_unit_id__in=ids, start_date__lte=end)
        .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=start))
        .values("id", "org_unit_id", "number", "start_date", "due_end_date", "actual_end_date", "seats")
        .order_by("start_date")
    ):
        terms[t["org_unit_id"]].append(t)
    year_term = {pk: (ts[-1] if ts else None) for pk, ts in terms.items()}
    term_ids = [t["id"] for t in year_term.values() if t]

    catalogues = list(
        Catalogue.objects.filter(branch_id__in=ids)
        .filter(Q(year=year, term__isnull=True) | Q(term_id__in=term_ids))
        .values("id", "branch_id", "box_kind", "year", "term_id", "capacity", "bound_at")
    )
    counts = defaultdict(dict)
    totals, addenda = defaultdict(int), defaultdict(int)
    for row in (
        Document.objects.filter(catalogue_id__in=[x["id"] for x in catalogues])
        .values("catalogue_id", "doc_kind_id")
        .annotate(n=Count("id"), extra=Count("id", filter=Q(is_addendum=True)))
    ):
        counts[row["catalogue_id"]][row["doc_kind_id"]] = row["n"]
        totals[row["catalogue_id"]] += row["n"]
        addenda[row["catalogue_id"]] += row["extra"]
    by_branch = defaultdict(dict)
    for x in catalogues:
        term = year_term.get(x["branch_id"]) if x["term_id"] else None
        if x["box_kind"] in term_boxes and x["term_id"] is None and year_term.get(x["branch_id"]):
            continue  # a year catalogue of a term box is only used when there is no term that year
        period_end = end
        if term is not None:
            period_end = term["actual_end_date"]
        by_branch[x["branch_id"]][x["box_kind"]] = c.CatalogueFact(
            id=x["id"],
            box_kind=x["box_kind"],
            period=_period(term, year),
            period_end=period_end,
            capacity=x["capacity"],
            documents=totals[x["id"]],
            addenda=addenda[x["id"]],
            counts=dict(counts[x["id"]]),
            bound_on=timezone.localtime(x["bound_at"]).date() if x["bound_at"] else None,
        )

    expected = expected_books(ids, year)
    books = defaultdict(set)
    for branch_id, kind, group_id, member_id in Book.objects.filter(branch_id__in=ids, year=year).values_list(
        "branch_id", "book_kind", "party_group_id", "member_id"
    ):
        books[branch_id].add((kind, group_id, member_id))
    dues = _dues_cards(ids, year, today, dues_ledger)

    day = min(end, today)
    out = {}
    for b in branches:
        min_size = RulePolicy.for_sector(b.sector, policies).committee_min_size
        # 设支部委员会的党支部 (DocumentKind.RequiredFor.WITH_COMMITTEE) asks how the
        # branch is set up: the committee TERM (届) in effect on the day and its
        # approved seats (委员职数), as meetings.compliance asks for the 支委会
        # requirement. That is not "who was on the committee that day" (the
        # branches rule over RoleTenure, branches.selectors.committee_in_office /
        # in_office_on), so it stays; its day test has the same inclusive end
        # (a term ending on the day still counts).
        in_office = [
            t
            for t in terms.get(b.pk, ())
            if t["start_date"] <= day and (t["actual_end_date"] is None or t["actual_end_date"] >= day)
        ]
        out[b.pk] = c.BranchArchiveFacts(
            branch_id=b.pk,
            name=b.name,
            year=year,
            catalogues=by_branch.get(b.pk, {}),
            has_committee=bool(in_office) and in_office[-1]["seats"] >= min_size,
            groups=expected[b.pk].groups,
            members=expected[b.pk].members,
            books=frozenset(books.get(b.pk, ())),
            dues_cards=dues[b.pk],
        )
    return out


def archive_completeness(
    branches, year: int, *, today: date | None = None, dues_ledger=None
) -> dict[int, c.BranchArchive]:
    """THE archive completeness selector (SPEC §5, scorecard F1–F3): per branch
    id, per box which required document kinds are present or missing and
    whether it was bound on time; the three books; the 党费证 — for any number
    of branches in a fixed number of queries. `dues_ledger`: the branches'
    `dues_year(ids, year, on=today)`, when the caller (the scorecard) has read it."""
    today = today or timezone.localdate()
    rules = box_rules()
    kinds = kind_rules()
    facts = archive_facts(branches, year, today=today, rules=rules, dues_ledger=dues_ledger)
    return {pk: c.evaluate(f, rules, kinds, today) for pk, f in facts.items()}


def branch_archive(branch: OrgUnit, year: int, *, today: date | None = None) -> c.BranchArchive:
    return archive_completeness([branch], year, today=today)[branch.pk]


def catalogue_for_year(branch: OrgUnit, box_kind: str, year: int, term_id: int | None = None) -> Catalogue | None:
    """The catalogue the shelf shows for a box and year (for the 组织管理档案盒:
    of the given term, else the term in office that year; a year catalogue when
    there is no term)."""
    rule = next(r for r in box_rules() if r.box_kind == box_kind)
    qs = Catalogue.objects.select_related("term", "branch", "bound_by").filter(branch=branch, box_kind=box_kind)
    if rule.binding_period == "term":
        term = terms_of_year(branch, year, term_id)
        if term is not None:
            return qs.filter(term=term).first()
    return qs.filter(year=year, term__isnull=True).first()


def terms_of_year(branch: OrgUnit, year: int, term_id: int | None = None) -> CommitteeTerm | None:
    qs = CommitteeTerm.objects.filter(org_unit=branch)
    if term_id:
        return qs.filter(pk=term_id).first()
    return (
        qs.filter(start_date__lte=date(year, 12, 31))
        .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=date(year, 1, 1)))
        .order_by("-start_date")
        .first()
    )
