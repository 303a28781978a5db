"""Locust users for bench/dashboard_load.py. Does NOT import Django (locust
and Django in one process crash): the signed-in sessions come from the
environment, made by the driver script.

    BENCH_PATH=/dashboard/?org=3&year=2026 BENCH_SESSIONS=key1,key2,…
"""

import itertools
import os

from locust import HttpUser, between, task

PATH = os.environ["BENCH_PATH"]
SESSIONS = itertools.cycle(os.environ["BENCH_SESSIONS"].split(","))
THINK = float(os.environ.get("BENCH_THINK", "1.0"))


class CommitteeUser(HttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5) if THINK else between(0, 0)

    def on_start(self):
        self.client.cookies.set("sessionid", next(SESSIONS))

    @task
    def open_page(self):
        with self.client.get(PATH, name="page", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
