"""The one scoping selector: branch roles see their branch, committees their subtree."""

import pytest

from branches.models import OrgUnit, RoleAssignment
from members import scoping
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory
from tests.members.factories import MemberFactory

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = CommitteeFactory(name="市直机关工委")
    a_committee = CommitteeFactory(name="甲党委", parent=root)
    b_committee = CommitteeFactory(name="乙党委", parent=root)
    general = OrgUnit.objects.create(name="甲党总支", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=a_committee)
    a = BranchFactory(name="甲一支部", parent=general)
    a2 = BranchFactory(name="甲二支部", parent=a_committee)
    b = BranchFactory(name="乙一支部", parent=b_committee)
    return {"root": root, "A": a_committee, "B": b_committee, "general": general, "a": a, "a2": a2, "b": b}


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_paths_nest_so_a_subtree_is_one_prefix_query(tree):
    assert tree["a"].path == f"{tree['root'].path}{tree['A'].pk}/{tree['general'].pk}/{tree['a'].pk}/"
    assert tree["a"].depth == 3


def test_branch_secretary_sees_only_their_branch_and_its_members(tree, secretary_of):
    user = secretary_of(tree["a"])
    MemberFactory(branch=tree["a"], name="甲党员")
    MemberFactory(branch=tree["b"], name="乙党员")
    assert names(scoping.org_units_visible_to(user)) == {"甲一支部"}
    assert names(scoping.members_visible_to(user)) == {"甲党员"}
    assert not scoping.can_view_org_unit(user, tree["b"])
    assert not scoping.can_edit_org_unit(user, tree["b"])
    assert scoping.can_edit_org_unit(user, tree["a"])
    assert not scoping.can_create_child_unit(user, tree["A"])


def test_committee_admin_sees_its_whole_subtree_and_nothing_else(tree, user_with_role):
    user = user_with_role(Role.COMMITTEE_ADMIN, tree["A"])
    assert names(scoping.org_units_visible_to(user)) == {"甲党委", "甲党总支", "甲一支部", "甲二支部"}
    assert names(scoping.branches_visible_to(user)) == {"甲一支部", "甲二支部"}
    assert scoping.can_create_child_unit(user, tree["general"])
    assert not scoping.can_view_org_unit(user, tree["b"])


def test_org_department_at_the_root_sees_everything(tree, user_with_role):
    user = user_with_role(Role.ORG_DEPARTMENT, tree["root"])
    assert scoping.org_units_visible_to(user).count() == OrgUnit.objects.count()


def test_inspector_reads_but_cannot_edit(tree, user_with_role):
    user = user_with_role(Role.INSPECTOR, tree["A"])
    assert scoping.can_view_org_unit(user, tree["a"])
    assert not scoping.can_edit_org_unit(user, tree["a"])
    assert not scoping.org_units_editable_by(user).exists()


def test_party_member_sees_only_their_own_record(tree):
    user = UserFactory()
    me = MemberFactory(branch=tree["a"], user=user)
    MemberFactory(branch=tree["a"])
    assert list(scoping.members_visible_to(user)) == [me]
    assert not scoping.org_units_visible_to(user).exists()
    assert scoping.can_reveal_id_number(user, me)


def test_id_numbers_are_revealed_to_secretary_and_committee_but_not_to_a_committee_member(tree, user_with_role):
    member = MemberFactory(branch=tree["a"])
    assert scoping.can_reveal_id_number(user_with_role(Role.BRANCH_SECRETARY, tree["a"]), member)
    assert scoping.can_reveal_id_number(user_with_role(Role.COMMITTEE_ADMIN, tree["A"]), member)
    assert not scoping.can_reveal_id_number(user_with_role(Role.BRANCH_COMMITTEE, tree["a"]), member)
    assert not scoping.can_reveal_id_number(user_with_role(Role.COMMITTEE_ADMIN, tree["B"]), member)


def test_inactive_assignment_grants_nothing(tree):
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.COMMITTEE_ADMIN, org_unit=tree["A"], is_active=False)
    assert not scoping.org_units_visible_to(user).exists()


def test_anonymous_user_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.org_units_visible_to(AnonymousUser()).exists()
    assert not scoping.members_visible_to(AnonymousUser()).exists()


def test_moving_a_unit_rewrites_the_paths_of_its_subtree(tree):
    general = tree["general"]
    general.parent = tree["B"]
    general.save()
    tree["a"].refresh_from_db()
    assert tree["a"].path == f"{tree['B'].path}{general.pk}/{tree['a'].pk}/" and tree["a"].depth == 3


def test_a_unit_cannot_move_under_its_own_descendant(tree):
    from django.core.exceptions import ValidationError

    unit = tree["A"]
    unit.parent = tree["general"]
    with pytest.raises(ValidationError, match="自己的下级"):
        unit.full_clean()


def test_scope_is_computed_once_per_request_user(tree, secretary_of, django_assert_num_queries):
    user = secretary_of(tree["a"])
    scoping.scope_of(user)
    with django_assert_num_queries(0):
        scoping.scope_of(user)
