"""GET /api/v1/dashboard/?org=ID&year=YYYY[&campaign=ID] — the committee
dashboard's panels as JSON (the same selectors and scoping as the page):
out-of-scope units and campaigns are 404, a malformed campaign id or a year
other than the campaign's is 400, branch roles and 党员 get 403."""

from contextlib import contextmanager

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import dashboard as d
from . import dashboard_campaign as dc
from .models import Assessment, Campaign, ScoreSnapshot


def _number(**kw):
    return serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False, **kw)


# branches per grade; built with type() because "pass" is a Python keyword
DashboardGradeCountsSerializer = type(
    "DashboardGradeCountsSerializer", (serializers.Serializer,), {str(g): serializers.IntegerField() for g in d.GRADES}
)


class DashboardOrgSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)


class DashboardFreshnessSerializer(serializers.Serializer):
    branches = serializers.IntegerField(help_text=gettext_lazy("下属有效党支部数"))
    scored = serializers.IntegerField(help_text=gettext_lazy("已有本年度得分快照的党支部数"))
    missing = serializers.IntegerField(help_text=gettext_lazy("尚无得分快照的党支部数"))
    outdated = serializers.IntegerField(help_text=gettext_lazy("按旧版打分表计算的快照数"))
    oldest = serializers.DateTimeField(allow_null=True)
    newest = serializers.DateTimeField(allow_null=True)


class DashboardGradeSerializer(serializers.Serializer):
    grade = serializers.CharField(help_text=gettext_lazy("demonstration/advanced/pass/fail；none 为未计分"))
    label = serializers.CharField()
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    share = _number(help_text=gettext_lazy("占党支部数的百分比"))


class DashboardCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = _number(allow_null=True, help_text=gettext_lazy("本单位各支部该类得分率的平均（%）"))
    parent = _number(allow_null=True, help_text=gettext_lazy("上级党组织全部支部的平均（%）"))


class DashboardWeakItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    max = _number()
    rated = serializers.IntegerField(help_text=gettext_lazy("有该项得分的党支部数"))
    losing = serializers.IntegerField(help_text=gettext_lazy("该项失分的党支部数"))
    lost_share = _number(help_text=gettext_lazy("平均失分率（%）"))
    lost_points = _number(help_text=gettext_lazy("平均失分"))


class DashboardAttentionSerializer(serializers.Serializer):
    flag = serializers.ChoiceField(choices=d.FLAGS)
    label = serializers.CharField()
    branches = serializers.IntegerField()


class DashboardTrendSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    branches = serializers.IntegerField()
    average = _number(allow_null=True)
    grades = DashboardGradeCountsSerializer()


class DashboardWorstSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    lost_share = _number()


class DashboardChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    is_branch = serializers.BooleanField()
    branches = serializers.IntegerField()
    scored = serializers.IntegerField()
    average = _number(allow_null=True, help_text=gettext_lazy("党支部的得分，或下级各支部的平均分"))
    grade = serializers.CharField(allow_null=True)
    stars = serializers.IntegerField()
    grades = DashboardGradeCountsSerializer()
    worst_items = DashboardWorstSerializer(many=True)


class DashboardStageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*dc.STAGES, dc.NOT_INCLUDED],
        help_text=gettext_lazy("支部验收的状态；none 为本次验收没有该党支部（如验收发起后新建的党支部）"),
    )
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = _number(help_text=gettext_lazy("占党支部数的百分比"))


class DashboardCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField(help_text=gettext_lazy("考核年度"))
    status = serializers.ChoiceField(choices=Campaign.Status.values)
    status_label = serializers.CharField()
    org_unit_id = serializers.IntegerField(help_text=gettext_lazy("发起验收的党组织"))
    branches = serializers.IntegerField(help_text=gettext_lazy("本单位下属的党支部数（本次验收的，加上未纳入的有效党支部）"))
    scored = serializers.IntegerField(help_text=gettext_lazy("已有审核通过后得分的党支部数"))
    stages = DashboardStageSerializer(many=True, help_text=gettext_lazy("各状态的党支部数，按验收流程排列"))


class DashboardSerializer(serializers.Serializer):
    org = DashboardOrgSerializer()
    year = serializers.IntegerField()
    freshness = DashboardFreshnessSerializer()
    grades = DashboardGradeSerializer(many=True)
    categories = DashboardCategorySerializer(many=True)
    weakest_items = DashboardWeakItemSerializer(many=True)
    attention = DashboardAttentionSerializer(many=True)
    trend = DashboardTrendSerializer(many=True)
    children = DashboardChildSerializer(many=True)
    campaign = DashboardCampaignSerializer(
        allow_null=True,
        help_text=gettext_lazy("选定达标验收时的验收进度（否则为 null）；此时等次、六类得分率、失分项和下级党组织取自该验收的得分"),
    )


def _grade_label(grade):
    return str(ScoreSnapshot.Grade(grade).label) if grade else str(gettext_lazy("未计分"))


def _stage_label(status: str) -> str:
    return str(gettext_lazy("未纳入本次验收")) if status == dc.NOT_INCLUDED else str(Assessment.Status(status).label)


def campaign_json(chosen: dc.CampaignDashboard | None) -> dict | None:
    if chosen is None:
        return None
    c, p = chosen.campaign, chosen.progress
    return {
        "id": c.pk, "name": c.name, "year": c.year, "status": c.status,
        "status_label": str(Campaign.Status(c.status).label), "org_unit_id": c.org_unit_id,
        "branches": p.branches, "scored": p.scored,
        "stages": [{"status": s.status, "label": _stage_label(s.status), "count": s.count, "share": s.share}
                   for s in p.stages],
    }


def dashboard_json(data: d.Dashboard, chosen: dc.CampaignDashboard | None = None) -> dict:
    f = data.freshness
    unit = data.unit
    return {
        "org": {"id": unit.pk, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id},
        "year": data.year,
        "freshness": {"branches": f.branches, "scored": f.scored, "missing": f.missing, "outdated": f.outdated,
                      "oldest": f.oldest, "newest": f.newest},
        "grades": [{"grade": g.grade or "none", "label": _grade_label(g.grade), "stars": g.stars, "count": g.count,
                    "share": g.share} for g in data.grades],
        "categories": [{"code": c.code, "name": c.name, "unit": c.unit, "parent": c.parent} for c in data.categories],
        "weakest_items": [vars(w) for w in data.weakest],
        "attention": [{"flag": a.flag, "label": str(d.FLAG_LABELS[a.flag]), "branches": a.branches}
                      for a in data.attention],
        "trend": [{"year": t.year, "branches": t.branches, "average": t.average, "grades": t.grades}
                  for t in data.trend],
        "children": [
            {"id": c.id, "name": c.name, "kind": c.kind or "branch", "is_branch": c.is_branch, "branches": c.branches,
             "scored": c.scored, "average": c.average, "grade": c.grade, "stars": c.stars, "grades": c.grades,
             "worst_items": [{"code": code, "name": name, "lost_share": share} for code, name, share in c.worst]}
            for c in data.children
        ],
        "campaign": campaign_json(chosen),
    }


@contextmanager
def _bad_param(name: str):
    """A malformed query parameter as the API's 400 on that field."""
    try:
        yield
    except BadRequest as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from exc


class DashboardAPIView(APIView):
    @extend_schema(
        operation_id="dashboard_retrieve",
        summary=gettext_lazy("验收看板"),
        description=gettext_lazy(
            "党组织及其下级党支部某年度的得分看板：等次分布、六类得分率（与上级平均对比）、失分最多的评分项、"
            "需关注的党支部数、近三年趋势和下级党组织列表。数据取自已保存的得分快照；"
            "给出 campaign 时另附该达标验收在本单位的进度（各状态的党支部数），"
            "等次、六类得分率、失分项和下级党组织改取该验收审核通过后的得分，年度为该验收的考核年度。"
        ),
        parameters=[
            OpenApiParameter("org", OpenApiTypes.INT, description=gettext_lazy("党组织ID，默认为本人授权的最高一级")),
            OpenApiParameter("year", OpenApiTypes.INT, description=gettext_lazy("年度，默认今年")),
            OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("按名称筛选下级党组织")),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(d.SORTS),
                             description=gettext_lazy("下级党组织排序")),
            OpenApiParameter(
                "campaign", OpenApiTypes.INT,
                description=gettext_lazy(
                    "达标验收ID（本人可见、且涉及该党组织的验收）；给出时 year 可省略，省略即为该验收的考核年度"
                ),
            ),
        ],
        responses=DashboardSerializer,
    )
    def get(self, request):
        params = request.query_params
        tokens = d.request_tokens()
        unit = d.dashboard_unit(request.user, params.get("org"))
        q, sort = params.get("q", "")[:50], params.get("sort", "score")
        with _bad_param("campaign"):
            campaign = dc.campaign_param(request.user, unit, params.get("campaign"))
        if campaign is not None:
            with _bad_param("year"):
                dc.campaign_year(params.get("year"), campaign)
        if campaign is None:
            data, chosen = d.dashboard_data(unit, d.year_param(params.get("year")), q=q, sort=sort, tokens=tokens), None
        else:
            chosen = dc.campaign_dashboard(unit, campaign, q=q, sort=sort)
            data = chosen.dashboard
        return Response(DashboardSerializer(dashboard_json(data, chosen)).data)
