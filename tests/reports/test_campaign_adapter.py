"""The reports read a branch's campaign scores, opinions and evidence through
reports.campaign.campaign_results: a submitted self-assessment shows up there."""

from reports.campaign import campaign_results
from tests.assessment.conftest import YEAR, submit, world  # noqa: F401 — the campaign fixture


def test_a_submitted_self_assessment_reaches_the_reports(world):  # noqa: F811
    submitted = submit(world)
    results = campaign_results([b.pk for b in world.branches], YEAR)
    mine = results[world.branches[0].pk]
    assert mine.campaign == world.campaign.name
    assert mine.self_total == submitted.self_total and mine.self_total is not None
    assert {"E1.png", "E2.png", "E3.png"} <= set(mine.evidence)
    assert results[world.branches[1].pk].self_total is None  # opened, not yet submitted


def test_a_year_without_a_campaign_gives_nothing(world):  # noqa: F811
    assert campaign_results([b.pk for b in world.branches], YEAR - 1) == {}
