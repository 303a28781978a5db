"""Fault tests share the alert tests' organisation tree, rules and clock."""

import datetime as dt

import pytest
from django.conf import settings

from tests.alerts.conftest import alert_rules, freeze, tree  # noqa: F401 — fixtures used here
from tests.branches.factories import CommitteeTermFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

# A dropped database connection is a client/server fault (an SQLite file has none to lose), and a
# worker process cannot share the in-memory SQLite test database.
collect_ignore = [] if "postgresql" in settings.DATABASES["default"]["ENGINE"] else ["test_database_drop.py", "test_worker_killed.py"]


@pytest.fixture
def data(tree):  # noqa: F811
    """Two members in every branch and alerts of several kinds due on 1 April 2026."""
    for branch in (tree["branch"], tree["branch2"], tree["other"]):
        CommitteeTermFactory(org_unit=branch, start_date=dt.date(2023, 4, 20), due_end_date=dt.date(2026, 4, 20))
        ProbationaryMemberFactory(branch=branch, join_date=dt.date(2025, 4, 15))
        MemberFactory(branch=branch)
    return tree
