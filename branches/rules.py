"""SPEC §2 organisation rules as a pure function: facts in, findings out.

No ORM here: `branches.selectors.branch_rule_findings` gathers the facts for
many branches in a fixed number of queries and calls `evaluate`. The branch
page shows the findings; the scorecard (A1–A4, B1–B2) and the alerts read the
same findings by code.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    facts: dict = field(default_factory=dict)


def in_office(start: date, end: date | None, day: date) -> bool:
    """THE rule of "on the committee on a day", for facts already read: the tenure
    had started and had not ended (a tenure ending that day still counts). The
    query form is `branches.selectors.in_office_on`; tests hold the two equal."""
    return start <= day and (end is None or end >= day)


@dataclass(frozen=True)
class TenureFact:
    member_id: int
    member_name: str
    role: str
    start: date
    end: date | None
    full_member_date: date | None
    concurrent_role: str = ""
    is_probationary: bool = False  # a 预备党员 today: may not hold a seat (党章 第七条)

    def held_on(self, day: date) -> bool:
        return in_office(self.start, self.end, day)


@dataclass(frozen=True)
class AdjustmentFact:
    kind: str
    approval_date: date
    document_no: str
    new_due_end: date


@dataclass(frozen=True)
class TermFact:
    id: int
    number: int
    start: date
    due_end: date
    seats: int
    tenures: tuple[TenureFact, ...] = ()
    adjustments: tuple[AdjustmentFact, ...] = ()

    @property
    def effective_due_end(self) -> date:
        # adjustments arrive in (approval_date, id) order
        return latest_due_end(self.due_end, [a.new_due_end for a in self.adjustments])


@dataclass(frozen=True)
class ElectionFact:
    id: int
    date: date
    voters_due: int
    voters_present: int
    quorum_met: bool


@dataclass(frozen=True)
class GroupFact:
    id: int
    name: str
    members: int
    full_members: int
    leader_name: str | None
    leader_is_probationary: bool


@dataclass(frozen=True)
class BranchFacts:
    id: int
    name: str
    kind: str
    sector: str
    full_members: int
    probationary_members: int
    term: TermFact | None = None
    latest_election: ElectionFact | None = None
    groups: tuple[GroupFact, ...] = ()

    @property
    def party_members(self) -> int:
        return self.full_members + self.probationary_members


def latest_due_end(due_end: date, approved_in_order: list[date]) -> date:
    """A term's due end after approved postponements/advances: the last approval
    (in approval order, so also on the same day) wins."""
    return approved_in_order[-1] if approved_in_order else due_end


def quorum_met(voters_due: int, voters_present: int) -> bool:
    """Voters present must be MORE than 4/5 of those due (integer maths, no float)."""
    return voters_present * 5 > voters_due * 4


def is_elected(votes: int, voters_present: int) -> bool:
    """A candidate is elected with MORE than half of the voters present."""
    return votes * 2 > voters_present


def within_months(start: date, end: date, months: int) -> bool:
    """`end` is at most `months` calendar months from `start`, either way: one
    year after 2027-03-01 is 2028-03-01, across 29 February or not (SPEC §11)."""
    if end >= start:
        return end <= start + relativedelta(months=months)
    return end >= start - relativedelta(months=months)


@dataclass(frozen=True)
class SeatOutcome:
    """Who of a valid election's candidates takes a seat (keys as given)."""

    elected: tuple = ()
    runoff: tuple = ()  # tied for the last seat(s): 另行选举
    runoff_seats: int = 0


def allocate_seats(votes: dict, *, voters_present: int, seats: int) -> SeatOutcome:
    """差额选举 (SPEC §11): among the candidates with more than half of the
    voters present, seats go by votes, highest first. Candidates tied for the
    last seat(s) take none: those seats stay open for another round."""
    passed = sorted(((v, k) for k, v in votes.items() if is_elected(v, voters_present)), key=lambda x: -x[0])
    if len(passed) <= seats:
        return SeatOutcome(elected=tuple(k for _v, k in passed))
    cutoff = passed[seats - 1][0]
    above = tuple(k for v, k in passed if v > cutoff)
    tied = tuple(k for v, k in passed if v == cutoff)
    if len(above) + len(tied) <= seats:  # cannot happen when more passed than seats, kept for clarity
        return SeatOutcome(elected=above + tied)
    return SeatOutcome(elected=above, runoff=tied, runoff_seats=seats - len(above))


def vacancy_overdue(since: date, today: date, months: int) -> bool:
    """A seat empty since `since` has waited more than `months` calendar months for 补选."""
    return today > since + relativedelta(months=months)


def vacancy_since(term: TermFact, today: date) -> date | None:
    """The day the committee last fell below its seats and has stayed below, or None."""
    events: dict[date, int] = {}
    for t in term.tenures:
        events[t.start] = events.get(t.start, 0) + 1
        if t.end is not None and t.end < today:
            leave = t.end + timedelta(days=1)
            events[leave] = events.get(leave, 0) - 1
    held, since = 0, term.start
    for day in sorted(d for d in events if d <= today):
        held += events[day]
        if held >= term.seats:
            since = None
        elif since is None:
            since = day
    return since if held < term.seats else None

class TermStatus:
    """How a committee term stands today; derived from the rule engine's findings
    so that the API, the branch page and the alerts agree."""

    IN_OFFICE, EXPIRING, EXPIRED = "in_office", "expiring", "expired"
    LABELS = {IN_OFFICE: gettext_lazy("任期内"), EXPIRING: gettext_lazy("即将届满"), EXPIRED: gettext_lazy("已届满，逾期未换届")}
    CHOICES = list(LABELS.items())
    CSS = {IN_OFFICE: "success", EXPIRING: "warning", EXPIRED: "danger"}

    @classmethod
    def from_findings(cls, findings) -> str:
        codes = {f.code for f in findings}
        if "TERM_EXPIRED" in codes:
            return cls.EXPIRED
        if "TERM_EXPIRING" in codes:
            return cls.EXPIRING
        return cls.IN_OFFICE


def evaluate(facts: BranchFacts, policy, today: date) -> list[Finding]:
    """All SPEC §2 findings for one branch. `policy` is a RulePolicy (attributes only)."""
    out: list[Finding] = []
    add = out.append
    is_plain_branch = facts.kind == "branch"

    # ≥3 正式党员, else a 联合党支部
    if is_plain_branch and facts.full_members < policy.min_full_members:
        add(Finding("BRANCH_TOO_FEW_FULL_MEMBERS", ERROR,
                    _("正式党员%(n)s名，不足%(min)s名，应与邻近单位联合成立联合党支部。")
                    % {"n": facts.full_members, "min": policy.min_full_members},
                    {"full_members": facts.full_members, "minimum": policy.min_full_members}))
    # normally ≤50 members; 50–100 → 党总支 suggested
    if facts.party_members > policy.normal_max_members:
        add(Finding("BRANCH_TOO_LARGE", WARNING,
                    _("党员%(n)s名，超过%(max)s名，建议设立党总支（%(max)s–%(gmax)s名）或调整支部设置。")
                    % {"n": facts.party_members, "max": policy.normal_max_members,
                       "gmax": policy.general_branch_max_members},
                    {"party_members": facts.party_members, "normal_max": policy.normal_max_members}))

    term = facts.term
    current = [t for t in term.tenures if t.held_on(today)] if term else []
    roles = {t.role for t in current} | {t.concurrent_role for t in current if t.concurrent_role}
    committee_required = facts.full_members >= policy.committee_threshold

    if term is None:
        add(Finding("TERM_MISSING", ERROR, _("未录入支部委员会（书记）的当前任期。"), {}))
    if committee_required:
        if term is None or term.seats < 2:
            add(Finding("COMMITTEE_MISSING", ERROR,
                        _("正式党员%(n)s名（≥%(t)s名），应设立支部委员会。")
                        % {"n": facts.full_members, "t": policy.committee_threshold},
                        {"full_members": facts.full_members, "threshold": policy.committee_threshold}))
        else:
            size = term.seats
            if size < policy.committee_min_size or size > policy.committee_max_size or size % 2 == 0:
                add(Finding("COMMITTEE_SIZE", ERROR,
                            _("支委会委员职数为%(n)s名，应为%(min)s至%(max)s名的奇数（一般不超过%(nmax)s名）。")
                            % {"n": size, "min": policy.committee_min_size, "max": policy.committee_max_size,
                               "nmax": policy.committee_normal_max_size},
                            {"seats": size}))
            elif size > policy.committee_normal_max_size:
                add(Finding("COMMITTEE_SIZE_ABOVE_NORMAL", INFO,
                            _("支委会委员%(n)s名，一般为%(min)s至%(nmax)s名，最多不超过%(max)s名。")
                            % {"n": size, "min": policy.committee_min_size, "nmax": policy.committee_normal_max_size,
                               "max": policy.committee_max_size},
                            {"seats": size}))
            missing = [r for r in ("organization", "propaganda", "discipline") if r not in roles]
            if missing:
                labels = {"organization": _("组织委员"), "propaganda": _("宣传委员"), "discipline": _("纪检委员")}
                add(Finding("COMMITTEE_ROLES_MISSING", WARNING,
                            _("支委会未明确分工：缺%(roles)s。") % {"roles": "、".join(str(labels[r]) for r in missing)},
                            {"missing_roles": missing}))
    elif term is not None and roles - {"secretary", "deputy"}:
        add(Finding("SMALL_BRANCH_COMMITTEE", INFO,
                    _("正式党员不足%(t)s名，一般不设支委会，只设书记（可设副书记）。") % {"t": policy.committee_threshold},
                    {"full_members": facts.full_members, "threshold": policy.committee_threshold}))

    if term is not None:
        secretary = next((t for t in current if t.role == "secretary"), None)
        if secretary is None:
            add(Finding("SECRETARY_MISSING", ERROR, _("支部书记空缺。"), {}))
        else:
            years = whole_years(secretary.full_member_date, today) if secretary.full_member_date else 0
            if years < policy.secretary_min_party_years:
                add(Finding("SECRETARY_PARTY_AGE", WARNING,
                            _("书记%(name)s党龄%(y)s年，不足%(min)s年。")
                            % {"name": secretary.member_name, "y": years, "min": policy.secretary_min_party_years},
                            {"member_id": secretary.member_id, "party_years": years,
                             "minimum": policy.secretary_min_party_years}))

        due = term.effective_due_end
        postponed = bool(term.adjustments)
        if today > due:
            overdue = (today - due).days
            add(Finding("TERM_EXPIRED", ERROR,
                        (_("任期已于%(due)s届满（含批准的延期），逾期%(d)s天未换届。") if postponed
                         else _("任期已于%(due)s届满，逾期%(d)s天未换届，且无批准的延期。"))
                        % {"due": due.isoformat(), "d": overdue},
                        {"term_id": term.id, "due_end": due.isoformat(), "overdue_days": overdue,
                         "postponed": postponed}))
        elif (due - today).days <= policy.expiring_notice_days:
            add(Finding("TERM_EXPIRING", INFO,
                        _("任期将于%(due)s届满（还有%(d)s天），请做好换届准备。")
                        % {"due": due.isoformat(), "d": (due - today).days},
                        {"term_id": term.id, "due_end": due.isoformat(), "days_left": (due - today).days}))

        since = vacancy_since(term, today)
        if since is not None and vacancy_overdue(since, today, policy.vacancy_max_months):
            empty = term.seats - len(current)
            add(Finding("VACANCY", WARNING,
                        _("委员缺额%(n)s名，自%(since)s起超过%(m)s个月未补选。")
                        % {"n": empty, "since": since.isoformat(), "m": policy.vacancy_max_months},
                        {"vacant_seats": empty, "since": since.isoformat()}))

        for t in current:
            if t.is_probationary:
                add(Finding("COMMITTEE_SEAT_PROBATIONARY", ERROR,
                            _("委员%(name)s是预备党员，没有被选举权，不能担任支部委员（党章第七条）。")
                            % {"name": t.member_name},
                            {"member_id": t.member_id, "role": t.role}))

    election = facts.latest_election
    if election is not None and not election.quorum_met:
        add(Finding("ELECTION_QUORUM_NOT_MET", ERROR,
                    _("%(date)s选举实到%(p)s人，未超过应到%(d)s人的五分之四，选举无效。")
                    % {"date": election.date.isoformat(), "p": election.voters_present, "d": election.voters_due},
                    {"election_id": election.id, "voters_due": election.voters_due,
                     "voters_present": election.voters_present}))

    for g in facts.groups:
        if g.members < policy.group_min_members or g.full_members < policy.group_min_full_members:
            add(Finding("GROUP_TOO_SMALL", WARNING,
                        _("党小组“%(name)s”有党员%(n)s名（正式党员%(f)s名），应不少于%(min)s名且至少%(fmin)s名正式党员。")
                        % {"name": g.name, "n": g.members, "f": g.full_members, "min": policy.group_min_members,
                           "fmin": policy.group_min_full_members},
                        {"group_id": g.id, "members": g.members, "full_members": g.full_members}))
        if g.leader_is_probationary:
            add(Finding("GROUP_LEADER_PROBATIONARY", WARNING,
                        _("党小组“%(name)s”组长%(leader)s是预备党员，组长应由正式党员担任。")
                        % {"name": g.name, "leader": g.leader_name},
                        {"group_id": g.id}))

    out.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return out


def whole_years(start: date, end: date) -> int:
    """Whole years from start to end (age, 党龄)."""
    return max(0, end.year - start.year - ((end.month, end.day) < (start.month, start.day)))
