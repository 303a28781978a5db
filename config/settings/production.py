"""Production: the default of config/wsgi.py and config/celery.py. PostgreSQL
(DATABASE_URL), a real SECRET_KEY and ID_NUMBER_KEY — the process refuses to
start without them — and HTTPS: `manage.py check --deploy` is clean.

Intranet deployments served over plain HTTP (no certificate at all) turn HTTPS
off explicitly with SECURE_SSL_REDIRECT=false, SECURE_HSTS_SECONDS=0,
SESSION_COOKIE_SECURE=false and CSRF_COOKIE_SECURE=false; check --deploy then
warns W004/W008/W012/W016, which is the accepted risk of that choice:
passwords and session cookies cross the LAN unencrypted. Behind a reverse proxy
that terminates TLS, keep the defaults: the proxy sets X-Forwarded-Proto."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

REQUIRED = ("SECRET_KEY", "ID_NUMBER_KEY", "DATABASE_URL")
_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + " (SECRET_KEY: a long random string; ID_NUMBER_KEY: a Fernet key that is kept for good, "
        "e.g. python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'; "
        "DATABASE_URL: postgres://user:password@host:5432/dbname). "
        "For development use DJANGO_SETTINGS_MODULE=config.settings.local."
    )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ID_NUMBER_KEY = env("ID_NUMBER_KEY")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# security.W021 (HSTS preload): joining the browsers' preload list is a decision about a public
# domain, taken by whoever owns it and submitted by hand; an intranet host name cannot be on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
