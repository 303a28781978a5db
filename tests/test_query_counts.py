"""Exact query counts of the main list pages and the selectors that feed the
rules (P11): not only "does not grow with the rows" but the number itself, so
that a regression from 11 to 25 queries fails here. The data has a bit of
everything (terms, tenures, groups, members, meetings); each count is taken
for 2 and for 6 branches and must be the same pinned number."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives.selectors import archive_completeness
from branches.models import RoleAssignment
from branches.selectors import branch_rule_findings, committee_in_office
from meetings.selectors import branches_compliance
from members.selectors import study_hours
from tests.branches.factories import (
    BranchFactory,
    CommitteeFactory,
    CommitteeTermFactory,
    PartyGroupFactory,
    RoleTenureFactory,
)
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
DAY = dt.date(2026, 6, 30)


def branches_under(committee, n: int):
    out = []
    for i in range(n):
        branch = BranchFactory(parent=committee)
        term = CommitteeTermFactory(org_unit=branch, start_date=dt.date(2024, 1, 1), seats=3)
        group = PartyGroupFactory(branch=branch)
        RoleTenureFactory(term=term, member__party_group=group)
        MemberFactory.create_batch(2 + i, branch=branch, party_group=group)
        MeetingFactory(branch=branch, kind="committee", day=dt.date(2026, 3, 2))
        MeetingFactory(branch=branch, kind="branch_assembly", day=dt.date(2026, 4, 2))
        out.append(branch)
    return out


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


SELECTORS = {
    "branch_rule_findings": (lambda bs: branch_rule_findings(bs, on=DAY), 8),  # + the token of the cached findings (branches/rule_cache.py)
    "branches_compliance": (lambda bs: branches_compliance(bs, 2026, on=DAY), 11),
    "archive_completeness": (lambda bs: archive_completeness(bs, 2026, today=DAY), 12),
    "study_hours": (lambda bs: study_hours([b.pk for b in bs], 2026, on=DAY), 4),
    "committee_in_office": (lambda bs: committee_in_office([b.pk for b in bs], DAY), 1),
}


@pytest.mark.parametrize("name", SELECTORS)
def test_a_selector_runs_its_pinned_number_of_queries(name):
    fn, pinned = SELECTORS[name]
    few = branches_under(CommitteeFactory(), 2)
    many = branches_under(CommitteeFactory(), 6)
    assert (count(lambda: fn(few)), count(lambda: fn(many))) == (pinned, pinned)


PAGES = {
    # cold: + the org tree's token (branches/rule_token.py), read once per request, under
    # which the cached tables and the user's scope are kept
    "org_tree": (lambda c: reverse("org_tree"), 13),
    "committee_page": (lambda c: reverse("org_unit", args=[c.pk]), 15),
    "member_list": (lambda c: reverse("member_list"), 10),
    "meeting_list": (lambda c: reverse("meeting_list"), 10),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_list_page_runs_its_pinned_number_of_queries(client, user_with_role, name):
    url_of, pinned = PAGES[name]
    counts = []
    for n in (2, 6):
        committee = CommitteeFactory()
        branches_under(committee, n)
        client.force_login(user_with_role(Role.COMMITTEE_ADMIN, committee))
        url = url_of(committee)

        def get(url=url):
            assert client.get(url).status_code == 200

        counts.append(count(get))
    assert counts == [pinned, pinned]


@pytest.mark.parametrize("name", ["org_tree", "committee_page"])
def test_a_committee_page_seen_again_reads_its_table_from_the_cache_until_a_member_changes(client, user_with_role, name):
    url_of, pinned = PAGES[name]
    committee = CommitteeFactory()
    branches = branches_under(committee, 3)
    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, committee))
    url = url_of(committee)
    assert count(lambda: client.get(url)) == pinned
    warm = count(lambda: client.get(url))
    assert warm < pinned - 4  # the token instead of the units, counts and findings
    def page() -> str:  # without the CSRF tokens, masked afresh on every response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())

    before = page()
    assert page() == before  # the page is the same each time (so the check below means something)
    MemberFactory(branch=branches[0])  # a write the rules read: the table is built again
    assert count(lambda: client.get(url)) == pinned
    assert page() != before
