#!/usr/bin/env python
"""The deployment past one machine, on loopback (README: 部署; `make deploy-check`):
two gunicorn instances and two Celery workers, production settings, against ONE
PostgreSQL database and ONE Redis, as separate hosts would run them.

1. a scratch PostgreSQL database (DROPPED and recreated: its name must contain
   "check", "scratch" or "tmp"), migrated, the demo data, collectstatic;
2. a private redis-server on a free loopback port;
3. gunicorn on two ports (2 workers each), two Celery workers (`-Q
   default,reports,alerts`, one process each, distinct node names);
4. requests to both instances: the login page and a static file on each; a
   session opened on one is valid on the other (sessions in the shared
   database); concurrent page loads spread over both, all answered;
5. the alert sweep, from an empty alert table, sent twice at once — the two
   workers take one each — then a third time: the alert table holds one sweep's alerts, no duplicate alert nor
   notification, and the third run adds nothing.

    DEPLOY_CHECK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dzb_deploy_check .venv/bin/python deploy/multiproc_check.py

Exits 0 when every check holds; leaves the logs in var/deploy-check/.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = BASE_DIR / ".venv" / "bin"
LOGS = BASE_DIR / "var" / "deploy-check"
PASSWORD = "demo12345"  # seed_demo's accounts
FAILURES: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  [{'OK' if ok else 'FAIL'}] {what}")
    if not ok:
        FAILURES.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"port {port} did not open in {timeout:.0f} s")


def recreate_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not any(word in name for word in ("check", "scratch", "tmp")):
        sys.exit(f"拒绝重建数据库 {name}：库名须包含 check、scratch 或 tmp。")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Http:
    """A tiny HTTP client to one instance, as nginx forwards to it (X-Forwarded-Proto: https)."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, body: str | None = None, cookies: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict, str, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        head = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1", **(headers or {})}
        if cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), text, set_cookies


def login(client: Http, username: str) -> dict:
    status, _, page, cookies = client.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    from urllib.parse import urlencode

    status, headers, _, new = client.request(
        "POST", "/accounts/login/", body=urlencode({"username": username, "password": PASSWORD,
                                                     "csrfmiddlewaretoken": token}),
        cookies=cookies, headers={"Referer": "https://127.0.0.1/accounts/login/", "Origin": "https://127.0.0.1"})
    if status != 302:
        sys.exit(f"login of {username} failed: HTTP {status}")
    return {**cookies, **new}


def main() -> int:
    url = os.environ.get("DEPLOY_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dzb_deploy_check")
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob("*.log"):
        old.unlink()
    shared = Path(tempfile.mkdtemp(prefix="dzb-deploy-check-"))  # the "shared volume": media and static
    redis_port = free_port()
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{redis_port}/0",
        "SECRET_KEY": "deploy-check-" + os.urandom(24).hex(),
        "ID_NUMBER_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(shared / "media"),
        "STATIC_ROOT": str(shared / "static"),
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
    }
    processes: list[subprocess.Popen] = []

    def start(name: str, cmd: list[str]) -> subprocess.Popen:
        log = (LOGS / f"{name}.log").open("ab")
        proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        processes.append(proc)
        return proc

    def manage(*args: str) -> None:
        subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=BASE_DIR, env=env, check=True)

    try:
        print(f"1. 数据库 {url}（重建）、迁移、演示数据、collectstatic")
        recreate_database(url)
        manage("migrate", "--noinput", "-v0")
        manage("seed_demo", "-v0")
        manage("collectstatic", "--noinput", "-v0")

        print(f"2. Redis 127.0.0.1:{redis_port}")
        redis_server = shutil.which("redis-server")
        if not redis_server:
            sys.exit("redis-server is missing (make setup installs it)")
        start("redis", [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no"])
        wait_port(redis_port)

        ports = [free_port(), free_port()]
        print(f"3. gunicorn ×2（127.0.0.1:{ports[0]}、:{ports[1]}，各 2 个进程）、Celery worker ×2（w1、w2）")
        for i, port in enumerate(ports, start=1):
            start(f"gunicorn{i}", [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                                   "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"])
        for i in (1, 2):
            start(f"celery-w{i}", [str(BIN / "celery"), "-A", "config", "worker", "-Q", "default,reports,alerts",
                                    "-n", f"w{i}@%h", "-c", "1", "--pool", "prefork", "-l", "info",
                                    "--without-gossip", "--without-mingle"])
        for port in ports:
            wait_port(port)
        return checks(env, ports)
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(shared, ignore_errors=True)


def checks(env: dict, ports: list[int]) -> int:
    a, b = Http(ports[0]), Http(ports[1])
    print("4. 两个实例的请求")
    for client in (a, b):
        status, _, page, _ = client.request("GET", "/accounts/login/")
        check(status == 200 and "csrfmiddlewaretoken" in page, f":{client.port} 登录页 200")
        css = re.search(r'href="(/static/[^"]+\.css)"', page)
        status = client.request("GET", css.group(1))[0] if css else None
        check(status == 200, f":{client.port} 静态文件 {css.group(1) if css else '?'} 200（collectstatic 后的清单文件名）")
    cookies = login(a, "sj1")
    status, _, page, _ = b.request("GET", "/meetings/", cookies=cookies)
    check(status == 200, f"在 :{a.port} 登录的会话在 :{b.port} 有效（会话存于共享的 PostgreSQL）")

    def load(i: int) -> tuple[int, int, float]:
        client = (a, b)[i % 2]
        started = time.perf_counter()
        status = client.request("GET", ("/", "/meetings/", "/org/", "/members/")[i // 2 % 4], cookies=cookies)[0]
        return client.port, status, time.perf_counter() - started

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(load, range(80)))
    by_port = {p: [r for r in results if r[0] == p] for p in ports}
    for port, rows in by_port.items():
        times = sorted(r[2] for r in rows)
        print(f"     :{port} {len(rows)} 个请求，中位 {statistics.median(times) * 1000:.0f} ms，"
              f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms")
    check(all(r[1] == 200 for r in results), "80 个并发请求（8 路）分到两个实例，全部 200")

    print("5. 提醒扫描：清空提醒表后同时发两次（两个 worker 各取一次），再发第三次")
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Count

    from branches.models import Alert, Notification
    from branches.tasks import run_alert_sweep
    from config.celery import app

    check(app.conf.task_routes["branches.run_alert_sweep"] == {"queue": "alerts"}, "提醒任务走 alerts 队列")
    Notification.objects.all().delete()  # seed_demo swept once: start from an empty alert table
    Alert.objects.all().delete()
    first, second = run_alert_sweep.delay(), run_alert_sweep.delay()
    one, two = first.get(timeout=600), second.get(timeout=600)
    print(f"     两次扫描：应有提醒 {one['candidates']} / {two['candidates']}，"
          f"本次投递 {one['new_alerts']} / {two['new_alerts']}，用时 {one['seconds']} / {two['seconds']} 秒")
    received = re.compile(r"Task branches\.run_alert_sweep\[[^\]]+\] received")
    took = {w: len(received.findall((LOGS / f"celery-{w}.log").read_text(errors="replace"))) for w in ("w1", "w2")}
    check(took == {"w1": 1, "w2": 1}, f"两个 worker 各执行了一次扫描（w1 收到 {took['w1']} 次，w2 收到 {took['w2']} 次）")
    alerts = Alert.objects.count()
    check(one["candidates"] > 0 and alerts == one["candidates"] == two["candidates"]
          and one["new_alerts"] + two["new_alerts"] >= alerts,
          f"提醒表 {alerts} 条 = 一次扫描的应有提醒 {one['candidates']} 条")
    duplicates = (Alert.objects.values("kind", "subject", "period", "stage").annotate(n=Count("id"))
                  .filter(n__gt=1).count())
    check(duplicates == 0, "没有重复提醒（kind, subject, period, stage）")
    pairs = list(Notification.objects.values_list("alert_id", "user_id"))
    check(len(pairs) == len(set(pairs)) > 0, f"没有重复通知（{len(pairs)} 条，每人每条提醒一条）")
    third = run_alert_sweep.delay().get(timeout=600)
    check(third["new_alerts"] == 0 and Alert.objects.count() == alerts, "第三次扫描不新增任何提醒")

    print("\n结果：" + ("全部通过" if not FAILURES else f"{len(FAILURES)} 项失败：" + "；".join(FAILURES)))
    print(f"日志：{LOGS}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
