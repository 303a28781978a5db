"""Writes of the 发展党员 pipeline: one step at a time, in order
(`development_step_record`, the record the archive will file). The steps that
begin a stage move the person's status through `member_change_status`, so the
roster's status history tells the same story as the steps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.concurrency import claim_version

from .. import pipeline
from ..conf import DevelopmentPolicy
from ..models import DevelopmentStep, Member
from . import access, archive, roster


def _check_fields(
    definition: pipeline.StepDef, member: Member, *, people, hours, extension_months, policy: DevelopmentPolicy
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    people = list(people or ())
    if definition.people:
        low, high = definition.people
        if not low <= len(people) <= high:
            count = str(low) if low == high else f"{low}–{high}"
            errors["people"] = [_("%(label)s应为%(n)s名正式党员。") % {"label": definition.people_label, "n": count}]
        not_full = [p.name for p in people if p.status != Member.Status.FULL]
        if not_full:
            errors["people"] = [
                _("%(label)s须为正式党员：%(names)s不是。")
                % {"label": definition.people_label, "names": "、".join(not_full)}
            ]
        if any(p.pk == member.pk for p in people):
            errors["people"] = [_("不能指定本人。")]
    elif people:
        errors["people"] = [_("该步骤无需指定人员。")]
    if definition.needs_hours:
        if hours is None:
            errors["hours"] = [_("请填写集中培训学时（3天按24学时计）。")]
        elif Decimal(hours) < 0:
            errors["hours"] = [_("学时不能为负数。")]
    elif hours is not None:
        errors["hours"] = [_("只有“开展集中培训”一步登记学时。")]
    if extension_months:
        if not definition.allows_extension:
            errors["extension_months"] = [_("只有“继续教育考察”一步可登记延长预备期。")]
        elif not policy.extension_min_months <= extension_months <= policy.extension_max_months:
            errors["extension_months"] = [
                _("预备期只能延长一次，期限为%(lo)s至%(hi)s个月。")
                % {"lo": policy.extension_min_months, "hi": policy.extension_max_months}
            ]
    return errors


def _apply_stage(
    member: Member,
    definition: pipeline.StepDef,
    day: date,
    steps: dict[int, date],
    *,
    extension,
    by,
    policy: DevelopmentPolicy,
) -> Member:
    """Set the roster date a step stands for, and move the status when a stage begins."""
    if definition.date_field:
        member = roster.update(member, **{definition.date_field: day})
    target = definition.status
    if target and pipeline.STATUS_ORDER.get(member.status, 99) < pipeline.STATUS_ORDER[target]:
        if target == Member.Status.FULL:
            join = steps.get(15) or member.join_date
            end = pipeline.probation_end(join, extension, policy) if join else day
            member = roster.update(member, full_member_date=min(end, day))
        last = member.status_changes.order_by("-date", "-id").values_list("date", flat=True).first()
        step_label = definition.label
        member = roster.change_status(
            member,
            to_status=target,
            date=max(day, last) if last else day,
            reason=_("发展党员：%(step)s（%(d)s）") % {"step": step_label, "d": day.isoformat()},
            by=by,
        )
    return member


@transaction.atomic
def development_step_record(
    *,
    member: Member,
    step: int,
    date: date,
    document: str = "",
    responsible: str = "",
    people=(),
    hours=None,
    extension_months: int | None = None,
    note: str = "",
    actor=None,
) -> DevelopmentStep:
    """Record one step for one person. Refused when the previous step is not
    recorded, or the date is before it; time limits are flagged, not refused.
    `actor` (None for a system caller) edits the person and sees the people named."""
    access.require_member_edit(actor, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    definition = pipeline.BY_NUMBER.get(step)
    if definition is None:
        raise ValidationError({"step": _("没有这个步骤。")})
    if member.status in Member.LEFT_STATUSES:
        raise ValidationError(
            {
                "step": _("%(name)s已不在册（%(status)s），不能登记发展步骤。")
                % {"name": member.name, "status": member.get_status_display()}
            }
        )
    steps = dict(DevelopmentStep.objects.filter(member=member).values_list("step", "date"))
    if step in steps:
        raise ValidationError({"step": _("该步骤已登记，如需更正请修改原记录。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    problem = pipeline.order_problem(step, date, steps)
    if problem:
        raise ValidationError({"step" if step - 1 not in steps else "date": problem})
    policy = DevelopmentPolicy.current()
    people = list(people or ())
    access.require_people_visible(actor, people)
    errors = _check_fields(
        definition, member, people=people, hours=hours, extension_months=extension_months, policy=policy
    )
    if errors:
        raise ValidationError(errors)
    record = DevelopmentStep(
        member=member,
        step=step,
        date=date,
        document=document,
        responsible=responsible,
        hours=hours,
        extension_months=extension_months or None,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.full_clean(exclude=["member", "recorded_by"], validate_constraints=False, validate_unique=False)
    record.save()
    if people:
        record.people.set(people)
    steps[step] = date
    extension = (
        extension_months
        or DevelopmentStep.objects.filter(member=member, step=21).values_list("extension_months", flat=True).first()
    )
    _apply_stage(member, definition, date, steps, extension=extension, by=actor, policy=policy)
    archive.development_step_file(record, new=True, user=actor)
    return record


@transaction.atomic
def development_step_update(
    record: DevelopmentStep, *, actor=None, people=None, expected_version: int | None = None, **data
) -> DevelopmentStep:
    """Correct a recorded step (date, document, people, hours, extension). The
    date must stay between its neighbours; the roster date follows. `actor`
    (None for a system caller) edits the person and sees the people named."""
    access.require_member_edit(actor, record.member)  # a step never changes person
    record = DevelopmentStep.objects.select_for_update().select_related("member").get(pk=record.pk)
    claim_version(record, expected_version)
    archive.development_step_assert_editable(record)
    member = record.member
    definition = record.definition
    for key in ("date", "document", "responsible", "hours", "extension_months", "note"):
        if key in data:
            setattr(record, key, data[key])
    if record.date > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    steps = dict(DevelopmentStep.objects.filter(member=member).exclude(pk=record.pk).values_list("step", "date"))
    problem = pipeline.order_problem(record.step, record.date, steps)
    if problem:
        raise ValidationError({"date": problem})
    policy = DevelopmentPolicy.current()
    if people is None:
        people = list(record.people.all())
    else:
        people = list(people)
        if actor is not None:  # the people already named stay, whoever may see them now
            named = set(record.people.values_list("pk", flat=True))
            access.require_people_visible(actor, [p for p in people if p.pk not in named])
    errors = _check_fields(
        definition, member, people=people, hours=record.hours, extension_months=record.extension_months, policy=policy
    )
    if errors:
        raise ValidationError(errors)
    record.extension_months = record.extension_months or None
    record.full_clean(exclude=["member", "recorded_by"], validate_constraints=False, validate_unique=False)
    record.save()
    record.people.set(people)
    if definition.date_field and getattr(member, definition.date_field) != record.date:
        roster.update(member, **{definition.date_field: record.date})
    archive.development_step_file(record, new=False, user=actor)
    return record
