"""The page shell: Chinese login, navigation by role, local assets only."""

import re

import pytest
from django.urls import reverse

from tests.branches.factories import UserFactory
from tests.members.factories import MemberFactory

from .conftest import Role

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_shows_errors(client):
    UserFactory(username="shuji")

    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-CN">' in page
    assert "用户名" in page and "密码" in page

    response = client.post(reverse("login"), {"username": "shuji", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()

    response = client.post(reverse("login"), {"username": "shuji", "password": "pass12345"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_every_asset_is_served_locally(login, secretary_of, two_committees):
    html = login(secretary_of(two_committees["branch_a"])).get(reverse("org_tree")).content.decode()

    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/") for url in assets)


def test_navigation_follows_roles(client, user_with_role, two_committees):
    admin = user_with_role(Role.COMMITTEE_ADMIN, two_committees["committee_a"])
    client.force_login(admin)
    html = client.get(reverse("org_tree")).content.decode()
    assert reverse("member_list") in html and "/api/docs/" in html
    assert "党委/党总支管理员" in html  # role name in the user menu
    assert reverse("admin:index") not in html  # not staff
    assert f'action="{reverse("logout")}" method="post"' in html
    assert f'action="{reverse("set_language")}"' in html

    user = UserFactory()
    me = MemberFactory(branch=two_committees["branch_a"], user=user)
    client.force_login(user)
    html = client.get(reverse("member_detail", args=[me.pk])).content.decode()
    assert reverse("org_tree") not in html
    assert "我的档案" in html


def test_logout_is_a_post(login, secretary_of, two_committees):
    client = login(secretary_of(two_committees["branch_a"]))

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("org_tree")).status_code == 302
