import pytest
from django.db import connection
from rest_framework.test import APIClient

from branches.models import RoleAssignment
from tests.branches.factories import UserFactory


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})"


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
