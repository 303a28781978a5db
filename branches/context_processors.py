from functools import cached_property

from .alerts import unread_count
from .models import RoleAssignment
from .scoping import scope_of


class UnreadNotifications:
    """The header badge: one COUNT query, run only when the page shows it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self.user)

    def __bool__(self):
        return self.count > 0

    def __int__(self):
        return self.count

    def __str__(self):
        return "99+" if self.count > 99 else str(self.count)


def navigation(request):
    """Header navigation: which menus the signed-in user may see, and the unread notifications."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "nav_has_org": scope.is_superuser or bool(scope.grants),
        # the committee dashboard (assessment): 党委/党总支管理员, 组织部, 验收组
        "nav_has_dashboard": scope.is_superuser or any(g[0] in RoleAssignment.SUBTREE_ROLES for g in scope.grants),
        "nav_member_id": scope.member_id,
        "nav_roles": sorted({str(dict(_role_labels()).get(g[0], g[0])) for g in scope.grants}),
        "nav_unread": UnreadNotifications(user),
    }


def _role_labels():
    return RoleAssignment.Role.choices
