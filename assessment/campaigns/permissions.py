"""Who may do what in a campaign — every check asks `branches.scoping`, so the
pages, the API and the services agree (SPEC §1)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from branches.models import OrgUnit, RoleAssignment
from branches.scoping import scope_of

Role = RoleAssignment.Role
MANAGER_ROLES = (Role.ORG_DEPARTMENT, Role.COMMITTEE_ADMIN)  # 组织部, or a 党委 for its subtree
BRANCH_ROLES = RoleAssignment.BRANCH_ROLES  # 支部书记, 支部委员
REVIEWER_ROLES = (Role.COMMITTEE_ADMIN,)  # 党委/党总支 above the branch


def can_manage_unit(user, unit: OrgUnit) -> bool:
    return scope_of(user).covers(unit, MANAGER_ROLES)


def can_manage(user, campaign) -> bool:
    """Open, sample, publish, finalise: 组织部 or a 党委 whose grant covers the campaign's unit."""
    return can_manage_unit(user, campaign.org_unit)


def is_branch_officer(user, assessment) -> bool:
    return scope_of(user).covers(assessment.branch, BRANCH_ROLES)


def can_review(user, assessment) -> bool:
    """审核: a 党委/党总支 administrator whose subtree holds the branch."""
    return scope_of(user).covers(assessment.branch, REVIEWER_ROLES)


def can_verify(user, assessment) -> bool:
    """抽验: a 验收组成员 assigned to the campaign (and granted the branch's subtree, or superuser)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    return (
        scope.covers(assessment.branch, (Role.INSPECTOR,))
        and assessment.campaign.inspectors.filter(pk=user.pk).exists()
    )


def can_rectify(user, assessment) -> bool:
    """整改 and 复检: the reviewing 党委 or the campaign's managers."""
    return can_review(user, assessment) or can_manage(user, assessment.campaign)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("您没有执行该操作的权限。"))
