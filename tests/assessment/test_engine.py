"""The pure engine: every default item at full marks and at each of its
deductions, grades and their boundaries, vetoes, bonus, floors, 未评, gaps."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from assessment import engine
from assessment import facts as f

from .helpers import FULL_MANUAL, card, cells, finding, item, perfect, with_cell

CARD = card()
D = Decimal


def test_default_card_is_the_spec_table():
    assert len(CARD.items) == 27
    assert sum(i.max for i in CARD.items) == D("100")
    assert [c.name for c in CARD.categories] == ["组织设置", "班子建设", "组织生活", "党员管理", "阵地建设", "档案管理"]
    assert {i.code for i in CARD.items if i.method == "manual"} == {"E1", "E2", "E3"}
    assert CARD.bonus_cap == D("5") and [b.name for b in CARD.bonus] == ["上级表彰", "创新做法"]
    assert [(v.method, v.rule) for v in CARD.vetoes] == [("manual", ""), ("manual", ""), ("auto", "term_overdue")]


def test_village_card_differs_in_an_item_and_still_adds_up():
    village = card("village-2025")
    assert village.sectors == ("village", "community")
    assert sum(i.max for i in village.items) == D("100")
    maxes = {i.code: i.max for i in village.items}
    assert maxes != {i.code: i.max for i in CARD.items}


def test_a_branch_that_keeps_every_record_gets_every_auto_point():
    result = engine.score(CARD, perfect())
    for i in result.items:
        if i.method == "auto":
            assert (i.code, i.score, i.deductions) == (i.code, i.max, ())
    assert result.total == D("92.00")
    assert result.unrated == 3  # E1–E3 are 未评, not silently full
    assert [i.score for i in result.items if i.category == "E"] == [None, None, None]
    assert result.open_gaps == ()


def test_manual_items_valued_bring_the_full_hundred_and_the_top_grade():
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL)
    assert (result.total, result.grade, result.stars, result.unrated) == (D("100.00"), "demonstration", 5, 0)
    assert {c.code: c.score for c in result.categories}["E"] == D("8.00")


F = finding
DEDUCTIONS = [
    # item, facts, expected item score, deduction code
    ("A1", perfect(findings=(F("COMMITTEE_MISSING", full_members=9),)), "0.00", "committee_missing"),
    ("A1", perfect(findings=(F("COMMITTEE_SIZE", seats=4),)), "3.00", "committee_size"),
    (
        "A2",
        perfect(findings=(F("TERM_EXPIRED", due_end="2025-06-30", overdue_days=184, term_id=1),)),
        "0.00",
        "term_expired",
    ),
    ("A3", perfect(findings=(F("VACANCY", vacant_seats=1, since="2025-01-02"),)), "0.00", "vacancy"),
    (
        "A4",
        perfect(findings=(F("GROUP_TOO_SMALL", group_id=5), F("GROUP_LEADER_PROBATIONARY", group_id=5))),
        "1.00",
        "group_irregular",
    ),
    ("B1", perfect(findings=(F("SECRETARY_MISSING"),)), "0.00", "secretary_missing"),
    ("B1", perfect(findings=(F("TERM_MISSING"),)), "0.00", "secretary_missing"),
    (
        "B1",
        perfect(findings=(F("SECRETARY_PARTY_AGE", member_id=101, party_years=0, minimum=1),)),
        "2.00",
        "secretary_party_age",
    ),
    (
        "B2",
        perfect(findings=(F("COMMITTEE_ROLES_MISSING", missing_roles=["organization", "discipline"]),)),
        "1.00",
        "role_missing",
    ),
    (
        "B3",
        perfect(
            study=(
                f.StudyFact(101, D("50"), D("56"), True),
                f.StudyFact(102, D("56"), D("56"), True),
                f.StudyFact(103, D("70"), D("56"), True),
            )
        ),
        "2.00",
        "study_short",
    ),
    ("C1", with_cell(perfect(), "branch_assembly", "2025-Q3", status="missing", count=0), "4.50", "meeting_missing"),
    ("C2", with_cell(perfect(), "committee", "2025-02", status="missing", count=0), "5.50", "meeting_missing"),
    (
        "C3",
        perfect(cells=perfect().cells + tuple(cells(2025, "group", "month", status="missing", groups=(5,)))[:3]),
        "3.40",
        "meeting_missing",
    ),
    ("C4", with_cell(perfect(), "lecture", "2025-Q1", status="missing", count=0), "4.00", "meeting_missing"),
    (
        "C4",
        with_cell(perfect(), "secretary_lecture", "2025", status="missing", count=0),
        "4.00",
        "secretary_lecture_missing",
    ),
    ("C5", with_cell(perfect(), "theme_day", "2025-12", status="missing", count=0), "4.50", "meeting_missing"),
    ("C6", with_cell(perfect(), "life_meeting", "2025", status="missing", count=0), "0.00", "meeting_missing"),
    (
        "C7",
        with_cell(perfect(evaluations=()), "evaluation", "2025", status="missing", count=0),
        "0.00",
        "meeting_missing",
    ),
    ("C7", perfect(evaluations=(f.EvaluationFact(9, rated=9, excellent=4),)), "2.00", "too_many_excellent"),
    ("C8", with_cell(perfect(), "talk", "2025", status="missing", count=14), "2.00", "share_missing"),
    (
        "D1",
        perfect(study=perfect().study[:3] + (f.StudyFact(104, D("31.5"), D("32"), False),) + perfect().study[4:]),
        "4.00",
        "study_short",
    ),
    ("D2", perfect(dues=(f.DuesFact(101, 12, 9),) + perfect().dues[1:]), "4.84", "dues_unpaid"),
    (
        "D3",
        perfect(development=(f.DevelopmentFact(104, 2, "late"), f.DevelopmentFact(105, 7, "order"))),
        "2.00",
        "development_step",
    ),
    ("D4", perfect(transfers=(f.TransferFact(7, 104, "overdue"),)), "1.00", "transfer_overdue"),
    ("D4", perfect(transfers=(f.TransferFact(8, 104, "receipt_late"),)), "1.00", "transfer_receipt_late"),
    (
        "D5",
        perfect(six_month=(f.CaseFact(104, "dues", date(2025, 1, 1), 7, handled=False),)),
        "1.00",
        "six_month_unhandled",
    ),
    ("D6", with_cell(perfect(), "member_report", "2025", status="missing", count=6), "1.50", "share_missing"),
    ("F1", perfect(books=(f.BookFact("minutes", 1, 0), f.BookFact("study_notes", 8, 8))), "3.00", "book_missing"),
    ("F2", perfect(boxes=(f.BoxFact("life", 3, True, 0, False, False, date(2026, 3, 31)),)), "5.00", "box_unbound"),
    ("F2", perfect(boxes=(f.BoxFact("life", 3, False, 2, True, True, date(2026, 3, 31)),)), "5.00", "box_incomplete"),
    ("F3", perfect(dues_cards=f.DuesCardsFact(expected=8, present=7)), "1.75", "dues_cards_incomplete"),
]


@pytest.mark.parametrize(
    ("code", "facts", "expected", "deduction"), DEDUCTIONS, ids=[f"{d[0]}-{d[3]}-{i}" for i, d in enumerate(DEDUCTIONS)]
)
def test_each_default_deduction(code, facts, expected, deduction):
    result = engine.score(CARD, facts, manual=FULL_MANUAL)
    scored = item(result, code)
    assert scored.score == D(expected)
    assert deduction in {d.code for d in scored.deductions}
    others = [i for i in result.items if i.code != code]
    assert all(i.score == i.max for i in others), [i.code for i in others if i.score != i.max]
    assert result.total == D("100") - (scored.max - D(expected))


def test_handled_six_month_case_costs_nothing():
    facts = perfect(six_month=(f.CaseFact(104, "attendance", date(2025, 1, 1), 6, handled=True),))
    assert item(engine.score(CARD, facts), "D5").score == D("2.00")


def test_no_party_groups_gives_c3_full_marks():
    assert not [c for c in perfect().cells if c.requirement == "group"]
    assert item(engine.score(CARD, perfect()), "C3").score == D("4.00")


def test_deductions_name_their_records():
    facts = perfect(transfers=(f.TransferFact(7, 104, "overdue"),))
    assert item(engine.score(CARD, facts), "D4").deductions[0].records == (("transfer", 7),)
    facts = with_cell(perfect(), "branch_assembly", "2025-Q2", status="missing", count=0, excluded_ids=(44,))
    d = item(engine.score(CARD, facts), "C1").deductions[0]
    assert (d.params, d.records) == ({"requirement": "branch_assembly", "period": "2025-Q2"}, (("meeting", 44),))


def test_items_never_go_below_zero():
    both = perfect(findings=(F("COMMITTEE_MISSING", full_members=9), F("COMMITTEE_SIZE", seats=4)))
    assert item(engine.score(CARD, both), "A1").score == D("0.00")
    thirty = tuple(cells(2025, "group", "month", status="missing", groups=(5, 6, 7)))  # 36 × 0.2 = 7.2 > 4
    scored = item(engine.score(CARD, perfect(cells=perfect().cells + thirty)), "C3")
    assert scored.score == D("0.00") and len(scored.deductions) == 36


def test_bonus_is_capped_per_item_and_in_total():
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL, bonus={"X1": D("3"), "X2": D("3")})
    assert (result.bonus, result.total) == (D("5.00"), D("105.00"))
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL, bonus={"X1": D("10")})
    assert result.bonus == D("3.00")


def test_manual_values_are_clamped_to_the_item():
    result = engine.score(CARD, perfect(), manual={"E1": D("9"), "E2": D("-1")})
    assert (item(result, "E1").score, item(result, "E2").score, item(result, "E3").score) == (
        D("4.00"),
        D("0.00"),
        None,
    )
    assert result.unrated == 1


def _total(target: str):
    """Overrides that bring a perfect branch to exactly `target`."""
    lost = D("100") - D(target)
    overrides = {}
    for spec in CARD.items:
        if lost <= 0:
            break
        take = min(spec.max, lost)
        overrides[spec.code] = spec.max - take
        lost -= take
    return overrides


@pytest.mark.parametrize(
    ("total", "grade", "stars"),
    [
        ("100", "demonstration", 5),
        ("90.00", "demonstration", 5),
        ("89.99", "advanced", 4),
        ("80.00", "advanced", 4),
        ("79.99", "pass", 3),
        ("60.00", "pass", 3),
        ("59.99", "fail", 0),
        ("0", "fail", 0),
    ],
)
def test_grade_boundaries(total, grade, stars):
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL, overrides=_total(total))
    assert (result.total, result.grade, result.stars) == (D(total).quantize(D("0.01")), grade, stars)


def test_campaign_thresholds_replace_the_cards():
    strict = engine.Thresholds(demonstration=D("95"), advanced=D("85"), passing=D("70"))
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL, overrides=_total("94.99"), thresholds=strict)
    assert result.grade == "advanced"


def test_overrides_replace_an_auto_score_and_are_marked():
    result = engine.score(CARD, perfect(), overrides={"A1": D("2.5")})
    assert (item(result, "A1").score, item(result, "A1").overridden) == (D("2.50"), True)


@pytest.mark.parametrize("veto", ["V1", "V2"])
def test_a_manual_veto_beats_any_score(veto):
    result = engine.score(CARD, perfect(), manual=FULL_MANUAL, bonus={"X1": D("3")}, vetoes=[veto])
    assert (result.total, result.vetoed, result.grade, result.stars) == (D("103.00"), True, "fail", 0)
    assert [v.code for v in result.vetoes] == [veto]


def test_term_overdue_more_than_a_year_is_an_auto_veto():
    within = perfect(findings=(F("TERM_EXPIRED", due_end="2024-12-31", overdue_days=365),))
    assert not engine.score(CARD, within, manual=FULL_MANUAL).vetoed
    beyond = perfect(findings=(F("TERM_EXPIRED", due_end="2024-12-30", overdue_days=366),))
    result = engine.score(CARD, beyond, manual=FULL_MANUAL)
    assert (result.total, result.vetoed, result.grade) == (D("95.00"), True, "fail")
    assert (result.vetoes[0].code, result.vetoes[0].method) == ("V3", "auto")


def test_running_year_costs_nothing_for_periods_not_ended_and_lists_the_gaps():
    on = date(2025, 8, 15)
    facts = perfect(on=on)
    facts = with_cell(facts, "branch_assembly", "2025-Q3", status="upcoming", count=0)
    facts = with_cell(facts, "branch_assembly", "2025-Q2", status="missing", count=0)
    facts = dataclasses.replace(
        facts, dues=(f.DuesFact(101, 7, 5),) + facts.dues[1:], dues_cards=f.DuesCardsFact(expected=8, present=7)
    )
    result = engine.score(CARD, facts, manual=FULL_MANUAL)
    assert item(result, "C1").score == D("4.50")  # Q2 is lost, Q3 is still open
    assert item(result, "D2").score == D("5.00") and item(result, "F3").score == D("2.00")
    gaps = {(g.item_code, g.code): g for g in result.open_gaps}
    assert gaps[("C1", "meeting_due")].points == D("1.50")
    assert gaps[("C1", "meeting_due")].due == date(2025, 9, 30)
    assert gaps[("D2", "dues_unpaid")].due == date(2025, 12, 31)
    assert result.at_stake == sum((g.points for g in result.open_gaps), D(0))


def test_gaps_never_put_more_at_stake_than_the_item_has_left():
    facts = perfect(on=date(2025, 2, 1))
    for q in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"):
        facts = with_cell(facts, "lecture", q, status="upcoming", count=0)
    facts = with_cell(facts, "secretary_lecture", "2025", status="upcoming", count=0)
    facts = with_cell(facts, "lecture", "2025-Q1", status="missing", count=0)
    result = engine.score(CARD, facts)
    assert item(result, "C4").score == D("4.00")
    assert sum(g.points for g in result.open_gaps if g.item_code == "C4") == D("4.00")


def test_every_auto_item_names_a_registered_rule():
    assert {i.rule for i in CARD.items if i.method == "auto"} <= set(engine.RULES)
