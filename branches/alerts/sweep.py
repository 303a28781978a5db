"""The sweep: who gets an alert, saving the alerts against their unique
constraint, delivering them as notifications, e-mailing them once, and
`run_alert_sweep` that does it all for every branch."""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.bulk import gc_paused

from ..models import Alert, AlertRule, Notification, OrgUnit, RoleAssignment
from .core import Candidate, RuleFact, SweepContext, registry, today

log = logging.getLogger("branches.alerts")
Role = RoleAssignment.Role
BATCH = 1000


# ---------------------------------------------------------------- recipients


def ancestor_ids(path: str) -> list[int]:
    """"/1/7/42/" → [1, 7]: the units above, from the materialised path."""
    return [int(p) for p in path.strip("/").split("/")[:-1] if p]


def officer_assignments() -> dict[tuple[int, str], list[tuple[int, str]]]:
    """(org unit id, role) → [(user id, e-mail)] for the roles alerts go to (one query)."""
    out = defaultdict(list)
    for unit_id, role, user_id, email in RoleAssignment.objects.filter(
        is_active=True,
        role__in=(Role.BRANCH_SECRETARY, Role.COMMITTEE_ADMIN, Role.ORG_DEPARTMENT),
        user__is_active=True,
        org_unit__is_active=True,
    ).values_list("org_unit_id", "role", "user_id", "user__email").order_by("user_id"):
        out[(unit_id, role)].append((user_id, email or ""))
    return out


def recipients(unit_id: int, path: str, is_branch: bool, rule: RuleFact, assignments) -> dict[int, str]:
    """user id → e-mail of who gets an alert about a unit: its 书记 (for a
    党委/党总支, its administrators), the administrators of every unit above
    it (the superior 党委/党总支), and 组织部 above it if the rule says so."""
    out: dict[int, str] = {}
    above = ancestor_ids(path)
    if rule.notify_secretary:
        for user_id, email in assignments.get((unit_id, Role.BRANCH_SECRETARY if is_branch else Role.COMMITTEE_ADMIN),
                                              ()):
            out[user_id] = email
    if rule.notify_superior:
        for ancestor in above:
            for user_id, email in assignments.get((ancestor, Role.COMMITTEE_ADMIN), ()):
                out[user_id] = email
    if rule.notify_org_department:
        for ancestor in [*above, unit_id]:
            for user_id, email in assignments.get((ancestor, Role.ORG_DEPARTMENT), ()):
                out[user_id] = email
    return out


# ---------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    on: date
    candidates: int = 0
    new_alerts: int = 0  # alerts this sweep delivered (created now, or left undelivered by an earlier run)
    notifications: int = 0
    emails: int = 0
    seconds: float = 0.0
    by_kind: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "candidates": self.candidates,
            "new_alerts": self.new_alerts,
            "notifications": self.notifications,
            "emails": self.emails,
            "seconds": round(self.seconds, 3),
            "by_kind": self.by_kind,
        }


def collect_candidates(ctx: SweepContext) -> list[Candidate]:
    """Every alert that should exist today, over all kinds with an active rule."""
    out: dict[tuple, Candidate] = {}
    for kind, spec in registry().items():
        rule = ctx.rules.get(kind)
        if rule is None:
            continue
        for cand in spec.collect(ctx, rule):
            out.setdefault(cand.key, cand)
    return sorted(out.values(), key=lambda c: c.key)  # one order for every worker: no deadlock between two sweeps


def save_alerts(candidates: list[Candidate], on: date) -> None:
    specs = registry()
    Alert.objects.bulk_create(
        [
            Alert(
                kind=c.kind,
                level=specs[c.kind].level,
                org_unit_id=c.org_unit_id,
                subject=c.subject,
                period=c.period,
                stage=c.stage,
                member_id=c.member_id,
                due_date=c.due_date,
                raised_on=on,
                facts=c.facts,
            )
            for c in candidates
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def deliver_pending(rules: dict[str, RuleFact], *, email: bool) -> tuple[int, int]:
    """Notifications for every alert not yet delivered; returns (alerts, notifications)."""
    pending = list(
        Alert.objects.filter(notified_at__isnull=True)
        .values_list("id", "kind", "org_unit_id", "org_unit__path", "org_unit__kind")
        .order_by("id")
    )
    if not pending:
        return 0, 0
    assignments = officer_assignments()
    rows = []
    for alert_id, kind, unit_id, path, unit_kind in pending:
        rule = rules.get(kind)
        if rule is None:
            continue
        for user_id, address in sorted(
            recipients(unit_id, path, unit_kind in OrgUnit.BRANCH_KINDS, rule, assignments).items()
        ):
            rows.append(Notification(
                alert_id=alert_id, user_id=user_id, email_due=email and rule.send_email and bool(address)
            ))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    now = timezone.now()
    ids = [p[0] for p in pending]
    for i in range(0, len(ids), 5 * BATCH):
        Alert.objects.filter(pk__in=ids[i:i + 5 * BATCH]).update(notified_at=now)
    return len(pending), len(rows)


def send_pending_emails() -> int:
    """E-mail the notifications still to send, one message per user. The
    UPDATE claims them (WHERE emailed_at IS NULL), so a second worker finds
    nothing to send; whatever fails to send is released for the next sweep."""
    token = uuid.uuid4()
    claimed = Notification.objects.filter(email_due=True, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), email_batch=token
    )
    if not claimed:
        return 0
    by_user = defaultdict(list)
    users = {}
    for n in (
        Notification.objects.filter(email_batch=token)
        .select_related("alert", "user")
        .order_by("user_id", "alert__raised_on", "alert_id")
    ):
        by_user[n.user_id].append(n.alert)
        users[n.user_id] = n.user
    sent, failed = 0, []
    site = getattr(settings, "ALERTS_SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        try:
            connection = get_connection()
            connection.open()
        except Exception:  # the mail server is down: everything waits for the next sweep
            log.exception("alert e-mail: cannot connect to the mail server")
            Notification.objects.filter(email_batch=token).update(emailed_at=None, email_batch=None)
            return 0
        try:
            for user_id, alerts in by_user.items():
                message = _email_for(users[user_id], alerts, site)
                try:
                    connection.send_messages([message])
                    sent += 1
                except Exception:
                    log.exception("alert e-mail to user %s failed", user_id)
                    failed.append(user_id)
        finally:
            connection.close()
    if failed:
        Notification.objects.filter(email_batch=token, user_id__in=failed).update(emailed_at=None, email_batch=None)
    return sent


def _email_for(user, alerts: list[Alert], site: str) -> EmailMessage:
    subject = ngettext("党支部标准化管理平台：%(n)s条新提醒", "党支部标准化管理平台：%(n)s条新提醒", len(alerts)) % {
        "n": len(alerts)
    }
    lines = [_("%(name)s，您好：") % {"name": user.get_full_name() or user.get_username()}, ""]
    lines += [f"{i}. [{a.get_kind_display()}] {a.message}" for i, a in enumerate(alerts, start=1)]
    lines += ["", _("请登录平台，在“通知”中查看和处理。")]
    if site:
        lines.append(site + reverse("notification_list"))
    return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def active_rules() -> dict[str, RuleFact]:
    return {r.kind: RuleFact.of(r) for r in AlertRule.objects.filter(is_active=True)}


def sweep_branches() -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS, is_active=True)
        .only("id", "name", "kind", "sector", "path", "founded_on")
        .order_by("path")
    )


def run_alert_sweep(on: date | None = None, *, email: bool = True) -> SweepResult:
    """THE alert sweep (SPEC §7): every alert of every active kind for every
    active branch, idempotent. `on` is the day to sweep as (default today);
    `email=False` creates the notifications without e-mailing them (the demo)."""
    started = time.monotonic()
    on = on or today()
    rules = active_rules()
    ctx = SweepContext(on, sweep_branches(), rules)
    with gc_paused():  # the facts of every branch live until the end (config/bulk.py)
        candidates = collect_candidates(ctx)
    with transaction.atomic():
        save_alerts(candidates, on)
        new_alerts, notifications = deliver_pending(rules, email=email)
    emails = send_pending_emails() if email else 0
    by_kind: dict[str, int] = defaultdict(int)
    for c in candidates:
        by_kind[c.kind] += 1
    result = SweepResult(
        on=on, candidates=len(candidates), new_alerts=new_alerts, notifications=notifications, emails=emails,
        seconds=time.monotonic() - started, by_kind=dict(by_kind),
    )
    log.info("alert sweep %s: %s", on, result.as_dict())
    return result
