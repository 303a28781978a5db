"""验收截止 (switched on by the campaign): 14 and 3 days before each deadline,
to the branch for its 自评 and to the reviewing 党委 for the review."""

from datetime import date

from assessment.alerts import DueRow, acceptance_candidates
from branches.alerts import RuleFact, run_alert_sweep
from branches.models import Alert, AlertKind, AlertRule

from .conftest import submit

RULE = RuleFact(kind=AlertKind.ACCEPTANCE_DUE, stages=(3, 14))


def row(status="draft", **kw):
    values = dict(campaign_id=1, campaign="2025年度验收", assessment_id=9, branch_id=5, branch="一支部",
                  reviewer_id=2, reviewer="教育党委", status=status, self_due=date(2026, 5, 31),
                  review_due=date(2026, 6, 30))
    return DueRow(**{**values, **kw})


def test_stages_before_the_self_assessment_deadline():
    assert acceptance_candidates([row()], RULE, date(2026, 5, 16)) == []  # 15 days left
    [c] = acceptance_candidates([row()], RULE, date(2026, 5, 17))
    assert (c.org_unit_id, c.stage, c.subject) == (5, "14", "assessment:9:self")
    assert acceptance_candidates([row()], RULE, date(2026, 5, 28))[0].stage == "3"
    assert acceptance_candidates([row()], RULE, date(2026, 6, 1)) == []  # past due: not this kind's job
    assert acceptance_candidates([row("submitted")], RULE, date(2026, 5, 17)) == []


def test_one_review_alert_per_reviewing_unit_with_the_count():
    rows = [row("submitted", assessment_id=1), row("submitted", assessment_id=2, branch_id=6), row("approved")]
    [c] = acceptance_candidates(rows, RULE, date(2026, 6, 27))
    assert (c.org_unit_id, c.stage, c.facts["count"]) == (2, "3", 2)


def test_the_rule_is_switched_on_and_the_sweep_notifies_branch_and_committee(world):
    assert AlertRule.objects.get(kind=AlertKind.ACCEPTANCE_DUE).is_active
    submit(world, 1, actor=world.users.other_secretary)
    run_alert_sweep(date(2026, 5, 17), email=False)
    mine = Alert.objects.get(kind=AlertKind.ACCEPTANCE_DUE, org_unit=world.branches[0])
    assert "须在2026-05-31前提交" in mine.message
    assert list(mine.notifications.values_list("user__username", flat=True)) == ["sj1"]
    assert not Alert.objects.filter(kind=AlertKind.ACCEPTANCE_DUE, org_unit=world.branches[1]).exists()

    run_alert_sweep(date(2026, 6, 16), email=False)
    review = Alert.objects.get(kind=AlertKind.ACCEPTANCE_DUE, org_unit=world.committee)
    assert "1个党支部的自评待审核" in review.message
    assert list(review.notifications.values_list("user__username", flat=True)) == ["dw"]
    run_alert_sweep(date(2026, 6, 16), email=False)
    assert Alert.objects.filter(kind=AlertKind.ACCEPTANCE_DUE).count() == 4  # 3 branches + 1 党委, once
