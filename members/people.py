"""How a login account is named on pages: the person, not the login name.

`person_name(user)`: the account's full name, else the name of the member linked
to it, else the login name; a deleted account reads "（已删除的账号）"."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def deleted_account() -> str:
    return _("（已删除的账号）")


def person_name(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    if full:
        return full
    try:
        member = user.member
    except (ObjectDoesNotExist, AttributeError):
        member = None
    return member.name if member is not None else user.get_username()


def is_user_model(model) -> bool:
    return model is not None and issubclass(model, get_user_model())
