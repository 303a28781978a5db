"""List endpoints run a fixed number of queries, whether a page holds 3 rows or 30."""

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from branches.models import RoleAssignment, TermAdjustment
from tests.branches.factories import BranchFactory, CommitteeTermFactory, PartyGroupFactory, RoleTenureFactory
from tests.members.factories import MemberFactory

from .helpers import count_queries


def add_branches(tree, n):
    """Branches with everything a row shows: a term with a postponement and
    a secretary, members, a party group with a leader."""
    start = timezone.localdate() - relativedelta(years=1)
    for _ in range(n):
        branch = BranchFactory(parent=tree.committee)
        term = CommitteeTermFactory(org_unit=branch, start_date=start, due_end_date=start + relativedelta(years=3))
        TermAdjustment.objects.create(
            term=term,
            approver="工委",
            approval_date=start,
            document_no="1号",
            new_due_end_date=term.due_end_date + relativedelta(months=6),
        )
        secretary = RoleTenureFactory(term=term)
        group = PartyGroupFactory(branch=branch, leader=secretary.member)
        MemberFactory(branch=branch, party_group=group)


def add_members(tree, n):
    group = PartyGroupFactory(branch=tree.a)
    for _ in range(n):
        MemberFactory(branch=tree.a, party_group=group)


@pytest.mark.parametrize(
    ("url", "add"),
    [
        ("/api/v1/org-units/", add_branches),
        ("/api/v1/branches/", add_branches),
        ("/api/v1/members/", add_members),
        ("/api/v1/party-groups/", add_branches),
    ],
)
def test_list_query_count_does_not_grow_with_rows(tree, user_with_role, client_as, url, add):
    client = client_as(user_with_role(RoleAssignment.Role.COMMITTEE_ADMIN, tree.committee))
    add(tree, 3)
    with_3 = count_queries(client, url)
    add(tree, 27)
    with_30 = count_queries(client, url)

    assert with_30 == with_3, (with_3, with_30)
    assert len(client.get(url).json()["results"]) >= 30
