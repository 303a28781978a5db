"""The branch page on a phone, in the system Chromium: the menu folds behind
the toggler, nothing is wider than the screen, and printing hides the menu."""

import pytest

from tests.branches.factories import BranchFactory, CommitteeTermFactory, RoleTenureFactory, UserFactory
from tests.members.factories import MemberFactory

from .conftest import Role

pytestmark = [
    pytest.mark.browser,
    # live_server needs committed rows; serialized_rollback restores the seeded RulePolicy rows afterwards
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_branch_page_fits_a_phone(live_server, phone_page, browser_login):
    branch = BranchFactory(name="手机测试党支部")
    RoleTenureFactory(term=CommitteeTermFactory(org_unit=branch, seats=3), member__name="王书记")
    MemberFactory.create_batch(5, branch=branch, work_unit="某某单位非常长的工作单位名称用于测试换行")
    user = UserFactory(username="phone-secretary")
    user.role_assignments.create(role=Role.BRANCH_SECRETARY, org_unit=branch)
    branch_url = f"{live_server.url}/org/{branch.pk}/"

    page = phone_page
    browser_login(page, "phone-secretary", f"/org/{branch.pk}/")
    page.wait_for_url(branch_url)

    assert page.locator("h1").inner_text() == "手机测试党支部"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    members_link = page.locator("#main-nav a.nav-link", has_text="党员").first
    assert not members_link.is_visible()
    page.click(".navbar-toggler")
    members_link.wait_for(state="visible")

    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert page.locator("#committee").is_visible()
