"""Writes of 学时: trainings recorded by hand (meetings credit hours through
the meetings app)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import OrgUnit
from config.concurrency import claim_version
from members import scoping

from .. import rules
from ..conf import StudyPolicy
from ..models import Member, Training, TrainingParticipant
from . import access


def _check(
    *, branch: OrgUnit, start_date: date, full_days: int, half_days: int, hours, participants
) -> tuple[Decimal, list[Member]]:
    errors: dict[str, list[str]] = {}
    if start_date > timezone.localdate():
        errors["start_date"] = [_("培训日期不能晚于今天。")]
    hours = Decimal(hours or 0)
    if hours < 0:
        errors["hours"] = [_("学时不能为负数。")]
    policy = StudyPolicy.current()
    credited = rules.training_hours(
        full_days or 0, half_days or 0, hours, day_hours=policy.day_hours, half_day_hours=policy.half_day_hours
    )
    if credited <= 0 and "hours" not in errors:
        errors["full_days"] = [_("请填写培训天数、半天数或学时（1天计8学时，半天计4学时）。")]
    people = list(participants)
    if not people:
        errors["participants"] = [_("请至少选择一名参训人员。")]
    if any(m.branch_id != branch.pk for m in people):
        errors["participants"] = [str(scoping.MEMBER_NOT_FOUND)]
    elif left := [m.name for m in people if m.status in Member.LEFT_STATUSES]:
        errors["participants"] = [_("以下人员不是本支部在册人员：%(names)s。") % {"names": "、".join(left)}]
    if errors:
        raise ValidationError(errors)
    return credited, people


@transaction.atomic
def training_record(
    *,
    branch: OrgUnit,
    title: str,
    start_date: date,
    participants,
    full_days: int = 0,
    half_days: int = 0,
    hours=0,
    organiser: str = "",
    note: str = "",
    actor=None,
) -> Training:
    """Record a training; `actor` (None for a system caller) edits the branch."""
    access.require_edit(actor, branch)
    credited, people = _check(
        branch=branch,
        start_date=start_date,
        full_days=full_days,
        half_days=half_days,
        hours=hours,
        participants=participants,
    )
    training = Training(
        branch=branch,
        title=title,
        organiser=organiser,
        start_date=start_date,
        full_days=full_days or 0,
        half_days=half_days or 0,
        hours=Decimal(hours or 0),
        credited_hours=credited,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    training.full_clean(exclude=["recorded_by"])
    training.save()
    TrainingParticipant.objects.bulk_create(TrainingParticipant(training=training, member=m) for m in people)
    return training


@transaction.atomic
def training_update(
    training: Training, *, actor=None, participants=None, expected_version: int | None = None, **data
) -> Training:
    """Correct a training; `actor` (None for a system caller) edits its branch."""
    access.require_edit(actor, training.branch)  # a training never changes branch
    training = Training.objects.select_for_update().get(pk=training.pk)
    claim_version(training, expected_version)
    for key in ("title", "organiser", "start_date", "full_days", "half_days", "hours", "note"):
        if key in data:
            setattr(training, key, data[key])
    if participants is None:
        participants = list(training.participants.all())
    credited, people = _check(
        branch=training.branch,
        start_date=training.start_date,
        full_days=training.full_days,
        half_days=training.half_days,
        hours=training.hours,
        participants=participants,
    )
    training.credited_hours = credited
    training.full_clean(exclude=["recorded_by"])
    training.save()
    TrainingParticipant.objects.filter(training=training).exclude(member__in=people).delete()
    known = set(TrainingParticipant.objects.filter(training=training).values_list("member_id", flat=True))
    TrainingParticipant.objects.bulk_create(
        TrainingParticipant(training=training, member=m) for m in people if m.pk not in known
    )
    return training


@transaction.atomic
def training_delete(training: Training, *, actor=None) -> None:
    """`actor` (None for a system caller) edits the training's branch."""
    access.require_edit(actor, training.branch)
    training.delete()
