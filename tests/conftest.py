import pytest
from django.db import connection
from rest_framework.test import APIClient

from branches.models import RoleAssignment
from tests.branches.factories import UserFactory


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})"


@pytest.fixture(scope="session", autouse=True)
def _close_leftover_sessions(django_db_setup, django_db_blocker):
    """The live server answers the browser tests from its own threads; one of
    their PostgreSQL sessions can outlive the server and keep the test database
    from being dropped. End such sessions before pytest-django drops it."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user_with_role(db):
    """user_with_role(role, org_unit) -> a user holding that role assignment."""

    def make(role: str, org_unit, **user_fields):
        user = UserFactory(**user_fields)
        RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit)
        return user

    return make


@pytest.fixture
def secretary_of(user_with_role):
    return lambda branch: user_with_role(RoleAssignment.Role.BRANCH_SECRETARY, branch)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def db_vendor():
    return connection.vendor


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (make test installs it); never `playwright install`
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def phone_page(monkeypatch):
    """A page in the system Chromium with a phone-sized viewport (390×844)."""
    import os

    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="zh-CN",
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    # connections opened under Playwright's greenlet are not the test thread's usual ones
    connections.close_all()


@pytest.fixture
def browser_login(live_server):
    """browser_login(page, username, next_path) signs in through the real login form."""

    def login(page, username, next_path="/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.fill("#id_username", username)
        page.fill("#id_password", "pass12345")
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return login
