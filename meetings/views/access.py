"""Access for the meeting pages, decided by `branches.scoping` only: a branch
the user cannot see is 404, one they can see but not edit is 403. Also the
helpers every meeting page shares (a service's errors back onto a form)."""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect

from branches.models import OrgUnit
from branches.scoping import branches_visible_to, can_edit_org_unit, org_units_editable_by, scope_of
from config.params import page_id

from ..models import Meeting


def visible_branch(request, pk) -> OrgUnit:
    return get_object_or_404(branches_visible_to(request.user), pk=page_id(pk, "branch"))


def editable_branch(request, pk) -> OrgUnit:
    branch = visible_branch(request, pk)
    if not can_edit_org_unit(request.user, branch):
        raise PermissionDenied
    return branch


def visible_meeting(request, pk, qs=None) -> Meeting:
    qs = Meeting.objects.select_related("branch") if qs is None else qs
    return get_object_or_404(qs.filter(branch__in=branches_visible_to(request.user)), pk=pk)


def editable_meeting(request, pk, qs=None) -> Meeting:
    meeting = visible_meeting(request, pk, qs)
    if not can_edit_org_unit(request.user, meeting.branch):
        raise PermissionDenied
    return meeting


def editable_branches(request):
    return [b for b in branches_visible_to(request.user).order_by("path") if can_edit_org_unit(request.user, b)]


def can_log_somewhere(request) -> bool:
    return org_units_editable_by(request.user).filter(kind__in=OrgUnit.BRANCH_KINDS).exists()


def put_errors(form, exc: ValidationError, extra_fields=()) -> None:
    """A service's errors back onto the form: known fields inline, the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        if field == "held_at":
            target = "date"
        for message in errors:
            if target is None and field in extra_fields:
                form.extra_errors.setdefault(field, []).append(message)
            else:
                form.add_error(target, message)


# messages a page shows where the user acted (base.html leaves them out of the top banner)
IN_PLACE = "in-place"


def own_page_for_members(view):
    """A 党员 with no role sees no branch's meetings: send them to their own page
    (我的组织生活) instead of an empty list."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = scope_of(request.user)
        if not scope.grants and not scope.is_superuser and scope.member_id:
            return redirect("my_org_life")
        return view(request, *args, **kwargs)

    return wrapped
