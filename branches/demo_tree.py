"""The plan of the demo data: scales, scenarios, the hand-made demo tree and the
generated city tree (names by 领域 and place), and the context every app's demo
step shares. Nothing here writes; `branches.demo` writes what is planned here."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .demo_names import SURNAMES
from .models import (
    CommitteeTerm,
    OrgUnit,
    PartyGroup,
    RoleAssignment,
    RoleTenure,
    Sector,
)

BATCH = 1000
DEMO_PASSWORD = "demo12345"
REASON = "演示数据"

Kind = OrgUnit.Kind
Role = RoleTenure.Role
Grant = RoleAssignment.Role

# scenarios (one per branch)
HEALTHY = "healthy"
EXPIRED = "expired"  # term expired, no approved postponement
POSTPONED = "postponed"  # expired, but covered by an approved TermAdjustment
EXPIRING = "expiring"  # due within 180 days
VACANCY = "vacancy"  # a seat empty for more than 3 months
NO_COMMITTEE = "no_committee"  # ≥ 7 正式党员, only a 书记
TOO_FEW_FULL = "too_few_full"  # < 3 正式党员 in a plain 党支部
YOUNG_SECRETARY = "young_secretary"  # 书记 with < 1 year 党龄
QUORUM_FAILED = "quorum_failed"  # latest election did not reach 4/5
PROBATIONARY_LEADER = "probationary_leader"  # a 党小组 led by a 预备党员

CN_NUM = "一二三四五六七八九十"


# --- the context the steps share ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How much to create. `demo` is a fixed, hand-made tree; any other scale is
    generated: `committees` 党委 under the root, `branches` 党支部 and about
    `members` roster entries in all."""

    name: str
    committees: int = 0
    branches: int = 0
    members: int = 0
    roster_factor: int = 1  # demo only: multiplies every roster (not the < 3 正式党员 one); same tree and scenarios


SCALES = {
    "demo": Scale("demo"),
    "city": Scale("city", committees=20, branches=2000, members=40000),
}


@dataclass
class BranchPlan:
    """What one demo branch should look like; members.demo builds its roster from it."""

    name: str
    sector: str
    unit_name: str
    full: int
    probationary: int = 0
    pipeline: int = 0
    scenario: str = HEALTHY
    kind: str = Kind.BRANCH
    groups: int = 0
    retirees: bool = False  # a 离退休干部党支部
    deputy: bool = False  # a small branch with 书记 and 副书记
    previous_term: bool = False  # record the previous term too (history)
    logins: tuple[str, ...] = ()  # demo users anchored here: sj1, zw1, dy1, sj2
    unit: OrgUnit | None = None  # set once written

    @property
    def young_secretary(self) -> bool:
        return self.scenario == YOUNG_SECRETARY

    @property
    def party_members(self) -> int:
        return self.full + self.probationary

    @property
    def size(self) -> int:
        return self.full + self.probationary + self.pipeline


@dataclass
class UnitSpec:
    """A node of the planned tree (党委, 党总支 or 党支部 with its plan)."""

    name: str
    kind: str
    sector: str
    unit_name: str = ""
    children: list[UnitSpec] = field(default_factory=list)
    plan: BranchPlan | None = None
    tag: str = ""  # "root", "dw1", "dw2"
    place: str = ""  # place or department a generated 党委 is named after
    committee_kind: str = ""  # key of COMMITTEE_TYPES for a generated 党委
    unit: OrgUnit | None = None


@dataclass
class SeedContext:
    """Shared by every app's demo step. Later apps read what earlier ones created."""

    seed: int
    scale: Scale
    today: date
    rng: random.Random = field(init=False)
    root: OrgUnit | None = None
    committees: list[OrgUnit] = field(default_factory=list)  # 党委 under the root
    general_branches: list[OrgUnit] = field(default_factory=list)  # 党总支
    branches: list[OrgUnit] = field(default_factory=list)  # 党支部 (all branch kinds)
    plans: list[BranchPlan] = field(default_factory=list)  # one per branch, same order
    anchors: dict[str, OrgUnit] = field(default_factory=dict)  # "root", "dw1", "dw2", "sj1", "sj2"
    groups: dict[int, list[PartyGroup]] = field(default_factory=dict)  # by branch pk
    members: list = field(default_factory=list)
    members_by_branch: dict[int, list] = field(default_factory=dict)  # roster order, see members.demo
    terms: dict[int, CommitteeTerm] = field(default_factory=dict)  # current term by org unit pk
    tenures: dict[int, list[RoleTenure]] = field(default_factory=dict)  # current term's tenures by org unit pk
    users: dict[str, object] = field(default_factory=dict)  # username -> User
    demo_members: dict[str, object] = field(default_factory=dict)  # username -> the member a login belongs to
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def sub_rng(self, name: str) -> random.Random:
        """An independent, reproducible generator per step, so that adding a step never changes the others."""
        return random.Random(f"{self.seed}:{name}")

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)


# --- the hand-made demo tree -------------------------------------------------------------------------------------


def hand_made_tree(factor: int = 1) -> UnitSpec:
    S = Sector
    gzw = "市国有资产监督管理委员会"

    def B(*args, **kwargs):  # reads like the dataclass it builds
        plan = BranchPlan(*args, **kwargs)
        if factor != 1 and plan.scenario != TOO_FEW_FULL:
            plan.full, plan.probationary, plan.pipeline = (n * factor for n in (plan.full, plan.probationary,
                                                                                plan.pipeline))
        return plan

    return UnitSpec("市直机关工委", Kind.COMMITTEE, S.GOVERNMENT, "中共市直属机关工作委员会", tag="root", children=[
        UnitSpec("市国资委机关党委", Kind.COMMITTEE, S.GOVERNMENT, gzw, tag="dw1", children=[
            _leaf(B("综合科室党支部", S.GOVERNMENT, gzw, 14, 2, 2, groups=2, previous_term=True,
                    logins=("sj1", "zw1", "dy1"))),
            _leaf(B("企业改革科党支部", S.GOVERNMENT, gzw, 9, 1, 1, EXPIRED)),
            _leaf(B("市国有资产服务中心党支部", S.INSTITUTION, "市国有资产服务中心", 8, 1, 1, EXPIRING)),
            _leaf(B("市城市建设投资集团有限公司第一党支部", S.STATE_OWNED, "市城市建设投资集团有限公司", 17, 2, 2,
                    VACANCY, groups=2)),
            _leaf(B("离退休干部党支部", S.GOVERNMENT, gzw, 6, retirees=True)),
        ]),
        UnitSpec("城关镇党委", Kind.COMMITTEE, S.OTHER, "城关镇人民政府", tag="dw2", children=[
            _leaf(B("东风社区党支部", S.COMMUNITY, "东风社区居民委员会", 15, 2, 2, groups=2, previous_term=True,
                    logins=("sj2",))),
            _leaf(B("河西社区党支部", S.COMMUNITY, "河西社区居民委员会", 10, 1, 1, POSTPONED)),
            _leaf(B("李家村党支部", S.VILLAGE, "李家村村民委员会", 8, 1, 1, NO_COMMITTEE)),
            _leaf(B("王庄村党支部", S.VILLAGE, "王庄村村民委员会", 9, 1, 1, QUORUM_FAILED)),
            _leaf(B("鑫达机械有限公司党支部", S.PRIVATE, "襄阳鑫达机械有限公司", 2, 1, 1, TOO_FEW_FULL)),
            _leaf(B("城关镇志愿者协会党支部", S.SOCIAL_ORG, "城关镇志愿者协会", 5, 0, 1, YOUNG_SECRETARY)),
            UnitSpec("城关镇中心学校党总支", Kind.GENERAL_BRANCH, S.SCHOOL, "城关镇中心学校", children=[
                _leaf(B("城关镇中心学校教师第一党支部", S.SCHOOL, "城关镇中心学校", 13, 2, 1, PROBATIONARY_LEADER,
                        groups=2)),
                _leaf(B("城关镇中心学校教师第二党支部", S.SCHOOL, "城关镇中心学校", 6, 1, 0, deputy=True)),
            ]),
        ]),
    ])


def _leaf(plan: BranchPlan) -> UnitSpec:
    return UnitSpec(plan.name, plan.kind, plan.sector, plan.unit_name, plan=plan)


# --- the generated (city) tree -----------------------------------------------------------------------------------

PLACES = ("城关", "东城", "西城", "南关", "北门", "古城", "新华", "长虹", "清河", "太平", "双沟", "张湾", "龙王", "石花",
          "黄集", "朱集", "程河", "峪山", "东津", "米庄", "卧龙", "欧庙", "牛首", "茨河", "伙牌", "刘集", "王集", "柏营")
DEPARTMENTS = ("发展和改革委员会", "财政局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "交通运输局",
               "水利局", "农业农村局", "商务局", "文化和旅游局", "应急管理局", "市场监督管理局", "统计局", "医疗保障局",
               "生态环境局", "民政局", "司法局", "审计局", "城市管理执法委员会", "退役军人事务局")
SOE_GROUPS = ("城市建设投资集团", "交通投资集团", "水务集团", "能源投资集团", "文化旅游投资集团", "产业投资集团", "公交集团",
              "国有资本投资运营集团")
OFFICES = ("办公室", "政策法规科", "人事教育科", "财务审计科", "规划发展科", "综合业务科", "行政审批服务科", "执法监督科",
           "信息中心", "机关服务中心", "项目管理科", "安全监管科", "法制科", "督查科")
INSTITUTIONS = ("市第一人民医院", "市中心医院", "市中医医院", "市妇幼保健院", "市疾病预防控制中心", "市第二人民医院",
                "市第三人民医院", "市精神卫生中心", "市口腔医院", "市卫生健康综合监督执法局", "市急救中心", "市血液中心",
                "市职业病防治院", "市康复医院")
ORGAN_INSTITUTIONS = ("服务中心", "信息中心", "事务中心", "技术中心", "培训中心", "综合执法支队", "研究室", "档案室")
EDU_INSTITUTIONS = ("市教育考试院", "市教育技术装备中心", "市教学研究室", "市青少年校外活动中心", "市教师进修学校",
                    "市学生资助管理中心", "市特殊教育学校")
HOSPITAL_DEPTS = ("内科", "外科", "儿科", "妇产科", "护理部", "医技科室", "行政后勤", "门急诊")
SOE_SEGMENTS = ("综合管理部", "财务部", "工程管理部", "投资发展部", "运营分公司", "物业分公司", "维修车间", "调度中心",
                "营销中心", "安全质量部", "检测中心", "人力资源部", "审计法务部", "信息技术部", "设备物资部")
BRANDS = ("鑫达", "华泰", "宏远", "金鼎", "博睿", "恒信", "瑞丰", "天成", "汇通", "永盛", "嘉禾", "新源", "德润", "中科",
          "隆盛", "正大", "兴业", "凯旋", "富康", "远航")
INDUSTRIES = ("机械", "科技", "建材", "物流", "食品", "电子", "纺织", "商贸", "建筑工程", "新材料", "汽车零部件", "医药",
              "农业开发", "环保科技")
SOCIAL_ORGS = ("志愿者协会", "商会", "物业管理行业协会", "社会工作服务中心", "律师协会", "个体劳动者协会", "养老服务中心",
               "慈善会", "快递行业协会", "网约车行业协会")
COMMUNITY_NAMES = ("和平", "幸福", "东湖", "南湖", "建设", "解放", "新华", "光明", "胜利", "长青", "锦绣", "翠苑", "花园",
                   "阳光", "金桥", "龙泉", "紫荆", "桂园", "丽景", "滨江", "育才", "文化", "民主", "友谊", "团结", "春园",
                   "檀溪", "米公", "铁佛寺", "昭明台", "鼓楼", "荆州街", "大庆路", "人民路", "前进", "朝阳", "清风",
                   "长征", "跃进", "红星", "汉江", "隆中", "古隆中", "卧龙", "鹿门", "岘山", "襄阳府", "北街", "南街",
                   "东街", "西街", "新城", "万山", "湖光", "晨光", "星光", "劳动", "公园", "府前", "车城", "航空")
VILLAGE_SUFFIXES = "家庄湾岗河坪桥塘店集营寨沟铺"
VILLAGE_WORDS = ("东风", "红旗", "新农", "前进", "青山", "柳树", "杨柳", "桃园", "石桥", "白庙", "黄龙", "双河", "马王",
                 "龙泉", "新集", "高庄", "三合", "五里", "七里", "土门")
SCHOOL_KINDS = ("中心小学", "实验小学", "第一初级中学", "第二初级中学", "中学", "中心幼儿园", "职业技术学校", "实验中学")
OTHER_BRANCHES = ("流动党员党支部", "个体工商户联合党支部", "新就业群体党支部", "外出务工人员党支部")

# (committee name pattern, committee sector, branch sector weights)
COMMITTEE_TYPES = {
    "town": (Sector.OTHER, ((Sector.VILLAGE, 70), (Sector.PRIVATE, 12), (Sector.COMMUNITY, 10), (Sector.SCHOOL, 5),
                            (Sector.OTHER, 3))),
    "street": (Sector.OTHER, ((Sector.COMMUNITY, 55), (Sector.PRIVATE, 22), (Sector.SOCIAL_ORG, 15),
                              (Sector.OTHER, 8))),
    "organ": (Sector.GOVERNMENT, ((Sector.GOVERNMENT, 70), (Sector.INSTITUTION, 30))),
    "soe": (Sector.STATE_OWNED, ((Sector.STATE_OWNED, 100),)),
    "edu": (Sector.SCHOOL, ((Sector.SCHOOL, 85), (Sector.INSTITUTION, 15))),
    "health": (Sector.INSTITUTION, ((Sector.INSTITUTION, 100),)),
}
COMMITTEE_CYCLE = ("organ", "street", "town", "soe", "organ", "street", "town", "edu", "health", "organ", "town",
                   "street", "soe", "organ", "street", "town", "organ", "edu", "street", "organ")

# (size class, min roster, max roster, weight)
SIZE_CLASSES = (("tiny", 3, 4, 3), ("small", 5, 9, 30), ("medium", 10, 24, 41), ("large", 25, 49, 22),
                ("huge", 51, 68, 4))
SIZE_CLASSES_W = tuple((c[0], c[3]) for c in SIZE_CLASSES)
# (scenario, weight in percent); the rest is healthy
CITY_SCENARIOS = ((EXPIRED, 6), (POSTPONED, 2), (EXPIRING, 7), (VACANCY, 3), (NO_COMMITTEE, 2),
                  (YOUNG_SECRETARY, 2), (QUORUM_FAILED, 1.5), (PROBATIONARY_LEADER, 2))


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 → 一, 12 → 十二, 40 → 四十."""
    tens, ones = divmod(n, 10)
    if n <= 10:
        return CN_NUM[n - 1]
    return (CN_NUM[tens - 1] if tens > 1 else "") + "十" + (CN_NUM[ones - 1] if ones else "")


class _Names:
    """Unique names within one parent: draw again a few times, then number within the 领域."""

    def __init__(self):
        self.used: set[str] = set()
        self.counters: Counter = Counter()

    def draw(self, rng, sector: str, committee: UnitSpec) -> tuple[str, str, bool]:
        for _ in range(8):
            name, unit, retirees = _branch_name(rng, sector, committee)
            if name not in self.used:
                self.used.add(name)
                return name, unit, retirees
        fallback = {
            Sector.GOVERNMENT: ("机关第{}党支部", committee.unit_name),
            Sector.STATE_OWNED: ("第{}项目部党支部", committee.unit_name),
        }.get(sector)
        if fallback:
            while True:
                self.counters[sector] += 1
                name = fallback[0].format(cn_number(min(self.counters[sector], 99)))
                if name not in self.used or self.counters[sector] >= 99:
                    return self.take(name), fallback[1], False
        return self.take(name), unit, retirees

    def take(self, name: str) -> str:
        base, n = name, 2
        while name in self.used:
            name = base.replace("党支部", f"第{cn_number(n)}党支部") if n < 100 else f"{base}（{n}）"
            n += 1
        self.used.add(name)
        return name


def _committee_spec(rng, kind: str, used_places: list[str], used_depts: list[str], used_groups: list[str]) -> UnitSpec:
    sector = COMMITTEE_TYPES[kind][0]
    if kind in ("town", "street"):
        place = next(p for p in rng.sample(PLACES, len(PLACES)) if p not in used_places)
        used_places.append(place)
        name, unit = ((f"{place}镇党委", f"{place}镇人民政府") if kind == "town"
                      else (f"{place}街道党工委", f"{place}街道办事处"))
        return UnitSpec(name, Kind.COMMITTEE, sector, unit, place=place)
    if kind == "organ":
        dept = next(d for d in rng.sample(DEPARTMENTS, len(DEPARTMENTS)) if d not in used_depts)
        used_depts.append(dept)
        return UnitSpec(f"市{dept}机关党委", Kind.COMMITTEE, sector, f"市{dept}", place=dept)
    if kind == "soe":
        group = next(g for g in rng.sample(SOE_GROUPS, len(SOE_GROUPS)) if g not in used_groups)
        used_groups.append(group)
        return UnitSpec(f"市{group}有限公司党委", Kind.COMMITTEE, sector, f"市{group}有限公司", place=group)
    n = used_groups.count(kind) + 1
    used_groups.append(kind)
    if kind == "edu":
        return UnitSpec(f"市教育系统第{CN_NUM[n - 1]}党委", Kind.COMMITTEE, sector, "市教育局", place=rng.choice(PLACES))
    return UnitSpec(f"市卫生健康系统第{CN_NUM[n - 1]}党委", Kind.COMMITTEE, sector, "市卫生健康委员会", place="卫健")


def _branch_name(rng, sector: str, committee: UnitSpec) -> tuple[str, str, bool]:
    """(branch name, unit name, is a 离退休 branch) for a branch of this 领域 under this committee."""
    place = committee.place or "城关"
    if sector == Sector.VILLAGE:
        if rng.random() < 0.6:
            village = _weighted(rng, SURNAMES[:40]) + rng.choice(VILLAGE_SUFFIXES)
        else:
            village = rng.choice(VILLAGE_WORDS)
        return f"{village}村党支部", f"{village}村村民委员会", False
    if sector == Sector.COMMUNITY:
        name = rng.choice(COMMUNITY_NAMES)
        return f"{name}社区党支部", f"{name}社区居民委员会", False
    if sector == Sector.GOVERNMENT:
        if rng.random() < 0.08:
            return "离退休干部党支部", committee.unit_name, True
        return f"{rng.choice(OFFICES)}党支部", committee.unit_name, False
    if sector == Sector.INSTITUTION:
        if committee.committee_kind == "organ":
            unit = f"{committee.unit_name}{rng.choice(ORGAN_INSTITUTIONS)}"
        elif committee.committee_kind == "edu":
            unit = rng.choice(EDU_INSTITUTIONS)
        else:
            unit = rng.choice(INSTITUTIONS)
        if "医院" in unit and rng.random() < 0.7:
            return f"{unit}{rng.choice(HOSPITAL_DEPTS)}党支部", unit, False
        return f"{unit}党支部", unit, False
    if sector == Sector.STATE_OWNED:
        return f"{rng.choice(SOE_SEGMENTS)}党支部", committee.unit_name, False
    if sector == Sector.PRIVATE:
        company = f"{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}有限公司"
        return f"{company}党支部", f"襄阳{company}", False
    if sector == Sector.SOCIAL_ORG:
        org = f"{place}{rng.choice(SOCIAL_ORGS)}"
        return f"{org}党支部", org, False
    if sector == Sector.SCHOOL:
        if committee.committee_kind not in ("town", "street"):
            place = rng.choice(PLACES)
        school = f"{place}{rng.choice(SCHOOL_KINDS)}"
        if rng.random() < 0.4:
            return f"{school}教师第{rng.choice(CN_NUM[:3])}党支部", school, False
        return f"{school}党支部", school, False
    return f"{place}{rng.choice(OTHER_BRANCHES)}", committee.unit_name, False


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _size_plan(rng, total: int, size_class: str) -> tuple[int, int, int]:
    """(正式, 预备, pipeline) for a roster of `total`."""
    if size_class == "tiny":
        pipeline = rng.randint(0, 1)
        return 2, total - 2 - pipeline, pipeline
    pipeline = round(total * rng.uniform(0.02, 0.09))
    probationary = round(total * rng.uniform(0.02, 0.08))
    full = max(3, total - pipeline - probationary)
    return full, probationary, max(0, total - full - probationary)


def generated_tree(rng, scale: Scale) -> UnitSpec:
    root = UnitSpec("市直机关工委", Kind.COMMITTEE, Sector.GOVERNMENT, "中共市直属机关工作委员会", tag="root")
    used_places, used_depts, used_groups = [], [], []
    committees = []
    for i in range(scale.committees):
        kind = COMMITTEE_CYCLE[i % len(COMMITTEE_CYCLE)]
        spec = _committee_spec(rng, kind, used_places, used_depts, used_groups)
        spec.committee_kind = kind
        if i < 2:
            spec.tag = f"dw{i + 1}"
        committees.append(spec)
    root.children = committees

    # branches per committee, then sizes drawn by class and nudged to the member target
    per = [scale.branches // scale.committees + (1 if i < scale.branches % scale.committees else 0)
           for i in range(scale.committees)]
    leaves: list[tuple[BranchPlan, str]] = []
    for spec, n_branches in zip(committees, per, strict=True):
        names = _Names()
        weights = COMMITTEE_TYPES[spec.committee_kind][1]
        n_general = min(2, n_branches // 20)
        for _ in range(n_general):
            sector = _weighted(rng, weights)
            base, unit, _ = names.draw(rng, sector, spec)
            base = base.removesuffix("党支部")
            general = UnitSpec(f"{base}党总支", Kind.GENERAL_BRANCH, sector, unit)
            spec.children.append(general)
            for k in range(5):
                plan = BranchPlan(f"{base}第{CN_NUM[k]}党支部", sector, unit, 0)
                general.children.append(_leaf(plan))
                leaves.append((plan, _weighted(rng, SIZE_CLASSES_W)))
        for _ in range(n_branches - 5 * n_general):
            sector = _weighted(rng, weights)
            name, unit, retirees = names.draw(rng, sector, spec)
            plan = BranchPlan(name, sector, unit, 0, retirees=retirees)
            if sector in (Sector.PRIVATE, Sector.SOCIAL_ORG, Sector.OTHER) and rng.random() < 0.25:
                plan.kind = Kind.JOINT_BRANCH
                plan.name = names.take(f"{spec.place or '城关'}{rng.choice(INDUSTRIES)}行业联合党支部")
                plan.unit_name = spec.unit_name
            spec.children.append(_leaf(plan))
            leaves.append((plan, _weighted(rng, SIZE_CLASSES_W)))

    bounds = {c[0]: (c[1], c[2]) for c in SIZE_CLASSES}
    sizes = [rng.randint(*bounds[cls]) for _, cls in leaves]
    adjustable = [i for i, (_, cls) in enumerate(leaves) if cls in ("small", "medium", "large")]
    diff = scale.members - sum(sizes)
    guard = abs(diff) * 4 + 100
    while diff and adjustable and guard:
        guard -= 1
        i = rng.choice(adjustable)
        lo, hi = bounds[leaves[i][1]]
        step = 1 if diff > 0 else -1
        if lo <= sizes[i] + step <= hi:
            sizes[i] += step
            diff -= step

    for (plan, cls), total in zip(leaves, sizes, strict=True):
        if plan.kind == Kind.JOINT_BRANCH and cls == "tiny":
            cls = "small"
            total = max(total, 5)
        plan.full, plan.probationary, plan.pipeline = _size_plan(rng, total, cls)
        if plan.retirees:
            plan.full, plan.probationary, plan.pipeline = plan.full + plan.probationary + plan.pipeline, 0, 0
        if cls == "tiny" and plan.kind == Kind.BRANCH:
            plan.scenario = TOO_FEW_FULL
        if plan.party_members >= 12:
            plan.groups = max(2, min(6, plan.party_members // 8))
        if plan.scenario == HEALTHY:
            plan.scenario = _city_scenario(rng, plan)
        if plan.full < 7 and plan.full >= 5 and rng.random() < 0.3:
            plan.deputy = True
        if plan.scenario == HEALTHY and plan.full >= 7 and rng.random() < 0.4:
            plan.previous_term = True

    _anchor_city_logins(committees)
    return root


def _city_scenario(rng, plan: BranchPlan) -> str:
    roll = rng.uniform(0, 100)
    for scenario, weight in CITY_SCENARIOS:
        if roll < weight:
            eligible = {
                VACANCY: plan.full >= 12,
                NO_COMMITTEE: plan.full >= 7,
                PROBATIONARY_LEADER: plan.groups >= 2 and plan.probationary >= 1,
            }.get(scenario, True)
            return scenario if eligible else HEALTHY
        roll -= weight
    return HEALTHY


def _anchor_city_logins(committees: list[UnitSpec]) -> None:
    """sj1/zw1/dy1 at a healthy committee branch directly under 党委1, sj2 at a healthy branch under 党委2."""
    for spec, logins, need in ((committees[0], ("sj1", "zw1", "dy1"), 8), (committees[1], ("sj2",), 3)):
        leaves = [c.plan for c in spec.children if c.plan is not None]
        if not leaves:
            continue
        best = next((p for p in leaves if p.scenario == HEALTHY and p.full >= max(need, 12)), None)
        best = best or next((p for p in leaves if p.full >= need), None) or leaves[0]
        best.scenario = HEALTHY
        best.kind = Kind.BRANCH
        best.full = max(best.full, need)
        best.logins = logins


