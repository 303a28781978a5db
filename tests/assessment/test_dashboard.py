"""The committee dashboard: scoping, numbers equal to the stored snapshots,
the refresh of stale snapshots, and the drill-down pages."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import Avg, Count
from django.urls import reverse

from assessment.models import ScoreSnapshot
from branches.models import OrgUnit, RoleAssignment
from tests.branches.factories import BranchFactory, CommitteeFactory, UserFactory

from .dashboard_helpers import default_card, meeting_missing, snapshot

Role = RoleAssignment.Role
YEAR = 2026


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard caches its panels per state of a subtree; start every test cold."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def city(db):
    """党委 甲 (a 党总支 with two branches, three branches of its own) and 党委 乙
    (three branches that all fail on 六个月 cases), under one 工委."""
    card = default_card()
    top = CommitteeFactory(name="市工委")
    jia = CommitteeFactory(name="甲党委", parent=top)
    yi = CommitteeFactory(name="乙党委", parent=top)
    zongzhi = OrgUnit.objects.create(name="甲党总支", kind=OrgUnit.Kind.GENERAL_BRANCH, parent=jia)
    a1 = BranchFactory(name="甲一支部", parent=jia)
    a2 = BranchFactory(name="甲二支部", parent=jia)
    a3 = BranchFactory(name="甲三支部", parent=jia)
    g1 = BranchFactory(name="甲总支一支部", parent=zongzhi)
    g2 = BranchFactory(name="甲总支二支部", parent=zongzhi)
    yis = [BranchFactory(name=f"乙{n}支部", parent=yi) for n in "一二三"]
    snapshot(a1, YEAR, card=card)  # 92: 示范
    snapshot(a2, YEAR, card=card, lost={"C1": 3, "C2": 4})  # 85: 先进
    snapshot(a3, YEAR, card=card, lost={"C1": 6, "C2": 6, "C5": 5, "D1": 5, "F2": 6, "A1": 5},
             deductions={"C1": [meeting_missing(YEAR, q) for q in (1, 2, 3, 4)]})  # 59: 未达标
    snapshot(g1, YEAR, card=card, lost={"A2": 5, "C1": 1.5, "C4": 5, "D2": 5, "F1": 4, "B3": 3},
             deductions={"A2": [{"points": "5", "code": "term_expired", "params": {}, "records": []}]})  # 68.5: 达标
    snapshot(g2, YEAR, card=card, lost={"C1": 1.5}, vetoed=True)  # veto: 未达标
    six = [{"points": "1", "code": "six_month_unhandled", "params": {"months": 7}, "records": []}]
    for b in yis:
        snapshot(b, YEAR, card=card, lost={"D5": 2, "C1": 6, "C2": 6, "C3": 4, "C4": 5, "C5": 5, "D1": 5},
                 deductions={"D5": six * 2})
    for b in (a1, a2, a3):
        snapshot(b, YEAR - 1, card=card, lost={"C1": 6, "C2": 6})  # 80: 先进
    return {"card": card, "top": top, "jia": jia, "yi": yi, "zongzhi": zongzhi,
            "jia_branches": [a1, a2, a3, g1, g2], "yi_branches": yis, "a3": a3}


def login(client, role, unit):
    user = UserFactory()
    if role:
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    client.force_login(user)
    return user


def api(client, **params):
    response = client.get(reverse("api-dashboard"), params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


# ---------------------------------------------------------------- scoping


def test_committee_admin_sees_no_other_committees_branch_in_any_panel_or_number(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    page = client.get(reverse("dashboard")).content.decode()
    data = api(client)
    assert data["org"]["id"] == city["jia"].pk  # the default unit is the user's own
    for b in city["yi_branches"]:
        assert b.name not in page
    assert "乙党委" not in page
    assert sum(g["count"] for g in data["grades"]) == 5
    assert {a["flag"]: a["branches"] for a in data["attention"]}["six_month"] == 0  # 乙's three do not count
    assert {c["name"] for c in data["children"]} == {"甲党总支", "甲一支部", "甲二支部", "甲三支部"}
    assert all(w["rated"] == 5 for w in data["weakest_items"])
    assert [t["branches"] for t in data["trend"]] == [0, 3, 5]
    listed = client.get(reverse("dashboard_branches"), {"org": city["jia"].pk}).content.decode()
    assert all(b.name in listed for b in city["jia_branches"])
    assert not any(b.name in listed for b in city["yi_branches"])


def test_another_committees_unit_is_not_found_on_the_page_and_the_api(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    assert client.get(reverse("dashboard"), {"org": city["yi"].pk}).status_code == 404
    assert client.get(reverse("api-dashboard"), {"org": city["yi"].pk}).status_code == 404
    assert client.get(reverse("api-dashboard"), {"org": city["top"].pk}).status_code == 404  # the parent too
    assert client.get(reverse("dashboard_branches"), {"org": city["yi"].pk}).status_code == 404
    other = city["yi_branches"][0]
    assert client.get(reverse("dashboard_branch", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE, None])
def test_branch_roles_and_plain_members_have_no_dashboard(client, city, role):
    login(client, role, city["a3"])
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("api-dashboard")).status_code == 403


def test_org_department_drills_from_the_whole_city_to_a_committee(client, city):
    login(client, Role.ORG_DEPARTMENT, city["top"])
    data = api(client)
    assert sum(g["count"] for g in data["grades"]) == 8
    assert {c["name"]: c["branches"] for c in data["children"]} == {"甲党委": 5, "乙党委": 3}
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="/dashboard/?org={city["jia"].pk}&amp;year={YEAR}"' in page  # a unit opens its own dashboard
    assert api(client, org=city["jia"].pk)["org"]["name"] == "甲党委"


def test_inspector_reads_but_may_not_refresh(client, city):
    login(client, Role.INSPECTOR, city["jia"])
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and "重新计算" not in page.content.decode()
    response = client.post(reverse("dashboard_refresh"), {"org": city["jia"].pk, "year": YEAR})
    assert response.status_code == 403


# ---------------------------------------------------------------- the numbers are the snapshots'


def test_panels_equal_what_the_snapshots_say(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    data = api(client, year=YEAR)
    snaps = ScoreSnapshot.objects.filter(year=YEAR, branch__path__startswith=city["jia"].path)
    direct = dict(snaps.values_list("grade").annotate(n=Count("id")))
    assert {g["grade"]: g["count"] for g in data["grades"]} == {
        "demonstration": direct.get("demonstration", 0), "advanced": direct.get("advanced", 0),
        "pass": direct.get("pass", 0), "fail": direct.get("fail", 0)}
    assert {g["grade"]: g["count"] for g in data["grades"]} == {"demonstration": 1, "advanced": 1, "pass": 1, "fail": 2}
    assert {g["grade"]: g["share"] for g in data["grades"]}["fail"] == 40.0

    # C1: lost 0, 3, 6, 1.5, 1.5 of 6 → average share (0 + .5 + 1 + .25 + .25) / 5 = 40 %
    c1 = next(w for w in data["weakest_items"] if w["code"] == "C1")
    assert (c1["losing"], c1["rated"], c1["lost_share"], c1["lost_points"]) == (4, 5, 40.0, 2.4)
    assert data["weakest_items"][0]["code"] == "C1"

    # C (组织生活, 35 points): per-branch shares averaged
    shares = [Decimal(s.category_scores["C"]["score"]) / Decimal(s.category_scores["C"]["max"]) for s in snaps]
    c = next(x for x in data["categories"] if x["code"] == "C")
    assert Decimal(str(c["unit"])) == (sum(shares) * 100 / len(shares)).quantize(Decimal("0.1"))
    everyone = ScoreSnapshot.objects.filter(year=YEAR)  # the parent (市工委) averages all 8 branches
    shares = [Decimal(s.category_scores["C"]["score"]) / Decimal(s.category_scores["C"]["max"]) for s in everyone]
    assert Decimal(str(c["parent"])) == (sum(shares) * 100 / len(shares)).quantize(Decimal("0.1"))
    assert next(x for x in data["categories"] if x["code"] == "E")["unit"] is None  # manual items 未评

    trend = {t["year"]: t for t in data["trend"]}
    for year in (YEAR - 1, YEAR):
        avg = ScoreSnapshot.objects.filter(year=year, branch__path__startswith=city["jia"].path).aggregate(
            a=Avg("total"))["a"]
        assert Decimal(str(trend[year]["average"])) == Decimal(avg).quantize(Decimal("0.01"))
    assert trend[YEAR - 1]["grades"]["advanced"] == 3 and trend[YEAR - 2]["average"] is None

    flags = {a["flag"]: a["branches"] for a in data["attention"]}
    assert (flags["meetings"], flags["terms"], flags["six_month"]) == (1, 1, 0)

    zongzhi = next(ch for ch in data["children"] if ch["name"] == "甲党总支")
    assert (zongzhi["branches"], zongzhi["average"], zongzhi["grades"]["fail"]) == (2, 79.5, 1)


def test_child_table_sorts_and_searches_on_the_server(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    names = [c["name"] for c in api(client)["children"]]
    assert names == ["甲三支部", "甲党总支", "甲二支部", "甲一支部"]  # weakest first
    assert [c["name"] for c in api(client, sort="-score")["children"]][0] == "甲一支部"
    assert [c["name"] for c in api(client, q="总支")["children"]] == ["甲党总支"]
    page = client.get(reverse("dashboard"), {"q": "二", "sort": "name"}).content.decode()
    assert "甲二支部" in page and "甲三支部" not in page


def test_each_count_opens_the_branches_behind_it(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    url = reverse("dashboard_branches")
    failing = client.get(url, {"org": city["jia"].pk, "year": YEAR, "grade": "fail"}).content.decode()
    assert "甲三支部" in failing and "甲总支二支部" in failing and "甲一支部" not in failing
    terms = client.get(url, {"org": city["jia"].pk, "year": YEAR, "flag": "terms"}).content.decode()
    assert "甲总支一支部" in terms and "甲三支部" not in terms
    c1 = client.get(url, {"org": city["jia"].pk, "year": YEAR, "item": "C1"}).content.decode()
    assert c1.index("甲三支部") < c1.index("甲二支部")  # most points lost first
    assert "甲一支部" not in c1


def test_branch_score_links_a_missing_meeting_to_the_calendar(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    a3 = city["a3"]
    page = client.get(reverse("dashboard_branch", args=[a3.pk]), {"year": YEAR, "item": "C1"}).content.decode()
    assert "2026年第二季度未召开支部党员大会" in page  # the sentence of assessment.explain
    assert reverse("meeting_calendar", args=[a3.pk, YEAR]) in page


# ---------------------------------------------------------------- stale snapshots


def test_missing_snapshots_are_said_and_the_refresh_is_enqueued_on_commit(
    client, city, django_capture_on_commit_callbacks
):
    BranchFactory(name="甲新支部", parent=city["jia"])
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "6 个党支部中有 1 个尚无2026年度得分" in page
    with mock.patch("assessment.tasks.snapshots_refresh_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("dashboard_refresh"), {"org": city["jia"].pk, "year": YEAR})
    assert response.status_code == 302
    delay.assert_called_once_with(city["jia"].pk, YEAR)


def test_the_refresh_task_scores_the_branches_without_a_snapshot(city):
    from assessment.tasks import snapshots_refresh_task

    new = BranchFactory(name="甲新支部", parent=city["jia"])
    result = snapshots_refresh_task(city["jia"].pk, YEAR)
    assert result["created"] >= 1
    assert ScoreSnapshot.objects.filter(branch=new, year=YEAR).exists()


@pytest.mark.parametrize(("role", "shown"), [
    (Role.COMMITTEE_ADMIN, True), (Role.ORG_DEPARTMENT, True), (Role.INSPECTOR, True), (Role.BRANCH_SECRETARY, False),
])
def test_navigation_and_the_org_tree_link_the_dashboard_for_the_roles_that_may_see_it(client, city, role, shown):
    login(client, role, city["a3"] if role == Role.BRANCH_SECRETARY else city["jia"])
    page = client.get(reverse("org_tree")).content.decode()
    assert ('data-testid="nav-dashboard"' in page) is shown
    assert ('data-testid="tree-dashboard"' in page) is shown


def test_a_changed_snapshot_shows_at_once_though_the_panels_are_cached(client, city):
    login(client, Role.COMMITTEE_ADMIN, city["jia"])
    assert {g["grade"]: g["count"] for g in api(client)["grades"]}["fail"] == 2
    assert api(client)["grades"] == api(client)["grades"]  # served from the cache
    snap = ScoreSnapshot.objects.get(branch=city["a3"], year=YEAR)
    snap.total, snap.grade, snap.stars = Decimal("91.00"), "demonstration", 5
    snap.save()
    grades = {g["grade"]: g["count"] for g in api(client)["grades"]}
    assert (grades["fail"], grades["demonstration"]) == (1, 2)
    BranchFactory(name="甲新支部", parent=city["jia"])
    assert api(client)["freshness"]["missing"] == 1


def test_the_child_table_opens_on_the_30_weakest_and_shows_all_on_request(client, db):
    unit = CommitteeFactory(name="大党委")
    card = default_card()
    for n in range(32):
        snapshot(BranchFactory(name=f"支部{n:02d}号", parent=unit), YEAR, card=card, lost={"C1": n % 6})
    login(client, Role.COMMITTEE_ADMIN, unit)
    page = client.get(reverse("dashboard"), {"year": YEAR}).content.decode()
    assert page.count('data-testid="children"') == 1 and "显示 30 / 32 个" in page
    everything = client.get(reverse("dashboard"), {"year": YEAR, "all": "1"}).content.decode()
    assert all(f"支部{n:02d}号" in everything for n in range(32)) and "显示 30 / 32" not in everything
