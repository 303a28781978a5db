"""Property: recording one more held meeting, or one more paid dues month,
never lowers a branch's score."""

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import engine
from assessment import facts as f

from .helpers import REQUIREMENTS, card, cells, perfect

CARDS = (card(), card("village-2025"))
STATUSES = ("held", "missing", "upcoming", "not_applicable")


@st.composite
def branch_facts(draw):
    on = draw(st.sampled_from([date(2025, 4, 10), date(2025, 9, 30), date(2026, 1, 1)]))
    out = []
    for requirement, period in REQUIREMENTS + (("group", "month"),):
        for c in cells(2025, requirement, period, groups=(5, 6)):
            status = draw(st.sampled_from(STATUSES))
            if status == "upcoming" and c.end < on:
                status = "missing"
            if status == "missing" and c.end >= on:
                status = "upcoming"
            count = c.required if status == "held" else draw(st.integers(0, max(c.required - 1, 0)))
            out.append(dataclasses.replace(c, status=status, count=count, required=c.required))
    dues = tuple(
        f.DuesFact(100 + i, due, draw(st.integers(0, due)))
        for i, due in enumerate(draw(st.lists(st.integers(0, 12), min_size=1, max_size=8)))
    )
    return perfect(on=on, cells=tuple(out), dues=dues)


def _held_one_more(facts: f.BranchScoringFacts, index: int) -> f.BranchScoringFacts:
    c = facts.cells[index]
    count = c.count + 1
    status = "held" if count >= c.required else c.status
    cell = dataclasses.replace(c, count=count, status=status)
    return dataclasses.replace(facts, cells=facts.cells[:index] + (cell,) + facts.cells[index + 1 :])


def _paid_one_more(facts: f.BranchScoringFacts, index: int) -> f.BranchScoringFacts:
    d = facts.dues[index]
    paid = dataclasses.replace(d, settled_months=min(d.settled_months + 1, d.due_months))
    return dataclasses.replace(facts, dues=facts.dues[:index] + (paid,) + facts.dues[index + 1 :])


@settings(max_examples=60, deadline=None)
@given(branch_facts(), st.data())
def test_one_more_held_meeting_never_lowers_the_score(facts, data):
    open_cells = [i for i, c in enumerate(facts.cells) if c.status in ("missing", "upcoming")]
    if not open_cells:
        return
    after = _held_one_more(facts, data.draw(st.sampled_from(open_cells)))
    for c in CARDS:
        assert engine.score(c, after).total >= engine.score(c, facts).total


@settings(max_examples=60, deadline=None)
@given(branch_facts(), st.data())
def test_one_more_paid_dues_month_never_lowers_the_score(facts, data):
    after = _paid_one_more(facts, data.draw(st.integers(0, len(facts.dues) - 1)))
    for c in CARDS:
        assert engine.score(c, after).total >= engine.score(c, facts).total
