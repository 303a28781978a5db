"""Small fixtures for the API tests: one 党委 with branches 甲 and 乙, and a
client logged in as a given user (session auth, so each request loads the
user and its scope afresh, as in production)."""

from types import SimpleNamespace

import pytest

from tests.branches.factories import BranchFactory, CommitteeFactory


@pytest.fixture
def tree(db):
    committee = CommitteeFactory(name="市直机关党委")
    return SimpleNamespace(
        committee=committee,
        a=BranchFactory(name="甲支部", parent=committee),
        b=BranchFactory(name="乙支部", parent=committee),
    )


@pytest.fixture
def client_as(api_client):
    def login(user):
        api_client.force_login(user)
        return api_client

    return login
