"""Member records file themselves into the 党员管理档案盒 (SPEC §5), and a bound
(合订) catalogue freezes them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from archives.models import BoxKind, Document
from archives.services import catalogue_bind
from members.models import DuesMonth, Member
from members.services import (
    development_step_record,
    development_step_update,
    dues_month_record,
    dues_month_record_many,
    transfer_out_issue,
)
from members.services.dues import DuesRowIn
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


def member_box_docs(branch):
    return Document.objects.filter(branch=branch, catalogue__box_kind=BoxKind.MEMBERS).select_related("doc_kind")


def test_a_branchs_month_of_dues_is_one_ledger_entry_however_many_members_paid():
    branch = BranchFactory()
    members = MemberFactory.create_batch(3, branch=branch)
    dues_month_record_many(
        branch=branch, month=MARCH, paid_on=date(2025, 3, 5),
        rows=[DuesRowIn(member=m, base_pay="4000", paid_in_full=True) for m in members],
    )
    dues_month_record(member=members[0], month=MARCH, base_pay="4500", paid_in_full=True, paid_on=date(2025, 3, 6))
    (doc,) = member_box_docs(branch)
    assert (doc.doc_kind.code, doc.title, doc.date, doc.catalogue.year) == ("mem_dues", "2025年3月党费收缴台账", MARCH, 2025)


def test_a_bound_month_of_dues_can_no_longer_be_corrected():
    branch = BranchFactory()
    member = MemberFactory(branch=branch)
    dues_month_record(member=member, month=MARCH, base_pay="4000", paid_in_full=True, paid_on=date(2025, 3, 5))
    catalogue_bind(member_box_docs(branch).get().catalogue, today=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="合订"):
        dues_month_record(member=member, month=MARCH, base_pay="9000", paid_in_full=True, paid_on=date(2025, 3, 5))
    assert DuesMonth.objects.get(member=member).base_pay == 4000


def test_a_transfer_letter_files_its_stub_at_the_issuing_branch():
    member = MemberFactory(name="王芳")
    letter = transfer_out_issue(member=member, to_org="中共某县委组织部", issued_on=date(2025, 5, 6))
    (doc,) = member_box_docs(member.branch)
    assert doc.doc_kind.code == "mem_transfer" and letter.serial_no in doc.title and "王芳" in doc.title


def test_a_development_step_is_filed_and_frozen_once_bound():
    member = MemberFactory(
        status=Member.Status.APPLICANT, birth_date=date(2000, 5, 4), application_date=None, join_date=None,
        full_member_date=None, name="李想",
    )
    step = development_step_record(member=member, step=1, date=date(2025, 3, 2), document="入党申请书",
                                   responsible="组织委员")
    (doc,) = member_box_docs(member.branch)
    assert doc.doc_kind.code == "mem_development" and "李想" in doc.title and doc.date == date(2025, 3, 2)
    development_step_update(step, date=date(2025, 3, 3))
    doc.refresh_from_db()
    assert doc.date == date(2025, 3, 3)
    catalogue_bind(doc.catalogue, today=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="合订"):
        development_step_update(step, date=date(2025, 3, 4))
