"""Each SPEC §7 alert kind fires on its day and not the day before (time
frozen), with the subject, period and stage that make it unique, and goes to
the recipients its rule names."""

import datetime as dt

import pytest
from django.utils import timezone

from branches.models import Notification, RoleTenure, TermAdjustment
from meetings.models import Attendance
from members.models import InactivityHandling, Transfer
from tests.branches.factories import CommitteeTermFactory, RoleTenureFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory, ProbationaryMemberFactory

from .conftest import Kind, alerts_of

pytestmark = pytest.mark.django_db
ONE_DAY = dt.timedelta(days=1)


def recipients(alert) -> set[str]:
    return set(Notification.objects.filter(alert=alert).values_list("user__username", flat=True))


# ---------------------------------------------------------------- 会议即将到期 / 会议逾期


def test_meeting_due_fires_seven_days_before_the_period_ends(tree, sweep):
    branch = tree["branch"]
    day = dt.date(2026, 3, 24)  # 31 March − 7 days

    sweep(day - ONE_DAY)
    assert alerts_of(Kind.MEETING_DUE) == []

    sweep(day)
    due = {(a.subject, a.period, a.stage): a for a in alerts_of(Kind.MEETING_DUE, org_unit=branch)}
    theme_day = due[(f"branch:{branch.pk}:theme_day", "2026-03", "7")]
    assert (f"branch:{branch.pk}:branch_assembly", "2026-Q1", "7") in due
    assert theme_day.due_date == dt.date(2026, 3, 31)
    assert "2026年3月" in theme_day.message and "主题党日" in theme_day.message
    assert recipients(theme_day) == {"sj"}  # 书记 only


def test_a_meeting_held_in_the_period_raises_no_due_alert(tree, sweep):
    branch = tree["branch"]
    MeetingFactory(branch=branch, kind="theme_day", day=dt.date(2026, 3, 10))

    sweep(dt.date(2026, 3, 24))

    subjects = {a.subject for a in alerts_of(Kind.MEETING_DUE, org_unit=branch, period="2026-03")}
    assert f"branch:{branch.pk}:theme_day" not in subjects
    assert alerts_of(Kind.MEETING_DUE, org_unit=tree["branch2"], subject=f"branch:{tree['branch2'].pk}:theme_day")


def test_meeting_overdue_fires_the_day_after_the_period_ends(tree, sweep):
    branch = tree["branch"]

    sweep(dt.date(2026, 3, 31))
    assert alerts_of(Kind.MEETING_OVERDUE, period="2026-03") == []

    sweep(dt.date(2026, 4, 1))
    overdue = alerts_of(Kind.MEETING_OVERDUE, org_unit=branch, period="2026-03")
    assert [a.subject for a in overdue] == [f"branch:{branch.pk}:theme_day"]
    assert overdue[0].level == "overdue"
    assert {a.subject for a in alerts_of(Kind.MEETING_OVERDUE, org_unit=branch, period="2026-Q1")} == {
        f"branch:{branch.pk}:branch_assembly",
        f"branch:{branch.pk}:lecture",
    }
    # 书记 and the superior 党委; not 组织部 (the rule does not say so), not the other 党委
    assert recipients(overdue[0]) == {"sj", "dw"}


def test_the_first_sweep_looks_back_one_month_not_years(tree, sweep):
    sweep(dt.date(2026, 4, 1))

    periods = {a.period for a in alerts_of(Kind.MEETING_OVERDUE)}
    assert periods == {"2026-03", "2026-Q1"}  # not January, February, nor any of 2015–2025


def test_in_january_last_years_december_and_yearly_requirements_are_overdue(tree, sweep):
    sweep(dt.date(2027, 1, 1))

    periods = {a.period for a in alerts_of(Kind.MEETING_OVERDUE, org_unit=tree["branch"])}
    assert periods == {"2026-12", "2026-Q4", "2026"}  # not November: it ended more than 31 days ago
    yearly = {a.subject.rsplit(":", 1)[1] for a in alerts_of(Kind.MEETING_OVERDUE, period="2026",
                                                               org_unit=tree["branch"])}
    assert {"life_meeting", "evaluation", "secretary_lecture"} <= yearly


# ---------------------------------------------------------------- 换届提醒 / 换届逾期


@pytest.fixture
def term(tree):
    return CommitteeTermFactory(org_unit=tree["branch"], start_date=dt.date(2023, 9, 20),
                                due_end_date=dt.date(2026, 9, 20))


@pytest.mark.parametrize("stage", [180, 90, 30])
def test_term_reminder_fires_on_each_stage_day(term, sweep, stage):
    day = term.due_end_date - dt.timedelta(days=stage)

    sweep(day - ONE_DAY)
    assert str(stage) not in {a.stage for a in alerts_of(Kind.TERM_EXPIRING)}

    sweep(day)
    alert = alerts_of(Kind.TERM_EXPIRING, stage=str(stage))
    assert len(alert) == 1
    assert (alert[0].subject, alert[0].period) == (f"term:{term.pk}", "2026-09-20")
    assert recipients(alert[0]) == {"sj", "dw"}
    assert "2026-09-20" in alert[0].message


def test_a_first_sweep_late_in_the_countdown_raises_only_the_stage_it_is_in(term, sweep):
    sweep(term.due_end_date - dt.timedelta(days=50))

    assert [a.stage for a in alerts_of(Kind.TERM_EXPIRING)] == ["90"]


def test_term_overdue_fires_the_day_after_the_term_ends(term, sweep):
    sweep(term.due_end_date)
    assert alerts_of(Kind.TERM_OVERDUE) == []

    sweep(term.due_end_date + ONE_DAY)
    [alert] = alerts_of(Kind.TERM_OVERDUE)
    assert (alert.subject, alert.period, alert.level) == (f"term:{term.pk}", "2026-09-20", "overdue")
    assert recipients(alert) == {"sj", "dw"}


def test_an_approved_postponement_moves_the_reminders_and_the_deadline(term, sweep):
    TermAdjustment.objects.create(
        term=term, kind=TermAdjustment.Kind.POSTPONE, approver="甲党委", approval_date=dt.date(2026, 8, 1),
        document_no="甲党发〔2026〕5号", new_due_end_date=dt.date(2027, 3, 20),
    )

    sweep(term.due_end_date + ONE_DAY)

    assert alerts_of(Kind.TERM_OVERDUE) == []
    assert [(a.period, a.stage) for a in alerts_of(Kind.TERM_EXPIRING)] == [("2027-03-20", "180")]


# ---------------------------------------------------------------- 预备期满


def test_probation_alert_fires_thirty_days_before_the_probation_ends(tree, sweep):
    member = ProbationaryMemberFactory(branch=tree["branch"], join_date=dt.date(2025, 7, 1), name="预备甲")
    ends = dt.date(2026, 7, 1)

    sweep(ends - dt.timedelta(days=31))
    assert alerts_of(Kind.PROBATION_ENDING) == []

    sweep(ends - dt.timedelta(days=30))
    [alert] = alerts_of(Kind.PROBATION_ENDING)
    assert (alert.subject, alert.period, alert.stage, alert.member_id) == (
        f"member:{member.pk}", "2026-07-01", "30", member.pk)
    assert "预备甲" in alert.message
    assert recipients(alert) == {"sj"}


# ---------------------------------------------------------------- 党费欠缴 / 未参加组织生活


@pytest.fixture
def ledger_from_2026(settings):
    settings.MEMBERS_DUES_LEDGER_START = "2026-01-01"


def test_dues_warning_after_three_months_and_six_month_rule_after_six(tree, sweep, ledger_from_2026):
    member = MemberFactory(branch=tree["branch"], name="欠费甲")

    sweep(dt.date(2026, 3, 31))
    assert alerts_of(Kind.DUES_ARREARS) == []

    sweep(dt.date(2026, 4, 1))  # January, February, March unpaid
    [warning] = alerts_of(Kind.DUES_ARREARS)
    assert (warning.subject, warning.period, warning.stage) == (f"member:{member.pk}", "2026-01", "3")
    assert recipients(warning) == {"sj"}

    sweep(dt.date(2026, 6, 30))
    assert [a.stage for a in alerts_of(Kind.DUES_ARREARS)] == ["3"]

    sweep(dt.date(2026, 7, 1))
    assert [a.stage for a in alerts_of(Kind.DUES_ARREARS)] == ["3", "6"]
    assert "六个月" in alerts_of(Kind.DUES_ARREARS, stage="6")[0].message


def test_a_handled_six_month_case_raises_nothing_more(tree, sweep, ledger_from_2026):
    member = MemberFactory(branch=tree["branch"])
    InactivityHandling.objects.create(
        member=member, rule=InactivityHandling.Rule.DUES, since=dt.date(2026, 1, 1), handled_on=dt.date(2026, 4, 10),
        measure=InactivityHandling.Measure.VALID_REASON, note="长期外派，已补交",
    )

    sweep(dt.date(2026, 7, 1))

    assert alerts_of(Kind.DUES_ARREARS) == []


def test_no_org_life_fires_after_six_complete_months_without_attending(tree, sweep):
    member = MemberFactory(branch=tree["branch"], name="缺会甲")
    meeting = MeetingFactory(branch=tree["branch"], kind="theme_day", day=dt.date(2026, 1, 5))
    Attendance.objects.create(meeting=meeting, member=member, name=member.name, status=Attendance.Status.PRESENT)

    sweep(dt.date(2026, 7, 31))  # February … June: five complete months
    assert alerts_of(Kind.NO_ORG_LIFE) == []

    sweep(dt.date(2026, 8, 1))
    [alert] = alerts_of(Kind.NO_ORG_LIFE)
    assert (alert.subject, alert.period, alert.stage) == (f"member:{member.pk}", "2026-02", "6")
    assert "缺会甲" in alert.message and recipients(alert) == {"sj"}


# ---------------------------------------------------------------- 学时不足


def test_study_shortfall_fires_from_the_first_of_november(tree, sweep):
    branch = tree["branch"]
    term = CommitteeTermFactory(org_unit=branch, start_date=dt.date(2024, 1, 1))
    secretary = RoleTenureFactory(term=term, role=RoleTenure.Role.SECRETARY, member__name="书记甲").member
    MemberFactory(branch=branch, name="党员乙")

    sweep(dt.date(2026, 10, 31))
    assert alerts_of(Kind.STUDY_SHORTFALL) == []

    sweep(dt.date(2026, 11, 1))
    [alert] = alerts_of(Kind.STUDY_SHORTFALL)
    assert (alert.subject, alert.period, alert.org_unit_id) == (f"branch:{branch.pk}", "2026", branch.pk)
    assert alert.facts["short"] == 2 and alert.facts["committee_short"] == 1
    assert f"{secretary.name}（0/56）" in alert.message and "党员乙（0/32）" in alert.message
    assert recipients(alert) == {"sj"}


# ---------------------------------------------------------------- 转接逾期


def test_transfer_overdue_fires_the_day_after_the_letter_expires(tree, sweep):
    member = MemberFactory(branch=tree["branch"], name="转出甲")
    letter = Transfer.objects.create(
        direction=Transfer.Direction.OUT, member=member, from_branch=tree["branch"], serial_no="2026-001",
        name=member.name, gender=member.gender, age=40, ethnicity="汉族", party_status="full",
        from_org=tree["branch"].name, to_org="外省某党支部", issued_on=dt.date(2026, 5, 1), validity_days=30,
        expires_on=dt.date(2026, 5, 31),
    )

    sweep(dt.date(2026, 5, 31))
    assert alerts_of(Kind.TRANSFER_OVERDUE) == []

    sweep(dt.date(2026, 6, 1))
    [alert] = alerts_of(Kind.TRANSFER_OVERDUE)
    assert (alert.subject, alert.period, alert.level) == (f"transfer:{letter.pk}", "2026-05-31", "overdue")
    assert "2026-001" in alert.message and recipients(alert) == {"sj"}


def test_a_received_letter_is_not_overdue(tree, sweep):
    member = MemberFactory(branch=tree["branch"])
    Transfer.objects.create(
        direction=Transfer.Direction.OUT, member=member, from_branch=tree["branch"], serial_no="2026-002",
        name=member.name, gender=member.gender, age=40, ethnicity="汉族", party_status="full",
        from_org=tree["branch"].name, to_org="外省某党支部", issued_on=dt.date(2026, 5, 1), validity_days=30,
        expires_on=dt.date(2026, 5, 31), received_on=dt.date(2026, 5, 20),
    )

    sweep(dt.date(2026, 6, 1))

    assert alerts_of(Kind.TRANSFER_OVERDUE) == []
    assert timezone.localdate() == dt.date(2026, 6, 1)  # the clock really is frozen
