"""The dashboard's panels are cached under the data tokens (ScoresVersion, the
org tree's RuleFactsVersion and the newest alert): a warm read is the token
query alone, and any snapshot written — by a save, by the bulk refresh of
`score_branches`, or deleted — or alert raised is seen at once; a rolled-back
write changes nothing."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.dashboard import FLAG_ALERTS, dashboard_data
from assessment.models import ScoreSnapshot, ScoresVersion
from assessment.services import snapshots_refresh
from branches.models import Alert, AlertKind, OrgUnit, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

from .dashboard_helpers import default_card, snapshot

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def unit():
    cache.clear()
    card = default_card()
    unit = CommitteeFactory(name="测试党委", parent=CommitteeFactory(name="工委"))
    for n, lost in enumerate((0, 15, 45)):
        branch = BranchFactory(name=f"支部{n}", parent=unit)
        snapshot(branch, YEAR, card=card, lost={"C1": lost})
        snapshot(branch, YEAR - 1, card=card)
    return unit


def grades(unit) -> dict:
    return {g.grade: g.count for g in dashboard_data(unit, YEAR).grades}


def token() -> str:
    return ScoresVersion.objects.get(pk=1).token


def test_a_warm_read_is_the_token_query_alone(unit):
    cold = dashboard_data(unit, YEAR)
    with CaptureQueriesContext(connection) as warm:
        again = dashboard_data(unit, YEAR)
    assert again == cold
    assert len(warm) == 1, [q["sql"] for q in warm.captured_queries]


def test_the_bulk_refresh_of_score_branches_is_seen_at_once(unit):
    assert dashboard_data(unit, YEAR).freshness.scored == 3
    new = BranchFactory(name="新支部", parent=unit)
    before = token()
    assert snapshots_refresh(branches=[new], year=YEAR, on=dt.date(YEAR, 12, 1)) == (1, 0, 0)
    assert token() != before
    assert dashboard_data(unit, YEAR).freshness.scored == 4


def test_a_deleted_snapshot_of_an_earlier_year_leaves_the_trend_at_once(unit):
    assert [t.branches for t in dashboard_data(unit, YEAR).trend] == [0, 3, 3]
    ScoreSnapshot.objects.filter(year=YEAR - 1, branch__name="支部0").get().delete()
    assert [t.branches for t in dashboard_data(unit, YEAR).trend] == [0, 2, 3]


def test_a_rolled_back_snapshot_write_changes_neither_the_token_nor_the_panels(unit):
    shown = grades(unit)
    before = token()
    with pytest.raises(RuntimeError), transaction.atomic():
        snap = ScoreSnapshot.objects.get(year=YEAR, branch__name="支部2")
        snap.grade = ScoreSnapshot.Grade.DEMONSTRATION
        snap.save()
        raise RuntimeError
    assert token() == before and grades(unit) == shown


def test_without_the_version_row_nothing_is_cached(unit):
    ScoresVersion.objects.all().delete()
    shown = grades(unit)
    ScoreSnapshot.objects.filter(year=YEAR, branch__name="支部2").update(grade=ScoreSnapshot.Grade.PASS)
    assert grades(unit) != shown  # an update() sends no signal; only no caching at all sees it


def test_a_new_overdue_alert_is_counted_at_once_though_the_count_is_cached(unit):
    def alerted():
        return next(a.branches for a in dashboard_data(unit, YEAR).attention if a.flag == FLAG_ALERTS)

    assert alerted() == 0
    branch = OrgUnit.objects.get(name="支部1")
    for period in ("2026-Q3", "2026-Q4"):  # two alerts of one branch: one branch
        Alert.objects.create(kind=AlertKind.MEETING_OVERDUE, level=Alert.Level.OVERDUE, org_unit=branch,
                             subject="branch_assembly", period=period, raised_on=timezone.localdate())
    assert alerted() == 1


def test_a_revoked_grant_closes_the_dashboard_at_once_though_the_scope_is_cached(client, unit):
    user = UserFactory()
    grant = RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.COMMITTEE_ADMIN, org_unit=unit)
    client.force_login(user)
    for _ in range(2):  # the second request takes the user's scope from the cache
        assert client.get(reverse("dashboard"), {"org": unit.pk, "year": YEAR}).status_code == 200
    grant.delete()
    assert client.get(reverse("dashboard"), {"org": unit.pk, "year": YEAR}).status_code == 403
    assert client.get(reverse("api-dashboard"), {"org": unit.pk, "year": YEAR}).status_code == 403
