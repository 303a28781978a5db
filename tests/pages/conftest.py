import pytest

from branches.models import RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory

Role = RoleAssignment.Role


@pytest.fixture
def login(client):
    """login(user) -> the test client, signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def two_committees(db):
    """Two 党委 subtrees: committee_a holds branch_a and branch_a2, committee_b holds branch_b."""
    committee_a = CommitteeFactory(name="甲党委")
    committee_b = CommitteeFactory(name="乙党委")
    return {
        "committee_a": committee_a,
        "committee_b": committee_b,
        "branch_a": BranchFactory(name="甲一支部", parent=committee_a),
        "branch_a2": BranchFactory(name="甲二支部", parent=committee_a),
        "branch_b": BranchFactory(name="乙一支部", parent=committee_b),
    }
