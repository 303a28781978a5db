"""seed_demo's member records step (党费, 学时, 发展党员, 转接): realistic,
rule-exercising, reproducible, and written in batches."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.management.commands.seed_demo import SEED_STEPS, seed_database
from branches.demo import Scale
from members import pipeline
from members.demo import seed_records
from members.models import (
    DevelopmentStep,
    DuesMonth,
    InactivityHandling,
    Member,
    MemberStatusChange,
    Training,
    Transfer,
)
from members.selectors import development_findings, six_month_cases, study_hours
from members.selectors.transfers import overdue_by_branch

pytestmark = pytest.mark.django_db
RECORDS = ("members", "seed_records")
# the records step runs after the meetings (the main seed lists it there; tests add it if it is not yet listed)
STEPS = tuple(s for s in SEED_STEPS if s[0] in ("branches", "members", "meetings") and s != RECORDS) + (RECORDS,)


@pytest.fixture(scope="module")
def today():
    return timezone.localdate()


@pytest.fixture
def demo(today):
    return seed_database(seed=2026, today=today, steps=STEPS)


def test_the_demo_has_a_realistic_ledger_with_arrears_and_six_month_cases(demo, today):
    ids = [b.pk for b in demo.branches]
    paid = DuesMonth.objects.filter(amount_paid__gt=0).count()
    assert paid > 0.9 * DuesMonth.objects.count() > 1000
    for row in DuesMonth.objects.select_related("member")[:300]:
        row.full_clean()
        assert row.month >= row.member.join_date.replace(day=1)
    cases = [c for cs in six_month_cases(ids, on=today).values() for c in cs if c.rule == "dues"]
    assert any(c.handled for c in cases) and any(not c.handled for c in cases)
    assert InactivityHandling.objects.exists()


def test_study_hours_are_mostly_met_with_a_few_short(demo, today):
    rows = [r for rs in study_hours([b.pk for b in demo.branches], today.year - 1, on=today).values() for r in rs]
    short = [r for r in rows if r.is_short]
    assert Training.objects.exists()
    assert 0 < len(short) < len(rows)


def test_the_pipeline_is_in_order_with_one_time_limit_missed(demo, today):
    findings = [f for fs in development_findings([b.pk for b in demo.branches], on=today).values() for _r, f in fs]
    codes = {f.code for f in findings}
    assert pipeline.TALK_LATE in codes
    assert not codes & {
        pipeline.MISSING_PREDECESSOR,
        pipeline.DATE_ORDER,
        pipeline.INTRODUCERS,
        pipeline.TRAINING_SHORT,
        pipeline.UNDER_AGE,
    }
    in_pipeline = Member.objects.filter(status__in=[*Member.PIPELINE_STATUSES, Member.Status.PROBATIONARY])
    assert set(DevelopmentStep.objects.values_list("member_id", flat=True).distinct()) == set(
        in_pipeline.values_list("pk", flat=True)
    )
    for step in DevelopmentStep.objects.filter(step__in=(5, 9)).prefetch_related("people"):
        assert all(p.status == Member.Status.FULL for p in step.people.all())


def test_letters_in_and_out_with_one_overdue(demo, today):
    assert Transfer.objects.filter(direction=Transfer.Direction.IN).exists()
    out = Transfer.objects.filter(direction=Transfer.Direction.OUT)
    assert {t.state_on(today) for t in out} == {"issued", "received", "overdue"}
    assert sum(len(v) for v in overdue_by_branch([b.pk for b in demo.branches], on=today).values()) == 1
    for letter in out:
        assert letter.member.status == Member.Status.TRANSFERRED_OUT
        assert MemberStatusChange.objects.filter(member=letter.member, to_status="transferred_out").exists()
        letter.full_clean()


def test_the_same_seed_gives_the_same_records(today):
    def run():
        with transaction.atomic():
            seed_database(seed=5, today=today, steps=STEPS)
            snapshot = (
                list(
                    DuesMonth.objects.order_by("member__name", "member__birth_date", "month").values_list(
                        "member__name", "month", "amount_due", "amount_paid"
                    )
                ),
                list(
                    DevelopmentStep.objects.order_by("member__name", "step").values_list("member__name", "step", "date")
                ),
            )
            transaction.set_rollback(True)
        return snapshot

    assert run() == run()


def test_the_step_writes_in_batches_not_per_member(today):
    def run(factor):
        with transaction.atomic():
            ctx = seed_database(seed=11, scale=Scale("demo", roster_factor=factor), today=today, steps=STEPS[:-1])
            with CaptureQueriesContext(connection) as queries:
                seed_records(ctx)
            rows = DuesMonth.objects.count()
            transaction.set_rollback(True)
        sqls = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        return rows, [s for s in sqls if not s.startswith("INSERT")], [s for s in sqls if s.startswith("INSERT")]

    small_rows, small_other, small_inserts = run(1)
    big_rows, big_other, big_inserts = run(3)
    assert big_rows > 2 * small_rows
    assert len(big_other) == len(small_other)
    assert len(big_inserts) - len(small_inserts) < (big_rows - small_rows) / 20


def test_the_pages_render_on_the_demo_data(demo, today, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="zzb"))  # 组织部: sees everything
    for branch in demo.branches:
        for url in (
            reverse("org_unit", args=[branch.pk]),
            reverse("dues_grid", args=[branch.pk, today.year]),
            reverse("study_hours", args=[branch.pk, today.year]),
            reverse("development_branch", args=[branch.pk]),
            reverse("six_month", args=[branch.pk]),
        ):
            assert client.get(url).status_code == 200, url
    for member in Member.objects.filter(development_steps__isnull=False).distinct()[:20]:
        assert client.get(reverse("development_timeline", args=[member.pk])).status_code == 200
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == 200
    for letter in Transfer.objects.all():
        assert client.get(reverse("transfer_letter", args=[letter.pk])).status_code == 200
    assert client.get(reverse("transfer_list")).status_code == 200
    member = DuesMonth.objects.first().member
    assert client.get(reverse("member_dues_card", args=[member.pk])).status_code == 200
