"""`manage.py score_campaign`: drafts re-scored from today's records in a fixed
number of queries; submitted assessments keep their frozen score."""

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.campaigns import services
from meetings.models import Meeting
from tests.branches.factories import BranchFactory
from tests.meetings.factories import MeetingFactory

from .conftest import assessment_of, submit


def _run(campaign):
    out, err = StringIO(), StringIO()
    with CaptureQueriesContext(connection) as ctx:
        call_command("score_campaign", str(campaign.pk), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), len(ctx.captured_queries)


def test_drafts_are_rescored_and_submitted_ones_stay_frozen(world):
    submitted = submit(world)
    out, err, _ = _run(world.campaign)
    assert "重新计分3个党支部，1个已提交" in out and "3/3" in err
    draft = assessment_of(world, 1)
    assert draft.self_total is not None and draft.frozen_facts is None

    MeetingFactory(branch=world.branches[0], kind=Meeting.Kind.BRANCH_ASSEMBLY, day=date(2025, 5, 1))
    MeetingFactory(branch=world.branches[1], kind=Meeting.Kind.BRANCH_ASSEMBLY, day=date(2025, 5, 1))
    before = draft.self_total
    _run(world.campaign)
    draft.refresh_from_db()
    submitted_after = assessment_of(world, 0)
    assert draft.self_total != before  # the draft follows the records
    assert (submitted_after.self_total, submitted_after.facts_hash) == (submitted.self_total, submitted.facts_hash)


def test_the_query_count_does_not_grow_with_the_branches(world):
    _, _, few = _run(world.campaign)
    c = world.campaign
    more = [BranchFactory(parent=world.committee) for _ in range(6)]
    from assessment.models import Assessment

    Assessment.objects.bulk_create([Assessment(campaign=c, branch=b, scorecard=c.assessments.first().scorecard)
                                    for b in more])
    _, _, many = _run(c)
    assert many == few
    assert services.campaign_rescore_drafts(campaign=c) == 10
