"""Access for the members pages, all through `branches.scoping`: a branch or
member out of scope is 404, one the user may see but not change is 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from branches.models import OrgUnit
from config.params import page_year
from members.scoping import branches_visible_to, can_edit_member, can_edit_org_unit, members_visible_to

from ..models import Member


def visible_branch(request, pk) -> OrgUnit:
    return get_object_or_404(branches_visible_to(request.user).select_related("parent"), pk=pk)


def editable_branch(request, pk) -> OrgUnit:
    branch = visible_branch(request, pk)
    if not can_edit_org_unit(request.user, branch):
        raise PermissionDenied
    return branch


def visible_member(request, pk) -> Member:
    return get_object_or_404(members_visible_to(request.user).select_related("branch", "party_group", "user"), pk=pk)


def editable_member(request, pk) -> Member:
    member = visible_member(request, pk)
    if not can_edit_member(request.user, member):
        raise PermissionDenied
    return member


def year_param(request, default: int | None = None) -> int:
    """The page's ?year= (`config.params.page_year`: 400 if it is not a year)."""
    return page_year(request, default=default)
