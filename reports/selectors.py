"""Reads of the reports: everything a report shows, for any number of
branches in a fixed number of queries. Scores come from the year's score
snapshots (a branch without one is scored from its records, nothing is
written); the campaign's scores and opinions come through `reports.campaign`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from archives.models import Document
from assessment import services as scoring
from assessment.models import Scorecard, ScoreSnapshot
from assessment.selectors import branches_to_score
from branches.models import CommitteeTerm, OrgUnit, RoleTenure
from branches.scoping import branches_visible_to, org_units_visible_to
from config.bulk import gc_paused
from meetings.selectors import branches_compliance
from members.models import Member

from .campaign import EMPTY, CampaignResult, campaign_results

GRADES = [g for g, _label in ScoreSnapshot.Grade.choices]
PASSING = {"demonstration", "advanced", "pass"}


# ---------------------------------------------------------------- scope


def _pk(value) -> int | None:
    """An id from untrusted params: a positive integer the database can hold."""
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**31 else None


def unit_for(user, unit_id) -> OrgUnit | None:
    """An org unit the user may export (their own scope decides; None if not)."""
    pk = _pk(unit_id)
    return None if pk is None else org_units_visible_to(user).filter(pk=pk).first()


def branch_for(user, branch_id) -> OrgUnit | None:
    pk = _pk(branch_id)
    return None if pk is None else branches_visible_to(user).filter(pk=pk).first()


def branches_under(unit: OrgUnit) -> list[OrgUnit]:
    """The active 党支部 of a unit's subtree (the unit itself when it is one), by path."""
    return list(branches_to_score(unit).select_related("parent"))


# ---------------------------------------------------------------- scores


@dataclass
class BranchScore:
    """A branch's score of the year in the JSON form `assessment.explain` reads."""

    branch: OrgUnit
    values: dict
    categories: list[dict]  # [{code, name}] of its scorecard
    card_name: str
    from_snapshot: bool
    campaign: CampaignResult = EMPTY

    @property
    def total(self) -> Decimal:
        return Decimal(str(self.values["total"]))

    @property
    def max(self) -> Decimal:
        return Decimal(str(self.values["max"]))

    @property
    def grade(self) -> str:
        """The campaign's grade once it has one, else the score's."""
        return self.campaign.grade or self.values["grade"]


SNAPSHOT_FIELDS = ("total", "max", "grade", "stars", "vetoed", "unrated", "category_scores", "items", "vetoes")
# what a summary reads of each branch: its row and, for the weakest items, the items
SUMMARY_FIELDS = ("total", "max", "grade", "stars", "vetoed", "unrated", "items")


def branch_scores(branches: list[OrgUnit], year: int, *, with_campaign: bool = True,
                  with_gaps: bool = True, summary: bool = False) -> dict[int, BranchScore]:
    """Per branch id, the year's score: its snapshot, else scored live from its
    records (for the branches without one, in one batch). `with_gaps=False`
    leaves out 还可争取; `summary=True` also the category scores and vetoes
    (a summary shows neither: decoding their JSON for 2,000 branches costs a
    third of reading the items)."""
    ids = [b.pk for b in branches]
    shown = SUMMARY_FIELDS if summary else SNAPSHOT_FIELDS
    fields = ("branch_id", "scorecard_id", *shown) + (("open_gaps",) if with_gaps else ())
    # plain dicts: the JSON form `assessment.explain` reads, without building 2,000 model instances
    snaps = {row["branch_id"]: row for row in ScoreSnapshot.objects.filter(year=year, branch_id__in=ids).values(*fields)}
    # the few templates once each (a join would decode a template's JSON on every row)
    cards = {c.pk: c for c in Scorecard.objects.filter(pk__in={row["scorecard_id"] for row in snaps.values()})}
    card_cats = {pk: [{"code": c["code"], "name": c["name"]} for c in card.data["categories"]]
                 for pk, card in cards.items()}
    out: dict[int, BranchScore] = {}
    for b in branches:
        snap = snaps.get(b.pk)
        if snap is not None:
            values = {k: snap[k] for k in shown}
            values["open_gaps"] = snap.get("open_gaps") or []
            card = cards[snap["scorecard_id"]]
            out[b.pk] = BranchScore(b, values, card_cats[card.pk], card.name, True)
    missing = [b for b in branches if b.pk not in out]
    if missing:
        by_pk = {b.pk: b for b in missing}
        for pk, (row, _facts, result) in scoring.branches_score(missing, year).items():
            cats = [{"code": c["code"], "name": c["name"]} for c in row.data["categories"]]
            out[pk] = BranchScore(by_pk[pk], scoring.snapshot_values(result), cats, row.name, False)
    if with_campaign:
        for pk, result in campaign_results(ids, year).items():
            out[pk].campaign = result
    return out


# ---------------------------------------------------------------- the branch report


@dataclass(frozen=True)
class MemberStats:
    full: int = 0
    probationary: int = 0
    female: int = 0
    minority: int = 0
    college: int = 0
    young: int = 0  # 35 and under at the year's end
    mobile: int = 0
    candidates: int = 0  # 发展对象
    activists: int = 0
    applicants: int = 0

    @property
    def party(self) -> int:
        return self.full + self.probationary


def member_stats(branch_ids, year: int) -> dict[int, MemberStats]:
    """Per branch id, the member counts of the report: one query."""
    party = Q(status__in=Member.PARTY_STATUSES)
    young_after = date(year - 35, 12, 31)
    rows = (
        Member.objects.filter(branch_id__in=list(branch_ids))
        .values("branch_id")
        .annotate(
            full=Count("id", filter=Q(status=Member.Status.FULL)),
            probationary=Count("id", filter=Q(status=Member.Status.PROBATIONARY)),
            female=Count("id", filter=party & Q(gender=Member.Gender.FEMALE)),
            minority=Count("id", filter=party & ~Q(ethnicity="汉族") & ~Q(ethnicity="")),
            college=Count(
                "id",
                filter=party & Q(education__in=[Member.Education.POSTGRADUATE, Member.Education.BACHELOR,
                                                Member.Education.COLLEGE]),
            ),
            young=Count("id", filter=party & Q(birth_date__gt=young_after)),
            mobile=Count("id", filter=party & Q(is_mobile=True)),
            candidates=Count("id", filter=Q(status=Member.Status.CANDIDATE)),
            activists=Count("id", filter=Q(status=Member.Status.ACTIVIST)),
            applicants=Count("id", filter=Q(status=Member.Status.APPLICANT)),
        )
    )
    return {r.pop("branch_id"): MemberStats(**r) for r in rows}


def committees(branch_ids) -> dict[int, tuple[CommitteeTerm | None, list[RoleTenure]]]:
    """Per branch id, its open committee term and who sits on it now: two queries."""
    out: dict[int, tuple[CommitteeTerm | None, list[RoleTenure]]] = {}
    terms = CommitteeTerm.objects.filter(org_unit_id__in=list(branch_ids), actual_end_date__isnull=True).prefetch_related(
        Prefetch(
            "tenures",
            queryset=RoleTenure.objects.filter(end_date__isnull=True).select_related("member").order_by("start_date", "id"),
        )
    )
    for term in terms.order_by("org_unit_id", "-start_date"):
        out.setdefault(term.org_unit_id, (term, sorted(term.tenures.all(), key=_role_order)))
    return out


ROLE_ORDER = {r: i for i, r in enumerate(RoleTenure.Role.values)}


def _role_order(t: RoleTenure):
    return (ROLE_ORDER.get(t.role, 99), t.start_date, t.pk)


def evidence(branch_ids, year: int) -> dict[int, list[Document]]:
    """Per branch id, the archive documents dated in the year (the evidence list): one query."""
    out: dict[int, list[Document]] = defaultdict(list)
    for d in (
        Document.objects.filter(branch_id__in=list(branch_ids), date__year=year)
        .select_related("doc_kind", "catalogue")
        .order_by("branch_id", "catalogue__box_kind", "number")
    ):
        out[d.branch_id].append(d)
    return out


@dataclass
class BranchReportData:
    branch: OrgUnit
    year: int
    score: BranchScore
    stats: MemberStats
    term: CommitteeTerm | None
    tenures: list[RoleTenure]
    compliance: object  # meetings.compliance.BranchCompliance
    documents: list[Document] = field(default_factory=list)


def branch_reports(branches: list[OrgUnit], year: int, *, on: date | None = None) -> dict[int, BranchReportData]:
    """Everything the branch acceptance report shows, for many branches at once."""
    ids = [b.pk for b in branches]
    scores = branch_scores(branches, year)
    stats = member_stats(ids, year)
    terms = committees(ids)
    compliance = branches_compliance(branches, year, on=on or timezone.localdate())
    docs = evidence(ids, year)
    return {
        b.pk: BranchReportData(
            branch=b,
            year=year,
            score=scores[b.pk],
            stats=stats.get(b.pk, MemberStats()),
            term=terms.get(b.pk, (None, []))[0],
            tenures=terms.get(b.pk, (None, []))[1],
            compliance=compliance[b.pk],
            documents=docs.get(b.pk, []),
        )
        for b in branches
    }


def secretaries(branch_ids) -> dict[int, tuple[str, str]]:
    """Per branch id, (书记's name, phone) from the open committee term: one query."""
    out: dict[int, tuple[str, str]] = {}
    for branch_id, name, phone in (
        RoleTenure.objects.filter(
            term__org_unit_id__in=list(branch_ids),
            term__actual_end_date__isnull=True,
            end_date__isnull=True,
            role=RoleTenure.Role.SECRETARY,
        )
        .order_by("term__org_unit_id", "-start_date")
        .values_list("term__org_unit_id", "member__name", "member__phone")
    ):
        out.setdefault(branch_id, (name, phone))
    return out


# ---------------------------------------------------------------- the summary


@dataclass(frozen=True)
class WeakItem:
    code: str
    name: str
    branches: int  # branches that lost points on it
    scored: int  # branches it was scored for
    lost: Decimal  # points lost, all branches together
    max: Decimal  # points possible, all branches together

    @property
    def share(self) -> float | None:
        return self.branches / self.scored if self.scored else None

    @property
    def rate(self) -> float | None:
        """得分率: points kept of the points possible."""
        return float((self.max - self.lost) / self.max) if self.max else None


@dataclass
class Summary:
    unit: OrgUnit
    year: int
    scores: list[BranchScore]
    distribution: dict[str, int]
    weakest: list[WeakItem]

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def passing(self) -> int:
        return sum(self.distribution[g] for g in PASSING)

    @property
    def pass_ratio(self) -> float | None:
        return self.passing / self.count if self.count else None

    @property
    def average(self) -> Decimal | None:
        if not self.scores:
            return None
        return (sum(s.total for s in self.scores) / len(self.scores)).quantize(Decimal("0.01"))


def weakest_items(scores: list[BranchScore], *, limit: int = 10) -> list[WeakItem]:
    """The items most branches lost points on (then most points lost); manual items 未评 are left out."""
    lost: dict[str, list] = {}
    number: dict[str, Decimal] = {}

    def dec(value) -> Decimal:
        key = str(value)
        if key not in number:
            number[key] = Decimal(key)
        return number[key]

    for s in scores:
        for item in s.values["items"]:
            if item["score"] is None:
                continue
            entry = lost.setdefault(item["code"], [item["name"], 0, 0, Decimal(0), Decimal(0)])
            gone = dec(item["max"]) - dec(item["score"])
            entry[1] += gone > 0
            entry[2] += 1
            entry[3] += gone
            entry[4] += dec(item["max"])
    items = [WeakItem(code, *v) for code, v in lost.items() if v[1]]
    items.sort(key=lambda w: (-w.branches, -w.lost, w.code))
    return items[:limit]


@gc_paused()
def summary(unit: OrgUnit, year: int, *, progress=None) -> Summary:
    """The 汇总 of a unit's subtree for a year (the collector paused: decoding
    2,000 snapshots makes hundreds of thousands of small objects that live
    until the end)."""
    branches = branches_under(unit)
    scores = []
    batch = 500
    for start in range(0, len(branches), batch):
        chunk = branches[start : start + batch]
        scored = branch_scores(chunk, year, with_gaps=False, summary=True)
        scores.extend(scored[b.pk] for b in chunk)
        if progress:
            progress(min(start + batch, len(branches)), len(branches))
    counts = Counter(s.grade for s in scores)
    return Summary(
        unit=unit,
        year=year,
        scores=scores,
        distribution={g: counts.get(g, 0) for g in GRADES},
        weakest=weakest_items(scores),
    )
