"""A 支部书记 on a phone logs a 支委会 with one absentee and sees that month's
calendar cell turn to held (system Chromium through Playwright)."""

import re

import pytest
from django.utils import timezone

from tests.meetings.factories import branch_with_members, committee_for


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_secretary_logs_a_committee_meeting_on_a_phone_and_the_calendar_turns_held(
    live_server, phone_page, browser_login, secretary_of
):
    branch, members = branch_with_members(full=6, name="第一党支部")
    committee_for(branch, members[:3])  # 书记, 组织委员, 宣传委员
    user = secretary_of(branch)
    absentee = members[2]
    today = timezone.localdate()
    cell = f'tr[data-code="committee"] td[data-period="{today:%Y-%m}"]'
    page = phone_page

    browser_login(page, user.username, "/meetings/calendar/")
    page.wait_for_url(re.compile(rf"/meetings/calendar/{branch.pk}/{today.year}/$"))
    assert page.get_attribute(cell, "data-status") == "upcoming"

    page.goto(f"{live_server.url}/meetings/new/")
    page.locator("label.btn", has_text="支委会").click()
    assert page.input_value("input[name=date]") == today.isoformat()  # today by default
    page.fill("#id_topic", "研究部署本月党建工作")
    # only the committee is due; everyone is present until ticked absent
    assert page.text_content("[data-count=due]") == "3"
    assert page.locator(f'li.roster-row[data-member="{members[4].pk}"]').is_hidden()
    # who is due comes from the server for the date entered (before the committee existed: nobody)
    page.fill("input[name=date]", "2019-06-01")
    page.wait_for_function("document.querySelector('[data-count=due]').textContent === '0'")
    page.fill("input[name=date]", today.isoformat())
    page.wait_for_function("document.querySelector('[data-count=due]').textContent === '3'")
    row = page.locator(f'li.roster-row[data-member="{absentee.pk}"]')
    row.locator("input.absent-toggle").check()
    row.locator("select").select_option("sick")
    assert page.text_content("[data-count=present]") == "2"
    page.click("[data-testid=save-meeting]")

    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    attendance = page.text_content("[data-testid=attendance]")
    assert absentee.name in attendance and "病假" in attendance
    assert "达到法定人数" in page.text_content("main")

    page.get_by_role("link", name="会议日历").last.click()
    page.wait_for_url(re.compile(rf"/meetings/calendar/{branch.pk}/{today.year}/$"))
    assert page.get_attribute(cell, "data-status") == "held"
    assert "cal-held" in page.get_attribute(cell, "class")
