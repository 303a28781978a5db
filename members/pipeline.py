"""发展党员: the 25 steps in 5 stages (SPEC §3) and the pure check of a
person's recorded steps against the order and the time limits.

The catalogue is fixed by the Party's 发展党员工作细则; the time limits are
numbers from `members.conf.DevelopmentPolicy`. `evaluate` takes plain facts
and returns findings; the selector feeds it for many people at once, the
timeline page and the scorecard (D3) read its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.rules import whole_years

from .conf import DevelopmentPolicy
from .rules import add_months

APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL = "applicant", "activist", "candidate", "probationary", "full"

STAGES = {
    1: gettext_lazy("入党申请"),
    2: gettext_lazy("入党积极分子的确定和培养教育"),
    3: gettext_lazy("发展对象的确定和考察"),
    4: gettext_lazy("预备党员的接收"),
    5: gettext_lazy("预备党员的教育考察和转正"),
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕"


@dataclass(frozen=True)
class StepDef:
    number: int
    stage: int
    name: str
    # the member status this step moves the person to, and the roster date it sets
    status: str | None = None
    date_field: str | None = None
    # members named on the step (培养联系人, 入党介绍人): (min, max), all 正式党员
    people: tuple[int, int] | None = None
    people_label: str = ""
    needs_hours: bool = False  # ⑪ 集中培训
    allows_extension: bool = False  # ㉑ 预备期 may be extended once

    @property
    def label(self) -> str:
        return f"{CIRCLED[self.number - 1]} {self.name}"


STEPS: tuple[StepDef, ...] = (
    StepDef(1, 1, gettext_lazy("递交入党申请书"), date_field="application_date"),
    StepDef(2, 1, gettext_lazy("党组织派人谈话")),
    StepDef(3, 2, gettext_lazy("推荐和确定入党积极分子"), status=ACTIVIST, date_field="activist_date"),
    StepDef(4, 2, gettext_lazy("报上级党委备案")),
    StepDef(5, 2, gettext_lazy("指定培养联系人"), people=(1, 2), people_label=gettext_lazy("培养联系人")),
    StepDef(6, 2, gettext_lazy("培养教育考察")),
    StepDef(7, 3, gettext_lazy("确定发展对象"), status=CANDIDATE, date_field="candidate_date"),
    StepDef(8, 3, gettext_lazy("报上级党委备案")),
    StepDef(9, 3, gettext_lazy("确定入党介绍人"), people=(2, 2), people_label=gettext_lazy("入党介绍人")),
    StepDef(10, 3, gettext_lazy("进行政治审查")),
    StepDef(11, 3, gettext_lazy("开展集中培训"), needs_hours=True),
    StepDef(12, 4, gettext_lazy("支部委员会审查")),
    StepDef(13, 4, gettext_lazy("上级党委预审")),
    StepDef(14, 4, gettext_lazy("填写入党志愿书")),
    StepDef(15, 4, gettext_lazy("支部党员大会讨论"), date_field="join_date"),
    StepDef(16, 4, gettext_lazy("上级党委派人谈话")),
    StepDef(17, 4, gettext_lazy("上级党委审批"), status=PROBATIONARY),
    StepDef(18, 4, gettext_lazy("再上一级党委组织部门备案")),
    StepDef(19, 5, gettext_lazy("编入党支部和党小组")),
    StepDef(20, 5, gettext_lazy("入党宣誓")),
    StepDef(21, 5, gettext_lazy("继续教育考察"), allows_extension=True),
    StepDef(22, 5, gettext_lazy("提出转正申请")),
    StepDef(23, 5, gettext_lazy("支部党员大会讨论")),
    StepDef(24, 5, gettext_lazy("上级党委审批"), status=FULL),
    StepDef(25, 5, gettext_lazy("材料归档")),
)
BY_NUMBER = {s.number: s for s in STEPS}
LAST = STEPS[-1].number
STEP_CHOICES = [(s.number, format_lazy("{} {}", CIRCLED[s.number - 1], s.name)) for s in STEPS]
# the order a person moves through the statuses
STATUS_ORDER = {APPLICANT: 0, ACTIVIST: 1, CANDIDATE: 2, PROBATIONARY: 3, FULL: 4}

# finding codes (the scorecard's D3 counts them)
MISSING_PREDECESSOR = "MISSING_PREDECESSOR"
DATE_ORDER = "DATE_ORDER"
UNDER_AGE = "UNDER_AGE"
TALK_LATE = "TALK_LATE"
ACTIVIST_TOO_SHORT = "ACTIVIST_TOO_SHORT"
TRAINING_SHORT = "TRAINING_SHORT"
INTRODUCERS = "INTRODUCERS"
APPROVAL_LATE = "APPROVAL_LATE"
EXTENSION_RANGE = "EXTENSION_RANGE"
PROBATION_EARLY = "PROBATION_EARLY"
PROBATION_OVERDUE = "PROBATION_OVERDUE"


@dataclass(frozen=True)
class StepFact:
    number: int
    date: date
    hours: Decimal | None = None
    extension_months: int | None = None
    people: int = 0  # how many people are named on it (正式党员 when recorded)


@dataclass(frozen=True)
class PersonFacts:
    member_id: int
    name: str
    birth_date: date
    status: str
    steps: dict[int, StepFact] = field(default_factory=dict)
    join_date: date | None = None  # 入党日期 from the roster when ⑮ is not recorded (imported 预备党员)


@dataclass(frozen=True)
class Finding:
    code: str
    step: int
    message: str
    due: date | None = None  # when the time limit fell (the scorecard filters by year)

    @property
    def step_label(self) -> str:
        return BY_NUMBER[self.step].label


def next_step(steps) -> StepDef | None:
    """The first step not yet recorded (steps go in order)."""
    done = set(steps)
    for s in STEPS:
        if s.number not in done:
            return s
    return None


def probation_end(join: date, extension_months: int | None, policy: DevelopmentPolicy) -> date:
    return add_months(join, policy.probation_months + (extension_months or 0))


def order_problem(number: int, day: date, steps: dict[int, date]) -> str | None:
    """Why step `number` on `day` cannot be recorded given the other steps' dates, or None."""
    if number > 1 and number - 1 not in steps:
        prev = BY_NUMBER[number - 1]
        return _("须先登记上一步“%(step)s”。") % {"step": prev.label}
    if number > 1 and day < steps[number - 1]:
        return _("日期不能早于上一步“%(step)s”（%(d)s）。") % {
            "step": BY_NUMBER[number - 1].label,
            "d": steps[number - 1].isoformat(),
        }
    if number + 1 in steps and day > steps[number + 1]:
        return _("日期不能晚于下一步“%(step)s”（%(d)s）。") % {
            "step": BY_NUMBER[number + 1].label,
            "d": steps[number + 1].isoformat(),
        }
    return None


def evaluate(person: PersonFacts, policy: DevelopmentPolicy, on: date) -> list[Finding]:
    """Steps out of order and time limits not met, in step order."""
    steps = person.steps
    out: list[Finding] = []

    def add(code, step, message, due=None):
        out.append(Finding(code=code, step=step, message=message, due=due))

    for number in sorted(steps):
        fact = steps[number]
        if number > 1 and number - 1 not in steps:
            add(
                MISSING_PREDECESSOR,
                number,
                _("%(step)s已登记，但上一步“%(prev)s”缺失。")
                % {"step": BY_NUMBER[number].label, "prev": BY_NUMBER[number - 1].label},
            )
        elif number > 1 and fact.date < steps[number - 1].date:
            add(
                DATE_ORDER,
                number,
                _("%(step)s的日期早于上一步“%(prev)s”。")
                % {"step": BY_NUMBER[number].label, "prev": BY_NUMBER[number - 1].label},
            )

    if 1 in steps:
        applied = steps[1].date
        if whole_years(person.birth_date, applied) < policy.min_age:
            add(UNDER_AGE, 1, _("递交入党申请时未满%(age)s周岁。") % {"age": policy.min_age}, applied)
        talk_due = add_months(applied, policy.talk_months)
        talked = steps.get(2)
        if (talked and talked.date > talk_due) or (not talked and on > talk_due):
            add(
                TALK_LATE,
                2,
                _("应在收到入党申请书后%(n)s个月内派人谈话（%(d)s前）。")
                % {"n": policy.talk_months, "d": talk_due.isoformat()},
                talk_due,
            )

    if 3 in steps and 7 in steps:
        ready = add_months(steps[3].date, policy.activist_months)
        if steps[7].date < ready:
            add(
                ACTIVIST_TOO_SHORT,
                7,
                _("入党积极分子培养考察不满%(n)s个月即确定为发展对象（应在%(d)s以后）。")
                % {"n": policy.activist_months, "d": ready.isoformat()},
                steps[7].date,
            )

    training = steps.get(11)
    if training is not None and (training.hours or 0) < policy.training_hours:
        add(
            TRAINING_SHORT,
            11,
            _("集中培训%(h)s学时，不足%(min)s学时。") % {"h": training.hours or 0, "min": policy.training_hours},
            training.date,
        )

    introducers = steps.get(9)
    if introducers is not None and introducers.people != 2:
        add(
            INTRODUCERS,
            9,
            _("入党介绍人应为2名正式党员（登记了%(n)s名）。") % {"n": introducers.people},
            introducers.date,
        )

    if 15 in steps:
        approval_due = add_months(steps[15].date, policy.approval_months)
        approved = steps.get(17)
        if (approved and approved.date > approval_due) or (not approved and on > approval_due):
            add(
                APPROVAL_LATE,
                17,
                _("上级党委应在支部大会通过后%(n)s个月内审批（%(d)s前）。")
                % {"n": policy.approval_months, "d": approval_due.isoformat()},
                approval_due,
            )

    join = steps[15].date if 15 in steps else person.join_date
    if join and (17 in steps or person.status == PROBATIONARY):
        extension = steps[21].extension_months if 21 in steps else None
        if extension and not policy.extension_min_months <= extension <= policy.extension_max_months:
            add(
                EXTENSION_RANGE,
                21,
                _("预备期延长%(n)s个月，应为%(lo)s至%(hi)s个月。")
                % {"n": extension, "lo": policy.extension_min_months, "hi": policy.extension_max_months},
                steps[21].date,
            )
        end = probation_end(join, extension, policy)
        discussed = steps.get(23)
        if discussed and discussed.date < end:
            add(
                PROBATION_EARLY,
                23,
                _("预备期%(d)s届满，转正讨论早于预备期满。") % {"d": end.isoformat()},
                discussed.date,
            )
        elif not discussed and on > end and person.status == PROBATIONARY:
            add(PROBATION_OVERDUE, 23, _("预备期已于%(d)s届满，尚未讨论转正。") % {"d": end.isoformat()}, end)
    return out
