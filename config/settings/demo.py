"""`make run`: the product as its users see it on a workstation — DEBUG off, the
project's own 404/500 pages, static files served by WhiteNoise straight from the
finders (no collectstatic step to forget), loopback hosts only. Development with
the debug pages and autoreload is `make dev` (config.settings.local)."""

from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# WhiteNoise serves static/ and the apps' static files from the finders: the same
# URLs {% static %} renders with CompressedStaticFilesStorage, without a collectstatic.
WHITENOISE_USE_FINDERS = True
