"""Meeting factories. Most tests log meetings through `meetings.services`
(the rules live there); these build rows directly for compliance facts."""

import datetime as dt

import factory
from django.utils import timezone

from meetings.models import Meeting, MeetingKind, MemberReport, TalkRecord
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """An aware datetime (Asia/Shanghai) on a day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class MeetingFactory(factory.django.DjangoModelFactory):
    """MeetingFactory(kind="committee", also=["theme_day"], date=...)."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory)
    kind = Meeting.Kind.THEME_DAY
    held_at = factory.LazyAttribute(lambda o: at(o.day))
    topic = factory.Sequence(lambda n: f"会议主题{n}")

    class Params:
        day = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def also(obj, create, extracted, **kwargs):
        if not create:
            return
        kinds = [obj.kind, *[k for k in (extracted or ()) if k != obj.kind]]
        MeetingKind.objects.bulk_create([MeetingKind(meeting=obj, kind=k) for k in kinds])


class TalkRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkRecord

    branch = factory.SubFactory(BranchFactory)
    date = factory.LazyFunction(timezone.localdate)
    talker = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..branch"))
    talkee = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..branch"))


class MemberReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberReport

    branch = factory.SubFactory(BranchFactory)
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..branch"))
    date = factory.LazyFunction(timezone.localdate)
    topic = "思想工作学习情况汇报"


def committee_for(branch, members, *, start=dt.date(2020, 1, 1), roles=None):
    """A committee term for `branch` with these members (the first is 书记)."""
    from branches.models import RoleTenure
    from tests.branches.factories import CommitteeTermFactory, RoleTenureFactory

    roles = roles or [
        RoleTenure.Role.SECRETARY,
        RoleTenure.Role.ORGANIZATION,
        RoleTenure.Role.PROPAGANDA,
        RoleTenure.Role.DISCIPLINE,
        RoleTenure.Role.MEMBER,
        RoleTenure.Role.MEMBER,
        RoleTenure.Role.MEMBER,
    ]
    term = CommitteeTermFactory(org_unit=branch, start_date=start, seats=max(1, len(members)))
    for member, role in zip(members, roles, strict=False):
        RoleTenureFactory(term=term, member=member, role=role, start_date=start)
    return term


def branch_with_members(full: int = 5, probationary: int = 0, **branch_fields):
    """A branch and its party members (正式 first)."""
    from tests.members.factories import ProbationaryMemberFactory

    branch = BranchFactory(**branch_fields)
    members = [MemberFactory(branch=branch) for _ in range(full)]
    members += [ProbationaryMemberFactory(branch=branch, join_date=dt.date(2024, 9, 1)) for _ in range(probationary)]
    return branch, members
