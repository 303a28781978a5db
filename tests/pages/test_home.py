"""Each role lands on a home of its own (assessment.home), and a 党员 has a
read-only page of their own organisational life whose links never 404."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import RoleAssignment
from meetings import services as meeting_services
from meetings.models import EvaluationGrade
from meetings.services import AbsenceIn
from members.services import dues_month_record
from tests.branches.factories import UserFactory
from tests.meetings.factories import at, branch_with_members, committee_for

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


def today():
    """Read at use time, not import time: a run that crosses midnight must agree with the services' today."""
    return timezone.localdate()


@pytest.fixture
def branch(two_committees):
    branch, members = branch_with_members(full=4, parent=two_committees["committee_a"], name="丙支部")
    committee_for(branch, members[:3], start=date(2024, 1, 1))
    return branch, members


def test_the_secretary_home_has_the_log_button_this_periods_meetings_and_follow_ups(client, secretary_of, branch):
    branch, _members = branch
    client.force_login(secretary_of(branch))
    html = client.get(reverse("home")).content.decode()
    assert f'{reverse("meeting_create")}?branch={branch.pk}' in html and "登记会议" in html
    assert 'data-testid="home-due"' in html and "主题党日" in html  # this month's, not yet held
    assert 'data-testid="home-alerts"' in html and 'data-testid="home-follow-ups"' in html
    assert "学时" in html  # nobody has any hours yet: all short


def test_a_held_meeting_leaves_the_list_of_meetings_still_to_hold(client, secretary_of, branch):
    branch, _members = branch
    client.force_login(secretary_of(branch))
    before = client.get(reverse("home")).content.decode().split('data-testid="home-due"')[1].split("</section>")[0]
    assert "主题党日" in before
    meeting_services.meeting_record(branch=branch, kinds=["theme_day"], held_at=at(today()), topic="主题党日活动")
    after = client.get(reverse("home")).content.decode().split('data-testid="home-due"')[1].split("</section>")[0]
    assert "主题党日" not in after


def test_committee_and_inspector_homes(client, user_with_role, two_committees, branch):
    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, two_committees["committee_a"]))
    html = client.get(reverse("home")).content.decode()
    assert "逾期清单" in html and reverse("org_tree") in html and "甲党委" in html
    client.force_login(user_with_role(Role.INSPECTOR, two_committees["committee_a"]))
    html = client.get(reverse("home")).content.decode()
    assert "待验收的党支部" in html and "丙支部" in html and "甲一支部" in html and "乙一支部" not in html


def test_a_member_lands_on_their_own_organisational_life(client, branch):
    branch, members = branch
    me = members[3]
    user = UserFactory()
    me.user = user
    me.save()
    year = today().year
    present = meeting_services.meeting_record(
        branch=branch, kinds=["lecture"], held_at=at(date(year, 1, 15)), topic="学习党章", lecturer_id=members[0].pk
    )
    meeting_services.meeting_record(
        branch=branch, kinds=["branch_assembly"], held_at=at(date(year, 1, 20)), topic="支部党员大会",
        absentees=[AbsenceIn(me.pk, "sick", "住院")],
    )
    dues_month_record(member=me, month=date(year, 1, 1), base_pay="3000", paid_in_full=True, paid_on=date(year, 1, 5))
    EvaluationGrade.objects.create(meeting=present, member=me, grade="excellent")
    client.force_login(user)

    response = client.get(reverse("home"))
    assert response.url == reverse("my_org_life")
    html = client.get(response.url).content.decode()
    assert "学习党章" in html and "支部党员大会" in html
    assert "病假" in html and "住院" in html  # missed, with the reason
    assert re.search(r'data-testid="study-total">2<span[^>]*>/32', html)
    assert "交至" in html and "优秀" in html
    # the nav, the calendar tab and the list pages lead here, never to a 404
    assert client.get(reverse("meeting_calendar_home")).url == reverse("my_org_life")
    assert client.get(reverse("meeting_list")).url == reverse("my_org_life")
    for href in set(re.findall(r'href="(/[^"#?]*)', html)) - {"/api/docs/"}:
        assert client.get(href).status_code != 404, href
    record = client.get(reverse("member_detail", args=[me.pk])).content.decode()
    assert reverse("meeting_detail", args=[present.pk]) not in record  # the 民主评议 link would 404


def test_a_user_without_roles_or_member_gets_the_welcome_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "尚未授权" in response.content.decode()
    assert client.get(reverse("my_org_life")).status_code == 404


def test_the_secretary_home_shows_the_live_score_and_what_can_still_be_won(client, secretary_of, branch):
    from assessment.services import ensure_default_scorecards

    branch, _members = branch
    ensure_default_scorecards()
    client.force_login(secretary_of(branch))
    html = client.get(reverse("home")).content.decode()
    card = html.split('data-testid="home-score"')[1]
    assert f"{today().year}年当前得分" in card and 'data-testid="score-total"' in card
    assert "还可争取" in card  # this month's 主题党日 is still to hold
    assert reverse("branch_score", args=[branch.pk, today().year]) in card
