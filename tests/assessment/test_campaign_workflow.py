"""The workflow through the services: each step by the right role, refused for the wrong ones."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.campaigns import services, stages
from assessment.facts import BranchScoringFacts
from assessment.models import Assessment, Campaign, ItemScore, Transition

from .conftest import assessment_of, submit

Status = Assessment.Status


def test_opening_a_campaign_creates_one_assessment_per_branch_with_the_defaults(world):
    c = world.campaign
    assert c.assessments.count() == 4
    assert (c.year, c.self_due, c.sample_ratio, c.publicity_days) == (2025, date(2026, 5, 31), Decimal("0.30"), 5)
    assert (c.threshold_demonstration, c.threshold_advanced, c.threshold_pass) == (90, 80, 60)
    assert Transition.objects.filter(campaign=c, action="open").count() == 1


@pytest.mark.parametrize("who", ["reviewer", "secretary", "inspector", "nobody"])
def test_only_org_department_or_a_committee_for_its_subtree_opens_a_campaign(world, who):
    if who == "reviewer":  # a 党委 for its own subtree may
        c = services.campaign_open(actor=world.users.reviewer, org_unit=world.committee, name="教育党委验收", year=2025)
        assert c.assessments.count() == 4
        return
    with pytest.raises(PermissionDenied):
        services.campaign_open(actor=getattr(world.users, who), org_unit=world.committee, name="x", year=2025)
    assert Campaign.objects.count() == 1


def test_submission_freezes_facts_and_computes_the_self_score(world):
    a = submit(world)
    assert a.status == Status.SUBMITTED
    assert a.frozen_facts["branch_id"] == world.branches[0].pk and len(a.facts_hash) == 64
    items = {i["code"]: i for i in a.self_result["items"]}
    assert items["E1"]["score"] == "4.00" and items["A1"]["method"] == "auto"
    assert a.self_total == Decimal(a.self_result["total"])
    assert [t.action for t in a.transitions.all()] == ["submit"]


def test_submission_needs_the_committee_meeting_the_report_and_evidence(world):
    a = assessment_of(world)
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(actor=world.users.secretary, assessment=a, manual={"E1": 4})
    assert set(exc.value.message_dict) == {"self_report", "approval_meeting", "evidence"}
    a.refresh_from_db()
    assert a.status == Status.DRAFT and a.frozen_facts is None


def test_a_branch_cannot_change_auto_items(world):
    a = assessment_of(world)
    with pytest.raises(ValidationError) as exc:
        services.assessment_self_save(actor=world.users.secretary, assessment=a, manual={"C1": 6})
    assert "自动计分项" in str(exc.value)
    assert not ItemScore.objects.filter(code="C1").exists()


def test_a_branch_cannot_write_review_scores(submitted, world):
    for who in ("secretary", "committee_member"):
        with pytest.raises(PermissionDenied):
            services.assessment_score(actor=getattr(world.users, who), assessment=submitted, manual={"E1": 1})
        with pytest.raises(PermissionDenied):
            services.assessment_approve(actor=getattr(world.users, who), assessment=submitted)
    assert not ItemScore.objects.filter(stage="review").exists()


@pytest.mark.parametrize("who", ["secretary", "committee_member", "other_secretary", "inspector", "org", "nobody"])
def test_only_the_reviewing_committee_approves_or_returns(submitted, world, who):
    user = getattr(world.users, who)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=user, assessment=submitted)
    with pytest.raises(PermissionDenied):
        services.assessment_return(actor=user, assessment=submitted, comment="再补充")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.review_total is None


def test_an_override_needs_a_written_reason_and_is_audited(submitted, world):
    with pytest.raises(ValidationError) as exc:
        services.assessment_override(actor=world.users.reviewer, assessment=submitted, code="C1", value=0, reason=" ")
    assert "理由" in str(exc.value)
    assert not ItemScore.objects.filter(code="C1").exists()

    a = services.assessment_override(
        actor=world.users.reviewer, assessment=submitted, code="C1", value=3, reason="第三季度党员大会记录不实"
    )
    row = ItemScore.objects.get(code="C1", stage="review")
    assert (row.override, row.reason, row.scored_by) == (Decimal("3.00"), "第三季度党员大会记录不实", world.users.reviewer)
    items = {i["code"]: i for i in a.review_result["items"]}
    assert items["C1"]["score"] == "3.00" and items["C1"]["overridden"]
    assert row.history.count() == 1
    assert a.transitions.filter(action="override", comment__contains="记录不实").exists()


def test_return_keeps_history_and_the_branch_resubmits(submitted, world):
    services.assessment_return(actor=world.users.reviewer, assessment=submitted, comment="E1照片不清晰")
    a = assessment_of(world)
    assert a.status == Status.RETURNED
    services.assessment_submit(actor=world.users.secretary, assessment=a)
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED
    assert [t.action for t in a.transitions.all()] == ["submit", "return", "submit"]
    assert a.history.count() >= 3


def test_reviewer_scores_manual_items_and_records_satisfaction(submitted, world):
    a = services.assessment_approve(
        actor=world.users.reviewer, assessment=submitted, manual={"E1": 2}, satisfaction=Decimal("96.5"),
        comment="同意",
    )
    assert a.status == Status.APPROVED and a.satisfaction == Decimal("96.5")
    assert a.review_total == a.self_total - 2
    assert a.transitions.last().action == "approve"


def test_a_stale_version_is_refused(submitted, world):
    stale = submitted.version
    services.assessment_score(actor=world.users.reviewer, assessment=submitted, manual={"E1": 3})
    with pytest.raises(ValidationError) as exc:
        services.assessment_approve(actor=world.users.reviewer, assessment=submitted, version=stale)
    assert "version" in exc.value.message_dict


def _approve_all(world):
    for i in range(4):
        a = submit(world, i)
        services.assessment_approve(actor=world.users.reviewer, assessment=a)


@pytest.mark.parametrize("who", ["secretary", "reviewer", "inspector", "nobody"])
def test_only_managers_draw_the_sample(world, who):
    _approve_all(world)
    with pytest.raises(PermissionDenied):
        services.campaign_draw_sample(actor=getattr(world.users, who), campaign=world.campaign)
    assert not world.campaign.assessments.filter(sampled=True).exists()


def test_verification_replaces_the_review_score_and_a_fraud_finding_vetoes(world):
    _approve_all(world)
    sample = services.campaign_draw_sample(actor=world.users.org, campaign=world.campaign, seed=7)
    a = sample[0]
    for who in ("reviewer", "stray_inspector", "secretary", "org", "nobody"):
        with pytest.raises(PermissionDenied):
            services.assessment_verify(actor=getattr(world.users, who), assessment=a)
    a = services.assessment_verify(
        actor=world.users.inspector, assessment=a, manual={"E2": 0}, vetoes={"V2": "会议记录系事后补写"}
    )
    assert a.status == Status.VERIFIED and a.verify_total == a.review_total - 2
    assert a.superior_total == a.verify_total
    assert a.verify_result["vetoed"] and a.verify_result["grade"] == "fail"


def test_publish_finalise_rectify_and_a_reinspection_lifts_the_grade(world, monkeypatch):
    """The bare branches of the fixture hold almost no records for 2025: all 未达标."""
    _approve_all(world)
    campaign = world.campaign
    for a in services.campaign_draw_sample(actor=world.users.org, campaign=campaign, seed=1):
        services.assessment_verify(actor=world.users.inspector, assessment=a)
    with pytest.raises(PermissionDenied):
        services.campaign_publish(actor=world.users.reviewer, campaign=campaign)
    services.campaign_publish(actor=world.users.org, campaign=campaign, on=date(2026, 7, 3))  # a Friday
    campaign.refresh_from_db()
    assert (campaign.status, campaign.publicity_end) == (Campaign.Status.PUBLICITY, date(2026, 7, 9))

    target = assessment_of(world, 3)
    services.objection_record(actor=world.users.reviewer, assessment=target, content="群众反映会议记录有补写")
    with pytest.raises(ValidationError):
        services.campaign_finalise(actor=world.users.org, campaign=campaign, on=date(2026, 7, 9))
    result = services.campaign_finalise(actor=world.users.org, campaign=campaign, on=date(2026, 7, 10))
    target.refresh_from_db()
    assert target.grade == "fail" and target.status == Status.FINALISED
    assert result.demonstration == [] and "低于建议的20%" in result.warnings[0]

    with pytest.raises(PermissionDenied):
        services.rectification_plan_create(
            actor=world.users.secretary, assessment=target, items=["补开会议"], owner="书记",
            due_date=date(2026, 9, 30), guide=world.users.reviewer,
        )
    plan = services.rectification_plan_create(
        actor=world.users.reviewer, assessment=target, items=["补齐组织生活记录"], owner="支部书记",
        due_date=date(2026, 9, 30), guide=world.users.reviewer,
    )
    target.refresh_from_db()
    assert target.status == Status.RECTIFYING
    with pytest.raises(PermissionDenied):
        services.assessment_reinspect(actor=world.users.secretary, assessment=target)

    # after the 整改 the branch's records of the year are complete: no finding, every period held
    complete = BranchScoringFacts(branch_id=target.branch_id, sector="government", year=2025, on=date(2026, 1, 1))
    monkeypatch.setattr(stages, "scoring_facts", lambda branches, year: {target.branch_id: complete})
    r = services.assessment_reinspect(actor=world.users.reviewer, assessment=target, note="已整改到位")
    target.refresh_from_db()
    assert (r.grade_before, r.grade_after, target.grade, r.plan) == ("fail", "pass", "pass", plan)
    assert r.total >= 60 and target.status == Status.REINSPECTED
    assert target.transitions.filter(action="reinspect", comment__contains="未达标→达标").exists()
