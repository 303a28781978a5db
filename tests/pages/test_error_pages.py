import pytest

from tests.branches.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_out_of_scope_branch_shows_a_chinese_not_found_page(client, secretary_of):
    mine, other = BranchFactory(), BranchFactory()
    client.force_login(secretary_of(mine))
    response = client.get(f"/org/{other.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client, secretary_of):
    branch = BranchFactory()
    client.force_login(secretary_of(branch))
    page = client.get(f"/org/{branch.pk}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(f"/org/{branch.pk}/").content.decode()
