"""A 党委 reviewer opens a submitted self-assessment, overrides one auto item
with a reason, approves it, and sees the campaign progress change (system
Chromium through Playwright)."""

import pytest

from assessment.models import Assessment, ItemScore

from .conftest import submit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reviewer_overrides_one_item_with_a_reason_approves_and_sees_progress(
    world, live_server, phone_page, browser_login
):
    a = submit(world)
    page = phone_page
    page.set_viewport_size({"width": 1366, "height": 900})  # reviewers work at a desk
    campaign_url = f"/campaigns/{world.campaign.pk}/"
    browser_login(page, world.users.reviewer.username, campaign_url)
    assert page.text_content("[data-testid=stage-2]").split() == ["0", "/", "4"]

    page.goto(f"{live_server.url}/campaigns/review/")
    page.locator("[data-testid=review-queue] a", has_text="审核").first.click()
    page.wait_for_url(f"**/campaigns/assessments/{a.pk}/")
    row = page.locator('tr[data-item="C2"]')
    assert row.locator("td").nth(2).inner_text() == str(a.self_result["items"][8]["score"]).rstrip("0").rstrip(".")
    row.locator('input[name="override-C2"]').fill("5")
    row.locator('input[name="reason-C2"]').fill("支委会记录经现场核实，2月会议已召开但未录入")
    page.fill("#satisfaction", "96")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    assert "已审核通过" in page.text_content(".alert-success")
    assert "支委会记录经现场核实" in page.locator('tr[data-item="C2"] [data-testid=override-reason]').inner_text()

    page.goto(f"{live_server.url}{campaign_url}")
    assert page.text_content("[data-testid=stage-2]").split() == ["1", "/", "4"]
    a.refresh_from_db()
    assert a.status == Assessment.Status.APPROVED
    assert ItemScore.objects.get(assessment=a, stage="review", code="C2").reason.startswith("支委会记录")
    page.screenshot(path="/tmp/p9-browser-after.png", full_page=True)
