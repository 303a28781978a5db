"""Writes of 组织关系转接: issue a letter (`transfer_out_issue`, the record the
archive will file), record the receipt or the member's arrival, withdraw a
letter, and register a letter that came from outside the system."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from branches.models import OrgUnit

from .. import idnumbers, rules, scoping
from ..conf import TransferPolicy
from ..models import Member, Transfer
from . import access, archive, roster

ID_NUMBER_TAKEN = _lazy("该身份证号已在系统中登记，不能按系统外来信转入；请核对号码，或联系上级党组织办理系统内转接。")


def _validity(validity_days: int | None, same_city: bool, policy: TransferPolicy) -> int:
    days = validity_days or (policy.same_city_days if same_city else policy.validity_days)
    try:
        rules.validity_check(days, policy.max_days)
    except rules.RuleError as exc:
        raise ValidationError({exc.field: [exc.message]}) from None
    return days


def _day(value: date | None, field: str) -> date:
    today = timezone.localdate()
    value = value or today
    if value > today:
        raise ValidationError({field: _("日期不能晚于今天。")})
    return value


def _status_date(member: Member, day: date) -> date:
    """member_change_status keeps the history in date order."""
    last = member.status_changes.order_by("-date", "-id").values_list("date", flat=True).first()
    return max(day, last) if last else day


def next_serial_no(branch: OrgUnit, year: int) -> str:
    """The branch's next letter number of the year: 2026001, 2026002, …
    The branch row is locked so two letters never get the same number."""
    OrgUnit.objects.select_for_update().filter(pk=branch.pk).first()
    prefix = str(year)
    used = Transfer.objects.filter(
        direction=Transfer.Direction.OUT, from_branch=branch, serial_no__startswith=prefix
    ).values_list("serial_no", flat=True)
    numbers = [int(s[len(prefix) :]) for s in used if s[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def transfer_out_issue(
    *,
    member: Member,
    to_org: str = "",
    to_branch: OrgUnit | None = None,
    issued_on: date | None = None,
    validity_days: int | None = None,
    same_city: bool = False,
    dues_paid_until: date | None = None,
    note: str = "",
    actor=None,
) -> Transfer:
    """Issue an introduction letter; the member shows as 转出 until the receiving
    branch confirms their arrival (a branch here) or the letter is withdrawn.
    `actor` (None for a system caller) edits the member and sees the receiving branch."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    access.require_member_edit(actor, member)
    policy = TransferPolicy.current()
    errors: dict[str, list[str]] = {}
    if member.status not in Member.PARTY_STATUSES:
        raise ValidationError(
            {
                "member": _("只有正式党员和预备党员可以转接组织关系（%(name)s当前为%(status)s）。")
                % {"name": member.name, "status": member.get_status_display()}
            }
        )
    if Transfer.objects.filter(
        member=member, direction=Transfer.Direction.OUT, received_on__isnull=True, cancelled_on__isnull=True
    ).exists():
        raise ValidationError({"member": _("%(name)s已有一封未办结的介绍信，请先办结或撤销。") % {"name": member.name}})
    if to_branch is not None and actor is not None and not scoping.can_view_org_unit(actor, to_branch):
        raise ValidationError({"to_branch": access.TO_BRANCH_NOT_FOUND})
    if to_branch is not None:
        if not to_branch.is_branch:
            errors["to_branch"] = [_("接收组织须是党支部。")]
        elif to_branch.pk == member.branch_id:
            errors["to_branch"] = [_("接收党支部不能是本支部。")]
        to_org = to_org or to_branch.name
    if not (to_org or "").strip():
        errors["to_org"] = [_("请填写接收党组织名称。")]
    issued_on = _day(issued_on, "issued_on")
    days = _validity(validity_days, same_city, policy)
    if dues_paid_until:
        dues_paid_until = rules.month_start(dues_paid_until)
        if dues_paid_until > rules.month_start(issued_on):
            errors["dues_paid_until"] = [_("党费交至月份不能晚于开具当月。")]
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        direction=Transfer.Direction.OUT,
        member=member,
        from_branch=member.branch,
        to_branch=to_branch,
        serial_no=next_serial_no(member.branch, issued_on.year),
        name=member.name,
        gender=member.gender,
        age=member.age(issued_on),
        ethnicity=member.ethnicity,
        party_status=member.status,
        id_number_masked=member.id_number_masked,
        from_org=member.branch.name,
        to_org=to_org.strip(),
        dues_paid_until=dues_paid_until,
        issued_on=issued_on,
        validity_days=days,
        expires_on=rules.letter_expiry(issued_on, days),
        note=note,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transfer.full_clean(exclude=["member", "from_branch", "to_branch", "issued_by"], validate_constraints=False)
    transfer.save()
    roster.change_status(
        member,
        to_status=Member.Status.TRANSFERRED_OUT,
        date=_status_date(member, issued_on),
        reason=_("开具组织关系介绍信（%(no)s号），转往%(org)s") % {"no": transfer.serial_no, "org": transfer.to_org},
        by=actor,
    )
    archive.transfer_file(transfer, incoming=False, user=actor)
    return transfer


def _open(transfer: Transfer, *, actor, may) -> Transfer:
    """The letter, locked, if `may(actor, letter)` (`actor=None`: a system caller) and it is still open."""
    # lock the letter only: to_branch is a nullable (outer) join, which PostgreSQL cannot lock
    transfer = (
        Transfer.objects.select_for_update(of=("self",)).select_related("member", "to_branch").get(pk=transfer.pk)
    )
    if actor is not None and not may(actor, transfer):
        raise PermissionDenied
    if transfer.cancelled_on:
        raise ValidationError({"received_on": _("该介绍信已撤销。")})
    if transfer.received_on:
        raise ValidationError({"received_on": _("该介绍信已办结（%(d)s）。") % {"d": transfer.received_on.isoformat()}})
    return transfer


@transaction.atomic
def transfer_receive(
    transfer: Transfer, *, received_on: date | None = None, receipt_note: str = "", party_group=None, actor=None
) -> Transfer:
    """The receipt came back (an organisation outside), or the member reported
    to the receiving branch here: then they move there with their status back.
    `actor` (None for a system caller): the receiving branch here, else the issuing one."""
    transfer = _open(transfer, actor=actor, may=scoping.can_receive)
    received_on = _day(received_on, "received_on")
    if received_on < transfer.issued_on:
        raise ValidationError({"received_on": _("报到/回执日期不能早于开具日期。")})
    transfer.received_on = received_on
    transfer.receipt_note = receipt_note
    transfer.save(update_fields=["received_on", "receipt_note", "updated_at"])
    member = transfer.member
    if transfer.direction == Transfer.Direction.OUT and transfer.to_branch_id and member is not None:
        if party_group is not None and party_group.branch_id != transfer.to_branch_id:
            raise ValidationError({"party_group": _("党小组必须属于接收党支部。")})
        member = roster.update(member, branch=transfer.to_branch, party_group=party_group)
        if member.status == Member.Status.TRANSFERRED_OUT:
            roster.change_status(
                member,
                to_status=transfer.party_status,
                date=_status_date(member, received_on),
                reason=_("持介绍信（%(no)s号）到%(org)s报到")
                % {"no": transfer.serial_no, "org": transfer.to_branch.name},
                by=actor,
            )
        archive.transfer_file(transfer, incoming=True, user=actor)
    return transfer


def _may_cancel(actor, transfer: Transfer) -> bool:
    return transfer.direction == Transfer.Direction.OUT and scoping.can_issue_from(actor, transfer)


@transaction.atomic
def transfer_cancel(transfer: Transfer, *, cancelled_on: date | None = None, reason: str = "", actor=None) -> Transfer:
    """Withdraw a letter that was not used: the member is back on the roll.
    `actor` (None for a system caller) edits the branch that issued it."""
    transfer = _open(transfer, actor=actor, may=_may_cancel)
    cancelled_on = _day(cancelled_on, "cancelled_on")
    if cancelled_on < transfer.issued_on:
        raise ValidationError({"cancelled_on": _("撤销日期不能早于开具日期。")})
    transfer.cancelled_on = cancelled_on
    if reason:
        transfer.note = (transfer.note + "\n" if transfer.note else "") + _("撤销原因：%(r)s") % {"r": reason}
    transfer.save(update_fields=["cancelled_on", "note", "updated_at"])
    member = transfer.member
    if member is not None and member.status == Member.Status.TRANSFERRED_OUT:
        roster.change_status(
            member,
            to_status=transfer.party_status,
            date=_status_date(member, cancelled_on),
            reason=_("撤销组织关系介绍信（%(no)s号）") % {"no": transfer.serial_no},
            by=actor,
        )
    return transfer


@transaction.atomic
def transfer_in_register(
    *,
    branch: OrgUnit,
    serial_no: str,
    from_org: str,
    issued_on: date,
    received_on: date | None = None,
    validity_days: int | None = None,
    dues_paid_until: date | None = None,
    party_status: str = Member.Status.FULL,
    id_number: str = "",
    note: str = "",
    actor=None,
    **person,
) -> Transfer:
    """A letter from an organisation outside the system: the person joins the
    branch's roll (or, if they left it earlier with a letter, returns to it).
    `actor` (None for a system caller) edits the branch."""
    access.require_edit(actor, branch)
    policy = TransferPolicy.current()
    errors: dict[str, list[str]] = {}
    if not branch.is_branch:
        errors["to_branch"] = [_("接收组织须是党支部。")]
    if party_status not in Member.PARTY_STATUSES:
        errors["party_status"] = [_("党员类别须为正式党员或预备党员。")]
    if not (serial_no or "").strip():
        errors["serial_no"] = [_("请填写介绍信编号。")]
    if not (from_org or "").strip():
        errors["from_org"] = [_("请填写转出党组织名称。")]
    if errors:
        raise ValidationError(errors)
    issued_on = _day(issued_on, "issued_on")
    received_on = _day(received_on, "received_on")
    if received_on < issued_on:
        raise ValidationError({"received_on": _("报到日期不能早于开具日期。")})
    days = _validity(validity_days, False, policy)
    if dues_paid_until:
        dues_paid_until = rules.month_start(dues_paid_until)
    returning = None
    if id_number.strip():
        try:
            digest = idnumbers.digest(idnumbers.validate_id_number(id_number))
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        returning = Member.objects.filter(id_number_digest=digest).first()
        if returning is not None and returning.status != Member.Status.TRANSFERRED_OUT:
            # one answer whoever holds the number: never who, where or in what status
            raise ValidationError({"id_number": ID_NUMBER_TAKEN})
    if returning is not None:
        member = roster.update(
            returning,
            branch=branch,
            party_group=None,
            **{k: v for k, v in person.items() if k not in ("branch", "status")},
        )
        roster.change_status(
            member,
            to_status=party_status,
            date=_status_date(member, received_on),
            reason=_("持介绍信（%(no)s号）由%(org)s转入") % {"no": serial_no, "org": from_org},
            by=actor,
        )
        member.refresh_from_db()
    else:
        member = roster.create(
            by=actor,
            status=party_status,
            id_number=id_number or None,
            branch=branch,
            **{k: v for k, v in person.items() if k not in ("branch", "status")},
        )
    transfer = Transfer(
        direction=Transfer.Direction.IN,
        member=member,
        to_branch=branch,
        serial_no=serial_no.strip(),
        name=member.name,
        gender=member.gender,
        age=member.age(issued_on),
        ethnicity=member.ethnicity,
        party_status=party_status,
        id_number_masked=member.id_number_masked,
        from_org=from_org.strip(),
        to_org=branch.name,
        dues_paid_until=dues_paid_until,
        issued_on=issued_on,
        validity_days=days,
        expires_on=rules.letter_expiry(issued_on, days),
        received_on=received_on,
        note=note,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transfer.full_clean(exclude=["member", "from_branch", "to_branch", "issued_by"], validate_constraints=False)
    transfer.save()
    archive.transfer_file(transfer, incoming=True, user=actor)
    return transfer
