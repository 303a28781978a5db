"""SPEC §7 alerts: which alerts should fire, and the sweep that saves them.

One function per kind says what should fire, from the facts the existing
selectors return (the compliance calendar, the SPEC §2 rule findings, the
six-month cases, probation ends, study hours, overdue letters); the sweep
gathers those facts for ALL branches in a fixed number of queries, then:

1. INSERT … ON CONFLICT DO NOTHING against the unique (kind, subject, period,
   stage): re-running the sweep adds nothing, and neither do two sweeps at
   once on two workers — the database decides, not a lock;
2. fans out the alerts not yet delivered (`notified_at IS NULL`): one
   notification per recipient, unique (alert, user), ON CONFLICT DO NOTHING;
3. e-mails the notifications still to send, claimed with one UPDATE … WHERE
   emailed_at IS NULL so that two workers never both send; a failed send is
   released for the next sweep.

Steps 1–2 run in one transaction; a sweep that misses a day (Redis down, no
worker) is caught up by the next: overdue meetings are looked back on for
`AlertRule.lookback_days`, and every other kind is a state that still holds.

Each app registers its own kinds from its own `alerts` module, found by
`autodiscover_modules("alerts")`, so the sweep names no app: the committee
terms here in `branches.alerts.kinds`, the meeting kinds in `meetings.alerts`,
the member kinds (probation, dues, organisational life, 学时, transfers) in
`members.alerts`. A new kind (验收截止 comes with the acceptance campaign) is
one function decorated with `@alert_kind(...)` in its app's `alerts` module,
plus its `AlertRule` row.

Layout: `core` (dataclasses, stages, the registry, the shared facts, messages),
`kinds` (the org kinds), `sweep` (recipients, saving, delivery, e-mail,
`run_alert_sweep`), `inbox` (the notification centre's reads and mark-read).
"""

from . import kinds  # noqa: F401 — registers the built-in kinds
from .core import (
    Candidate,
    KindSpec,
    RuleFact,
    SweepContext,
    alert_kind,
    count_up_stage,
    countdown_stage,
    describe,
    in_season,
    month_label,
    registry,
    target_url,
    today,
)
from .inbox import alerts_visible_to, notification_mark_read, notifications_of, subtree_overdue_alerts, unread_count
from .kinds import term_candidates
from .sweep import (
    SweepResult,
    active_rules,
    ancestor_ids,
    collect_candidates,
    deliver_pending,
    officer_assignments,
    recipients,
    run_alert_sweep,
    save_alerts,
    send_pending_emails,
    sweep_branches,
)

__all__ = [
    "Candidate", "KindSpec", "RuleFact", "SweepContext", "SweepResult", "active_rules", "alert_kind",
    "alerts_visible_to", "ancestor_ids", "collect_candidates", "count_up_stage", "countdown_stage", "deliver_pending",
    "describe", "in_season", "month_label", "notification_mark_read", "notifications_of", "officer_assignments",
    "recipients", "registry", "run_alert_sweep", "save_alerts", "send_pending_emails", "subtree_overdue_alerts",
    "sweep_branches", "target_url", "term_candidates", "today", "unread_count",
]
