"""The notification centre's reads (a user's own notifications, the unread
count, alerts through the scoping selector, a 党委's overdue alerts) and its
one write (mark read)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Alert, Notification, OrgUnit
from ..scoping import org_units_visible_to
from .core import OVERDUE, today


def notifications_of(user):
    """A user's own notifications (nobody else's, whatever their role), newest first."""
    return (
        Notification.objects.filter(user=user)
        .select_related("alert", "alert__org_unit")
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    """The header badge: one COUNT on the partial index of unread notifications."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def alerts_visible_to(user):
    """Alerts about the org units the user may see (THE scoping selector decides)."""
    return Alert.objects.filter(org_unit__in=org_units_visible_to(user))


def subtree_overdue_alerts(user, unit: OrgUnit, *, days: int | None = None, limit: int = 20) -> list[Alert]:
    """The 党委/党总支 dashboard: overdue alerts (会议逾期, 换届逾期, 转接逾期) of
    the units below `unit` that the user may see, raised in the last `days`
    (ALERTS_DASHBOARD_DAYS, default 31), newest first. One query."""
    days = getattr(settings, "ALERTS_DASHBOARD_DAYS", 31) if days is None else days
    return list(
        alerts_visible_to(user)
        .filter(org_unit__path__startswith=unit.path, level=OVERDUE, raised_on__gte=today() - timedelta(days=days))
        .select_related("org_unit")
        .order_by("-raised_on", "-id")[:limit]
    )


def notification_mark_read(*, user, notification_ids=None, kind: str | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all unread (of a kind).
    Only the user's own notifications are ever touched. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    if kind:
        qs = qs.filter(alert__kind=kind)
    return qs.update(read_at=timezone.now())
