"""Login throttling (django-axes) on every login path: after 5 wrong passwords
for one username from one address, even the right password is refused with a
429 and a Chinese message, until the cool-off; a success resets the count;
another address or another username is not affected."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.branches.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("throttling")]
PASSWORD = "pass12345"
LOCKED = "登录失败次数过多"


@pytest.fixture
def throttling():
    with override_settings(AXES_ENABLED=True):
        yield


def page_login(path):
    def attempt(username, password, ip="10.0.0.1"):
        response = APIClient(enforce_csrf_checks=False).post(
            path, {"username": username, "password": password}, REMOTE_ADDR=ip
        )
        text = response.json()["detail"] if response["Content-Type"].startswith("application/json") else ""
        text = text or response.content.decode()
        if response.status_code == 302:
            return "ok", text
        return ("locked" if response.status_code == 429 else "refused"), text

    return attempt


def token_login(username, password, ip="10.0.0.1"):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )
    if response.status_code == 200:
        assert response.json()["token"]
        return "ok", response.content.decode()
    if response.status_code == 429:
        assert response["Content-Type"].startswith("application/json")
        return "locked", response.json()["detail"]
    assert response.status_code == 400
    return "refused", response.content.decode()


PATHS = {
    "page": page_login("/accounts/login/"),
    "admin": page_login("/admin/login/"),
    "api-session": page_login("/api/v1/auth/login/"),
    "api-token": token_login,
}


@pytest.mark.parametrize("path", list(PATHS))
def test_five_wrong_passwords_lock_the_username_on_this_address(path):
    attempt = PATHS[path]
    user = UserFactory(is_staff=True)
    outcomes = [attempt(user.username, "wrong")[0] for _ in range(5)]
    assert outcomes == ["refused"] * 4 + ["locked"]
    outcome, text = attempt(user.username, PASSWORD)
    assert outcome == "locked" and LOCKED in text and "15分钟" in text
    assert attempt(user.username, PASSWORD, ip="10.0.0.2")[0] == "ok"  # another address
    assert attempt(UserFactory(is_staff=True).username, PASSWORD)[0] == "ok"  # another user


@pytest.mark.parametrize("path", list(PATHS))
def test_a_successful_login_resets_the_count(path):
    attempt = PATHS[path]
    user = UserFactory(is_staff=True)
    assert [attempt(user.username, "wrong")[0] for _ in range(4)] == ["refused"] * 4
    assert attempt(user.username, PASSWORD)[0] == "ok"
    assert [attempt(user.username, "wrong")[0] for _ in range(4)] == ["refused"] * 4
    assert attempt(user.username, PASSWORD)[0] == "ok"


def test_the_limit_and_the_cool_off_are_settings():
    user = UserFactory()
    with override_settings(AXES_FAILURE_LIMIT=2):
        assert [token_login(user.username, "wrong")[0] for _ in range(2)] == ["refused", "locked"]
