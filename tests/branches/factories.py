from datetime import date

import factory
from django.contrib.auth import get_user_model

from branches.models import CommitteeTerm, OrgUnit, PartyGroup, RoleAssignment, RoleTenure, Sector


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A 党委 (root of a subtree)."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"第{n}党委")
    kind = OrgUnit.Kind.COMMITTEE
    sector = Sector.GOVERNMENT


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgUnit.Kind.BRANCH
    sector = Sector.GOVERNMENT
    parent = factory.SubFactory(CommitteeFactory)


class CommitteeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeTerm

    org_unit = factory.SubFactory(BranchFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = date(2024, 1, 1)
    due_end_date = factory.LazyAttribute(lambda o: o.start_date.replace(year=o.start_date.year + 3))
    seats = 1


class RoleTenureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleTenure

    term = factory.SubFactory(CommitteeTermFactory)
    member = factory.SubFactory("tests.members.factories.MemberFactory", branch=factory.SelfAttribute("..term.org_unit"))
    role = RoleTenure.Role.SECRETARY
    start_date = factory.SelfAttribute("term.start_date")


class PartyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = RoleAssignment.Role.BRANCH_SECRETARY
    org_unit = factory.SubFactory(BranchFactory)
