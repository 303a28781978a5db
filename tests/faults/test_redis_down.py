"""Redis stopped (the broker and result store of Celery): every page, logging a
meeting on the form and through the API keep working without waiting on it;
once Redis is back, a job sent to it is queued and done.

A private redis-server on a free port (tests/alerts/test_celery.py), the
settings pointed at it, then stopped."""

import datetime as dt
import time
import uuid

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from meetings.models import Meeting
from tests.alerts.test_celery import app_on, private_redis, worker  # noqa: F401 — a fixture used here

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]


def test_with_redis_stopped_pages_and_meeting_logging_work_and_jobs_run_when_it_is_back(
    data, private_redis, client, api_client, freeze  # noqa: F811
):
    branch, secretary = data["branch"], data["secretary"]
    freeze(dt.date(2026, 3, 28))
    private_redis.stop()
    assert not private_redis.is_up()

    client.force_login(secretary)
    for url in (reverse("home"), reverse("org_tree"), reverse("org_unit", args=[branch.pk]), reverse("meeting_list"),
                reverse("meeting_create") + f"?branch={branch.pk}", reverse("member_list"),
                reverse("notification_list"), reverse("meeting_calendar", args=[branch.pk, 2026])):
        started = time.monotonic()
        assert client.get(url, follow=True).status_code == 200, url
        assert time.monotonic() - started < 2, f"{url} waited on Redis"

    response = client.post(reverse("meeting_create"), {
        "branch": branch.pk, "kinds": ["theme_day"], "date": "2026-03-28", "time": "09:30", "topic": "停机时的主题党日",
        "attachment_kind": "photo", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Meeting.objects.get(topic="停机时的主题党日").attendance.count() == 2

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=secretary).key}")
    response = api_client.post("/api/v1/meetings/", {"branch": branch.pk, "kinds": ["theme_day"],
                                                     "held_at": "2026-03-27T15:00:00+08:00", "topic": "停机时的接口记录"},
                               format="json")
    assert response.status_code == 201, response.content
    assert api_client.get(f"/api/v1/meetings/{response.json()['id']}/").status_code == 200

    # Redis is back: a job sent now is queued, and the worker does it
    private_redis.start()
    app = app_on(private_redis.url)
    queue = f"dzb-test-{uuid.uuid4().hex}"
    sent = app.tasks["branches.run_alert_sweep"].apply_async(args=["2026-04-01"], queue=queue)
    with worker(app, queue=queue, concurrency=1):
        result = sent.get(timeout=120)
    assert result["on"] == "2026-04-01" and result["new_alerts"] > 0
