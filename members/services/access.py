"""The permission every members write checks itself, whoever calls it (a page,
the API, the admin, a command). `actor` is the acting user; `actor=None` is a
system caller (a command, the demo, a Celery task) and may.

- the record written (its branch, its member, the letter) not editable by the
  actor: `PermissionDenied`, the 403 the page and the API give
  (`branches.services.require_edit`);
- another record named in the input (the branch a new member joins, a member's
  new branch, a receiving branch, introducers) out of the actor's scope: a
  `ValidationError` on that field with the API's "不存在，或不在您的管理范围内",
  which names no one."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from branches.services import require_edit  # noqa: F401 — the branch check, one import for the members services
from members import scoping

BRANCH_NOT_FOUND = _("党支部不存在，或不在您的管理范围内。")
TO_BRANCH_NOT_FOUND = _("接收党支部不存在，或不在您的管理范围内。")
PEOPLE_NOT_FOUND = _("人员不存在，或不在您的管理范围内。")
NO_ID_NUMBER_REVEAL = _("您无权查看该党员的完整身份证号。")
NO_ID_NUMBER_EXPORT = _("您无权导出其中部分党员的完整身份证号。")


def require_member_edit(actor, member) -> None:
    """`actor` edits `member` (their branch)."""
    if actor is not None and not scoping.can_edit_member(actor, member):
        raise PermissionDenied


def require_branch_field(actor, branch, field: str = "branch", message=BRANCH_NOT_FOUND) -> None:
    """A branch chosen in the input (not the record's own) is one the actor edits."""
    if actor is not None and branch is not None and not scoping.can_edit_org_unit(actor, branch):
        raise ValidationError({field: message})


def require_people_visible(actor, people) -> None:
    """People named in a record (introducers, contacts) are ones the actor sees."""
    ids = {p.pk for p in people}
    if actor is not None and ids and scoping.members_visible_to(actor).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"people": PEOPLE_NOT_FOUND})
