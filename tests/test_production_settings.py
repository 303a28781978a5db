"""Production defaults: wsgi and celery default to the production settings,
which refuse to start without SECRET_KEY, ID_NUMBER_KEY and DATABASE_URL and
pass `check --deploy` without a warning. Each check runs in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.utils.crypto import get_random_string

BASE_DIR = Path(__file__).resolve().parents[1]
DEPLOY_ENV = {
    "SECRET_KEY": get_random_string(60, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"),
    "ID_NUMBER_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "sqlite:////tmp/dzb-deploy-check.sqlite3",
    "ALLOWED_HOSTS": "dzb.example.org",
}


def run(code_or_args, **env):
    """A Python process with a clean environment (no settings module chosen) plus `env`."""
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", *DEPLOY_ENV)}
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **DEPLOY_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ID_NUMBER_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in DEPLOY_ENV.items() if k != missing}
    result = run(["manage.py", "check"], DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_wsgi_and_celery_default_to_production():
    """Started without DJANGO_SETTINGS_MODULE, the web and worker processes pick the
    production settings: no debug pages, and they refuse to run unconfigured."""
    result = run("import config.wsgi")
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    result = run("import config.wsgi; from django.conf import settings; print(settings.DEBUG)", **DEPLOY_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    result = run("import os, config.celery; print(os.environ['DJANGO_SETTINGS_MODULE'])", **DEPLOY_ENV)
    assert result.stdout.strip() == "config.settings.production", result.stderr


def test_the_development_entry_points_choose_local_settings_explicitly():
    makefile = (BASE_DIR / "Makefile").read_text()
    celery_lines = [line for line in makefile.splitlines() if "celery -A config" in line]
    assert celery_lines and all("config.settings.local" in line for line in celery_lines)
    assert 'setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")' in (BASE_DIR / "manage.py").read_text()
