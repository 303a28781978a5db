"""The pure rules: final score by mode at the grade boundaries, working days,
the reproducible sample, the 20% 示范 warning, frozen facts round trip."""

from datetime import date
from decimal import Decimal

import pytest

from assessment import facts as f
from assessment.campaigns import rules
from assessment.engine import Thresholds

T = Thresholds()
D = Decimal


@pytest.mark.parametrize(
    ("superior", "grade"),
    [(D("89.99"), "advanced"), (D("90.00"), "demonstration"), (D("79.99"), "pass"), (D("59.99"), "fail")],
)
def test_last_stage_mode_takes_the_superior_score_at_the_boundary(superior, grade):
    total, got = rules.final_score(mode="last_stage", self_total=D("100"), superior_total=superior,
                                   self_weight=D("0.40"), thresholds=T)
    assert (total, got) == (superior, grade)


def test_last_stage_mode_falls_back_to_the_self_score_without_a_superior_one():
    assert rules.final_score(mode="last_stage", self_total=D("90.00"), superior_total=None,
                             self_weight=D("0.4"), thresholds=T) == (D("90.00"), "demonstration")


@pytest.mark.parametrize(
    ("self_total", "superior", "total", "grade"),
    [
        # 40% × 89.99 + 60% × 89.99 = 89.99
        (D("89.99"), D("89.99"), D("89.99"), "advanced"),
        # 40% × 90 + 60% × 90 = 90.00
        (D("90.00"), D("90.00"), D("90.00"), "demonstration"),
        # 40% × 95 + 60% × 86.66 = 38 + 51.996 = 89.996 → 90.00 (half up to the cent)
        (D("95.00"), D("86.66"), D("90.00"), "demonstration"),
        # 40% × 95 + 60% × 86.65 = 38 + 51.99 = 89.99
        (D("95.00"), D("86.65"), D("89.99"), "advanced"),
    ],
)
def test_weighted_mode_at_the_boundary(self_total, superior, total, grade):
    assert rules.final_score(mode="weighted", self_total=self_total, superior_total=superior,
                             self_weight=D("0.40"), thresholds=T) == (total, grade)


def test_a_veto_fails_whatever_the_score():
    assert rules.final_score(mode="last_stage", self_total=D("99"), superior_total=D("99"), self_weight=D("0.4"),
                             thresholds=T, vetoed=True) == (D("99.00"), "fail")


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (date(2026, 7, 3), 5, date(2026, 7, 9)),  # Friday → Thursday
        (date(2026, 7, 6), 5, date(2026, 7, 10)),  # Monday → Friday
        (date(2026, 7, 4), 5, date(2026, 7, 10)),  # Saturday: starts Monday
        (date(2026, 7, 6), 1, date(2026, 7, 6)),
    ],
)
def test_publicity_counts_working_days_skipping_weekends(start, days, end):
    assert rules.add_working_days(start, days) == end


def test_the_same_seed_gives_the_same_sample_with_every_candidate():
    ids = list(range(100, 140))
    candidates = [103, 131]
    first = rules.draw_sample(ids, candidates, D("0.30"), seed=20260601)
    assert first == rules.draw_sample(list(reversed(ids)), candidates, D("0.30"), seed=20260601)
    assert len(first) == 12 and {103, 131} <= set(first)
    others = {tuple(rules.draw_sample(ids, candidates, D("0.30"), seed=s)) for s in range(20)}
    assert len(others) > 1  # the seed matters


def test_candidates_beyond_the_ratio_are_all_sampled():
    assert rules.draw_sample([1, 2, 3, 4], [1, 2, 3], D("0.30"), seed=1) == [1, 2, 3]


@pytest.mark.parametrize(("count", "branches", "short"), [(1, 10, True), (2, 10, False), (0, 4, True), (1, 5, False)])
def test_the_20_percent_demonstration_warning(count, branches, short):
    assert rules.demonstration_short(count, branches, D("0.20")) is short


def test_frozen_facts_round_trip():
    facts = f.BranchScoringFacts(
        branch_id=1, sector="village", year=2025, on=date(2026, 1, 1),
        findings=(f.FindingFact("TERM_EXPIRED", (("due_end", "2025-03-01"), ("roles", ("a", "b")))),),
        cells=(f.CellFact("committee", "2025-03", date(2025, 3, 31), "held", 1, 1, (5, 6)),),
        study=(f.StudyFact(3, D("30.5"), D("32"), False),),
        boxes=(f.BoxFact("minutes", None, False, 2, False, None, None),),
        dues_cards=f.DuesCardsFact(4, 3),
    )
    assert rules.facts_from_json(rules.to_json(facts)) == facts
