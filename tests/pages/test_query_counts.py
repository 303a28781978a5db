"""List pages run a number of queries that does not grow with their rows
(STYLE: no N+1; timings belong in bench/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.branches.factories import (
    BranchFactory,
    CommitteeFactory,
    CommitteeTermFactory,
    PartyGroupFactory,
    RoleTenureFactory,
)
from tests.members.factories import MemberFactory

from .conftest import Role

pytestmark = pytest.mark.django_db


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def populate_committee(committee, branches: int):
    """Branches of the same shape: a term with a secretary, a party group, members."""
    for _ in range(branches):
        general = BranchFactory(parent=committee)
        term = CommitteeTermFactory(org_unit=general)
        RoleTenureFactory(term=term)
        group = PartyGroupFactory(branch=general)
        MemberFactory(branch=general, party_group=group)


def test_org_tree_queries_do_not_grow_with_units(client, user_with_role):
    small, large = CommitteeFactory(), CommitteeFactory()
    populate_committee(small, 5)
    populate_committee(large, 40)

    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, small))
    small_count = queries_for(client, reverse("org_tree"))
    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, large))
    large_count = queries_for(client, reverse("org_tree"))

    assert large_count == small_count


def test_committee_page_queries_do_not_grow_with_children(client, user_with_role):
    small, large = CommitteeFactory(), CommitteeFactory()
    populate_committee(small, 5)
    populate_committee(large, 40)

    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, small))
    small_count = queries_for(client, reverse("org_unit", args=[small.pk]))
    client.force_login(user_with_role(Role.COMMITTEE_ADMIN, large))
    large_count = queries_for(client, reverse("org_unit", args=[large.pk]))

    assert large_count == small_count


@pytest.mark.parametrize("params", [{}, {"q": "党员"}])
def test_member_list_queries_do_not_grow_with_rows(client, user_with_role, params):
    small, large = BranchFactory(), BranchFactory()
    for branch, n in ((small, 5), (large, 40)):
        group = PartyGroupFactory(branch=branch)
        MemberFactory.create_batch(n, branch=branch, party_group=group)

    client.force_login(user_with_role(Role.BRANCH_SECRETARY, small))
    small_count = queries_for(client, reverse("member_list"), **params)
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, large))
    large_count = queries_for(client, reverse("member_list"), **params)

    assert large_count == small_count


def test_branch_page_queries_do_not_grow_with_members_and_committee(client, secretary_of):
    def branch_with(members: int):
        branch = BranchFactory()
        term = CommitteeTermFactory(org_unit=branch, seats=members)
        group = PartyGroupFactory(branch=branch)
        for _ in range(members):
            RoleTenureFactory(term=term, member__party_group=group)
        return branch

    small, large = branch_with(3), branch_with(25)

    client.force_login(secretary_of(small))
    small_count = queries_for(client, reverse("org_unit", args=[small.pk]))
    client.force_login(secretary_of(large))
    large_count = queries_for(client, reverse("org_unit", args=[large.pk]))

    assert large_count == small_count
