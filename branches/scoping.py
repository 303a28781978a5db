"""THE scoping selector: every page and API endpoint that returns or changes
branch data asks here, never ad hoc in a view (SPEC §1).

- 支部书记 / 支部委员: their 党支部 (read and edit).
- 党委/党总支管理员, 组织部: their org unit's whole subtree (read and edit).
- 验收组成员: the subtree of the unit they are bound to (read only).
- 党员: their own member record (read only; `members.scoping` holds the
  member rules, built on these).
- 系统管理员 (superuser): everything.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, PartyGroup, RoleAssignment
from .rule_token import cached_in_request

Role = RoleAssignment.Role
_MEMBER_ROW = "~member"  # marks the row of scope_of's query that carries the user's member id

# THE answer to a reference (an id in a form or request body) that does not
# exist or lies outside the actor's scope: the same words either way, naming
# nobody, so ids cannot be walked to learn who is where.
MEMBER_NOT_FOUND = _("未找到该党员，或不在您的管理范围内。")
OBJECT_NOT_FOUND = _("未找到该对象，或不在您的管理范围内。")


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    # (role, org unit id, org unit path) of the user's active assignments
    grants: tuple = ()
    member_id: int | None = None
    _cache: dict = field(default_factory=dict, compare=False, hash=False)

    def units_q(self, roles=None) -> Q | None:
        """Q over OrgUnit for the grants with the given roles; None means nothing."""
        parts = []
        for role, unit_id, path in self.grants:
            if roles is not None and role not in roles:
                continue
            parts.append(Q(pk=unit_id) if role in RoleAssignment.BRANCH_ROLES else Q(path__startswith=path))
        return reduce(or_, parts) if parts else None

    def covers(self, unit: OrgUnit, roles=None) -> bool:
        if self.is_superuser:
            return True
        for role, unit_id, path in self.grants:
            if roles is not None and role not in roles:
                continue
            if role in RoleAssignment.BRANCH_ROLES:
                if unit.pk == unit_id:
                    return True
            elif unit.path.startswith(path):
                return True
        return False


def scope_of(user) -> Scope:
    """The user's scope, computed once per request and cached on the user. In a
    request it comes from the cache under the org tree's token (`rule_token`:
    role assignments, units and members change it, so a revoked grant is never
    served from there; the user's own flags are part of the key); else one
    query, the role assignments and the user's member record together."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_dzb_scope", None)
    if cached is not None:
        return cached
    scope = cached_in_request("scope", (user.pk, user.is_active, user.is_superuser), lambda: _read_scope(user))
    user._dzb_scope = scope
    return scope


def _read_scope(user) -> Scope:
    grants_q = RoleAssignment.objects.filter(user=user, is_active=True, org_unit__is_active=True).values_list(
        "role", "org_unit_id", "org_unit__path"
    )
    member_id = None
    if user.is_superuser:
        grants = tuple(grants_q)
    else:
        # the grants and the user's own member record (the reverse relation members.Member.user
        # declares, related_name="member") in one round trip: a UNION ALL with a marker row
        member_q = get_user_model().objects.filter(pk=user.pk).values_list(
            Value(_MEMBER_ROW, output_field=CharField()), "member", Value("", output_field=CharField())
        )
        grants = []
        for role, unit_id, path in grants_q.union(member_q, all=True):
            if role == _MEMBER_ROW:
                member_id = unit_id
            else:
                grants.append((role, unit_id, path))
        grants = tuple(grants)
    return Scope(is_superuser=user.is_superuser, grants=grants, member_id=member_id)


def org_units_visible_to(user) -> QuerySet[OrgUnit]:
    scope = scope_of(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    q = scope.units_q()
    return OrgUnit.objects.filter(q) if q is not None else OrgUnit.objects.none()


def org_units_editable_by(user) -> QuerySet[OrgUnit]:
    scope = scope_of(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    q = scope.units_q(RoleAssignment.EDITING_ROLES)
    return OrgUnit.objects.filter(q) if q is not None else OrgUnit.objects.none()


def branches_visible_to(user) -> QuerySet[OrgUnit]:
    return org_units_visible_to(user).filter(kind__in=OrgUnit.BRANCH_KINDS)


def can_view_org_unit(user, unit: OrgUnit) -> bool:
    return scope_of(user).covers(unit)


def can_edit_org_unit(user, unit: OrgUnit) -> bool:
    return scope_of(user).covers(unit, RoleAssignment.EDITING_ROLES)


def can_create_child_unit(user, parent: OrgUnit) -> bool:
    """New 党总支/党支部 are set up by the superior committee, not by a branch."""
    return scope_of(user).covers(parent, (Role.COMMITTEE_ADMIN, Role.ORG_DEPARTMENT))


def party_groups_visible_to(user) -> QuerySet[PartyGroup]:
    return PartyGroup.objects.filter(branch__in=org_units_visible_to(user))


def home_unit_for(user) -> OrgUnit | None:
    """Where a user lands after login: the highest org unit they are granted."""
    scope = scope_of(user)
    if not scope.grants:
        return OrgUnit.objects.filter(parent__isnull=True).first() if scope.is_superuser else None
    role, unit_id, path = min(scope.grants, key=lambda g: g[2].count("/"))
    return OrgUnit.objects.filter(pk=unit_id).first()
