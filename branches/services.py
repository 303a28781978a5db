"""Writes of the org tree and committees. Each service validates with
full_clean() inside a transaction; views, forms, serializers and the admin call
these and hold no rules themselves."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from archives import filing
from archives.models import BoxKind
from members.models import Member

from . import rules
from .models import (
    CommitteeTerm,
    Election,
    ElectionCandidate,
    OrgUnit,
    PartyGroup,
    RoleTenure,
    RulePolicy,
    TermAdjustment,
)

ORG_UNIT_FIELDS = ("name", "kind", "sector", "parent", "founded_on", "unit_name", "contact_phone", "address", "is_active")


@transaction.atomic
def org_unit_create(**data) -> OrgUnit:
    unit = OrgUnit(**{k: v for k, v in data.items() if k in ORG_UNIT_FIELDS})
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    return unit


@transaction.atomic
def org_unit_update(unit: OrgUnit, **data) -> OrgUnit:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    for key, value in data.items():
        if key in ORG_UNIT_FIELDS:
            setattr(unit, key, value)
    if unit.kind not in OrgUnit.BRANCH_KINDS and unit.members.exists():
        raise ValidationError({"kind": _("该组织下已有党员，不能改为非党支部类型。")})
    if unit.is_branch and unit.children.exists():
        raise ValidationError({"kind": _("该组织下设有下级党组织，不能改为党支部类型。")})
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    return unit


def term_due_end(unit: OrgUnit, start: date, policies: dict | None = None) -> date:
    """Due end from the 领域's term length (村/社区 5 years, others 3 by default).
    Bulk callers pass `policies=RulePolicy.all_by_sector()` to skip the query."""
    return start + relativedelta(years=RulePolicy.for_sector(unit.sector, policies).term_years)


@transaction.atomic
def committee_term_open(
    *, org_unit: OrgUnit, start_date: date, seats: int, election: Election | None = None, notes: str = ""
) -> CommitteeTerm:
    """Open a new term; the open one, if any, ends the day before."""
    OrgUnit.objects.select_for_update().filter(pk=org_unit.pk).first()
    if not org_unit.is_branch and org_unit.kind != OrgUnit.Kind.GENERAL_BRANCH:
        raise ValidationError({"org_unit": _("此处只登记党支部、党总支的委员会任期。")})
    previous = CommitteeTerm.objects.filter(org_unit=org_unit, actual_end_date__isnull=True).first()
    if previous:
        if start_date <= previous.start_date:
            raise ValidationError({"start_date": _("新一届任期开始日期必须晚于上一届开始日期。")})
        previous.actual_end_date = start_date - relativedelta(days=1)
        previous.save(update_fields=["actual_end_date", "updated_at"])
        RoleTenure.objects.filter(term=previous, end_date__isnull=True).update(
            end_date=previous.actual_end_date, end_reason=_("换届")
        )
    number = (CommitteeTerm.objects.filter(org_unit=org_unit).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    term = CommitteeTerm(
        org_unit=org_unit,
        number=number,
        start_date=start_date,
        due_end_date=term_due_end(org_unit, start_date),
        seats=seats,
        election=election,
        notes=notes,
    )
    term.full_clean()
    term.save()
    if election is None:  # a term opened by an election is filed with the election's record
        filing.file_record(
            source=term,
            branch=org_unit,
            box_kind=BoxKind.ORGANIZATION,
            doc_kind="org_election",
            title=_("第%(n)s届委员会组成（任期自%(d)s起，委员职数%(seats)s名）")
            % {"n": number, "d": start_date.isoformat(), "seats": seats},
            date=start_date,
            term=term,
            new=True,
        )
    return term


@transaction.atomic
def role_tenure_start(
    *, term: CommitteeTerm, member: Member, role: str, start_date: date, concurrent_role: str = ""
) -> RoleTenure:
    if term.actual_end_date is not None:
        raise ValidationError(_("该届任期已结束，不能再任命委员。"))
    _check_may_be_elected(member, term.org_unit, field="member", what=_("委员"))
    if start_date < term.start_date:
        raise ValidationError({"start_date": _("任职开始日期不能早于本届任期开始日期。")})
    if concurrent_role and concurrent_role == role:
        raise ValidationError({"concurrent_role": _("兼任职务不能与主要职务相同。")})
    single_seat_roles = (RoleTenure.Role.SECRETARY, RoleTenure.Role.DEPUTY_SECRETARY, *RoleTenure.REQUIRED_COMMITTEE_ROLES)
    open_tenures = RoleTenure.objects.filter(term=term, end_date__isnull=True)
    for field, value in (("role", role), ("concurrent_role", concurrent_role)):
        if value in single_seat_roles and open_tenures.filter(Q(role=value) | Q(concurrent_role=value)).exists():
            raise ValidationError({field: _("该职务已有人在任，请先办理原任职人员离任。")})
    if RoleTenure.objects.filter(term=term, member=member, end_date__isnull=True).exists():
        raise ValidationError({"member": _("该党员已在本届委员会任职。")})
    open_seats = RoleTenure.objects.filter(term=term, end_date__isnull=True).count()
    if open_seats >= term.seats:
        raise ValidationError(_("本届委员职数为%(n)s名，已满员。") % {"n": term.seats})
    tenure = RoleTenure(term=term, member=member, role=role, concurrent_role=concurrent_role, start_date=start_date)
    tenure.full_clean()
    tenure.save()
    if start_date != term.start_date:  # the committee a term starts with is filed with the term / election
        filing.file_record(
            source=tenure,
            branch=term.org_unit,
            box_kind=BoxKind.ORGANIZATION,
            doc_kind="org_committee_change",
            title=_("%(name)s任%(title)s") % {"name": member.name, "title": tenure.title},
            date=start_date,
            term=term,
            event="start",
            new=True,
        )
    return tenure


@transaction.atomic
def role_tenure_end(*, tenure: RoleTenure, end_date: date, reason: str = "") -> RoleTenure:
    tenure = RoleTenure.objects.select_for_update().get(pk=tenure.pk)
    if tenure.end_date is not None:
        raise ValidationError(_("该任职已结束。"))
    if end_date < tenure.start_date:
        raise ValidationError({"end_date": _("离任日期不能早于任职开始日期。")})
    tenure.end_date, tenure.end_reason = end_date, reason
    tenure.full_clean()
    tenure.save(update_fields=["end_date", "end_reason", "updated_at"])
    title = _("%(name)s不再担任%(title)s") % {"name": tenure.member.name, "title": tenure.title}
    filing.file_record(
        source=tenure,
        branch=tenure.term.org_unit,
        box_kind=BoxKind.ORGANIZATION,
        doc_kind="org_committee_change",
        title=f"{title}（{reason}）" if reason else title,
        date=end_date,
        term=tenure.term,
        event="end",
    )
    return tenure


def _check_may_be_elected(member: Member, org_unit: OrgUnit, *, field: str, what) -> None:
    """Only 正式党员 of the branch may be elected or hold a committee seat:
    预备党员 have no right to elect or be elected (党章 第七条, SPEC §11)."""
    if member.branch_id != org_unit.pk:
        raise ValidationError({field: _("%(what)s%(name)s不是本支部党员。") % {"what": what, "name": member.name}})
    if member.status == Member.Status.PROBATIONARY:
        raise ValidationError(
            {field: _("%(name)s是预备党员，没有选举权和被选举权，不能作为%(what)s（党章第七条）。")
             % {"name": member.name, "what": what}}
        )
    if member.status != Member.Status.FULL:
        raise ValidationError({field: _("%(name)s不是正式党员，不能作为%(what)s。") % {"name": member.name, "what": what}})


def _seats_to_fill(*, org_unit: OrgUnit, kind: str, seats: int | None) -> tuple[int | None, CommitteeTerm | None]:
    """应选名额 and the open term. 换届: the approved 职数 as entered, else the
    current term's; 补选: the seats of the open term that are empty. Never the
    number elected (SPEC §11)."""
    term = CommitteeTerm.objects.select_for_update().filter(org_unit=org_unit, actual_end_date__isnull=True).first()
    if kind == Election.Kind.GENERAL:
        return (seats if seats else (term.seats if term else None)), term
    if term is None:
        raise ValidationError(_("没有进行中的任期，无法补选。"))
    vacant = term.seats - RoleTenure.objects.filter(term=term, end_date__isnull=True).count()
    if vacant <= 0:
        raise ValidationError(_("本届委员职数为%(n)s名，没有缺额，无需补选。") % {"n": term.seats})
    if seats and seats > vacant:
        raise ValidationError({"seats": _("补选名额不能多于缺额（%(n)s名）。") % {"n": vacant}})
    return (seats or vacant), term


@transaction.atomic
def election_record(
    *,
    org_unit: OrgUnit,
    date: date,
    voters_due: int,
    voters_present: int,
    candidates: list[dict],
    kind: str = Election.Kind.GENERAL,
    seats: int | None = None,
    notes: str = "",
) -> Election:
    """Record a 换届选举 or 补选. The record is kept either way; only a valid
    one (quorum > 4/5) opens a new term (换届) or fills seats (补选).

    Seats come from the approved 职数 (`seats`, else the current term's) or the
    vacancies, never from the result. Among the candidates with > half of the
    voters present, seats go by votes, highest first (差额选举); candidates
    tied for the last seat take none, and that seat is recorded as open for
    another round (另行选举). Only 正式党员 may be candidates."""
    if voters_present > voters_due:
        raise ValidationError({"voters_present": _("实到人数不能多于应到人数。")})
    if not candidates:
        raise ValidationError({"candidates": _("请至少填写一名候选人及得票数。")})
    seen = set()
    for c in candidates:
        member = c["member"]
        _check_may_be_elected(member, org_unit, field="candidates", what=_("候选人"))
        if member.pk in seen:
            raise ValidationError({"candidates": _("候选人%(name)s重复。") % {"name": member.name}})
        seen.add(member.pk)
        if c["votes"] > voters_present:
            raise ValidationError(
                {"candidates": _("候选人%(name)s的得票数不能多于实到人数。") % {"name": member.name}}
            )
    quorum = rules.quorum_met(voters_due, voters_present)
    if quorum:
        seats, open_term = _seats_to_fill(org_unit=org_unit, kind=kind, seats=seats)
        if seats is None:
            raise ValidationError({"seats": _("请填写经批准的新一届委员职数（应选名额）；职数不按当选人数确定。")})
    election = Election(
        org_unit=org_unit, kind=kind, date=date, voters_due=voters_due, voters_present=voters_present,
        seats=seats or None, notes=notes,
    )
    election.quorum_met = quorum
    outcome = (
        rules.allocate_seats({i: c["votes"] for i, c in enumerate(candidates)}, voters_present=voters_present,
                             seats=seats)
        if quorum else rules.SeatOutcome()
    )
    election.runoff_seats = outcome.runoff_seats
    election.full_clean()
    election.save()
    rows = [
        ElectionCandidate(
            election=election,
            member=c["member"],
            votes=c["votes"],
            role=c.get("role") or RoleTenure.Role.MEMBER,
            elected=i in outcome.elected,
            runoff=i in outcome.runoff,
        )
        for i, c in enumerate(candidates)
    ]
    ElectionCandidate.objects.bulk_create(rows)
    if not quorum:
        _file_election(election, term=None)  # kept on record, in the materials of the term in office
        return election
    if kind == Election.Kind.GENERAL:
        term = committee_term_open(org_unit=org_unit, start_date=date, seats=seats, election=election)
    else:
        term = open_term
    _file_election(election, term=term)
    for row in sorted((r for r in rows if r.elected), key=lambda r: -r.votes):
        role_tenure_start(term=term, member=row.member, role=row.role, start_date=date)
    return election


def _file_election(election: Election, *, term: CommitteeTerm | None) -> None:
    """File the election record into the 组织管理档案盒 (catalogue of the term it opened or filled)."""
    title = _("%(kind)s（应到%(due)s人，实到%(present)s人%(invalid)s）") % {
        "kind": election.get_kind_display(),
        "due": election.voters_due,
        "present": election.voters_present,
        "invalid": "" if election.quorum_met else _("，到会人数不足，选举无效"),
    }
    if election.runoff_seats:
        title += _("，%(n)s个名额票数相同需另行选举") % {"n": election.runoff_seats}
    filing.file_record(
        source=election,
        branch=election.org_unit,
        box_kind=BoxKind.ORGANIZATION,
        doc_kind="org_election",
        title=title,
        date=election.date,
        term=term,
        new=True,
    )


@transaction.atomic
def term_adjustment_record(
    *, term: CommitteeTerm, kind: str, approver: str, approval_date: date, document_no: str,
    new_due_end_date: date, reason: str = "",
) -> TermAdjustment:
    adjustment = TermAdjustment(
        term=term, kind=kind, approver=approver, approval_date=approval_date, document_no=document_no,
        new_due_end_date=new_due_end_date, reason=reason,
    )
    adjustment.full_clean()
    adjustment.save()
    filing.file_record(
        source=adjustment,
        branch=term.org_unit,
        box_kind=BoxKind.ORGANIZATION,
        doc_kind="org_election",
        title=_("%(kind)s批复（%(approver)s %(no)s）")
        % {"kind": adjustment.get_kind_display(), "approver": approver, "no": document_no},
        date=approval_date,
        term=term,
        new=True,
    )
    return adjustment


@transaction.atomic
def party_group_save(*, group: PartyGroup | None = None, branch: OrgUnit, name: str, leader: Member | None) -> PartyGroup:
    group = group or PartyGroup(branch=branch)
    group.name, group.leader = name, leader
    group.full_clean()
    group.save()
    return group


def party_group_delete(*, group: PartyGroup) -> None:
    """Dissolve a 党小组: its members stay in the branch (party_group is SET_NULL);
    a group with records (meetings) cannot be deleted."""
    try:
        with transaction.atomic():
            group.delete()
    except ProtectedError:
        raise ValidationError(_("该党小组已有会议等记录，不能撤销；可改名或调整组员。")) from None
