"""A Celery worker killed with SIGKILL in the middle of the alert sweep (the
machine lost, the OOM killer): the broker hands the unacknowledged task to the
next worker (acks_late + the visibility timeout), it runs again and completes
once — the killed run wrote nothing, and the rerun adds each alert and each
notification exactly once.

Real processes: a `celery worker` (prefork) against the test database and the
test Redis, on a queue of its own. The sweep is held at its INSERT by a lock
this test takes on the alert table, so the kill lands mid-sweep for certain.
PostgreSQL only (the worker process shares the test database; tests/faults/
conftest.py leaves this module out on SQLite).
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from branches import alerts
from branches.models import Alert, Notification
from tests.alerts.test_celery import app_on

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]
DAY = dt.date(2026, 4, 1)
BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")


def raw_connection(**kwargs) -> psycopg.Connection:
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"],
              "port": db["PORT"]}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, **kwargs)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "TEST_REDIS_URL": settings.CELERY_BROKER_URL, "CELERY_VISIBILITY_TIMEOUT": "3"}
    return subprocess.Popen(
        [str(CELERY), "-A", "config", "worker", "-Q", queue, "--pool", "prefork", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def kill_worker_while_blocked(queue: str, log: Path, *, lock: str, waiting: str, what: str, send):
    """Hold `lock` (an SQL statement) so that the task `send()` queues blocks at
    the statement matching `waiting` (a LIKE pattern), start a worker, and kill
    it — with its pool process — with SIGKILL once it waits there. Returns the
    task's AsyncResult (not acknowledged: the next worker gets it back)."""
    held = raw_connection()
    held.execute(lock)
    first = start_worker(queue, log)
    try:
        result = send()
        with raw_connection(autocommit=True) as watch:
            wait_for(lambda: watch.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND query LIKE %s", [waiting]).fetchone(), 120, what)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        held.rollback()
        held.close()
    return result


def test_a_worker_killed_mid_sweep_is_redelivered_and_the_sweep_completes_once(data, tmp_path):
    ctx = alerts.SweepContext(DAY, alerts.sweep_branches(), alerts.active_rules())
    expected = len(alerts.collect_candidates(ctx))
    assert expected > 10
    queue = f"dzb-test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    connection.close()  # the worker and the lock below use their own connections

    app = app_on(settings.CELERY_BROKER_URL)  # the project's Celery configuration on the test Redis
    result = kill_worker_while_blocked(  # mid-sweep
        queue, log,
        lock="LOCK TABLE branches_alert IN SHARE ROW EXCLUSIVE MODE",  # reads pass, the INSERT waits
        waiting='INSERT INTO "branches_alert"%', what="the sweep to reach its INSERT",
        send=lambda: app.tasks["branches.run_alert_sweep"].apply_async(args=[DAY.isoformat()], queue=queue),
    )

    assert Alert.objects.count() == 0  # the killed sweep wrote nothing
    assert not result.ready()

    second = start_worker(queue, log)  # the next worker: gets the unacknowledged task back
    try:
        outcome = result.get(timeout=180)
    finally:
        second.terminate()
        second.wait(timeout=60)

    assert outcome["candidates"] == expected and outcome["new_alerts"] == expected
    assert Alert.objects.count() == expected
    pairs = list(Notification.objects.values_list("alert_id", "user_id"))
    assert len(pairs) == len(set(pairs)) > expected
    assert not Notification.objects.filter(email_due=True, emailed_at__isnull=True).exists()
    text = log.read_text(errors="replace")
    assert text.count("Task branches.run_alert_sweep") >= 2  # received by the killed worker, then by the next
    assert text.count("succeeded") == 1
