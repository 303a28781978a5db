"""Demo member records for `manage.py seed_demo`: the step `("members",
"seed_records")`, run after the meetings (it needs the roster, the
committees and the demo users; see branches.demo for the order).

- 党费: a ledger of the last two years (one at city scale) for every party
  member: most pay every month around the 10th, a few owe the last month or
  three, one pays short, and a couple of 流动党员 stopped paying more than six
  months ago (the six-month rule; one of them already handled by the branch).
- 学时: trainings by hand — a 党校 course for each committee, online courses
  for some members — so that most reach 32 (56 for 书记/支委) and a few do not.
- 发展党员: the steps of everyone in the pipeline, consistent with their
  roster dates, with 培养联系人 and 入党介绍人; one applicant still waits for
  the talk that was due within a month (a time limit not met).
- 组织关系转接: letters in for a few members who came from elsewhere, an open
  letter out, an overdue one (past validity, no receipt) and a received one.

Everything is built in Python and written with bulk_create, so the number of
queries does not grow with the number of members.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import pipeline, rules
from .models import (
    DevelopmentStep,
    DuesMonth,
    DuesRate,
    InactivityHandling,
    Member,
    MemberStatusChange,
    Training,
    TrainingParticipant,
    Transfer,
)

S = Member.Status
C = Member.Category
BATCH = 2000
CHUNK = 100  # branches written per round
REASON = "演示数据"

BASE_PAY = {  # monthly after-tax pay by category: (low, high) yuan
    C.EMPLOYED: (2600, 14000),
    C.RETIRED: (2400, 7500),
}
TRAININGS = (
    ("市委党校党支部书记、委员轮训班", "市委党校", 4, 0, Decimal("0")),
    ("党员干部网络学院专题培训", "市委组织部", 0, 0, Decimal("12")),
    ("学习贯彻党的二十届三中全会精神集中轮训", "县委党校", 2, 1, Decimal("0")),
    ("基层党务工作者业务培训", "市直机关工委", 1, 1, Decimal("0")),
)
OUTSIDE_ORGS = (
    "中共深圳市南山区委组织部",
    "中共武汉市洪山区委组织部",
    "中共郑州市金水区委组织部",
    "中共杭州市西湖区委组织部",
    "中共宜昌市西陵区委组织部",
)


def _rates():
    return [
        rules.RateRow(
            category=r.category,
            upper_bound=r.upper_bound,
            percent=r.percent,
            fixed_amount=r.fixed_amount,
            fixed_max=r.fixed_max,
        )
        for r in DuesRate.objects.all()
    ]


def _bulk(model, rows, *, history: bool):
    if history:
        return bulk_create_with_history(
            rows, model, batch_size=BATCH, default_change_reason=REASON, default_date=timezone.now()
        )
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _round(value: float, step: int = 100) -> Decimal:
    return Decimal(int(value) // step * step)


# --------------------------------------------------------------------------- 党费


def _dues(
    rng, member: Member, months: list[date], rates, *, stop_after: date | None, short_month: date | None, today: date
) -> list[DuesMonth]:
    """One member's ledger over `months` (the running month included when paid)."""
    rows = []
    low_high = BASE_PAY.get(member.category)
    base = _round(rng.uniform(*low_high)) if low_high else None
    fixed = Decimal("0.50") if member.category == C.FARMER and rng.random() < 0.3 else None
    for month in months:
        if month < rules.month_start(member.join_date):
            continue
        if month.month == 1 and base is not None and rng.random() < 0.5:
            base = _round(base * Decimal("1.04"))  # the yearly raise
        due, row = rules.dues_amount(member.category, base, rates, fixed=fixed)
        paid_day = min(rng.randint(3, 25), 28)
        paid_on = month.replace(day=paid_day)
        unpaid = (stop_after is not None and month > stop_after) or paid_on > today
        amount = Decimal("0.00") if unpaid else due
        if month == short_month and not unpaid:
            amount = rules.money(due / 2)
        if unpaid and month < rules.month_start(today):
            rows.append(
                DuesMonth(
                    member=member,
                    branch_id=member.branch_id,
                    month=month,
                    base_pay=base,
                    percent=row.percent,
                    amount_due=due,
                    note="未交",
                )
            )
            continue
        if unpaid:
            continue
        extra = Decimal("100.00") if rng.random() < 0.01 else Decimal("0.00")
        rows.append(
            DuesMonth(
                member=member,
                branch_id=member.branch_id,
                month=month,
                base_pay=base,
                percent=row.percent,
                amount_due=due,
                amount_paid=amount,
                extra=extra,
                paid_on=paid_on,
                receipt_no=f"{month:%Y%m}-{member.pk % 10000:04d}",
            )
        )
    return rows


# --------------------------------------------------------------------------- 发展党员


def _steps_for(rng, member: Member, today: date, full_members: list[Member], *, skip_talk: bool):
    """Steps consistent with the roster dates, as (number, date, people, hours, extension)."""
    yesterday = today - timedelta(days=1)
    steps: list[tuple] = []

    def add(number, day, people=(), hours=None):
        previous = steps[-1][1] if steps else day
        steps.append((number, min(max(day, previous), yesterday), people, hours))

    applied = member.application_date
    if not applied:
        return []
    add(1, applied)
    if skip_talk:
        return steps
    add(2, applied + timedelta(days=rng.randint(5, 25)))
    if not member.activist_date:
        return steps
    activist = member.activist_date
    add(3, activist)
    add(4, activist + timedelta(days=rng.randint(3, 15)))
    add(5, activist + timedelta(days=rng.randint(5, 20)), people=tuple(rng.sample(full_members, 1)))
    add(6, activist + timedelta(days=rng.randint(20, 40)))
    if not member.candidate_date:
        return steps
    candidate = member.candidate_date
    add(7, candidate)
    add(8, candidate + timedelta(days=rng.randint(3, 10)))
    if len(full_members) >= 2:
        add(9, candidate + timedelta(days=rng.randint(5, 15)), people=tuple(rng.sample(full_members, 2)))
    else:
        return steps
    add(10, candidate + timedelta(days=rng.randint(15, 45)))
    add(11, candidate + timedelta(days=rng.randint(30, 60)), hours=Decimal(rng.choice((24, 24, 28, 32))))
    if not member.join_date:
        return steps
    join = member.join_date
    add(12, join - timedelta(days=rng.randint(20, 40)))
    add(13, join - timedelta(days=rng.randint(10, 19)))
    add(14, join - timedelta(days=rng.randint(3, 9)))
    add(15, join)
    add(16, join + timedelta(days=rng.randint(7, 20)))
    add(17, join + timedelta(days=rng.randint(21, 75)))
    add(18, join + timedelta(days=rng.randint(76, 85)))
    add(19, join + timedelta(days=rng.randint(86, 90)))
    add(20, join + timedelta(days=rng.randint(91, 100)))
    add(21, join + timedelta(days=rng.randint(101, 110)))
    return steps


# --------------------------------------------------------------------------- the step


def seed_records(ctx) -> None:
    """党费, 学时, 发展党员 and 组织关系转接 for the whole demo (see the module docstring)."""
    by_branch = getattr(ctx, "members_by_branch", None) or {}
    branches = list(getattr(ctx, "branches", None) or [])
    if not branches or not by_branch:
        return
    rng = ctx.sub_rng("member-records")
    today = ctx.today
    city = getattr(ctx.scale, "name", "demo") == "city"
    history = not city
    rates = _rates()
    last_complete = rules.add_months(rules.month_start(today), -1)
    first = rules.add_months(rules.month_start(today), -(12 if city else 24))
    months = rules.month_range(first, rules.month_start(today))
    committee_ids = {t.member_id for tenures in (getattr(ctx, "tenures", None) or {}).values() for t in tenures}
    user_members = set(Member.objects.filter(user__isnull=False).values_list("pk", flat=True))

    buffer = _Buffer(history=history)
    talk_late_planted = False

    # the six-month rule: a few 流动党员 (or, failing that, ordinary members) stopped paying 7–9 months ago;
    # every other one of them is already handled by the branch
    eligible = [
        m
        for b in branches
        for m in by_branch.get(b.pk, [])
        if m.status in Member.PARTY_STATUSES
        and m.join_date
        and m.pk not in committee_ids
        and m.pk not in user_members
        and rules.month_start(m.join_date) < first
    ]
    eligible.sort(key=lambda m: (not m.is_mobile, m.pk))
    lapsed = {m.pk: rules.add_months(last_complete, -rng.randint(7, 9)) for m in eligible[: 40 if city else 2]}
    handled = set(list(lapsed)[::2])

    # letters out: one received, one still valid, one overdue (never the demo logins, the committee or the lapsed)
    candidates = [
        m
        for b in reversed(branches)
        for m in by_branch.get(b.pk, [])[VETERAN_SKIP:]
        if m.status == S.FULL and m.pk not in committee_ids | user_members | lapsed.keys() and not m.is_mobile
    ]
    leaving: list[tuple[Member, Transfer]] = []
    per_branch_serial: dict[int, int] = defaultdict(int)
    for (days_ago, validity, received), m in zip(
        ((60, 30, 12), (5, 30, None), (45, 30, None)), candidates, strict=False
    ):
        issued = today - timedelta(days=days_ago)
        per_branch_serial[m.branch_id] += 1
        leaving.append(
            (
                m,
                Transfer(
                    direction=Transfer.Direction.OUT,
                    member=m,
                    from_branch_id=m.branch_id,
                    serial_no=f"{issued.year}{per_branch_serial[m.branch_id]:03d}",
                    name=m.name,
                    gender=m.gender,
                    age=m.age(issued),
                    ethnicity=m.ethnicity,
                    party_status=m.status,
                    id_number_masked=m.id_number_masked,
                    from_org=m.branch.name,
                    to_org=rng.choice(OUTSIDE_ORGS),
                    dues_paid_until=rules.add_months(rules.month_start(issued), -1),
                    issued_on=issued,
                    validity_days=validity,
                    expires_on=rules.letter_expiry(issued, validity),
                    received_on=issued + timedelta(days=received) if received else None,
                ),
            )
        )
    paid_until = {m.pk: letter.dues_paid_until for m, letter in leaving}

    for index, branch in enumerate(branches):
        brng = random.Random(f"{ctx.seed}:records:{index}")
        roster = by_branch.get(branch.pk, [])
        party = [m for m in roster if m.status in Member.PARTY_STATUSES and m.join_date]
        full = [m for m in roster if m.status == S.FULL and m.pk not in paid_until]
        ordinary = [m for m in party if m.pk not in committee_ids and m.pk not in user_members]

        # 党费: the lapsed stopped paying; a few owe the last months; one pays short
        stop = {m.pk: lapsed[m.pk] for m in ordinary if m.pk in lapsed}
        for m in ordinary:
            if m.pk not in stop and brng.random() < 0.05:
                stop[m.pk] = rules.add_months(last_complete, -brng.randint(1, 3))
        short = {ordinary[0].pk: rules.add_months(last_complete, -2)} if ordinary and brng.random() < 0.3 else {}
        for m in party:
            rows = _dues(brng, m, months, rates, stop_after=stop.get(m.pk), short_month=short.get(m.pk), today=today)
            buffer.dues += [d for d in rows if m.pk not in paid_until or d.month <= paid_until[m.pk]]
        for m in ordinary:
            if m.pk in handled:
                buffer.handlings.append(
                    InactivityHandling(
                        member=m,
                        rule=InactivityHandling.Rule.DUES,
                        since=rules.add_months(lapsed[m.pk], 1),
                        handled_on=today - timedelta(days=brng.randint(3, 20)),
                        measure=InactivityHandling.Measure.VALID_REASON,
                        note="外出务工，已电话联系本人，约定返乡时补交并参加组织生活。",
                    )
                )

        # 学时: the committee's 党校 course and online courses for some members, this year and last
        committee = [m for m in party if m.pk in committee_ids]
        for year in (today.year - 1, today.year):
            start = date(year, brng.randint(3, 6), brng.randint(1, 28))
            if start >= today:
                continue
            if committee:
                buffer.training(branch, TRAININGS[0], start, [m for m in committee if brng.random() < 0.85])
            day = start + timedelta(days=brng.randint(30, 120))
            course = brng.choice(TRAININGS[1:])
            if day < today:
                buffer.training(branch, course, day, [m for m in party if brng.random() < 0.6])

        # 发展党员: everyone in the pipeline; the first applicant still waiting for the talk
        for m in roster:
            if m.status not in (*Member.PIPELINE_STATUSES, S.PROBATIONARY):
                continue
            skip = (
                not talk_late_planted
                and m.status == S.APPLICANT
                and m.application_date
                and (today - m.application_date).days > 40
            )
            talk_late_planted = talk_late_planted or bool(skip)
            for number, day, people, hours in _steps_for(
                brng, m, today, [f for f in full if f.pk != m.pk], skip_talk=bool(skip)
            ):
                definition = pipeline.BY_NUMBER[number]
                buffer.steps.append(
                    DevelopmentStep(
                        member=m,
                        step=number,
                        date=day,
                        hours=hours,
                        document=f"{definition.name}材料" if number in (1, 14) else "",
                        responsible="支部书记" if number in (2, 12, 15) else ("组织委员" if number < 12 else ""),
                    )
                )
                buffer.step_people.extend((len(buffer.steps) - 1, p) for p in people)

        # 组织关系转接: some members came with a letter from outside
        for m in party[VETERAN_SKIP:]:
            if brng.random() < 0.04 and m.pk not in user_members and m.pk not in paid_until:
                arrived = max(m.join_date, today - timedelta(days=brng.randint(200, 1500)))
                issued = arrived - timedelta(days=brng.randint(3, 20))
                buffer.transfers.append(
                    Transfer(
                        direction=Transfer.Direction.IN,
                        member=m,
                        to_branch=branch,
                        serial_no=f"{issued.year}{brng.randint(1, 300):03d}",
                        name=m.name,
                        gender=m.gender,
                        age=m.age(issued),
                        ethnicity=m.ethnicity,
                        party_status=S.FULL if m.full_member_date and m.full_member_date <= issued else S.PROBATIONARY,
                        id_number_masked=m.id_number_masked,
                        from_org=brng.choice(OUTSIDE_ORGS),
                        to_org=branch.name,
                        dues_paid_until=rules.add_months(rules.month_start(issued), -1),
                        issued_on=issued,
                        validity_days=30,
                        expires_on=rules.letter_expiry(issued, 30),
                        received_on=arrived,
                    )
                )
        if (index + 1) % CHUNK == 0:
            buffer.flush()

    buffer.transfers += [letter for _m, letter in leaving]
    buffer.flush()
    if leaving:
        changed = []
        for m, _letter in leaving:
            m.status = S.TRANSFERRED_OUT
            changed.append(m)
        bulk_update_with_history(changed, Member, ["status"], batch_size=BATCH, default_change_reason=REASON)
        MemberStatusChange.objects.bulk_create(
            [
                MemberStatusChange(
                    member=m,
                    from_status=letter.party_status,
                    to_status=S.TRANSFERRED_OUT,
                    date=letter.issued_on,
                    reason=f"开具组织关系介绍信（{letter.serial_no}号），转往{letter.to_org}",
                )
                for m, letter in leaving
            ]
        )
    if hasattr(ctx, "counts"):
        ctx.counts.update(buffer.counts)


class _Buffer:
    """Rows waiting to be written; flushed every CHUNK branches so that memory
    stays flat at city scale."""

    def __init__(self, *, history: bool):
        self.history = history
        self.counts: Counter = Counter()
        self._clear()

    def _clear(self):
        self.dues: list[DuesMonth] = []
        self.trainings: list[Training] = []
        self.participants: list[tuple[int, Member]] = []  # (training index, member)
        self.steps: list[DevelopmentStep] = []
        self.step_people: list[tuple[int, Member]] = []  # (step index, member)
        self.handlings: list[InactivityHandling] = []
        self.transfers: list[Transfer] = []

    def training(self, branch, course, day: date, people) -> None:
        title, organiser, full_days, half_days, hours = course
        self.trainings.append(
            Training(
                branch=branch,
                title=title,
                organiser=organiser,
                start_date=day,
                full_days=full_days,
                half_days=half_days,
                hours=hours,
                credited_hours=full_days * 8 + half_days * 4 + hours,
            )
        )
        self.participants += [(len(self.trainings) - 1, m) for m in people]

    def flush(self) -> None:
        _bulk(DuesMonth, self.dues, history=self.history)
        trainings = _bulk(Training, self.trainings, history=self.history)
        TrainingParticipant.objects.bulk_create(
            [TrainingParticipant(training=trainings[i], member=m) for i, m in self.participants], batch_size=BATCH
        )
        steps = _bulk(DevelopmentStep, self.steps, history=self.history)
        through = DevelopmentStep.people.through
        through.objects.bulk_create(
            [through(developmentstep_id=steps[i].pk, member_id=m.pk) for i, m in self.step_people], batch_size=BATCH
        )
        _bulk(InactivityHandling, self.handlings, history=self.history)
        _bulk(Transfer, self.transfers, history=self.history)
        self.counts.update(
            {
                "党费记录": len(self.dues),
                "培训": len(self.trainings),
                "发展党员步骤": len(self.steps),
                "组织关系转接": len(self.transfers),
            }
        )
        self._clear()


VETERAN_SKIP = 7  # the first roster entries are the committee's veterans (members.demo.VETERANS)
