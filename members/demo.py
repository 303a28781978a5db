"""Demo roster for `manage.py seed_demo` (step 2 of 3, see branches.demo).

Creates the members of every planned branch (`ctx.plans`, made by
`branches.demo.seed`) with realistic Chinese names, genders, ethnicities,
birth dates, native places, valid 身份证号 (GB 11643 checksum, birth date
inside = birth_date), education, phones, work units and personnel categories
that match the branch's 领域, statuses with pipeline dates in the order
`Member.clean()` demands, a few 流动党员, and the 党小组 each party member
belongs to. One `MemberStatusChange` (建档) per member.

Everything is built in Python and written with `bulk_create(_with_history)`
in batches: the number of queries does not grow with the number of members.

Roster order inside a branch is a contract with `branches.demo.seed_committees`:
the 正式党员 come first, and the first `VETERANS` of them are long-standing
members (转正 ≥ 12 years ago) from whom the committee is drawn; index 0 is the
intended 书记 (a recent 正式党员 in the "young_secretary" scenario).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import accumulate

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.demo_names import person_name
from branches.models import Sector

from .idnumbers import checksum_char
from .models import Member, MemberStatusChange

BATCH = 1000
VETERANS = 7  # enough for a 5-seat committee, a 差额 candidate and a previous term

S = Member.Status
C = Member.Category
E = Member.Education

# --- names ------------------------------------------------------------------------------------------------------

ETHNICITIES = (
    ("汉族", 92.0), ("回族", 1.5), ("满族", 1.2), ("土家族", 1.2), ("壮族", 1.0), ("苗族", 0.8), ("蒙古族", 0.6),
    ("彝族", 0.5), ("藏族", 0.4), ("维吾尔族", 0.4), ("侗族", 0.4),
)

# 6-digit region codes (GB/T 2260) and the 籍贯 they stand for: mostly local, some from elsewhere.
LOCAL_REGIONS = (
    ("420602", "湖北襄阳"), ("420606", "湖北襄阳"), ("420607", "湖北襄阳"), ("420624", "湖北南漳"),
    ("420625", "湖北谷城"), ("420626", "湖北保康"), ("420682", "湖北老河口"), ("420683", "湖北枣阳"),
    ("420684", "湖北宜城"),
)
OTHER_REGIONS = (
    ("420102", "湖北武汉"), ("420502", "湖北宜昌"), ("411302", "河南南阳"), ("410102", "河南郑州"),
    ("430102", "湖南长沙"), ("360102", "江西南昌"), ("500103", "重庆"), ("610102", "陕西西安"), ("340102", "安徽合肥"),
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "186", "187", "188",
                   "189", "199")
MOBILE_DESTINATIONS = ("广东深圳", "广东东莞", "广东广州", "浙江杭州", "浙江宁波", "江苏苏州", "上海", "北京")

# --- per 领域 profiles -------------------------------------------------------------------------------------------

MALE_SHARE = {
    Sector.VILLAGE: 0.72, Sector.COMMUNITY: 0.45, Sector.GOVERNMENT: 0.62, Sector.INSTITUTION: 0.5,
    Sector.STATE_OWNED: 0.7, Sector.PRIVATE: 0.65, Sector.SOCIAL_ORG: 0.5, Sector.SCHOOL: 0.38, Sector.OTHER: 0.6,
}
CATEGORY_WEIGHTS = {
    Sector.VILLAGE: ((C.FARMER, 75), (C.RETIRED, 10), (C.OTHER, 15)),
    Sector.COMMUNITY: ((C.EMPLOYED, 35), (C.RETIRED, 45), (C.OTHER, 20)),
    Sector.GOVERNMENT: ((C.EMPLOYED, 97), (C.OTHER, 3)),
    Sector.INSTITUTION: ((C.EMPLOYED, 95), (C.RETIRED, 5)),
    Sector.STATE_OWNED: ((C.EMPLOYED, 97), (C.RETIRED, 3)),
    Sector.PRIVATE: ((C.EMPLOYED, 95), (C.OTHER, 5)),
    Sector.SOCIAL_ORG: ((C.EMPLOYED, 70), (C.OTHER, 30)),
    Sector.SCHOOL: ((C.EMPLOYED, 95), (C.RETIRED, 5)),
    Sector.OTHER: ((C.EMPLOYED, 50), (C.OTHER, 30), (C.RETIRED, 20)),
}
EDUCATION_WEIGHTS = {
    Sector.VILLAGE: ((E.MIDDLE_SCHOOL, 50), (E.HIGH_SCHOOL, 30), (E.SECONDARY_VOCATIONAL, 10), (E.COLLEGE, 8),
                     (E.BACHELOR, 2)),
    Sector.COMMUNITY: ((E.MIDDLE_SCHOOL, 15), (E.HIGH_SCHOOL, 25), (E.SECONDARY_VOCATIONAL, 15), (E.COLLEGE, 25),
                       (E.BACHELOR, 20)),
    Sector.GOVERNMENT: ((E.COLLEGE, 8), (E.BACHELOR, 70), (E.POSTGRADUATE, 22)),
    Sector.INSTITUTION: ((E.COLLEGE, 20), (E.BACHELOR, 60), (E.POSTGRADUATE, 20)),
    Sector.STATE_OWNED: ((E.SECONDARY_VOCATIONAL, 15), (E.COLLEGE, 30), (E.BACHELOR, 45), (E.POSTGRADUATE, 10)),
    Sector.PRIVATE: ((E.HIGH_SCHOOL, 20), (E.SECONDARY_VOCATIONAL, 20), (E.COLLEGE, 35), (E.BACHELOR, 25)),
    Sector.SOCIAL_ORG: ((E.HIGH_SCHOOL, 10), (E.COLLEGE, 40), (E.BACHELOR, 45), (E.POSTGRADUATE, 5)),
    Sector.SCHOOL: ((E.COLLEGE, 15), (E.BACHELOR, 70), (E.POSTGRADUATE, 15)),
    Sector.OTHER: ((E.MIDDLE_SCHOOL, 15), (E.HIGH_SCHOOL, 25), (E.COLLEGE, 30), (E.BACHELOR, 30)),
}
RETIRED_EDUCATION = ((E.MIDDLE_SCHOOL, 30), (E.HIGH_SCHOOL, 30), (E.SECONDARY_VOCATIONAL, 20), (E.COLLEGE, 15),
                     (E.BACHELOR, 5))
POSTS = {
    Sector.VILLAGE: ("村民", "种植户", "养殖户", "村民小组长", "个体经营", "合作社社员"),
    Sector.GOVERNMENT: ("一级科员", "二级科员", "四级主任科员", "三级主任科员", "副科长", "科长", "副主任", "二级调研员"),
    Sector.INSTITUTION: ("专业技术人员", "助理工程师", "工程师", "高级工程师", "主治医师", "护士", "办公室主任", "科员"),
    Sector.STATE_OWNED: ("技术员", "工程师", "班组长", "车间主任", "部门经理", "会计", "安全员", "调度员"),
    Sector.PRIVATE: ("技术员", "销售经理", "生产工人", "行政主管", "质检员", "财务", "车间主任"),
    Sector.SOCIAL_ORG: ("项目专员", "社工", "副秘书长", "志愿者协调员", "会员单位负责人"),
    Sector.SCHOOL: ("教师", "班主任", "教研组长", "教导主任", "后勤管理员", "教师"),
    Sector.OTHER: ("职员", "个体经营者", "灵活就业", "自由职业"),
}
SECRETARY_POSTS = {
    Sector.VILLAGE: "村党支部书记、村委会主任",
    Sector.COMMUNITY: "社区党支部书记、居委会主任",
    Sector.GOVERNMENT: "副主任",
    Sector.INSTITUTION: "副主任",
    Sector.STATE_OWNED: "部门经理",
    Sector.PRIVATE: "副总经理",
    Sector.SOCIAL_ORG: "秘书长",
    Sector.SCHOOL: "副校长",
    Sector.OTHER: "负责人",
}
COMMUNITY_EMPLOYERS = (  # (work unit, posts) of residents in work
    ("社区居委会", ("社区工作者", "社区网格员")),
    ("市供电公司", ("营业员", "线路工", "职员")),
    ("市自来水公司", ("抄表员", "职员")),
    ("城关镇中心幼儿园", ("教师", "保育员")),
    ("市第一人民医院", ("护士", "医生", "药剂师")),
    ("市公交集团", ("驾驶员", "调度员")),
    ("惠民超市", ("店长", "收银员")),
    ("市邮政分公司", ("投递员", "营业员")),
    ("个体经营", ("个体经营者",)),
    ("金桥物业服务有限公司", ("物业管理员", "保安")),
)
FORMER_EMPLOYERS = ("原市第二纺织厂", "原市机械厂", "原市百货公司", "原市粮食局", "原市棉纺厂", "原市汽车配件厂",
                    "原市供销社", "原城关镇政府")

AGE_RANGES = {  # (min, max) age for ordinary members / veterans by category
    C.EMPLOYED: ((24, 59), (40, 58)),
    C.FARMER: ((26, 76), (42, 70)),
    C.RETIRED: ((60, 88), (62, 82)),
    C.STUDENT: ((19, 23), (19, 23)),
    C.OTHER: ((24, 64), (40, 62)),
}
PIPELINE_WEIGHTS = ((S.APPLICANT, 35), (S.ACTIVIST, 45), (S.CANDIDATE, 20))


_CUMULATIVE: dict[int, tuple] = {}


def _weighted(rng, pairs):
    """rng.choices over (value, weight) pairs, cumulative weights computed once per table."""
    entry = _CUMULATIVE.get(id(pairs))
    if entry is None or entry[0] is not pairs:
        entry = _CUMULATIVE[id(pairs)] = (pairs, [p[0] for p in pairs], list(accumulate(p[1] for p in pairs)))
    return rng.choices(entry[1], cum_weights=entry[2])[0]


def shift_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes the 28th (as relativedelta does, but cheaper)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def phone_number(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng, region: str, birth: date, gender: str, used: set) -> str:
    """A unique valid 身份证号: region + birth date + sequence (odd = male) + GB 11643 check character."""
    for _ in range(200):
        seq = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == Member.Gender.MALE else (0, 2, 4, 6, 8))
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        if first17 not in used:
            used.add(first17)
            return first17 + checksum_char(first17)
    raise RuntimeError("ran out of ID sequence numbers")  # pragma: no cover - 500 per region and day


def _days(rng, lo: int, hi: int) -> timedelta:
    return timedelta(days=rng.randint(lo, hi))


def _birth(rng, today: date, min_age: int, max_age: int) -> date:
    start = shift_years(today, -(max_age + 1)) + timedelta(days=1)
    end = shift_years(today, -min_age)
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _pipeline_dates(rng, *, application=None, activist=None, candidate=None, join=None):
    """Fill the earlier pipeline dates backwards from the latest known one."""
    if join is not None and candidate is None:
        candidate = join - _days(rng, 90, 240)
    if candidate is not None and activist is None:
        activist = candidate - _days(rng, 366, 540)  # 培养考察 ≥ 1 year
    if activist is not None and application is None:
        application = activist - _days(rng, 30, 200)
    return application, activist, candidate


def _dates(rng, today: date, status: str, birth: date, *, veteran: bool, young_secretary: bool) -> dict:
    """Pipeline dates consistent with Member.clean(): application ≤ activist ≤ candidate ≤ join ≤ full ≤ today,
    application at 18 or older. Everything lies at least a day in the past."""
    yesterday = today - timedelta(days=1)
    earliest_full = shift_years(birth, 22) + _days(rng, 0, 200)  # leaves ~3.5 years for the pipeline
    out = {"application_date": None, "activist_date": None, "candidate_date": None, "join_date": None,
           "full_member_date": None}
    if status == S.FULL:
        if young_secretary:
            full = today - _days(rng, 150, 300)
        else:
            latest = shift_years(today, -12) if veteran else today - timedelta(days=30)
            earliest = max(earliest_full, shift_years(today, -45))
            if earliest > latest:
                earliest = latest - timedelta(days=400)
            full = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
        join = shift_years(full, -1) - (_days(rng, 0, 10) if rng.random() < 0.3 else timedelta())
        out["full_member_date"], out["join_date"] = full, join
        out["application_date"], out["activist_date"], out["candidate_date"] = _pipeline_dates(rng, join=join)
    elif status == S.PROBATIONARY:
        join = today - _days(rng, 20, 350)
        out["join_date"] = join
        out["application_date"], out["activist_date"], out["candidate_date"] = _pipeline_dates(rng, join=join)
    elif status == S.CANDIDATE:
        candidate = today - _days(rng, 10, 150)
        out["candidate_date"] = candidate
        out["application_date"], out["activist_date"], _ = _pipeline_dates(rng, candidate=candidate)
    elif status == S.ACTIVIST:
        activist = today - _days(rng, 30, 330)
        out["activist_date"] = activist
        out["application_date"], _, _ = _pipeline_dates(rng, activist=activist)
    else:  # applicant
        out["application_date"] = today - _days(rng, 10, 180)
    for key, value in out.items():
        if value is not None and value > yesterday:
            out[key] = yesterday
    return out


def _work(rng, plan, category: str, *, secretary: bool) -> tuple[str, str]:
    """(work unit, post) matching the 领域 and personnel category."""
    sector, unit = plan.unit.sector, plan.unit.unit_name or plan.unit.name
    if plan.retirees:
        return f"{unit}（已退休）", rng.choice(("退休干部", "原科长", "原副主任", "原科员"))
    if secretary:
        return unit, SECRETARY_POSTS.get(sector, "负责人")
    if category == C.RETIRED:
        if sector == Sector.VILLAGE:
            return unit, "退休村干部"
        if sector in (Sector.COMMUNITY, Sector.OTHER):
            return rng.choice(FORMER_EMPLOYERS), "退休职工"
        return f"{unit}（已退休）", "退休教师" if sector == Sector.SCHOOL else "退休职工"
    if sector == Sector.VILLAGE:
        if category == C.OTHER:
            return rng.choice(("个体经营", "外出务工")), rng.choice(("个体户", "务工人员"))
        return unit, rng.choice(POSTS[Sector.VILLAGE])
    if sector == Sector.COMMUNITY and category == C.EMPLOYED:
        employer, posts = rng.choice(COMMUNITY_EMPLOYERS)
        return employer, rng.choice(posts)
    if sector == Sector.COMMUNITY:
        return rng.choice(("个体经营", "灵活就业", "居民")), rng.choice(("个体经营者", "志愿者", "居民"))
    if category == C.OTHER:
        return rng.choice(("灵活就业", "个体经营", unit)), rng.choice(POSTS[Sector.OTHER])
    return unit, rng.choice(POSTS.get(sector, POSTS[Sector.OTHER]))


def _statuses(rng, plan) -> list[str]:
    pipeline = [_weighted(rng, PIPELINE_WEIGHTS) for _ in range(plan.pipeline)]
    order = {S.CANDIDATE: 0, S.ACTIVIST: 1, S.APPLICANT: 2}
    pipeline.sort(key=order.__getitem__)
    return [S.FULL] * plan.full + [S.PROBATIONARY] * plan.probationary + pipeline


def build_roster(rng, today: date, plan, groups, used_ids: set) -> list[Member]:
    """Unsaved Member objects for one planned branch, in the roster order described in the module docstring."""
    sector = plan.unit.sector
    male_share = MALE_SHARE.get(sector, 0.6)
    names_in_branch: set[str] = set()
    people: list[Member] = []
    for index, status in enumerate(_statuses(rng, plan)):
        secretary = index == 0
        young_secretary = secretary and plan.young_secretary
        veteran = status == S.FULL and index < VETERANS and not young_secretary
        if plan.retirees:
            category = C.RETIRED
        elif secretary and sector != Sector.VILLAGE:
            category = C.EMPLOYED
        elif secretary:
            category = C.FARMER
        else:
            category = _weighted(rng, CATEGORY_WEIGHTS.get(sector, CATEGORY_WEIGHTS[Sector.OTHER]))
            if category == C.RETIRED and status not in (S.FULL,):
                category = C.EMPLOYED if sector != Sector.VILLAGE else C.FARMER
        ages = AGE_RANGES[category][1 if veteran else 0]
        min_age = ages[0]
        if status in (S.APPLICANT, S.ACTIVIST):
            ages = (max(20, ages[0] - 5), min(ages[1], 45))  # ≥ 18 at application
        elif status in (S.CANDIDATE, S.PROBATIONARY):
            ages = (max(22, ages[0] - 2), min(ages[1], 50))
        elif young_secretary:
            ages = (max(min_age, 28), 45)
        gender = Member.Gender.MALE if rng.random() < male_share else Member.Gender.FEMALE
        birth = _birth(rng, today, *ages)
        name = person_name(rng, gender, birth.year)
        for _ in range(5):
            if name not in names_in_branch:
                break
            name = person_name(rng, gender, birth.year)
        names_in_branch.add(name)
        region, native = rng.choice(LOCAL_REGIONS) if rng.random() < 0.8 else rng.choice(OTHER_REGIONS)
        education = _weighted(rng, RETIRED_EDUCATION if category == C.RETIRED
                              else EDUCATION_WEIGHTS.get(sector, EDUCATION_WEIGHTS[Sector.OTHER]))
        work_unit, post = _work(rng, plan, category, secretary=secretary)
        dates = _dates(rng, today, status, birth, veteran=veteran, young_secretary=young_secretary)
        is_mobile, remarks = False, ""
        if status in Member.PARTY_STATUSES and index >= VETERANS and category != C.RETIRED:
            chance = 0.25 if (category == C.FARMER and today.year - birth.year < 50) else 0.02
            if rng.random() < chance:
                is_mobile = True
                remarks = f"流动党员，外出务工（{rng.choice(MOBILE_DESTINATIONS)}），已与流入地党组织建立联系。"
        member = Member(
            name=name,
            gender=gender,
            ethnicity=_weighted(rng, ETHNICITIES),
            birth_date=birth,
            native_place=native,
            education=education,
            phone=phone_number(rng),
            work_unit=work_unit,
            post=post,
            category=category,
            branch=plan.unit,
            status=status,
            is_mobile=is_mobile,
            remarks=remarks,
            **dates,
        )
        member.set_id_number(id_number(rng, region, birth, gender, used_ids))
        people.append(member)

    # 党小组: party members round-robin, 正式党员 first so that every group has some
    if groups:
        party = [m for m in people if m.status == S.FULL]
        rng.shuffle(party)
        probationary = [m for m in people if m.status == S.PROBATIONARY]
        rng.shuffle(probationary)
        for i, member in enumerate(party + probationary):
            member.party_group = groups[i % len(groups)]
    return people


def seed(ctx) -> None:
    """Step 2: the roster of every planned branch, with one 建档 status change each."""
    rng = ctx.sub_rng("members")
    used_ids: set[str] = set()
    members: list[Member] = []
    for plan in ctx.plans:
        members.extend(build_roster(rng, ctx.today, plan, ctx.groups.get(plan.unit.pk, []), used_ids))
    now = timezone.now()
    members = bulk_create_with_history(
        members, Member, batch_size=BATCH, default_change_reason="演示数据：建档", default_date=now
    )
    MemberStatusChange.objects.bulk_create(
        [MemberStatusChange(member=m, from_status="", to_status=m.status, date=ctx.today, reason="建档")
         for m in members],
        batch_size=BATCH,
    )
    ctx.members = members
    by_branch: dict[int, list[Member]] = {}
    for m in members:
        by_branch.setdefault(m.branch_id, []).append(m)
    ctx.members_by_branch = by_branch


# the records of the roster (党费, 学时, 发展党员, 转接): a later step, after the meetings
from .demo_records import seed_records  # noqa: E402,F401


def link_users(ctx) -> None:
    """Link the demo logins made by `branches.demo.seed_committees` to the members they belong to."""
    members = []
    for username, member in ctx.demo_members.items():
        member.user = ctx.users[username]
        members.append(member)
    bulk_update_with_history(members, Member, ["user"], batch_size=BATCH, default_change_reason="演示数据：关联登录账号")
