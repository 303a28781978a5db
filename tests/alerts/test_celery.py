"""The sweep on real infrastructure: a real Celery worker on a real Redis.

- two sweeps at once on a worker with two threads add what one sweep adds
  (the unique constraints decide, not a lock), and every recipient gets one
  e-mail;
- with Redis stopped, the pages load and a meeting can be logged (nothing in a
  web request touches Redis); once Redis is back, the next sweep catches up
  with what the missed days should have raised;
- the beat schedule is in code, in settings, daily at ALERT_SWEEP_TIME.
"""

import datetime as dt
import shutil
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections
from django.urls import reverse

from branches import alerts
from branches.alerts import sweep as alert_sweep
from branches.models import Alert, Notification
from branches.tasks import run_alert_sweep as sweep_task
from config.celery import app as project_app
from meetings.models import Meeting
from tests.branches.factories import CommitteeTermFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .conftest import Kind, alerts_of

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),  # celery's redis backend
]
DAY = dt.date(2026, 4, 1)


@contextmanager
def worker(app, *, queue: str, concurrency: int = 2):
    """A real worker (threads pool) consuming only `queue`, so that other test
    runs sharing the Redis DB never take these tasks (nor these workers theirs)."""
    def close_connections(**kwargs):
        # what celery's Django fixup does in a real worker (start_worker does not install it): a
        # worker thread's connections must not outlive its task, or the test database cannot be dropped
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            app, pool="threads", concurrency=concurrency, queues=[queue], perform_ping_check=False,
            loglevel="WARNING", shutdown_timeout=30,
        ) as w:
            yield w
    finally:
        task_postrun.disconnect(close_connections)


@pytest.fixture
def data(tree):
    """Alerts of several kinds in every branch on DAY."""
    for branch in (tree["branch"], tree["branch2"], tree["other"]):
        CommitteeTermFactory(org_unit=branch, start_date=dt.date(2023, 4, 20), due_end_date=dt.date(2026, 4, 20))
        ProbationaryMemberFactory(branch=branch, join_date=dt.date(2025, 4, 15))
        MemberFactory(branch=branch)
    return tree


def one_sweep_would_raise(day: dt.date) -> int:
    ctx = alerts.SweepContext(day, alerts.sweep_branches(), alerts.active_rules())
    return len(alerts.collect_candidates(ctx))


def test_two_sweeps_at_once_on_a_real_worker_add_what_one_sweep_adds(data, monkeypatch):
    expected = one_sweep_would_raise(DAY)
    assert expected > 10
    # line both sweeps up at the INSERT, so that they really write at the same moment
    barrier = threading.Barrier(2)
    save = alert_sweep.save_alerts

    def save_together(candidates, on):
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:  # a retried task arrives alone
            pass
        return save(candidates, on)

    monkeypatch.setattr(alert_sweep, "save_alerts", save_together)
    queue = f"dzb-test-{uuid.uuid4().hex}"

    with worker(project_app, queue=queue):
        first = sweep_task.apply_async(args=[DAY.isoformat()], queue=queue)
        second = sweep_task.apply_async(args=[DAY.isoformat()], queue=queue)
        results = [first.get(timeout=120), second.get(timeout=120)]

    assert [r["candidates"] for r in results] == [expected, expected]
    assert Alert.objects.count() == expected
    assert sum(r["new_alerts"] for r in results) >= expected  # both may deliver, neither duplicates
    pairs = list(Notification.objects.values_list("alert_id", "user_id"))
    assert len(pairs) == len(set(pairs)) > expected
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(set(recipients))  # one e-mail each, never two
    assert set(recipients) == {"sj@example.org", "sj2@example.org", "sj_b@example.org", "dw@example.org",
                               "dw_b@example.org"}


# ---------------------------------------------------------------- Redis down


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own on a free port (nothing on disk), to stop and start."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is missing: `make test` installs it")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("the private redis-server did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def is_up(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = server.url
    yield server
    server.stop()


def app_on(url: str) -> Celery:
    """The project's Celery configuration on another broker (the project app
    keeps its own connection pool to the test Redis)."""
    import branches.tasks  # noqa: F401 — registers the shared task with every app

    app = Celery("dzb-redis-down-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = app.conf.result_backend = url
    app.finalize(auto=True)
    return app


def test_with_redis_down_pages_load_a_meeting_is_logged_and_the_next_sweep_catches_up(
    data, private_redis, client, freeze
):
    branch, secretary = data["branch"], data["secretary"]
    freeze(dt.date(2026, 3, 28))
    private_redis.stop()
    assert not private_redis.is_up()

    client.force_login(secretary)
    for url in (reverse("home"), reverse("org_tree"), reverse("org_unit", args=[branch.pk]),
                reverse("meeting_list"), reverse("member_list"), reverse("notification_list"),
                reverse("meeting_calendar", args=[branch.pk, 2026])):
        started = time.monotonic()
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 2, f"{url} waited on something"
    client.force_login(data["admin"])
    assert client.get(reverse("org_unit", args=[data["committee"].pk])).status_code == 200

    client.force_login(secretary)
    response = client.post(reverse("meeting_create"), {
        "branch": branch.pk, "kinds": ["theme_day"], "date": "2026-03-28", "time": "09:30",
        "topic": "三月主题党日", "attachment_kind": "photo", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Meeting.objects.filter(branch=branch, topic="三月主题党日").exists()

    # no sweep ran from 28 March to 3 April; Redis comes back on 3 April
    private_redis.start()
    freeze(dt.date(2026, 4, 3))
    app = app_on(private_redis.url)
    queue = f"dzb-test-{uuid.uuid4().hex}"
    with worker(app, queue=queue, concurrency=1):
        result = app.tasks["branches.run_alert_sweep"].apply_async(queue=queue).get(timeout=120)

    assert result["on"] == "2026-04-03" and result["new_alerts"] > 0
    # what 1 April should have raised is there: March and Q1 overdue, in every branch but for the logged meeting
    overdue = {(a.org_unit_id, a.subject.rsplit(":", 1)[1], a.period) for a in alerts_of(Kind.MEETING_OVERDUE)}
    assert (data["branch2"].pk, "theme_day", "2026-03") in overdue
    assert (branch.pk, "theme_day", "2026-03") not in overdue
    assert (branch.pk, "branch_assembly", "2026-Q1") in overdue
    # and the term reminder of 21 March (30 days before 20 April), the probation end of 15 April
    assert {a.org_unit_id for a in alerts_of(Kind.TERM_EXPIRING, stage="30")} == {
        branch.pk, data["branch2"].pk, data["other"].pk}
    assert len(alerts_of(Kind.PROBATION_ENDING)) == 3
    assert Notification.objects.filter(user=secretary, read_at__isnull=True).exists()


# ---------------------------------------------------------------- the beat schedule


def test_the_daily_sweep_is_scheduled_in_code():
    entry = settings.CELERY_BEAT_SCHEDULE["alert-sweep"]
    hour, minute = (int(p) for p in settings.ALERT_SWEEP_TIME.split(":"))

    assert entry["task"] == "branches.run_alert_sweep" == sweep_task.name
    assert entry["task"] in project_app.tasks
    assert entry["schedule"].hour == {hour} and entry["schedule"].minute == {minute}
    assert settings.ALERT_SWEEP_TIME == "06:30" and settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert sweep_task.acks_late is True


def test_the_beat_database_scheduler_installs_the_schedule(db):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=project_app, lazy=True).setup_schedule()

    task = PeriodicTask.objects.get(name="alert-sweep")
    assert task.task == "branches.run_alert_sweep" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("6", "30")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
