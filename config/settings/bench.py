"""Load benchmarks (bench/): the local settings without DEBUG, plus a floor
view — the cheapest authenticated Django page — that only these settings route."""

from .local import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "config.bench_urls"
