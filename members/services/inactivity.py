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
from ..conf import six_month_limit
from ..models import InactivityCase, InactivityHandling, Member
from . import access


@transaction.atomic
def inactivity_handle(
    *, member: Member, rule: str, since: date, handled_on: date, measure: str, note: str, actor=None
) -> InactivityHandling:
    """Record how one streak (member, rule, first month) was handled; recording
    it again corrects the earlier entry. `actor` (None for a system caller) edits the member."""
    access.require_member_edit(actor, member)
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
    handling.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    handling.full_clean(exclude=["member", "handled_by"], validate_unique=False)
    handling.save()
    return handling


def six_month_cases_record(cases_by_branch: dict, *, on: date) -> int:
    """Persist the six-month cases just found (SPEC §11), once per streak
    (member, rule, first month): a case stays open after the member pays or
    attends again, until the branch records its handling. Cases below the
    six-month limit (the alerts' earlier stages) are not cases. One INSERT …
    ON CONFLICT DO NOTHING; returns the number of cases given."""
    limit = six_month_limit()
    rows = [
        InactivityCase(
            member_id=c.member_id,
            branch_id=c.branch_id,
            rule=c.rule,
            since=c.since,
            year=c.year,
            last=c.last,
            found_on=on,
        )
        for cases in cases_by_branch.values()
        for c in cases
        if c.months >= limit and not c.recorded
    ]
    if rows:
        InactivityCase.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
