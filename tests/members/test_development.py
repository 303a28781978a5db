"""发展党员 (SPEC §3): 25 steps in 5 stages, in order, each stage moving the
person's status; time limits are flagged."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members import pipeline
from members.conf import DevelopmentPolicy
from members.models import DevelopmentStep, Member
from members.selectors import development_findings, development_people, timeline
from members.services import development_step_record, development_step_update
from tests.branches.factories import BranchFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
S = Member.Status
POLICY = DevelopmentPolicy()
TODAY = date(2030, 1, 1)


def applicant(**kwargs):
    defaults = dict(
        status=S.APPLICANT, birth_date=date(2000, 5, 4), application_date=None, join_date=None, full_member_date=None
    )
    return MemberFactory(**{**defaults, **kwargs})


def full_members(branch, n=2):
    return [MemberFactory(branch=branch) for _ in range(n)]


def record(member, step, day, **extra):
    definition = pipeline.BY_NUMBER[step]
    if definition.people and "people" not in extra:
        extra["people"] = full_members(member.branch, definition.people[0])
    if definition.needs_hours and "hours" not in extra:
        extra["hours"] = Decimal("24")
    return development_step_record(
        member=member, step=step, date=day, document=f"第{step}步材料", responsible="组织委员", **extra
    )


# a timeline that meets every time limit
ON_TIME = {
    1: date(2021, 3, 1),
    2: date(2021, 3, 20),
    3: date(2021, 9, 1),
    4: date(2021, 9, 10),
    5: date(2021, 9, 12),
    6: date(2021, 9, 15),
    7: date(2022, 9, 20),
    8: date(2022, 9, 25),
    9: date(2022, 10, 1),
    10: date(2022, 10, 10),
    11: date(2022, 11, 1),
    12: date(2022, 12, 1),
    13: date(2022, 12, 10),
    14: date(2022, 12, 15),
    15: date(2023, 1, 5),
    16: date(2023, 1, 20),
    17: date(2023, 3, 1),
    18: date(2023, 3, 10),
    19: date(2023, 3, 12),
    20: date(2023, 3, 15),
    21: date(2023, 3, 16),
    22: date(2023, 12, 20),
    23: date(2024, 1, 10),
    24: date(2024, 2, 1),
    25: date(2024, 2, 10),
}


def test_the_catalogue_has_25_steps_in_5_stages():
    assert [s.number for s in pipeline.STEPS] == list(range(1, 26))
    assert [sum(1 for s in pipeline.STEPS if s.stage == n) for n in range(1, 6)] == [2, 4, 5, 7, 7]


def test_a_whole_pipeline_on_time_moves_the_status_and_dates_and_has_no_findings():
    person = applicant()
    seen = []
    for step, day in ON_TIME.items():
        record(person, step, day)
        person.refresh_from_db()
        seen.append(person.status)
    assert seen[0] == S.APPLICANT and seen[2] == S.ACTIVIST and seen[6] == S.CANDIDATE
    assert seen[16] == S.PROBATIONARY and seen[23] == S.FULL
    assert (person.application_date, person.activist_date, person.candidate_date) == (
        ON_TIME[1],
        ON_TIME[3],
        ON_TIME[7],
    )
    assert person.join_date == ON_TIME[15]  # 入党日期 = 支部大会
    assert person.full_member_date == date(2024, 1, 5)  # 预备期满
    changes = list(person.status_changes.values_list("to_status", flat=True))
    assert changes == [S.ACTIVIST, S.CANDIDATE, S.PROBATIONARY, S.FULL]
    stages, findings = timeline(person, on=TODAY)
    assert findings == []
    assert sum(1 for stage in stages for _s, rec, _f in stage.steps if rec) == 25


def test_a_step_whose_predecessor_is_missing_is_refused():
    person = applicant()
    record(person, 1, date(2025, 1, 1))
    with pytest.raises(ValidationError, match="须先登记上一步") as exc:
        record(person, 3, date(2025, 2, 1))
    assert "step" in exc.value.message_dict
    assert DevelopmentStep.objects.count() == 1
    person.refresh_from_db()
    assert person.status == S.APPLICANT


def test_a_step_dated_before_its_predecessor_or_twice_is_refused():
    person = applicant()
    record(person, 1, date(2025, 1, 10))
    with pytest.raises(ValidationError, match="不能早于上一步"):
        record(person, 2, date(2025, 1, 9))
    record(person, 2, date(2025, 1, 10))
    with pytest.raises(ValidationError, match="已登记"):
        record(person, 2, date(2025, 1, 11))
    with pytest.raises(ValidationError, match="晚于今天"):
        record(person, 3, date(2999, 1, 1))


def test_correcting_a_date_must_keep_it_between_its_neighbours():
    person = applicant()
    first = record(person, 1, date(2025, 1, 10))
    record(person, 2, date(2025, 1, 20))
    with pytest.raises(ValidationError, match="不能晚于下一步"):
        development_step_update(first, date=date(2025, 1, 21))
    development_step_update(first, date=date(2025, 1, 5))
    person.refresh_from_db()
    assert person.application_date == date(2025, 1, 5)


def test_introducers_are_two_full_members_and_a_contact_person_one_or_two():
    person = applicant()
    for step in range(1, 9):
        record(person, step, ON_TIME[step])
    probationary = MemberFactory(branch=person.branch, status=S.PROBATIONARY, full_member_date=None)
    with pytest.raises(ValidationError, match="2名正式党员"):
        record(person, 9, ON_TIME[9], people=full_members(person.branch, 1))
    with pytest.raises(ValidationError, match="须为正式党员"):
        record(person, 9, ON_TIME[9], people=[probationary, *full_members(person.branch, 1)])
    record(person, 9, ON_TIME[9])
    with pytest.raises(ValidationError, match="无需指定人员"):
        record(person, 10, ON_TIME[10], people=full_members(person.branch, 1))


def test_pipeline_steps_are_refused_for_someone_who_left():
    person = applicant(status=S.TRANSFERRED_OUT, join_date=date(2010, 1, 1), full_member_date=date(2011, 1, 1))
    with pytest.raises(ValidationError, match="不在册"):
        record(person, 1, date(2025, 1, 1))


def facts(steps: dict[int, date], birth=date(2000, 1, 1), status=S.APPLICANT, extra=None):
    extra = extra or {}
    return pipeline.PersonFacts(
        member_id=1,
        name="某",
        birth_date=birth,
        status=status,
        steps={n: pipeline.StepFact(number=n, date=d, **extra.get(n, {})) for n, d in steps.items()},
    )


def codes(person, on=TODAY):
    return [f.code for f in pipeline.evaluate(person, POLICY, on)]


@pytest.mark.parametrize(
    ("talk", "expected"),
    [(date(2025, 4, 10), []), (date(2025, 4, 11), [pipeline.TALK_LATE])],
)
def test_the_talk_is_due_within_a_month_of_the_application(talk, expected):
    assert codes(facts({1: date(2025, 3, 10), 2: talk})) == expected


@pytest.mark.parametrize(("on", "expected"), [(date(2025, 4, 10), []), (date(2025, 4, 11), [pipeline.TALK_LATE])])
def test_a_talk_not_yet_held_is_flagged_once_the_month_is_over(on, expected):
    assert codes(facts({1: date(2025, 3, 10)}), on=on) == expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [(date(2025, 3, 10), []), (date(2025, 3, 9), [pipeline.ACTIVIST_TOO_SHORT])],
)
def test_an_activist_is_trained_and_observed_for_at_least_a_year(candidate, expected):
    steps = {
        1: date(2024, 1, 2),
        2: date(2024, 1, 3),
        3: date(2024, 3, 10),
        4: date(2024, 3, 11),
        5: date(2024, 3, 12),
        6: date(2024, 3, 13),
        7: candidate,
    }
    assert codes(facts(steps, extra={5: {"people": 1}})) == expected


@pytest.mark.parametrize(("hours", "expected"), [(Decimal("24"), []), (Decimal("23.5"), [pipeline.TRAINING_SHORT])])
def test_the_concentrated_training_needs_24_hours(hours, expected):
    steps = {n: ON_TIME[n] for n in range(1, 12)}
    person = facts(steps, extra={5: {"people": 1}, 9: {"people": 2}, 11: {"hours": hours}})
    assert codes(person) == expected


@pytest.mark.parametrize(
    ("approval", "expected"),
    [(date(2023, 4, 5), []), (date(2023, 4, 6), [pipeline.APPROVAL_LATE])],
)
def test_the_superior_committee_approves_within_three_months_of_the_branch_meeting(approval, expected):
    steps = {n: ON_TIME[n] for n in range(1, 16)} | {16: date(2023, 1, 20), 17: approval}
    person = facts(steps, status=S.PROBATIONARY, extra={5: {"people": 1}, 9: {"people": 2}, 11: {"hours": 24}})
    assert codes(person, on=date(2023, 5, 1)) == expected


def test_an_approval_still_missing_three_months_after_the_branch_meeting_is_flagged():
    steps = {n: ON_TIME[n] for n in range(1, 16)}
    person = facts(steps, status=S.CANDIDATE, extra={5: {"people": 1}, 9: {"people": 2}, 11: {"hours": 24}})
    assert codes(person, on=date(2023, 4, 5)) == []
    assert codes(person, on=date(2023, 4, 6)) == [pipeline.APPROVAL_LATE]


def probation(discussed=None, extension=None, status=S.PROBATIONARY):
    steps = {n: ON_TIME[n] for n in range(1, 22)}
    extra = {5: {"people": 1}, 9: {"people": 2}, 11: {"hours": 24}, 21: {"extension_months": extension}}
    if discussed:
        steps |= {22: discussed, 23: discussed}
    return facts(steps, status=status, extra=extra)


def test_probation_lasts_a_year_from_the_branch_meeting():
    # 支部大会 2023-01-05: probation ends 2024-01-05
    assert codes(probation(date(2024, 1, 5))) == []
    assert codes(probation(date(2024, 1, 4))) == [pipeline.PROBATION_EARLY]
    assert codes(probation(), on=date(2024, 1, 5)) == []
    assert codes(probation(), on=date(2024, 1, 6)) == [pipeline.PROBATION_OVERDUE]


def test_an_extension_of_six_to_twelve_months_moves_the_end_of_probation():
    assert codes(probation(date(2024, 7, 4), extension=6)) == [pipeline.PROBATION_EARLY]
    assert codes(probation(date(2024, 7, 5), extension=6)) == []
    assert codes(probation(date(2025, 1, 5), extension=12)) == []
    assert codes(probation(date(2024, 4, 4), extension=3)) == [pipeline.EXTENSION_RANGE, pipeline.PROBATION_EARLY]


def test_an_extension_outside_six_to_twelve_months_is_refused_when_recorded():
    person = applicant()
    for step in range(1, 21):
        record(person, step, ON_TIME[step])
    with pytest.raises(ValidationError, match="6至12个月"):
        record(person, 21, ON_TIME[21], extension_months=13)
    record(person, 21, ON_TIME[21], extension_months=12)


@pytest.mark.parametrize(("birth", "expected"), [(date(2007, 3, 1), []), (date(2007, 3, 2), [pipeline.UNDER_AGE])])
def test_an_applicant_must_be_18(birth, expected):
    assert codes(facts({1: date(2025, 3, 1), 2: date(2025, 3, 2)}, birth=birth)) == expected


def test_steps_entered_out_of_order_elsewhere_are_flagged():
    assert codes(facts({1: date(2025, 3, 1), 3: date(2025, 3, 2)}), on=date(2025, 3, 3)) == [
        pipeline.MISSING_PREDECESSOR
    ]
    assert codes(facts({1: date(2025, 3, 5), 2: date(2025, 3, 1)})) == [pipeline.DATE_ORDER]


def test_the_time_limits_are_settings(settings):
    settings.MEMBERS_DEVELOPMENT_TALK_MONTHS = 2
    policy = DevelopmentPolicy.current()
    assert pipeline.evaluate(facts({1: date(2025, 3, 10)}), policy, date(2025, 5, 10)) == []


def test_the_branch_selector_lists_people_with_their_next_step_and_findings():
    branch = BranchFactory()
    late = applicant(branch=branch, name="甲")
    record(late, 1, date(2024, 1, 1))
    fine = applicant(branch=branch, name="乙")
    record(fine, 1, date(2024, 1, 1))
    record(fine, 2, date(2024, 1, 15))
    MemberFactory(branch=branch, name="丙")  # a 正式党员 with no steps is not in the pipeline

    rows = development_people([branch.pk], on=date(2024, 3, 1))[branch.pk]

    assert sorted((r.name, r.next_step.number) for r in rows) == sorted([("甲", 2), ("乙", 3)])
    by_name = {r.name: r for r in rows}
    assert [f.code for f in by_name["甲"].findings] == [pipeline.TALK_LATE]
    assert by_name["乙"].findings == []
    assert [f.code for _row, f in development_findings([branch.pk], on=date(2024, 3, 1))[branch.pk]] == [
        pipeline.TALK_LATE
    ]


def test_probation_ending_within_30_days_including_an_extension():
    from members.selectors import probation_ending

    branch = BranchFactory()
    soon = MemberFactory(
        branch=branch, name="将满", status=S.PROBATIONARY, join_date=date(2024, 7, 20), full_member_date=None
    )
    MemberFactory(branch=branch, name="未到", status=S.PROBATIONARY, join_date=date(2024, 9, 1), full_member_date=None)
    extended = MemberFactory(
        branch=branch, name="延长", status=S.PROBATIONARY, join_date=date(2024, 1, 20), full_member_date=None
    )
    DevelopmentStep.objects.create(member=extended, step=21, date=date(2024, 3, 1), extension_months=6)
    found = probation_ending([branch.pk], on=date(2025, 7, 1))[branch.pk]
    assert [(p.member_id, p.ends) for p in found] == [(extended.pk, date(2025, 7, 20)), (soon.pk, date(2025, 7, 20))]
