"""Writes of the six-month rule: how the branch handled a case. The system
only flags; a status change (e.g. 除名 after the 自行脱党 procedure) is a
separate, deliberate `member_change_status`."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import InactivityHandling, Member


@transaction.atomic
def inactivity_handle(
    *, member: Member, rule: str, since: date, handled_on: date, measure: str, note: str, user=None
) -> InactivityHandling:
    """Record how one streak (member, rule, first month) was handled; recording
    it again corrects the earlier entry."""
    errors: dict[str, list[str]] = {}
    if rule not in InactivityHandling.Rule.values:
        errors["rule"] = [_("未知的情形。")]
    if handled_on > timezone.localdate():
        errors["handled_on"] = [_("处置日期不能晚于今天。")]
    since = rules.month_start(since)
    if handled_on < since:
        errors["handled_on"] = [_("处置日期不能早于起始月份。")]
    if not (note or "").strip():
        errors["note"] = [_("请写明处置情况。")]
    if errors:
        raise ValidationError(errors)
    handling, _created = InactivityHandling.objects.select_for_update().get_or_create(
        member=member,
        rule=rule,
        since=since,
        defaults={"handled_on": handled_on, "measure": measure, "note": note},
    )
    handling.handled_on, handling.measure, handling.note = handled_on, measure, note.strip()
    handling.handled_by = user if getattr(user, "is_authenticated", False) else None
    handling.full_clean(exclude=["member", "handled_by"], validate_unique=False)
    handling.save()
    return handling
