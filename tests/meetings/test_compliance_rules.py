"""The compliance maths (SPEC §4) as a pure function: dataclasses in, no database."""

import pickle
from datetime import date

import pytest
from django.utils import translation

from meetings import compliance as c

R = c.Requirement
DEFAULTS = (
    R("branch_assembly", "支部党员大会", "branch_assembly", c.MEETINGS, "quarter", quorum=c.QUORUM_FULL_MEMBERS),
    R(
        "committee",
        "支委会",
        "committee",
        c.MEETINGS,
        "month",
        quorum=c.QUORUM_COMMITTEE,
        applies_to=c.APPLIES_WITH_COMMITTEE,
    ),
    R("group", "党小组会", "group", c.PER_GROUP, "month"),
    R("lecture", "党课", "lecture", c.MEETINGS, "quarter"),
    R("secretary_lecture", "书记讲党课", "lecture", c.SECRETARY_LECTURES, "year"),
    R("theme_day", "主题党日", "theme_day", c.MEETINGS, "month"),
    R("life_meeting", "组织生活会", "life_meeting", c.MEETINGS, "year"),
    R("evaluation", "民主评议党员", "evaluation", c.MEETINGS, "year"),
    R("talk", "谈心谈话", "", c.TALK_PAIRS, "year"),
    R("member_report", "党员向支部汇报", "", c.MEMBER_REPORTS, "year"),
)
SECRETARY, ORGANISER, PROPAGANDA, MEMBER_A, MEMBER_B = 1, 2, 3, 4, 5
PEOPLE = tuple(
    c.PersonFact(id=i, name=n)
    for i, n in ((1, "书记甲"), (2, "组织委员乙"), (3, "宣传委员丙"), (4, "党员丁"), (5, "党员戊"))
)
COMMITTEE = (
    c.TenureFact(SECRETARY, "书记甲", "secretary", date(2021, 1, 1)),
    c.TenureFact(ORGANISER, "组织委员乙", "organization", date(2021, 1, 1)),
    c.TenureFact(PROPAGANDA, "宣传委员丙", "propaganda", date(2021, 1, 1)),
)
TERM = (c.TermFact(start=date(2021, 1, 1), end=None, seats=3),)
_ids = iter(range(1000, 100000))


def meeting(day, *kinds, **kw):
    return c.MeetingFact(id=next(_ids), date=day, kinds=frozenset(kinds), **kw)


def facts(meetings=(), **kw):
    base = dict(
        id=1,
        name="第一党支部",
        requirements=DEFAULTS,
        meetings=tuple(meetings),
        terms=TERM,
        tenures=COMMITTEE,
        members=PEOPLE,
    )
    base.update(kw)
    return c.BranchFacts(**base)


def statuses(result, code):
    (row,) = result.rows_for(code)
    return [cell.status for cell in row.cells]


def test_periods_split_the_year_by_frequency():
    months = c.periods_of(2025, "month")
    quarters = c.periods_of(2025, "quarter")
    assert len(months) == 12 and months[1].end == date(2025, 2, 28) and months[1].key == "2025-02"
    assert [q.key for q in quarters] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert quarters[3].start == date(2025, 10, 1) and quarters[3].months == 3
    assert c.periods_of(2024, "half_year")[0].end == date(2024, 6, 30)
    (year,) = c.periods_of(2025, "year")
    assert (year.start, year.end, year.months) == (date(2025, 1, 1), date(2025, 12, 31), 12)


def test_quarterly_assembly_held_in_time_missing_and_upcoming():
    result = c.evaluate(
        facts(
            [
                meeting(date(2025, 2, 10), "branch_assembly", quorum_met=True),
                meeting(date(2025, 8, 1), "branch_assembly", quorum_met=True),
            ]
        ),
        2025,
        today=date(2025, 11, 5),
    )
    assert statuses(result, "branch_assembly") == [c.HELD, c.MISSING, c.HELD, c.UPCOMING]


def test_upcoming_means_period_not_ended_and_nothing_held():
    result = c.evaluate(facts(), 2025, today=date(2025, 3, 31))
    assert statuses(result, "branch_assembly")[0] == c.UPCOMING  # the quarter ends today
    result = c.evaluate(facts(), 2025, today=date(2025, 4, 1))
    assert statuses(result, "branch_assembly")[0] == c.MISSING


def test_committee_meets_monthly_and_each_gap_is_a_missing_month():
    held = [meeting(date(2025, m, 15), "committee", quorum_met=True) for m in range(1, 13) if m not in (2, 8)]
    result = c.evaluate(facts(held), 2025, today=date(2026, 1, 10))
    row = result.rows_for("committee")[0]
    assert [cell.period.key for cell in row.cells if cell.status == c.MISSING] == ["2025-02", "2025-08"]
    assert row.held == 10


def test_a_meeting_counts_for_every_kind_it_was_held_as():
    both = meeting(date(2025, 4, 20), "branch_assembly", "theme_day", "lecture", quorum_met=True)
    result = c.evaluate(facts([both]), 2025, today=date(2025, 12, 31))
    assert statuses(result, "branch_assembly")[1] == c.HELD
    assert statuses(result, "lecture")[1] == c.HELD
    april = result.rows_for("theme_day")[0].cells[3]
    assert april.status == c.HELD and april.meeting_ids == (both.id,)


def test_assembly_without_quorum_is_kept_but_does_not_count_while_its_theme_day_does():
    failed = meeting(date(2025, 5, 8), "branch_assembly", "theme_day", quorum_met=False)
    result = c.evaluate(facts([failed]), 2025, today=date(2025, 12, 31))
    q2 = result.rows_for("branch_assembly")[0].cells[1]
    assert q2.status == c.MISSING and q2.excluded_ids == (failed.id,) and "未达法定人数" in q2.note
    assert result.rows_for("theme_day")[0].cells[4].status == c.HELD


def test_committee_meeting_without_quorum_does_not_count():
    result = c.evaluate(facts([meeting(date(2025, 3, 3), "committee", quorum_met=False)]), 2025, date(2025, 12, 1))
    assert statuses(result, "committee")[2] == c.MISSING


def test_group_meetings_count_per_group_per_month():
    groups = (c.GroupFact(10, "第一党小组"), c.GroupFact(11, "第二党小组"))
    result = c.evaluate(
        facts([meeting(date(2025, 1, 9), "group", party_group_id=10)], groups=groups), 2025, today=date(2025, 2, 15)
    )
    first, second = result.rows_for("group")
    assert (first.label, second.label) == ("党小组会 · 第一党小组", "党小组会 · 第二党小组")
    assert first.cells[0].status == c.HELD and second.cells[0].status == c.MISSING
    assert first.cells[1].status == c.UPCOMING


def test_no_group_rows_without_groups():
    assert c.evaluate(facts(), 2025, date(2025, 6, 1)).rows_for("group") == []


def test_the_secretary_must_lecture_once_a_year():
    by_member = meeting(date(2025, 3, 1), "lecture", lecturer_id=MEMBER_A)
    result = c.evaluate(facts([by_member]), 2025, date(2026, 1, 5))
    assert statuses(result, "lecture")[0] == c.HELD
    assert statuses(result, "secretary_lecture") == [c.MISSING]
    by_secretary = meeting(date(2025, 9, 1), "lecture", lecturer_id=SECRETARY)
    result = c.evaluate(facts([by_member, by_secretary]), 2025, date(2026, 1, 5))
    assert result.rows_for("secretary_lecture")[0].cells[0].meeting_ids == (by_secretary.id,)


def test_a_lecture_counts_for_the_secretary_only_while_they_are_secretary():
    tenures = (
        c.TenureFact(SECRETARY, "书记甲", "secretary", date(2021, 1, 1), end=date(2025, 6, 30)),
        c.TenureFact(ORGANISER, "组织委员乙", "secretary", date(2025, 7, 1)),
    )
    after_leaving = meeting(date(2025, 9, 1), "lecture", lecturer_id=SECRETARY)
    result = c.evaluate(facts([after_leaving], tenures=tenures), 2025, date(2026, 1, 5))
    assert statuses(result, "secretary_lecture") == [c.MISSING]


def test_talks_each_committee_member_with_each_member():
    def talk(a, b, day=date(2025, 5, 1)):
        return c.TalkFact(next(_ids), day, a, b)

    committee_pairs = [(x, y) for x in (SECRETARY, ORGANISER, PROPAGANDA) for y in range(1, 6) if x < y]
    assert len(committee_pairs) == 9  # 3 支委 × 4 others, a pair of 支委 counted once
    all_but_one = [talk(a, b) for a, b in committee_pairs[:-1]]
    result = c.evaluate(facts(talks=all_but_one), 2025, date(2026, 1, 5))
    (cell,) = result.rows_for("talk")[0].cells
    assert (cell.status, cell.count, cell.required) == (c.MISSING, 8, 9)
    assert cell.missing == ("党员戊—宣传委员丙",)
    done = all_but_one + [talk(MEMBER_B, PROPAGANDA)]  # either direction
    assert statuses(c.evaluate(facts(talks=done), 2025, date(2026, 1, 5)), "talk") == [c.HELD]
    last_year = [talk(a, b, date(2024, 5, 1)) for a, b in committee_pairs]
    assert statuses(c.evaluate(facts(talks=last_year), 2025, date(2025, 6, 1)), "talk") == [c.UPCOMING]


def test_each_member_reports_to_the_branch_once_a_year():
    reports = [c.ReportFact(next(_ids), date(2025, 3, 1), pid) for pid in (1, 2, 3, 4)]
    (cell,) = c.evaluate(facts(reports=reports), 2025, date(2026, 1, 2)).rows_for("member_report")[0].cells
    assert (cell.status, cell.count, cell.required, cell.missing) == (c.MISSING, 4, 5, ("党员戊",))
    reports.append(c.ReportFact(next(_ids), date(2025, 12, 30), 5))
    assert statuses(c.evaluate(facts(reports=reports), 2025, date(2026, 1, 2)), "member_report") == [c.HELD]


def test_life_meeting_and_evaluation_once_a_year():
    joint = meeting(date(2025, 12, 20), "life_meeting", "evaluation", rated=6, excellent=2)
    result = c.evaluate(facts([joint]), 2025, date(2026, 1, 2))
    assert statuses(result, "life_meeting") == [c.HELD] and statuses(result, "evaluation") == [c.HELD]
    assert result.evaluation == (joint,)
    assert statuses(c.evaluate(facts(), 2025, date(2026, 1, 2)), "life_meeting") == [c.MISSING]


def test_no_committee_requirement_for_a_branch_without_a_committee():
    small = facts(terms=(c.TermFact(start=date(2021, 1, 1), end=None, seats=1),), tenures=COMMITTEE[:1])
    result = c.evaluate(small, 2025, date(2026, 1, 2))
    assert set(statuses(result, "committee")) == {c.NOT_APPLICABLE}
    assert result.count(c.NOT_APPLICABLE) >= 12


def test_committee_elected_mid_year_is_required_from_then_on():
    terms = (c.TermFact(start=date(2025, 7, 1), end=None, seats=3),)
    result = c.evaluate(facts(terms=terms), 2025, date(2026, 1, 2))
    assert statuses(result, "committee")[5:7] == [c.NOT_APPLICABLE, c.MISSING]


def test_periods_before_the_branch_was_founded_do_not_apply():
    result = c.evaluate(facts(founded_on=date(2025, 5, 10)), 2025, date(2026, 1, 2))
    assert statuses(result, "theme_day")[:5] == [c.NOT_APPLICABLE] * 4 + [c.MISSING]


@pytest.mark.parametrize(
    ("expected", "present", "met"),
    [
        (10, 5, False),  # exactly half is NOT a quorum
        (10, 6, True),
        (9, 4, False),
        (9, 5, True),
        (3, 2, True),
        (2, 1, False),
        (0, 0, False),
    ],
)
def test_quorum_is_more_than_half(expected, present, met):
    assert c.quorum_met(expected, present) is met


def test_min_count_above_one():
    twice = R("lecture", "党课", "lecture", c.MEETINGS, "month", min_count=2)
    result = c.evaluate(
        facts(
            [
                meeting(date(2025, 1, 3), "lecture"),
                meeting(date(2025, 2, 3), "lecture"),
                meeting(date(2025, 2, 17), "lecture"),
            ],
            requirements=(twice,),
        ),
        2025,
        date(2025, 3, 1),
    )
    assert statuses(result, "lecture")[:3] == [c.MISSING, c.HELD, c.UPCOMING]


def _row(req, **kw):
    return c.RequirementRow(requirement=req, **kw)


def test_requirements_resolve_default_then_sector_then_nearest_unit():
    quarterly = R("lecture", "党课", "lecture", c.MEETINGS, "quarter")
    monthly = R("lecture", "党课", "lecture", c.MEETINGS, "month")
    twice = R("lecture", "党课", "lecture", c.MEETINGS, "month", min_count=2)
    theme = R("theme_day", "主题党日", "theme_day", c.MEETINGS, "month")
    rows = [
        _row(quarterly),
        _row(theme),
        _row(monthly, sector="village"),
        _row(quarterly, org_unit_id=1, org_unit_path="/1/"),
        _row(twice, org_unit_id=7, org_unit_path="/1/7/"),
    ]
    assert c.resolve_requirements(rows, sector="government", path="/2/5/") == (quarterly, theme)
    assert c.resolve_requirements(rows, sector="village", path="/2/5/")[0] == monthly
    assert c.resolve_requirements(rows, sector="village", path="/1/9/")[0] == quarterly  # unit beats 领域
    assert c.resolve_requirements(rows, sector="village", path="/1/7/42/")[0] == twice  # nearest unit wins


def test_an_inactive_override_switches_a_requirement_off():
    theme = R("theme_day", "主题党日", "theme_day", c.MEETINGS, "month")
    rows = [_row(theme), _row(theme, sector="school", is_active=False)]
    assert c.resolve_requirements(rows, sector="school", path="/1/") == ()
    assert c.resolve_requirements(rows, sector="village", path="/1/") == (theme,)


def test_quorum_rule_comes_from_the_requirement_of_the_meeting_form():
    assert c.quorum_rule_for(DEFAULTS, "branch_assembly") == c.QUORUM_FULL_MEMBERS
    assert c.quorum_rule_for(DEFAULTS, "committee") == c.QUORUM_COMMITTEE
    assert c.quorum_rule_for(DEFAULTS, "theme_day") == c.QUORUM_NONE


def test_a_result_computed_in_one_language_reads_in_the_other():
    """Plain facts (P11): the result holds codes and numbers; labels and notes
    are rendered when read, so a result computed in a Celery task under Chinese
    reads in English for an English reader, and back."""
    with translation.override("zh-hans"):
        result = c.evaluate(facts(), 2025, date(2026, 1, 5))
    (talk_cell,) = result.rows_for("talk")[0].cells
    quarter = c.periods_of(2025, "quarter")[0]
    assert pickle.loads(pickle.dumps(result)) == result  # plain data: survives a task queue

    with translation.override("en"):
        assert (quarter.label, talk_cell.note.endswith("pairs have talked.")) == ("Q1", True)
    with translation.override("zh-hans"):
        assert quarter.label == "第一季度" and talk_cell.note.startswith("已谈0对")
