"""/api/v1/notifications/ (one's own) and /api/v1/alerts/ (scoped through the
scoping selector), with filters and the read actions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.alerts import run_alert_sweep
from branches.models import Notification
from tests.branches.factories import UserFactory

from .conftest import Kind

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 1)


@pytest.fixture
def swept(tree, sweep):
    sweep(DAY)
    return tree


def test_notifications_are_the_users_own(api_client, swept):
    api_client.force_login(swept["secretary"])

    body = api_client.get("/api/v1/notifications/").json()

    mine = Notification.objects.filter(user=swept["secretary"]).count()
    assert body["count"] == mine > 0
    first = body["results"][0]
    assert first["is_read"] is False
    assert first["alert"]["org_unit_name"] == "甲一支部"
    assert first["alert"]["kind"] in {Kind.MEETING_OVERDUE, Kind.MEETING_DUE}
    assert "甲一支部" in first["alert"]["message"]
    assert first["alert"]["url"].startswith("/meetings/calendar/")


def test_someone_elses_notification_is_404(api_client, swept):
    theirs = Notification.objects.filter(user=swept["other_secretary"]).first()
    api_client.force_login(swept["secretary"])

    assert api_client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_read_one_all_and_the_unread_count(api_client, swept):
    user = swept["secretary"]
    api_client.force_login(user)
    total = Notification.objects.filter(user=user).count()
    first = Notification.objects.filter(user=user).first()

    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": total}
    response = api_client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api_client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == total - 1

    response = api_client.post("/api/v1/notifications/read-all/", {"kind": Kind.MEETING_OVERDUE}, format="json")
    assert response.json() == {"count": total - 1}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_read_all_refuses_an_unknown_kind_in_chinese(api_client, swept):
    api_client.force_login(swept["secretary"])

    response = api_client.post("/api/v1/notifications/read-all/", {"kind": "nope"}, format="json")

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_the_committee_sees_its_subtrees_overdue_alerts(api_client, swept):
    api_client.force_login(swept["admin"])

    body = api_client.get("/api/v1/alerts/", {"within": swept["committee"].pk, "level": "overdue",
                                              "page_size": 500}).json()

    units = {row["org_unit_name"] for row in body["results"]}
    assert units == {"甲一支部", "甲二支部"}


def test_alerts_outside_the_users_scope_are_invisible(api_client, swept):
    api_client.force_login(swept["other_admin"])

    assert api_client.get("/api/v1/alerts/", {"within": swept["committee"].pk}).json()["count"] == 0
    mine = api_client.get("/api/v1/alerts/", {"page_size": 500}).json()["results"]
    assert {row["org_unit_name"] for row in mine} == {"乙一支部"}


def test_a_user_without_a_role_sees_no_alerts(api_client, swept):
    api_client.force_login(UserFactory())

    assert api_client.get("/api/v1/alerts/").json()["count"] == 0
    assert api_client.get("/api/v1/notifications/").json()["count"] == 0


def test_list_queries_do_not_grow_with_rows(api_client, swept):
    api_client.force_login(swept["admin"])

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries("/api/v1/alerts/")  # the first call fills the scope cached under the org tree's token
    before = (queries("/api/v1/notifications/"), queries("/api/v1/alerts/"))
    run_alert_sweep(on=DAY + dt.timedelta(days=30))  # April overdue too
    assert Notification.objects.filter(user=swept["admin"]).count() > 6
    assert (queries("/api/v1/notifications/"), queries("/api/v1/alerts/")) == before


def test_anonymous_calls_are_refused(api_client, db):
    assert api_client.get("/api/v1/notifications/").status_code == 401
    assert api_client.get("/api/v1/alerts/").status_code == 401


def test_each_alert_lists_its_recipients(api_client, swept):
    api_client.force_login(swept["admin"])

    rows = api_client.get("/api/v1/alerts/", {"within": swept["committee"].pk, "page_size": 500}).json()["results"]

    assert rows
    for row in rows:
        delivered = set(Notification.objects.filter(alert_id=row["id"]).values_list("user__username", flat=True))
        assert {r["username"] for r in row["recipients"]} == delivered
    secretary = swept["secretary"].username
    assert any(r["username"] == secretary and r["is_read"] is False for row in rows for r in row["recipients"])
