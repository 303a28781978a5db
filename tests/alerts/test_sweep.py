"""The sweep: idempotent (the database's unique constraints decide), a fixed
number of queries for any number of branches, e-mail sent once, the rules
as data, and a new kind as one function plus one rule row."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from branches import alerts
from branches.alerts import Candidate, alert_kind, run_alert_sweep
from branches.alerts import core as alert_core
from branches.alerts import sweep as alert_sweep
from branches.models import Alert, AlertRule, Notification, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, CommitteeTermFactory, UserFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .conftest import Kind, Role, alerts_of

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 1)


@pytest.fixture
def busy_tree(tree):
    """Alerts of several kinds: overdue meetings, a term ending, probation ending."""
    CommitteeTermFactory(org_unit=tree["branch"], start_date=dt.date(2023, 4, 20), due_end_date=dt.date(2026, 4, 20))
    ProbationaryMemberFactory(branch=tree["branch2"], join_date=dt.date(2025, 4, 15))
    MemberFactory(branch=tree["other"])
    return tree


def counts():
    return Alert.objects.count(), Notification.objects.count(), Notification.objects.filter(read_at__isnull=True).count()


def test_re_running_the_sweep_adds_nothing(busy_tree, sweep):
    first = sweep(DAY)
    before, outbox = counts(), len(mail.outbox)
    assert first.new_alerts == before[0] > 5 and first.notifications == before[1]
    assert outbox > 0

    second = sweep(DAY)

    assert counts() == before
    assert second.new_alerts == 0 and second.notifications == 0 and second.emails == 0
    assert len(mail.outbox) == outbox


def test_the_next_day_adds_only_what_is_new(busy_tree, sweep):
    sweep(DAY)
    before = Alert.objects.count()

    sweep(DAY + dt.timedelta(days=1))

    new = Alert.objects.filter(raised_on=DAY + dt.timedelta(days=1))
    assert Alert.objects.count() == before + new.count()
    assert all(a.kind != Kind.MEETING_OVERDUE for a in new)  # March was raised yesterday, once


def test_the_database_refuses_a_second_alert_for_the_same_kind_subject_period_and_stage(tree):
    fields = {"kind": Kind.TERM_EXPIRING, "org_unit": tree["branch"], "subject": "term:1", "period": "2026-09-20",
              "stage": "90", "raised_on": DAY}
    Alert.objects.create(**fields)
    Alert.objects.create(**{**fields, "stage": "30"})  # another stage is another alert
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(**fields)


def test_the_database_refuses_a_second_notification_of_an_alert_for_a_user(tree):
    alert = Alert.objects.create(kind=Kind.TERM_OVERDUE, org_unit=tree["branch"], subject="term:1", period="x",
                                 raised_on=DAY)
    Notification.objects.create(alert=alert, user=tree["secretary"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(alert=alert, user=tree["secretary"])


def _city(n: int):
    """n branches under one 党委, each with a 书记 (with e-mail), a term ending in
    30 days and a 预备党员 whose probation ends in 20: two alerts per branch."""
    committee = CommitteeFactory()
    admin = UserFactory(email="admin@example.org")
    RoleAssignment.objects.create(user=admin, role=Role.COMMITTEE_ADMIN, org_unit=committee)
    for _ in range(n):
        # founded this month: no meeting period has ended yet, so no meeting alerts
        branch = BranchFactory(parent=committee, founded_on=dt.date(2026, 3, 1))
        user = UserFactory(email="sj@example.org")
        RoleAssignment.objects.create(user=user, role=Role.BRANCH_SECRETARY, org_unit=branch)
        CommitteeTermFactory(org_unit=branch, start_date=dt.date(2023, 4, 14), due_end_date=dt.date(2026, 4, 14))
        ProbationaryMemberFactory(branch=branch, join_date=dt.date(2025, 4, 4))
        MemberFactory(branch=branch)


def test_a_sweep_runs_the_same_number_of_queries_for_3_and_30_branches(freeze):
    freeze(dt.date(2026, 3, 15))

    def queries(n):
        with transaction.atomic():
            _city(n)
            with CaptureQueriesContext(connection) as ctx:
                result = run_alert_sweep()
            assert result.candidates == result.new_alerts == 2 * n
            assert result.emails == n + 1  # one message per recipient
            transaction.set_rollback(True)
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def test_one_email_per_recipient_listing_their_alerts(busy_tree, sweep):
    sweep(DAY)

    to_secretary = [m for m in mail.outbox if m.to == ["sj@example.org"]]
    assert len(to_secretary) == 1
    body = to_secretary[0].body
    assert "甲一支部" in body and "[换届提醒]" in body and "[会议逾期]" in body
    assert "条新提醒" in to_secretary[0].subject
    assert not Notification.objects.filter(email_due=True, emailed_at__isnull=True).exists()


def test_users_without_an_email_address_get_no_email_but_the_notification(busy_tree, sweep):
    busy_tree["secretary"].email = ""
    busy_tree["secretary"].save()

    sweep(DAY)

    assert Notification.objects.filter(user=busy_tree["secretary"]).exists()
    assert not any(m.to == ["sj@example.org"] for m in mail.outbox)


def test_an_email_claimed_by_another_worker_is_not_sent_again(busy_tree, sweep, monkeypatch):
    monkeypatch.setattr(alert_sweep, "send_pending_emails", lambda: 0)
    sweep(DAY)
    monkeypatch.undo()
    pending = Notification.objects.filter(email_due=True, emailed_at__isnull=True)
    assert pending.exists()
    # the other worker's UPDATE … WHERE emailed_at IS NULL came first
    pending.update(emailed_at=dt.datetime(2026, 4, 1, 1, tzinfo=dt.UTC), email_batch="00000000-0000-0000-0000-000000000001")

    assert alerts.send_pending_emails() == 0
    assert mail.outbox == []


def test_a_failed_email_is_sent_by_the_next_sweep(busy_tree, sweep, monkeypatch):
    from django.core.mail.backends import locmem

    def broken(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", broken)
    sweep(DAY)
    assert mail.outbox == []
    assert Notification.objects.filter(email_due=True, emailed_at__isnull=True).exists()

    monkeypatch.undo()
    result = sweep(DAY)

    assert result.emails == len(mail.outbox) > 0
    assert not Notification.objects.filter(email_due=True, emailed_at__isnull=True).exists()


def test_email_false_creates_notifications_that_are_never_emailed(busy_tree, sweep):
    sweep(DAY, email=False)
    sweep(DAY)

    assert Notification.objects.exists()
    assert mail.outbox == []


# ---------------------------------------------------------------- the rules are data


def test_lead_time_comes_from_the_rule_row(tree, sweep):
    AlertRule.objects.filter(kind=Kind.MEETING_DUE).update(stages=[3])

    sweep(dt.date(2026, 3, 24))
    assert alerts_of(Kind.MEETING_DUE) == []
    sweep(dt.date(2026, 3, 28))
    assert {a.stage for a in alerts_of(Kind.MEETING_DUE)} == {"3"}


def test_an_inactive_rule_raises_nothing(busy_tree, sweep):
    AlertRule.objects.filter(kind=Kind.MEETING_OVERDUE).update(is_active=False)

    sweep(DAY)

    assert alerts_of(Kind.MEETING_OVERDUE) == []
    assert alerts_of(Kind.TERM_EXPIRING)  # the other kinds still fire


def test_recipients_come_from_the_rule_row(tree, sweep):
    AlertRule.objects.filter(kind=Kind.MEETING_OVERDUE).update(notify_org_department=True, notify_superior=False,
                                                               send_email=False)

    sweep(DAY)

    alert = alerts_of(Kind.MEETING_OVERDUE, org_unit=tree["branch"])[0]
    assert set(alert.notifications.values_list("user__username", flat=True)) == {"sj", "zzb"}
    assert mail.outbox == []


def test_a_new_kind_is_one_function_and_one_rule_row(tree, sweep, monkeypatch):
    """验收截止 comes with the acceptance campaign: register its function, switch its row on."""
    monkeypatch.setattr(alert_core, "_REGISTRY", dict(alerts.registry()))

    @alert_kind(Kind.ACCEPTANCE_DUE, describe=lambda facts, alert: f"{facts['branch']}：自评截止{alert.period}")
    def acceptance_due(ctx, rule):
        return [Candidate(kind=Kind.ACCEPTANCE_DUE, org_unit_id=pk, subject=f"branch:{pk}", period="2027-05-31",
                          stage="14", facts={"branch": ctx.names[pk]}) for pk in ctx.branch_ids]

    AlertRule.objects.filter(kind=Kind.ACCEPTANCE_DUE).update(is_active=False)
    sweep(DAY)
    assert alerts_of(Kind.ACCEPTANCE_DUE) == []  # a rule switched off raises nothing

    AlertRule.objects.filter(kind=Kind.ACCEPTANCE_DUE).update(is_active=True, notify_superior=True)
    sweep(DAY)

    raised = alerts_of(Kind.ACCEPTANCE_DUE, org_unit=tree["branch"])
    assert [a.message for a in raised] == ["甲一支部：自评截止2027-05-31"]
    assert set(raised[0].notifications.values_list("user__username", flat=True)) == {"sj", "dw"}


def test_the_management_command_runs_the_sweep_for_a_given_day(tree, capsys):
    call_command("run_alert_sweep", "--date", "2026-04-01", "--no-email")

    out = capsys.readouterr().out
    assert "提醒扫描完成（2026-04-01）" in out and "会议逾期" in out
    assert alerts_of(Kind.MEETING_OVERDUE, period="2026-03")
    assert mail.outbox == []
