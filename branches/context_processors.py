from .scoping import scope_of


def navigation(request):
    """Header navigation: which menus the signed-in user may see."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "nav_has_org": scope.is_superuser or bool(scope.grants),
        "nav_member_id": scope.member_id,
        "nav_roles": sorted({str(dict(_role_labels()).get(g[0], g[0])) for g in scope.grants}),
    }


def _role_labels():
    from .models import RoleAssignment

    return RoleAssignment.Role.choices
