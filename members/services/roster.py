"""Writes of the member roster."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.concurrency import claim_version

from .. import idnumbers, scoping
from ..models import IdNumberAccess, Member, MemberStatusChange
from . import access

MEMBER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "native_place", "education", "phone", "work_unit", "post",
    "category", "application_date", "activist_date", "candidate_date", "join_date", "full_member_date",
    "branch", "party_group", "is_mobile", "remarks",
)


def _apply_id_number(member: Member, id_number: str | None) -> None:
    if id_number is None:
        return
    if not id_number.strip():
        member.set_id_number("")
        return
    try:
        value = idnumbers.validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    if member.birth_date and idnumbers.birth_date_of(value) != member.birth_date:
        raise ValidationError({"id_number": _("身份证号中的出生日期与填写的出生日期不一致。")})
    digest = idnumbers.digest(value)
    if Member.objects.filter(id_number_digest=digest).exclude(pk=member.pk).exists():
        raise ValidationError({"id_number": _("该身份证号已登记在其他党员名下。")})
    member.set_id_number(value)


def _save(member: Member) -> None:
    member.full_clean(exclude=["id_number_encrypted", "id_number_digest", "id_number_masked"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # a concurrent registration of the same number; any other integrity error is a bug to surface
        clash = member.id_number_digest and Member.objects.filter(id_number_digest=member.id_number_digest).exclude(
            pk=member.pk
        )
        if not (clash and clash.exists()):
            raise
        raise ValidationError({"id_number": _("该身份证号已登记在其他党员名下。")}) from None


def member_create(*, actor=None, status: str = Member.Status.FULL, id_number: str | None = None, **data) -> Member:
    """Register a member in `data["branch"]`, a branch `actor` (None for a system caller) edits."""
    access.require_branch_field(actor, data.get("branch"))
    return create(by=actor, status=status, id_number=id_number, **data)


@transaction.atomic
def create(*, by, status: str = Member.Status.FULL, id_number: str | None = None, **data) -> Member:
    """member_create once the caller checked who acts (a transfer in, an import
    row); `by` is recorded as who did it."""
    member = Member(status=status, **{k: v for k, v in data.items() if k in MEMBER_FIELDS})
    _apply_id_number(member, id_number)
    _save(member)
    MemberStatusChange.objects.create(
        member=member, from_status="", to_status=status, date=timezone.localdate(), reason=_("建档"), changed_by=by
    )
    return member


def member_update(
    member: Member, *, actor=None, id_number: str | None = None, expected_version: int | None = None, **data
) -> Member:
    """Update roster fields. Status changes go through member_change_status (history).
    `actor` (None for a system caller) edits the member, and the new branch if it moves.
    `expected_version`: the version the editor read (a stale one raises StaleEdit)."""
    access.require_member_edit(actor, member)
    if "branch" in data and getattr(data["branch"], "pk", data["branch"]) != member.branch_id:
        access.require_branch_field(actor, data["branch"])
    return update(member, id_number=id_number, expected_version=expected_version, **data)


@transaction.atomic
def update(member: Member, *, id_number: str | None = None, expected_version: int | None = None, **data) -> Member:
    """member_update once the caller checked who acts (a step of the pipeline, a letter received)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    claim_version(member, expected_version)
    for key, value in data.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    _apply_id_number(member, id_number)
    _save(member)
    return member


def member_change_status(member: Member, *, to_status: str, date: date, reason: str = "", actor=None) -> Member:
    """A dated status change; `actor` (None for a system caller) edits the member."""
    access.require_member_edit(actor, member)
    return change_status(member, to_status=to_status, date=date, reason=reason, by=actor)


@transaction.atomic
def change_status(member: Member, *, to_status: str, date: date, reason: str = "", by=None) -> Member:
    """member_change_status once the caller checked who acts; `by` is recorded."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if to_status == member.status:
        raise ValidationError({"to_status": _("新状态与当前状态相同。")})
    claim_version(member, None)  # an edit form opened before the change is now stale
    if date > timezone.localdate():
        raise ValidationError({"date": _("变动日期不能晚于今天。")})
    last = member.status_changes.order_by("-date", "-id").values_list("date", flat=True).first()
    if last and date < last:
        raise ValidationError({"date": _("变动日期不能早于上一次状态变动（%(d)s）。") % {"d": last.isoformat()}})
    previous = member.status
    member.status = to_status
    if to_status == Member.Status.FULL and not member.full_member_date:
        member.full_member_date = date
    if to_status == Member.Status.PROBATIONARY and not member.join_date:
        member.join_date = date
    _save(member)
    MemberStatusChange.objects.create(
        member=member, from_status=previous, to_status=to_status, date=date, reason=reason, changed_by=by
    )
    return member


def member_reveal_id_number(member: Member, *, actor, channel: str, ip_address: str | None = None) -> str:
    """Return the full ID number and audit the reveal: only for those
    `members.scoping.can_reveal_id_number` allows."""
    if not scoping.can_reveal_id_number(actor, member):
        raise PermissionDenied(access.NO_ID_NUMBER_REVEAL)
    IdNumberAccess.objects.create(member=member, user=actor, channel=channel, ip_address=ip_address)
    return member.id_number


def id_number_reveals_record(*, members, actor, channel: str, ip_address: str | None = None) -> int:
    """Audit a reveal of many full ID numbers at once (an export): refused
    unless `actor` may see every one of them."""
    members = list(members)
    if not all(scoping.can_reveal_id_number(actor, m) for m in members):
        raise PermissionDenied(access.NO_ID_NUMBER_EXPORT)
    rows = [IdNumberAccess(member=m, user=actor, channel=channel, ip_address=ip_address)
            for m in members if m.id_number_encrypted]
    IdNumberAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
