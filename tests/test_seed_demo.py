"""manage.py seed_demo: reproducible, realistic, scoped, rule-exercising demo data."""

import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.management.commands.seed_demo import SEED_STEPS, demo_module, format_table, seed_database
from branches.demo import DEMO_PASSWORD, DEMO_USERS, Scale
from branches.models import (
    CommitteeTerm,
    Election,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    Sector,
    TermAdjustment,
)
from branches.selectors import branch_rule_findings
from branches.services import term_due_end
from members import scoping
from members.idnumbers import birth_date_of, validate_id_number
from members.models import Member, MemberStatusChange

pytestmark = pytest.mark.django_db

User = get_user_model()
# this app's steps (tree, roster, committees and users); later apps' demo steps are tested with those apps
# the roster steps: org tree, members, committees, logins (later steps have their own tests)
OWN_STEPS = [("branches", "seed"), ("members", "seed"), ("branches", "seed_committees"), ("members", "link_users")]
assert all(step in SEED_STEPS for step in OWN_STEPS)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def demo(today):
    return seed_database(seed=2026, today=today, steps=OWN_STEPS)


def _roster_snapshot():
    return list(
        Member.objects.order_by("pk").values_list(
            "branch__name", "name", "gender", "birth_date", "id_number_digest", "join_date", "phone", "status"
        )
    )


def _seed_and_rollback(**kwargs):
    """Seed inside a savepoint, take a snapshot, roll the savepoint back."""
    with transaction.atomic():
        seed_database(steps=OWN_STEPS, **kwargs)
        snapshot = _roster_snapshot()
        transaction.set_rollback(True)
    assert not OrgUnit.objects.exists()
    return snapshot


def _branches():
    return OrgUnit.objects.filter(kind__in=OrgUnit.BRANCH_KINDS)


# --- reproducibility -------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_names_dates_and_id_numbers(today):
    first = _seed_and_rollback(seed=7, today=today)
    second = _seed_and_rollback(seed=7, today=today)
    assert len(first) >= 140
    assert first == second


def test_a_different_seed_gives_different_people(today):
    first = _seed_and_rollback(seed=7, today=today)
    other = _seed_and_rollback(seed=8, today=today)
    assert [row[1] for row in first] != [row[1] for row in other]
    assert {row[4] for row in first} != {row[4] for row in other}


# --- the demo logins -------------------------------------------------------------------------------------------


def test_every_demo_user_can_log_in_with_the_demo_password(demo, client):
    assert set(User.objects.values_list("username", flat=True)) >= {u[0] for u in DEMO_USERS}
    for username, *_ in DEMO_USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert all(first_name for first_name in User.objects.values_list("first_name", flat=True))


def test_a_branch_secretary_sees_exactly_their_branch(demo):
    sj1 = User.objects.get(username="sj1")
    assert list(scoping.branches_visible_to(sj1)) == [demo.anchors["sj1"]]
    sj2 = User.objects.get(username="sj2")
    assert list(scoping.branches_visible_to(sj2)) == [demo.anchors["sj2"]]
    zw1 = User.objects.get(username="zw1")
    assert list(scoping.branches_visible_to(zw1)) == [demo.anchors["sj1"]]
    # sj1 and zw1 sit on that branch's committee; dy1 is an ordinary member there
    committee = RoleTenure.objects.filter(term__org_unit=demo.anchors["sj1"], end_date__isnull=True)
    assert committee.filter(member__user=sj1, role=RoleTenure.Role.SECRETARY).exists()
    assert committee.filter(member__user=zw1).exclude(role=RoleTenure.Role.SECRETARY).exists()
    assert not committee.filter(member__user__username="dy1").exists()


def test_a_committee_admin_sees_only_its_subtree(demo):
    dw1 = User.objects.get(username="dw1")
    subtree = set(OrgUnit.objects.filter(path__startswith=demo.anchors["dw1"].path))
    assert set(scoping.org_units_visible_to(dw1)) == subtree
    assert demo.anchors["dw2"] not in subtree and demo.root not in subtree
    assert set(scoping.members_visible_to(dw1)) == set(Member.objects.filter(branch__in=subtree))
    ysz = User.objects.get(username="ysz")
    assert set(scoping.org_units_visible_to(ysz)) == subtree


def test_the_organisation_department_sees_everything(demo):
    zzb = User.objects.get(username="zzb")
    assert scoping.org_units_visible_to(zzb).count() == OrgUnit.objects.count()
    assert scoping.members_visible_to(zzb).count() == Member.objects.count()


def test_a_party_member_sees_only_their_own_record(demo):
    dy1 = User.objects.get(username="dy1")
    assert list(scoping.members_visible_to(dy1)) == [dy1.member]
    assert dy1.member.branch == demo.anchors["sj1"]
    assert dy1.member.status == Member.Status.FULL
    assert not scoping.branches_visible_to(dy1).exists()


def test_the_demo_tree_has_the_expected_shape(demo):
    root = demo.root
    assert root.name == "市直机关工委" and root.kind == OrgUnit.Kind.COMMITTEE and root.parent is None
    assert OrgUnit.objects.filter(parent=root, kind=OrgUnit.Kind.COMMITTEE).count() == 2
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.GENERAL_BRANCH).count() == 1
    assert 10 <= _branches().count() <= 15
    assert {Sector.VILLAGE, Sector.COMMUNITY} <= set(_branches().values_list("sector", flat=True))
    assert 130 <= Member.objects.count() <= 180
    for unit in OrgUnit.objects.select_related("parent"):  # materialised paths as OrgUnit.save() would build them
        assert unit.path == unit.build_path()
        assert unit.depth == unit.path.count("/") - 2


# --- the rules at work ---------------------------------------------------------------------------------------------


def test_rule_findings_cover_the_planted_problems_and_most_branches_are_healthy(demo, today):
    findings = branch_rule_findings(_branches(), on=today)
    codes = {f.code for fs in findings.values() for f in fs}
    assert codes >= {
        "TERM_EXPIRED", "TERM_EXPIRING", "VACANCY", "COMMITTEE_MISSING", "BRANCH_TOO_FEW_FULL_MEMBERS",
        "ELECTION_QUORUM_NOT_MET", "SECRETARY_PARTY_AGE", "GROUP_LEADER_PROBATIONARY",
    }
    without_errors = [pk for pk, fs in findings.items() if not any(f.severity == "error" for f in fs)]
    assert len(without_errors) > len(findings) / 2
    assert any(not fs for fs in findings.values())


def test_an_approved_postponement_covers_an_expired_term(demo, today):
    adjustment = TermAdjustment.objects.select_related("term__org_unit").get()
    assert adjustment.term.due_end_date < today < adjustment.new_due_end_date
    adjustment.full_clean()
    codes = {f.code for f in branch_rule_findings([adjustment.term.org_unit], on=today)[adjustment.term.org_unit_id]}
    assert "TERM_EXPIRED" not in codes


def test_terms_follow_the_sector_term_length_and_every_record_is_valid(demo):
    terms = CommitteeTerm.objects.select_related("org_unit")
    assert terms.filter(actual_end_date__isnull=True).count() == _branches().count()
    for term in terms:
        assert term.due_end_date == term_due_end(term.org_unit, term.start_date)
        term.full_clean()
    village = terms.filter(org_unit__sector=Sector.VILLAGE).first()
    assert (village.due_end_date.year - village.start_date.year) == 5
    for model in (RoleTenure, Election, PartyGroup):
        for obj in model.objects.all():
            obj.full_clean()
    elected = Election.objects.filter(quorum_met=True)
    assert elected.exists() and all(e.candidates.exists() for e in Election.objects.all())
    assert not Election.objects.filter(quorum_met=False, candidates__elected=True).exists()


# --- members ---------------------------------------------------------------------------------------------------


def test_every_id_number_is_valid_unique_and_matches_birth_date_and_gender(demo):
    members = list(Member.objects.all())
    assert len({m.id_number_digest for m in members}) == len(members)
    for m in members:
        number = validate_id_number(m.id_number)
        assert birth_date_of(number) == m.birth_date
        assert (int(number[16]) % 2 == 1) == (m.gender == Member.Gender.MALE)
        assert m.id_number_masked == number[:3] + "*" * 11 + number[-4:]


def test_every_member_passes_full_clean(demo):
    for member in Member.objects.select_related("branch", "party_group"):
        member.full_clean()


def test_the_roster_looks_like_a_real_one(demo):
    members = Member.objects.all()
    total = members.count()
    by_status = {s: members.filter(status=s).count() for s in Member.Status.values}
    assert by_status[Member.Status.FULL] > total * 0.7
    assert by_status[Member.Status.PROBATIONARY] > 0
    assert by_status[Member.Status.APPLICANT] + by_status[Member.Status.ACTIVIST] > 0
    assert members.filter(ethnicity="汉族").count() > total * 0.8
    assert members.filter(is_mobile=True).exists()
    assert members.filter(party_group__isnull=False).exists()
    assert members.filter(branch__sector=Sector.VILLAGE, category=Member.Category.FARMER).exists()
    assert all(2 <= len(name) <= 4 for name in members.values_list("name", flat=True))
    assert MemberStatusChange.objects.filter(reason="建档").count() == total
    assert Member.history.filter(history_type="+").count() == total


# --- the command ---------------------------------------------------------------------------------------------------


def test_the_command_runs_every_app_step_and_prints_a_summary_and_the_logins():
    """The whole pipeline, including later apps' demo modules where they exist."""
    out = StringIO()
    call_command("seed_demo", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "演示数据已生成" in text and "用时" in text
    for header in ("用户名", "密码", "角色", "范围"):
        assert header in text
    for username, *_ in DEMO_USERS:
        assert f"\n{username} " in text
    assert RoleAssignment.objects.count() == 7


def test_if_empty_on_a_seeded_database_adds_nothing(demo):
    before = (OrgUnit.objects.count(), Member.objects.count(), User.objects.count(), CommitteeTerm.objects.count())
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert (OrgUnit.objects.count(), Member.objects.count(), User.objects.count(),
            CommitteeTerm.objects.count()) == before
    assert "已有组织数据" in out.getvalue() and "sj1" in out.getvalue()


def test_seeding_a_database_that_has_org_units_is_refused(demo):
    with pytest.raises(CommandError, match="已有组织数据"):
        call_command("seed_demo", stdout=StringIO())


def test_the_query_count_does_not_grow_with_the_number_of_members(today):
    def run(factor):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                seed_database(seed=11, scale=Scale("demo", roster_factor=factor), today=today, steps=OWN_STEPS)
            members = Member.objects.count()
            transaction.set_rollback(True)
        sqls = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        return members, [s for s in sqls if not s.startswith("INSERT")], [s for s in sqls if s.startswith("INSERT")]

    small_members, small_other, small_inserts = run(1)
    big_members, big_other, big_inserts = run(4)
    assert big_members > 3 * small_members
    assert len(big_other) == len(small_other)
    if connection.vendor == "postgresql":
        assert len(big_inserts) == len(small_inserts)
    else:  # SQLite caps a statement at 999 parameters, so bulk inserts come in more batches, never one per row
        assert len(big_inserts) - len(small_inserts) < (big_members - small_members) / 10


def test_a_generated_scale_builds_a_tree_of_the_requested_size(today):
    scale = Scale("small-city", committees=3, branches=60, members=1200)
    ctx = seed_database(seed=1, scale=scale, today=today, steps=OWN_STEPS)
    assert OrgUnit.objects.filter(parent=ctx.root, kind=OrgUnit.Kind.COMMITTEE).count() == 3
    assert _branches().count() == 60
    assert abs(Member.objects.count() - 1200) <= 60
    for unit in OrgUnit.objects.select_related("parent"):
        assert unit.path == unit.build_path()
    sj1 = User.objects.get(username="sj1")
    assert list(scoping.branches_visible_to(sj1)) == [ctx.anchors["sj1"]]
    assert User.objects.get(username="dy1").member.branch == ctx.anchors["sj1"]
    findings = branch_rule_findings(_branches(), on=today)
    healthy = [pk for pk, fs in findings.items() if not any(f.severity == "error" for f in fs)]
    assert len(healthy) > 0.6 * len(findings)


# --- plumbing ------------------------------------------------------------------------------------------------------


def test_missing_demo_modules_of_later_apps_are_skipped_but_broken_ones_fail(tmp_path, monkeypatch):
    assert demo_module("branches") is not None
    for name, demo_source in (("emptyapp_dzb", None), ("brokenapp_dzb", "import a_module_that_does_not_exist_dzb\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
        if demo_source:
            (tmp_path / name / "demo.py").write_text(demo_source)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert demo_module("emptyapp_dzb") is None  # an app without a demo module yet
        with pytest.raises(ModuleNotFoundError, match="a_module_that_does_not_exist_dzb"):
            demo_module("brokenapp_dzb")  # a demo module that is there but broken is an error
    finally:
        for name in ("emptyapp_dzb", "emptyapp_dzb.demo", "brokenapp_dzb", "brokenapp_dzb.demo"):
            sys.modules.pop(name, None)


def test_the_login_table_aligns_chinese_text():
    table = format_table(("用户名", "角色"), [("admin", "系统管理员"), ("dy1", "党员")]).splitlines()
    assert table[0].startswith("用户名  角色")
    assert table[2].index("系统") == table[3].index("党员")
