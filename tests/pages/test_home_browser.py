"""Each role on a phone (390×844): sign in, land on the role's home, reach the
main task in at most two taps. And on the phone: the unread count is in the
header bar, and a refused attachment says so where the user is."""

import re
from datetime import date

import pytest
from django.utils import timezone

from branches.alerts import run_alert_sweep
from branches.models import RoleAssignment
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.branches.factories import CommitteeFactory, UserFactory
from tests.meetings.factories import at, branch_with_members, committee_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Role = RoleAssignment.Role


@pytest.fixture
def org(user_with_role):
    committee = CommitteeFactory(name="甲党委")
    branch, members = branch_with_members(full=5, parent=committee, name="第一党支部", founded_on=date(2015, 1, 1))
    committee_for(branch, members[:3], start=date(2024, 1, 1))
    member_user = UserFactory(username="dy")
    members[4].user = member_user
    members[4].save()
    users = {
        "secretary": user_with_role(Role.BRANCH_SECRETARY, branch, username="sj", first_name="书记甲"),
        "committee": user_with_role(Role.COMMITTEE_ADMIN, committee, username="dw"),
        "inspector": user_with_role(Role.INSPECTOR, committee, username="ys"),
        "member": member_user,
    }
    return {"branch": branch, "members": members, "users": users}


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= size["height"]


def test_the_secretary_lands_on_the_to_do_page_and_logs_a_meeting_in_one_tap(phone_page, browser_login, org):
    page = phone_page
    browser_login(page, "sj")
    assert page.locator("[data-testid=home-due]").is_visible()
    assert in_view(page, "[data-testid=home-log-meeting]")  # above the fold
    page.click("[data-testid=home-log-meeting]")
    page.wait_for_url(re.compile(r"/meetings/new/\?branch=\d+$"))
    assert page.locator("#id_topic").is_visible()


def test_the_committee_reaches_the_overdue_list_in_one_tap(phone_page, browser_login, org):
    page = phone_page
    browser_login(page, "dw")
    page.click("[data-testid=home-overdue]")
    page.wait_for_url(re.compile(r"/alerts/\?level=overdue$"))
    page.go_back()
    page.click("[data-testid=home-org-tree]")
    page.wait_for_url(re.compile(r"/org/$"))


def test_the_inspector_reaches_a_branchs_calendar_in_one_tap(phone_page, browser_login, org):
    page = phone_page
    browser_login(page, "ys")
    page.locator("[data-testid=home-branches] a", has_text="第一党支部").first.click()
    page.wait_for_url(re.compile(rf"/meetings/calendar/{org['branch'].pk}/\d+/$"))


def test_the_member_lands_on_their_own_page_and_opens_the_dues_card_in_one_tap(phone_page, browser_login, org):
    branch, members = org["branch"], org["members"]
    meeting_services.meeting_record(
        branch=branch, kinds=["theme_day"], held_at=at(timezone.localdate()), topic="主题党日活动"
    )
    page = phone_page
    browser_login(page, "dy")
    page.wait_for_url(re.compile(r"/me/$"))
    assert "主题党日活动" in page.text_content("[data-testid=my-meetings]")
    page.get_by_role("link", name="查看党费证").click()
    page.wait_for_url(re.compile(rf"/members/{members[4].pk}/dues/"))


def test_on_a_phone_the_unread_count_is_in_the_bar_and_a_refused_attachment_shows_where_you_are(
    live_server, phone_page, browser_login, org
):
    run_alert_sweep(email=False)
    meeting = meeting_services.meeting_record(
        branch=org["branch"], kinds=["theme_day"], held_at=at(timezone.localdate()), topic="主题党日活动"
    )
    page = phone_page
    browser_login(page, "sj", f"/meetings/{meeting.pk}/")
    badge = page.locator("[data-testid=unread-badge-bar]")
    assert badge.is_visible() and int(badge.text_content().split()[0]) > 0  # menu still closed
    page.set_input_files("#attachments input[type=file]", files=[
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an image"}
    ])
    page.locator("#attachments button[type=submit]", has_text="上传").click()
    page.wait_for_url(re.compile(r"#attachment-upload$"))
    message = page.locator("[data-testid=attachment-message]")
    assert message.is_visible() and in_view(page, "[data-testid=attachment-message]")
    assert page.locator("main > .alert").count() == 0  # not (only) at the top, out of sight
    assert Meeting.objects.get(pk=meeting.pk).attachments.count() == 0
