from datetime import date

import factory

from members.idnumbers import checksum_char
from members.models import Member
from tests.branches.factories import BranchFactory


def make_id_number(birth: date, seq: int, region: str = "110101") -> str:
    """A valid 18-digit 身份证号 (GB 11643 checksum) for a birth date."""
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + checksum_char(first17)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Member.Gender.MALE
    birth_date = date(1985, 6, 15)
    branch = factory.SubFactory(BranchFactory)
    status = Member.Status.FULL
    application_date = date(2008, 3, 1)
    join_date = date(2010, 7, 1)
    full_member_date = date(2011, 7, 1)
    category = Member.Category.EMPLOYED

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        """MemberFactory(id_number="...") stores it encrypted, as the service would."""
        if extracted:
            obj.set_id_number(extracted)
            if create:
                obj.save()


class ProbationaryMemberFactory(MemberFactory):
    status = Member.Status.PROBATIONARY
    join_date = date(2026, 1, 10)
    full_member_date = None
