"""Who may see and change member records: the org scoping of `branches.scoping`
(re-exported here, so the members app asks one module) plus the rules about
members, which sit here, above the org tree.

- a member record is visible to whoever sees its branch, and to the member themself;
- it is editable by whoever edits its branch;
- a full ID number is shown to the branch's 书记, the superior committee and
  组织部, and the member themself.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from branches.models import OrgUnit, RoleAssignment
from branches.scoping import (  # noqa: F401 — the org scoping, re-exported: one import for the members app
    MEMBER_NOT_FOUND,
    OBJECT_NOT_FOUND,
    Scope,
    branches_visible_to,
    can_create_child_unit,
    can_edit_org_unit,
    can_view_org_unit,
    home_unit_for,
    org_units_editable_by,
    org_units_visible_to,
    party_groups_visible_to,
    scope_of,
)

from .models import Member, Transfer


def members_visible_to(user):
    scope = scope_of(user)
    if scope.is_superuser:
        return Member.objects.all()
    q = scope.units_q()
    parts = []
    if q is not None:
        parts.append(Q(branch__in=OrgUnit.objects.filter(q)))
    if scope.member_id:
        parts.append(Q(pk=scope.member_id))
    return Member.objects.filter(reduce(or_, parts)) if parts else Member.objects.none()


def members_editable_by(user):
    return Member.objects.filter(branch__in=org_units_editable_by(user))


def can_edit_member(user, member) -> bool:
    return can_edit_org_unit(user, member.branch)


def can_reveal_id_number(user, member) -> bool:
    """Full ID numbers: the branch's 书记, the superior committee and 组织部, the member themself."""
    scope = scope_of(user)
    if scope.is_superuser or (scope.member_id and scope.member_id == member.pk):
        return True
    return scope.covers(member.branch, RoleAssignment.ID_NUMBER_ROLES)


def can_issue_from(user, transfer: Transfer) -> bool:
    """A letter is withdrawn (and a receipt from outside recorded) by the branch that issued it."""
    return transfer.from_branch_id is not None and can_edit_org_unit(user, transfer.from_branch)


def can_receive(user, transfer: Transfer) -> bool:
    """Arrival is confirmed by the receiving branch here; a receipt from outside
    is recorded by the issuing branch."""
    if transfer.to_branch_id and transfer.direction == Transfer.Direction.OUT:
        return can_edit_org_unit(user, transfer.to_branch)
    return can_issue_from(user, transfer)
