import datetime as dt
import importlib

import pytest
from django.utils import timezone

from branches.alerts import run_alert_sweep
from branches.models import Alert, AlertRule, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

Role = RoleAssignment.Role
Kind = Alert.Kind


def seed_default_rules():
    """The SPEC §7 rule rows of the data migration (a transactional test may
    run after another one has flushed them)."""
    migration = importlib.import_module("branches.migrations.0007_default_alert_rules")
    from django.apps import apps

    migration.create_rules(apps, None)


@pytest.fixture(autouse=True)
def alert_rules(db):
    seed_default_rules()
    return {r.kind: r for r in AlertRule.objects.all()}


@pytest.fixture
def freeze(monkeypatch):
    """freeze(day): from now on `timezone.now()` (hence `localdate()`, auto_now
    fields, the sweep's "today") is 09:00 Asia/Shanghai on that day."""

    def set_day(day: dt.date):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return day

    return set_day


@pytest.fixture
def sweep(freeze):
    """sweep(day) freezes the clock on that day and runs the sweep as the beat would (no date given)."""

    def run(day: dt.date, **kwargs):
        freeze(day)
        return run_alert_sweep(**kwargs)

    return run


@pytest.fixture
def tree(db):
    """市委 (组织部) → 党委 (admin) → two 党支部 with a 书记 each; and an unrelated 党委 with its own branch."""
    root = CommitteeFactory(name="市直机关工委")
    committee = CommitteeFactory(name="甲党委", parent=root)
    other_committee = CommitteeFactory(name="乙党委", parent=root)
    branch = BranchFactory(name="甲一支部", parent=committee, founded_on=dt.date(2015, 1, 1))
    branch2 = BranchFactory(name="甲二支部", parent=committee, founded_on=dt.date(2015, 1, 1))
    other = BranchFactory(name="乙一支部", parent=other_committee, founded_on=dt.date(2015, 1, 1))

    def officer(role, unit, username):
        user = UserFactory(username=username, email=f"{username}@example.org")
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
        return user

    return {
        "root": root,
        "committee": committee,
        "other_committee": other_committee,
        "branch": branch,
        "branch2": branch2,
        "other": other,
        "org_department": officer(Role.ORG_DEPARTMENT, root, "zzb"),
        "admin": officer(Role.COMMITTEE_ADMIN, committee, "dw"),
        "other_admin": officer(Role.COMMITTEE_ADMIN, other_committee, "dw_b"),
        "secretary": officer(Role.BRANCH_SECRETARY, branch, "sj"),
        "secretary2": officer(Role.BRANCH_SECRETARY, branch2, "sj2"),
        "other_secretary": officer(Role.BRANCH_SECRETARY, other, "sj_b"),
    }


def alerts_of(kind, **filters):
    return list(Alert.objects.filter(kind=kind, **filters).order_by("id"))
