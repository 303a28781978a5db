"""Demo data for `manage.py seed_demo`: the org tree, committees and the demo logins.

How the seed is put together (the command runs these steps in order, inside
one transaction; each app contributes a `demo` module):

1. `branches.demo.seed(ctx)` — plans every branch (领域, size, scenario), then
   writes the org tree (党委 → 党总支 → 党支部) and the 党小组 shells (no
   leader yet). `ctx.plans` holds one `BranchPlan` per branch.
2. `members.demo.seed(ctx)` — the roster of every planned branch
   (`ctx.members`, `ctx.members_by_branch`), placed into the 党小组.
3. `branches.demo.seed_committees(ctx)` — needs the members: committee terms,
   elections with candidates and votes, role tenures, postponement approvals,
   group leaders, the demo users with their role assignments, and the links
   from user to member record (`ctx.terms`, `ctx.users`).
4. `meetings.demo.seed(ctx)`, `archives.demo.seed(ctx)`,
   `assessment.demo.seed(ctx)` — when those modules exist; by then the tree,
   roster, committees and users are all in place and in `ctx`.

Every write is a bulk_create (with history where the model keeps one) in
batches, so the number of queries depends on the number of org units at most,
never on the number of members. The same seed (and `today`) gives the same
data: every step draws from its own `random.Random` derived from the seed.

Scenarios put the SPEC §2 rules to work: most branches are healthy; some have
an expired term, one is covered by an approved postponement, some terms
expire within 180 days, a seat empty > 3 months, a branch with < 3 正式党员, one
with ≥ 7 正式党员 and no committee, a 党小组 led by a 预备党员, a 书记 with < 1
year 党龄, an election whose quorum failed.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import rules
from .alerts import run_alert_sweep
from .demo_names import FEMALE, MALE, person_name
from .demo_tree import (  # noqa: F401 — SCALES, Scale, SeedContext, DEMO_PASSWORD are this module's public names too
    BATCH,
    CN_NUM,
    DEMO_PASSWORD,
    EXPIRED,
    EXPIRING,
    NO_COMMITTEE,
    POSTPONED,
    PROBATIONARY_LEADER,
    QUORUM_FAILED,
    REASON,
    SCALES,
    VACANCY,
    YOUNG_SECRETARY,
    BranchPlan,
    Grant,
    Kind,
    Role,
    Scale,
    SeedContext,
    UnitSpec,
    generated_tree,
    hand_made_tree,
)
from .models import (
    CommitteeTerm,
    Election,
    ElectionCandidate,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    TermAdjustment,
)
from .services import term_due_end

# --- step 1: tree and 党小组 ------------------------------------------------------------------------------------------


def seed(ctx: SeedContext) -> None:
    """Step 1: plan the branches, write the org tree and the (leaderless) 党小组."""
    rng = ctx.sub_rng("branches")
    tree = hand_made_tree(ctx.scale.roster_factor) if ctx.scale.name == "demo" else generated_tree(rng, ctx.scale)
    _write_tree(ctx, rng, tree)
    _write_groups(ctx)


def _write_tree(ctx: SeedContext, rng, tree: UnitSpec) -> None:
    level, parent_of = [tree], {id(tree): None}
    now = timezone.now()
    while level:
        units = []
        for spec in level:
            parent = parent_of[id(spec)]
            spec.unit = OrgUnit(
                name=spec.name, kind=spec.kind, sector=spec.sector, unit_name=spec.unit_name,
                parent=parent.unit if parent else None,
                founded_on=date(rng.randint(1985, 2012), rng.randint(1, 12), rng.randint(1, 28)),
                contact_phone=f"0710-{rng.randint(2000000, 3999999)}",
                address=f"{spec.unit_name or spec.name}党员活动室",
            )
            units.append(spec.unit)
        OrgUnit.objects.bulk_create(units, batch_size=BATCH)
        # OrgUnit.save() computes the materialised path after insert; bulk_create does not, so do it here
        for unit in units:
            unit.path = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
            unit.depth = unit.path.count("/") - 2
        OrgUnit.objects.bulk_update(units, ["path", "depth"], batch_size=BATCH)
        OrgUnit.history.bulk_history_create(units, batch_size=BATCH, default_change_reason=REASON, default_date=now)
        next_level = []
        for spec in level:
            for child in spec.children:
                parent_of[id(child)] = spec
                next_level.append(child)
        level = next_level

    ctx.root = tree.unit
    ctx.anchors["root"] = tree.unit
    stack = [tree]
    while stack:  # depth-first, in tree order
        spec = stack.pop()
        if spec.tag and spec.tag != "root":
            ctx.anchors[spec.tag] = spec.unit
        if spec.kind == Kind.COMMITTEE and spec is not tree and spec.unit.parent_id == tree.unit.pk:
            ctx.committees.append(spec.unit)
        elif spec.kind == Kind.GENERAL_BRANCH:
            ctx.general_branches.append(spec.unit)
        elif spec.plan is not None:
            spec.plan.unit = spec.unit
            ctx.plans.append(spec.plan)
            ctx.branches.append(spec.unit)
            for login in spec.plan.logins:
                if login.startswith("sj"):
                    ctx.anchors[login] = spec.unit
        stack.extend(reversed(spec.children))


def _write_groups(ctx: SeedContext) -> None:
    groups = []
    for plan in ctx.plans:
        for i in range(plan.groups):
            group = PartyGroup(branch=plan.unit, name=f"第{CN_NUM[i]}党小组")
            ctx.groups.setdefault(plan.unit.pk, []).append(group)
            groups.append(group)
    bulk_create_with_history(groups, PartyGroup, batch_size=BATCH, default_change_reason=REASON)


# --- step 3: committees, elections, users ------------------------------------------------------------------------


ROLES_BY_SEATS = {
    1: (Role.SECRETARY,),
    2: (Role.SECRETARY, Role.DEPUTY_SECRETARY),
    # a 3-seat committee cannot hold all of 组织/宣传/纪检 next to the 书记 (one seat per member), so its
    # 纪检委员 shows up as a COMMITTEE_ROLES_MISSING warning — see the report on rules.evaluate
    3: (Role.SECRETARY, Role.ORGANIZATION, Role.PROPAGANDA),
    5: (Role.SECRETARY, Role.ORGANIZATION, Role.PROPAGANDA, Role.DISCIPLINE),
}
FIFTH_ROLES = (Role.DEPUTY_SECRETARY, Role.YOUTH, Role.MASS_WORK)
POSTPONE_REASONS = ("按照上级党委统一部署，与村（社区）“两委”换届同步进行，经批准延期换届。",
                    "因单位机构改革调整，经上级党委批准延期换届。",
                    "因主要负责同志工作调整，经上级党委批准延期换届。")


class _TermYears:
    """Term length per 领域 from services.term_due_end (one RulePolicy query per 领域, not per branch)."""

    PROBE = date(2001, 1, 1)

    def __init__(self):
        self.cache: dict[str, int] = {}

    def due(self, unit: OrgUnit, start: date) -> date:
        if unit.sector not in self.cache:
            self.cache[unit.sector] = term_due_end(unit, self.PROBE).year - self.PROBE.year
        return start + relativedelta(years=self.cache[unit.sector])

    def years(self, unit: OrgUnit) -> int:
        self.due(unit, self.PROBE)
        return self.cache[unit.sector]


class _Writer:
    """Collects unsaved objects (linked by object references) and writes them in dependency order."""

    def __init__(self):
        self.elections: list[Election] = []
        self.candidates: list[ElectionCandidate] = []
        self.terms: list[CommitteeTerm] = []
        self.tenures: list[RoleTenure] = []
        self.adjustments: list[TermAdjustment] = []

    def election(self, rng, unit, day: date, committee, extra, fulls, *, fail: bool = False) -> Election:
        """A 换届选举 at `day`: voters due are the 正式党员 by then; candidates get votes."""
        due = max(1, sum(1 for m in fulls if m.full_member_date and m.full_member_date <= day))
        if fail:
            present = max(1, (due * 4) // 5 - rng.randint(0, max(0, due // 5)))
        else:
            max_absent = (due + 4) // 5 - 1  # largest absence that keeps present > 4/5 of due
            present = due - rng.randint(0, max_absent)
        election = Election(org_unit=unit, kind=Election.Kind.GENERAL, date=day, voters_due=due,
                            voters_present=present, quorum_met=rules.quorum_met(due, present), seats=len(committee))
        self.elections.append(election)
        for member, role in committee:
            votes = rng.randint(present // 2 + 1, present)
            self.candidates.append(ElectionCandidate(
                election=election, member=member, role=role, votes=votes,
                elected=election.quorum_met and rules.is_elected(votes, present)))
        for member in extra:  # 差额选举: more candidates than seats, the extra one not elected
            votes = rng.randint(present // 5, present // 2)
            self.candidates.append(ElectionCandidate(
                election=election, member=member, role=Role.MEMBER, votes=votes,
                elected=election.quorum_met and rules.is_elected(votes, present)))
        return election

    def term(self, unit, number, start, due, seats, election, *, ended: date | None = None) -> CommitteeTerm:
        term = CommitteeTerm(org_unit=unit, number=number, start_date=start, due_end_date=due, seats=seats,
                             election=election, actual_end_date=ended)
        self.terms.append(term)
        return term

    def tenure(self, term, member, role, start, end=None, reason="") -> RoleTenure:
        tenure = RoleTenure(term=term, member=member, role=role, start_date=start, end_date=end, end_reason=reason)
        self.tenures.append(tenure)
        return tenure

    def write(self) -> None:
        now = timezone.now()
        kw = {"batch_size": BATCH, "default_change_reason": REASON, "default_date": now}
        bulk_create_with_history(self.elections, Election, **kw)
        ElectionCandidate.objects.bulk_create(self.candidates, batch_size=BATCH)
        bulk_create_with_history(self.terms, CommitteeTerm, **kw)
        bulk_create_with_history(self.tenures, RoleTenure, **kw)
        bulk_create_with_history(self.adjustments, TermAdjustment, **kw)


def _seats(rng, plan: BranchPlan, n_full: int) -> int:
    if n_full >= 7 and plan.scenario != NO_COMMITTEE:
        return 5 if (n_full >= 9 or plan.scenario == VACANCY) else 3
    if plan.deputy and n_full >= 2:
        return 2
    return 1


def _term_dates(rng, ctx: SeedContext, plan: BranchPlan, years: int, fulls) -> tuple[date, date | None]:
    """(start of the current term, target due end or None = computed from start) per scenario."""
    today = ctx.today
    span = years * 365
    if plan.scenario == EXPIRING:
        return None, today + timedelta(days=rng.randint(15, 170))
    if plan.scenario == EXPIRED:
        return None, today - timedelta(days=rng.randint(20, 420))
    if plan.scenario == POSTPONED:
        return None, today - timedelta(days=rng.randint(20, 150))
    if plan.scenario == QUORUM_FAILED:
        return None, today + timedelta(days=rng.randint(20, 90))
    if plan.scenario == YOUNG_SECRETARY:
        start = fulls[0].full_member_date + timedelta(days=rng.randint(10, 60))
        return min(start, today - timedelta(days=30)), None
    low = 300 if plan.scenario == VACANCY else 90
    return today - timedelta(days=rng.randint(low, span - 200)), None


def seed_committees(ctx: SeedContext) -> None:
    """Step 3 (after members.demo.seed): terms, elections, tenures, approvals, group leaders, users."""
    rng = ctx.sub_rng("committees")
    term_years = _TermYears()
    w = _Writer()
    for plan in ctx.plans:
        unit = plan.unit
        roster = ctx.members_by_branch.get(unit.pk, [])
        fulls = [m for m in roster if m.status == m.Status.FULL]
        if not fulls:
            continue  # no 书记 possible: shows as TERM_MISSING
        years = term_years.years(unit)
        seats = min(_seats(rng, plan, len(fulls)), len(fulls))
        roles = list(ROLES_BY_SEATS.get(seats, ROLES_BY_SEATS[5]))
        if seats == 5:
            roles.append(Role.YOUTH if plan.scenario == VACANCY else rng.choice(FIFTH_ROLES))
        committee = list(zip(fulls[:seats], roles, strict=True))
        extra = fulls[seats:seats + 1] if seats >= 3 else []

        start, due_target = _term_dates(rng, ctx, plan, years, fulls)
        if start is None:
            start = due_target - relativedelta(years=years)
        due = term_years.due(unit, start)

        number = rng.randint(1, 6)
        if plan.previous_term and plan.scenario != YOUNG_SECRETARY:
            prev_start = start - relativedelta(years=years)
            # the previous committee: same veterans, roles rotated (a different 书记 before)
            prev_members = fulls[:seats]
            if seats > 1:
                prev_members = prev_members[1:] + prev_members[:1]
            prev_committee = list(zip(prev_members, roles, strict=True))
            prev_election = w.election(rng, unit, prev_start, prev_committee, [], fulls)
            ended = start - timedelta(days=1)
            prev = w.term(unit, number, prev_start, term_years.due(unit, prev_start), seats, prev_election,
                          ended=ended)
            for member, role in prev_committee:
                w.tenure(prev, member, role, prev_start, ended, "换届")
            number += 1

        election = w.election(rng, unit, start, committee, extra, fulls)
        term = w.term(unit, number, start, due, seats, election)
        ctx.terms[unit.pk] = term
        current = ctx.tenures[unit.pk] = []
        for member, role in committee:
            if plan.scenario == VACANCY and role == Role.YOUTH:
                left = ctx.today - timedelta(days=rng.randint(100, 200))
                current.append(w.tenure(term, member, role, start, max(left, start), "因工作调整辞去委员职务"))
            else:
                current.append(w.tenure(term, member, role, start))

        if plan.scenario == POSTPONED:
            approval = due - timedelta(days=rng.randint(10, 45))
            w.adjustments.append(TermAdjustment(
                term=term, kind=TermAdjustment.Kind.POSTPONE, approver=unit.parent.name,
                approval_date=approval, document_no=f"{unit.parent.name[:2]}党发〔{approval.year}〕{rng.randint(3, 60)}号",
                new_due_end_date=due + timedelta(days=rng.randint(240, 360)), reason=rng.choice(POSTPONE_REASONS)))
        if plan.scenario == QUORUM_FAILED:
            day = ctx.today - timedelta(days=rng.randint(3, 25))
            w.election(rng, unit, day, committee, extra, fulls, fail=True).notes = (
                "实到人数未超过应到人数的五分之四，选举无效，另行择期召开党员大会选举。")
    w.write()
    _set_group_leaders(ctx)
    _create_users(ctx)


def _set_group_leaders(ctx: SeedContext) -> None:
    groups = []
    for plan in ctx.plans:
        branch_groups = ctx.groups.get(plan.unit.pk, [])
        if not branch_groups:
            continue
        committee_ids = {t.member_id for t in ctx.tenures.get(plan.unit.pk, [])}
        roster = ctx.members_by_branch.get(plan.unit.pk, [])
        probationary_leader_done = False
        for group in branch_groups:
            in_group = [m for m in roster if m.party_group_id == group.pk]
            leader = None
            if plan.scenario == PROBATIONARY_LEADER and not probationary_leader_done:
                leader = next((m for m in in_group if m.status == m.Status.PROBATIONARY), None)
                probationary_leader_done = leader is not None
            if leader is None:
                fulls = [m for m in in_group if m.status == m.Status.FULL]
                leader = next((m for m in fulls if m.pk not in committee_ids), fulls[0] if fulls else None)
            group.leader = leader
            groups.append(group)
    bulk_update_with_history(groups, PartyGroup, ["leader"], batch_size=BATCH, default_change_reason=REASON)


# --- users -------------------------------------------------------------------------------------------------------

# username, role label (UI), grant role or None, anchor of the grant or of the member record
DEMO_USERS = (
    ("admin", "系统管理员", None, None),
    ("zzb", "组织部/机关工委", Grant.ORG_DEPARTMENT, "root"),
    ("dw1", "党委管理员", Grant.COMMITTEE_ADMIN, "dw1"),
    ("dw2", "党委管理员", Grant.COMMITTEE_ADMIN, "dw2"),
    ("sj1", "支部书记", Grant.BRANCH_SECRETARY, "sj1"),
    ("zw1", "支部委员", Grant.BRANCH_COMMITTEE, "sj1"),
    ("sj2", "支部书记", Grant.BRANCH_SECRETARY, "sj2"),
    ("ysz", "验收组成员", Grant.INSPECTOR, "dw1"),
    ("dy1", "党员", None, "sj1"),
)


def _demo_members(ctx: SeedContext) -> dict[str, object]:
    """The member records behind sj1, zw1, sj2 (the 书记/组织委员 elected) and dy1 (an ordinary member)."""
    out = {}
    for login in ("sj1", "sj2"):
        unit = ctx.anchors.get(login)
        tenures = [t for t in ctx.tenures.get(unit.pk, []) if t.end_date is None] if unit else []
        if not tenures:
            continue
        by_role = {t.role: t.member for t in tenures}
        out[login] = by_role.get(Role.SECRETARY)
        if login == "sj1":
            out["zw1"] = by_role.get(Role.ORGANIZATION) or next(
                (t.member for t in tenures if t.role != Role.SECRETARY), None)
            taken = {t.member.pk for t in tenures}
            roster = ctx.members_by_branch.get(unit.pk, [])
            out["dy1"] = next((m for m in roster if m.status == m.Status.FULL and m.pk not in taken), None) or next(
                (m for m in roster if m.pk not in taken), None)
    return {k: v for k, v in out.items() if v is not None}


def _create_users(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("users")
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: every demo user has the same known password
    linked = _demo_members(ctx)
    users = []
    for username, _label, _grant, _anchor in DEMO_USERS:
        member = linked.get(username)
        gender = member.gender if member else rng.choice((MALE, FEMALE))
        name = member.name if member else person_name(rng, gender, rng.randint(1968, 1990))
        superuser = username == "admin"
        users.append(User(username=username, first_name=name, password=password, is_staff=superuser,
                          is_superuser=superuser, is_active=True))
    User.objects.bulk_create(users)
    ctx.users = {u.username: u for u in users}

    grants = []
    for username, _label, grant, anchor in DEMO_USERS:
        unit = ctx.anchors.get(anchor) if anchor else None
        if grant and unit is not None:
            grants.append(RoleAssignment(user=ctx.users[username], role=grant, org_unit=unit))
    RoleAssignment.objects.bulk_create(grants)
    ctx.demo_members = linked  # the members app's step links them to their logins (members.demo.link_users)


def login_rows() -> list[tuple[str, str, str, str]]:
    """(用户名, 密码, 角色, 范围) of the demo users present in the database."""
    User = get_user_model()
    names = [u[0] for u in DEMO_USERS]
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("member__branch")
             .prefetch_related("role_assignments__org_unit")}
    rows = []
    for username, label, _grant, _anchor in DEMO_USERS:
        user = users.get(username)
        if user is None:
            continue
        scopes = [a.org_unit.name for a in user.role_assignments.all() if a.is_active]
        if user.is_superuser:
            scope = "全部"
        elif scopes:
            scope = "、".join(scopes)
        else:
            member = getattr(user, "member", None)
            scope = f"本人（{member.name}，{member.branch.name}）" if member else "—"
        rows.append((username, DEMO_PASSWORD, label, scope))
    return rows


def seed_alerts(ctx: SeedContext) -> None:
    """Last step: run the SPEC §7 alert sweep as of `ctx.today`, so the demo
    logins find notifications (nothing is e-mailed)."""
    result = run_alert_sweep(on=ctx.today, email=False)
    ctx.counts["提醒"] += result.new_alerts
    ctx.counts["通知"] += result.notifications
