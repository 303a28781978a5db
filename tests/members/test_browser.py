"""The members pages on a phone, in the system Chromium: the month's dues
sheet, the 党费证 and the introduction letter fit the screen, and printing
shows the document without the page chrome."""

import os
from datetime import date

import pytest

from branches.models import RoleAssignment
from members.models import DuesMonth, Member
from members.services import dues_month_record, transfer_out_issue
from tests.branches.factories import BranchFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    # live_server needs committed rows; serialized_rollback restores the seeded rate table afterwards
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("DZB_SCREENSHOTS")  # a directory: keep screenshots to look at


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_dues_sheet_and_printable_documents_fit_a_phone(live_server, phone_page, browser_login):
    branch = BranchFactory(name="手机党费党支部")
    people = [
        MemberFactory(branch=branch, name=name, category=category)
        for name, category in (
            ("张建国", Member.Category.EMPLOYED),
            ("李秀英", Member.Category.RETIRED),
            ("王大山", Member.Category.FARMER),
        )
    ]
    dues_month_record(
        member=people[0],
        month=date(2025, 1, 1),
        base_pay="4500",
        paid_in_full=True,
        paid_on=date(2025, 1, 8),
        receipt_no="2025-0001",
    )
    letter = transfer_out_issue(member=MemberFactory(branch=branch, name="调出人"), to_org="中共某县委组织部")
    user = UserFactory(username="phone-dues")
    user.role_assignments.create(role=RoleAssignment.Role.BRANCH_SECRETARY, org_unit=branch)
    page = phone_page
    browser_login(page, "phone-dues", f"/org/{branch.pk}/")

    page.goto(f"{live_server.url}/members/branch/{branch.pk}/dues/2025/2/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.check(f"#id_paid_in_full_{people[0].pk}")
    page.fill(f"#id_base_pay_{people[1].pk}", "6000")
    page.check(f"#id_paid_in_full_{people[1].pk}")
    shot(page, "dues-sheet")
    page.click("form.dues-sheet button[type=submit]")
    page.wait_for_url(f"{live_server.url}/members/branch/{branch.pk}/dues/2025/")
    assert DuesMonth.objects.filter(month=date(2025, 2, 1), amount_paid__gt=0).count() == 2
    shot(page, "dues-grid")

    page.goto(f"{live_server.url}/members/{people[0].pk}/dues/?year=2025")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    assert page.locator("#dues-card").is_visible()
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_text("打印党费证").is_visible()
    shot(page, "dues-card-print")
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/members/transfers/{letter.pk}/letter/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    assert page.get_by_text("中国共产党党员组织关系介绍信（存根）").is_visible()
    assert not page.locator("nav.navbar").is_visible()
    shot(page, "letter-print")
