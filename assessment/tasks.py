"""Celery tasks of the assessment app: thin, idempotent, JSON arguments; and
the one place that enqueues them (with `transaction.on_commit`)."""

import logging

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from branches.models import OrgUnit, RoleAssignment
from branches.scoping import scope_of

from .selectors import branches_to_score
from .services import snapshots_refresh

logger = logging.getLogger(__name__)
REFRESH_ROLES = (RoleAssignment.Role.COMMITTEE_ADMIN, RoleAssignment.Role.ORG_DEPARTMENT)


@shared_task(
    name="assessment.snapshots_refresh",
    acks_late=True,  # a killed worker's job is redelivered; a rerun writes only what changed
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def snapshots_refresh_task(unit_id: int, year: int) -> dict:
    """Re-score the active branches under an org unit for a year and store the
    snapshots that changed (the dashboard's 重新计算 button)."""
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        return {"created": 0, "updated": 0, "unchanged": 0}
    created, updated, unchanged = snapshots_refresh(branches=branches_to_score(unit), year=year)
    return {"created": created, "updated": updated, "unchanged": unchanged}


def can_request_refresh(user, unit: OrgUnit) -> bool:
    return scope_of(user).covers(unit, REFRESH_ROLES)


def snapshots_refresh_request(*, unit: OrgUnit, year: int, actor) -> None:
    """Ask a worker to re-score the branches under `unit` for `year`, once the
    surrounding transaction commits. Only the unit's 党委/党总支管理员 and
    组织部 may (an inspector reads only)."""
    if not can_request_refresh(actor, unit):
        raise PermissionDenied(_("只有党委/党总支管理员和组织部可以重新计算得分。"))

    def enqueue():
        try:
            snapshots_refresh_task.delay(unit.pk, year)
        except Exception:  # the broker is down: the page keeps working, the nightly refresh catches up
            logger.exception("could not enqueue the snapshot refresh of unit %s, %s", unit.pk, year)

    transaction.on_commit(enqueue)
