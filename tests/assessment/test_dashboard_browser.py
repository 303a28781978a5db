"""A 党委 user on a phone drills down from the dashboard's grade table to a
未达标 branch, to its worst item, to the meeting that was never held
(system Chromium through Playwright)."""

import re

import pytest
from django.utils import timezone

from branches.models import RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory
from tests.meetings.factories import branch_with_members, committee_for

from .dashboard_helpers import default_card, meeting_missing, snapshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committee_drills_from_the_grade_chart_to_the_missing_meeting(
    live_server, phone_page, browser_login, user_with_role
):
    year = timezone.localdate().year - 1  # a past year: every quarter without a meeting is missing
    card = default_card()
    jia = CommitteeFactory(name="甲党委")
    weak, members = branch_with_members(full=6, name="甲三支部", parent=jia)
    committee_for(weak, members[:3])
    snapshot(BranchFactory(name="甲一支部", parent=jia), year, card=card)
    snapshot(BranchFactory(name="甲二支部", parent=jia), year, card=card, lost={"C2": 2})
    snapshot(weak, year, card=card, lost={"C1": 6, "C2": 6, "C5": 5, "D1": 5, "F2": 6, "A1": 5},
             deductions={"C1": [meeting_missing(year, q) for q in (1, 2, 3, 4)]})
    user = user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, jia)
    page = phone_page

    browser_login(page, user.username, f"/dashboard/?year={year}")
    page.wait_for_selector("#chart-grades canvas")  # the chart is drawn; its table stays
    grade_table = page.locator("[data-testid=grade-table]")
    assert grade_table.is_visible()
    grade_table.locator("a[data-grade=fail]").click()

    page.wait_for_url(re.compile(r"/dashboard/branches/\?.*grade=fail"))
    listed = page.locator("[data-testid=branch-list] tbody tr")
    assert listed.count() == 1
    listed.get_by_role("link", name="甲三支部").click()

    page.wait_for_url(re.compile(rf"/dashboard/branch/{weak.pk}/"))
    assert page.text_content("[data-testid=branch-total]").strip() == "59.00"
    page.locator("[data-testid=worst-items] a").first.click()  # C1: all 6 points lost
    page.wait_for_url(re.compile(r"item=C1#item-C1$"))

    item = page.locator("#item-C1")
    assert "list-group-item-warning" in item.get_attribute("class")
    gap = item.locator(f'li[data-period="{year}-Q2"]')
    assert "第二季度" in gap.text_content()
    gap.get_by_role("link", name="查看").click()

    page.wait_for_url(re.compile(rf"/meetings/calendar/{weak.pk}/{year}/(#cell-[^/]*)?$"))
    cell = page.locator(f'tr[data-code="branch_assembly"] td[data-period="{year}-Q2"]')
    assert cell.get_attribute("data-status") == "missing"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committee_picks_a_campaign_and_follows_a_stage_to_the_branch_s_campaign_page(
    live_server, phone_page, browser_login, user_with_role
):
    from assessment.campaigns import services
    from assessment.models import Assessment

    year = timezone.localdate().year - 1
    default_card()
    yi = CommitteeFactory(name="乙党委")
    branches = [BranchFactory(name=f"乙{i}支部", parent=yi) for i in (1, 2, 3)]
    user = user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, yi)
    campaign = services.campaign_open(actor=user, org_unit=yi, name="乙党委验收", year=year)
    waiting = campaign.assessments.get(branch=branches[1])
    Assessment.objects.filter(pk=waiting.pk).update(status=Assessment.Status.SUBMITTED)
    page = phone_page

    browser_login(page, user.username, f"/dashboard/?year={year}")
    page.select_option("#dash-campaign", str(campaign.pk))
    page.locator("[data-testid=campaign-picker] button").click()
    page.wait_for_url(re.compile(rf"campaign={campaign.pk}"))
    page.wait_for_selector("#chart-stages canvas")  # the chart is drawn; its table stays
    stages = page.locator("[data-testid=stage-table]")
    assert stages.is_visible()
    assert stages.locator("a[data-stage=draft]").text_content() == "2"
    stages.locator("a[data-stage=submitted]").click()

    page.wait_for_url(re.compile(r"/dashboard/branches/\?.*stage=submitted"))
    listed = page.locator("[data-testid=branch-list] tbody tr")
    assert listed.count() == 1
    listed.get_by_role("link", name="乙2支部").click()
    page.wait_for_url(re.compile(rf"/campaigns/assessments/{waiting.pk}/$"))
