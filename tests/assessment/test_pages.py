"""The score on the pages: the branch page's 当前得分 card, the score page,
and a deduction's link that opens the record behind it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from assessment.services import ensure_default_scorecards
from meetings.models import Meeting
from members.services import transfer_out_issue
from tests.branches.factories import BranchFactory
from tests.meetings.factories import MeetingFactory, branch_with_members, committee_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    ensure_default_scorecards()
    branch, members = branch_with_members(full=5)
    committee_for(branch, members[:1], start=date(2023, 1, 1))
    for month in (2, 8, 11):  # Q2 has only the meeting without a quorum
        MeetingFactory(branch=branch, day=date(2025, month, 10), kind="branch_assembly", topic=f"{month}月支部党员大会")
    void = MeetingFactory(branch=branch, day=date(2025, 6, 10), kind="branch_assembly", topic="人数不足的大会")
    Meeting.objects.filter(pk=void.pk).update(quorum_met=False)
    transfer_out_issue(member=members[-1], to_org="外县", issued_on=date(2025, 2, 1))
    branch.void_meeting = void
    return branch


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_deduction_links_to_the_record_behind_it(branch, secretary_of):
    client = client_for(secretary_of(branch))
    page = client.get(reverse("branch_score", args=[branch.pk, 2025]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025年第二季度未召开支部党员大会" in html
    meeting_url = reverse("meeting_detail", args=[branch.void_meeting.pk])
    assert f'href="{meeting_url}"' in html
    assert "人数不足的大会" in client.get(meeting_url).content.decode()
    calendar = reverse("meeting_calendar", args=[branch.pk, 2025]) + "#cell-branch_assembly-2025-Q2"
    assert f'href="{calendar}"' in html
    assert 'id="cell-branch_assembly-2025-Q2"' in client.get(calendar).content.decode()
    assert "组织关系介绍信逾期未报到" in html
    transfer_url = next(
        part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/members/transfers/")
    )
    assert client.get(transfer_url).status_code == 200


def test_manual_items_show_as_unrated_not_full(branch, secretary_of):
    html = client_for(secretary_of(branch)).get(reverse("branch_score", args=[branch.pk, 2025])).content.decode()
    assert html.count('data-testid="unrated"') == 3
    assert "3项人工评分项未评" in html


def test_the_branch_page_shows_the_current_score_and_what_can_still_be_won(branch, secretary_of):
    html = client_for(secretary_of(branch)).get(reverse("org_unit", args=[branch.pk])).content.decode()
    assert 'id="score"' in html and 'data-testid="score-total"' in html
    assert "当前得分" in html and "可评等次" in html


def test_another_branchs_score_page_is_404(branch, secretary_of):
    other = BranchFactory()
    assert client_for(secretary_of(other)).get(reverse("branch_score", args=[branch.pk, 2025])).status_code == 404
