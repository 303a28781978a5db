"""A campaign over a small tree: 市委组织部 at the root, a 党委 under it with
four branches, and one user per role (plus the wrong ones)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.campaigns import services
from assessment.services import ensure_default_scorecards
from branches.models import RoleAssignment
from meetings.models import Meeting
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

Role = RoleAssignment.Role
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
YEAR = 2025


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def world(db):
    ensure_default_scorecards()
    root = CommitteeFactory(name="市直机关工委")
    committee = CommitteeFactory(name="教育党委", parent=root)
    branches = [BranchFactory(name=f"第{i}支部", parent=committee) for i in range(1, 5)]
    for b in branches:
        for _ in range(3):
            MemberFactory(branch=b)

    def user(name, role=None, unit=None):
        u = UserFactory(username=name, first_name=name)
        if role:
            RoleAssignment.objects.create(user=u, role=role, org_unit=unit)
        return u

    users = SimpleNamespace(
        org=user("zzb", Role.ORG_DEPARTMENT, root),
        reviewer=user("dw", Role.COMMITTEE_ADMIN, committee),
        secretary=user("sj1", Role.BRANCH_SECRETARY, branches[0]),
        committee_member=user("wy1", Role.BRANCH_COMMITTEE, branches[0]),
        other_secretary=user("sj2", Role.BRANCH_SECRETARY, branches[1]),
        inspector=user("ysz", Role.INSPECTOR, root),
        stray_inspector=user("ysz2", Role.INSPECTOR, root),
        nobody=user("dy"),
    )
    campaign = services.campaign_open(
        actor=users.org, org_unit=root, name="2025年度党支部标准化规范化建设达标验收", year=YEAR,
        inspectors=[users.inspector],
    )
    return SimpleNamespace(root=root, committee=committee, branches=branches, users=users, campaign=campaign)


def assessment_of(world, i=0):
    return world.campaign.assessments.get(branch=world.branches[i])


def committee_meeting(branch):
    return MeetingFactory(branch=branch, kind=Meeting.Kind.COMMITTEE, day=date(YEAR + 1, 3, 10))


def submit(world, i=0, *, manual=None, actor=None):
    """The branch fills its manual items with evidence and submits."""
    a = assessment_of(world, i)
    branch = world.branches[i]
    actor = actor or world.users.secretary
    if actor == world.users.secretary and i != 0:
        from branches.models import RoleAssignment

        RoleAssignment.objects.get_or_create(user=actor, role=Role.BRANCH_SECRETARY, org_unit=branch)
        actor = type(actor).objects.get(pk=actor.pk)  # a fresh scope
    manual = {"E1": Decimal("4"), "E2": Decimal("2"), "E3": Decimal("2")} if manual is None else manual
    for code in manual:
        services.evidence_add(actor=actor, assessment=a, file=png(f"{code}.png"), item_code=code)
    return services.assessment_submit(
        actor=actor, assessment=a, manual=manual, self_report="全年按要求开展组织生活。",
        approval_meeting=committee_meeting(branch),
    )


@pytest.fixture
def submitted(world):
    return submit(world)


@pytest.fixture
def client_as(api_client):
    def login(user):
        api_client.force_login(user)
        return api_client

    return login
