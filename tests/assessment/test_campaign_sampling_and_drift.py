"""Sampling through the service, the 20% warning on the campaign, and frozen
evidence: records changed after submission show a difference and do not move
the submitted score until a reviewer re-scores."""

from datetime import date
from decimal import Decimal

import pytest

from assessment.campaigns import selectors, services
from assessment.models import Assessment
from meetings.models import Meeting
from tests.meetings.factories import MeetingFactory

from .conftest import assessment_of, submit


def _approve_all(world):
    for i in range(4):
        services.assessment_approve(actor=world.users.reviewer, assessment=submit(world, i))


def test_sampling_with_the_same_seed_gives_the_same_branches_and_every_candidate(world):
    _approve_all(world)
    candidate = assessment_of(world, 2)
    Assessment.objects.filter(pk=candidate.pk).update(review_result={**candidate.review_result,
                                                                     "grade": "demonstration"})
    sample = services.campaign_draw_sample(actor=world.users.org, campaign=world.campaign, seed=424242)
    drawn = sorted(a.branch_id for a in sample)
    assert len(drawn) == 2 and candidate.branch_id in drawn  # ceil(30% × 4) = 2, the candidate among them
    world.campaign.refresh_from_db()
    assert world.campaign.sample_seed == 424242
    with pytest.raises(services.ValidationError):
        services.campaign_draw_sample(actor=world.users.org, campaign=world.campaign)

    # the stored seed reproduces the draw
    from assessment.campaigns.rules import draw_sample

    ids = [a.branch_id for a in world.campaign.assessments.all()]
    assert draw_sample(ids, [candidate.branch_id], Decimal("0.30"), 424242) == drawn


def test_records_changed_after_submission_show_a_difference_and_keep_the_submitted_score(world):
    a = submit(world)
    assert selectors.assessment_drift(a).items == ()
    before = (a.self_total, a.facts_hash, a.self_result)

    # the branch back-fills a 2025 支部党员大会 after submitting
    MeetingFactory(branch=world.branches[0], kind=Meeting.Kind.BRANCH_ASSEMBLY, day=date(2025, 2, 20))
    drift = selectors.assessment_drift(a)
    assert drift.changed
    c1 = next(d for d in drift.items if d.code == "C1")
    assert c1.fresh - c1.frozen == Decimal("1.50")
    a.refresh_from_db()
    assert (a.self_total, a.facts_hash, a.self_result) == before  # nothing drifted silently

    # the reviewer re-scores with one click: recorded, the review score follows the records, the self score stays
    services.assessment_rescore(actor=world.users.reviewer, assessment=a)
    a.refresh_from_db()
    assert a.self_total == before[0] == drift.frozen_total
    assert a.review_total == drift.fresh_total != before[0]
    assert selectors.assessment_drift(a).items == ()
    assert a.transitions.filter(action="rescore", comment__contains="C1").exists()


def test_a_branch_cannot_rescore(world):
    a = submit(world)
    with pytest.raises(services.PermissionDenied):
        services.assessment_rescore(actor=world.users.secretary, assessment=a)


def test_progress_counts_each_stage(world):
    submit(world, 0)
    services.assessment_approve(actor=world.users.reviewer, assessment=submit(world, 1))
    p = selectors.campaign_progress(world.campaign)
    assert (p.branches, p.submitted, p.reviewed) == (4, 2, 1)
    assert p.by_status["draft"] == 2
