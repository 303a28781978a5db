"""The seams between the app layers: the codes a lower app keeps of a higher
one stay equal to the higher one's, and the hooks land where they should."""

import pytest

from archives import filing
from branches import selectors as branch_selectors
from branches.demo_names import FEMALE, MALE
from config import hooks
from meetings import selectors as meeting_selectors
from members.models import Member
from members.selectors.summary import branch_page_context


def test_the_member_codes_branches_counts_are_the_members_apps():
    assert branch_selectors.FULL_MEMBER == Member.Status.FULL
    assert branch_selectors.PROBATIONARY_MEMBER == Member.Status.PROBATIONARY
    assert set(branch_selectors.PARTY_STATUSES) == set(Member.PARTY_STATUSES)
    assert {MALE, FEMALE} == set(Member.Gender.values)


def test_the_higher_apps_register_the_hooks_the_lower_ones_call():
    registered = hooks._handlers
    assert filing.file_record in registered["archive.file_record"]
    assert filing.assert_editable in registered["archive.assert_editable"]
    assert filing.file_meeting in registered["archive.file_meeting"]
    assert meeting_selectors.study_hours_of_branch_members in registered["meetings.study_hours"]
    assert branch_page_context in registered["branches.page_context"]


def test_an_undeclared_hook_is_a_programming_error():
    with pytest.raises(LookupError):
        hooks.send("archive.no_such_hook")
    assert hooks.ask("meetings.study_hours", [], 2026, default={}) == {}  # registered: asks the meetings app
