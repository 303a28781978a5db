"""The admin: the rate table is editable data; the records are shown read-only
(they are written through the pages and the API, where the rules are)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import DuesRate
from members.services import development_step_record, dues_month_record, training_record, transfer_out_issue
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_changelists_render_and_records_are_read_only(admin_client):
    member = MemberFactory()
    dues_month_record(member=member, month=date(2025, 1, 1), base_pay="3000")
    training_record(branch=member.branch, title="培训", start_date=date(2025, 1, 1), full_days=1, participants=[member])
    person = MemberFactory(
        branch=member.branch, status="applicant", join_date=None, full_member_date=None, birth_date=date(2000, 1, 1)
    )
    development_step_record(member=person, step=1, date=date(2025, 1, 1))
    transfer_out_issue(member=MemberFactory(branch=member.branch), to_org="外县")
    for name in ("duesrate", "duesmonth", "training", "developmentstep", "transfer", "inactivityhandling", "importrun"):
        assert admin_client.get(reverse(f"admin:members_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:members_duesmonth_add")).status_code == 403
    rate = DuesRate.objects.get(category="employed", upper_bound=3000)
    assert admin_client.get(reverse("admin:members_duesrate_change", args=[rate.pk])).status_code == 200
