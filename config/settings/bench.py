"""Benchmarks only (bench/): the local settings without DEBUG, plus the floor
view of config.bench_urls. Never used in production: the production URLs
(config.urls) do not contain the floor."""

from .local import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "config.bench_urls"
