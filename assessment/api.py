"""REST endpoints of the scorecard (SPEC §6, §9):

- GET /api/v1/branches/{id}/score/?year=YYYY — a branch's score from its records,
  every deduction with its reason and the records behind it (scoped like every
  branch read: a branch outside the user's scope is a 404);
- GET /api/v1/scores/?year=YYYY[&within=ID] — the same for a page of branches;
- GET /api/v1/scorecards/ and /api/v1/scorecards/{id}/ — the templates.

Numbers (scores, points) are JSON numbers rounded to two decimals.
"""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.scoping import branches_visible_to
from branches.year_api import BRANCH_ID, WITHIN, YEAR, BranchYearViewSet, paginated, year_from

from . import explain, services
from .models import Scorecard
from .selectors import record_names


def Number(**kwargs):  # noqa: N802 — a field factory
    return serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False, **kwargs)


class RecordRefSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(explain.RECORD_LABELS), help_text=_("记录类型"))
    id = serializers.IntegerField()


class DeductionSerializer(serializers.Serializer):
    points = Number(help_text=_("扣分"))
    code = serializers.CharField(help_text=_("扣分代码（与语言无关）"))
    reason = serializers.CharField(help_text=_("扣分理由"))
    params = serializers.DictField(help_text=_("扣分事实（期间、人数等）"))
    records = RecordRefSerializer(many=True)


class ScoreItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    max = Number()
    score = Number(allow_null=True, help_text=_("得分；null 表示人工评分项尚未评分（未评）"))
    method = serializers.ChoiceField(choices=["auto", "manual"])
    overridden = serializers.BooleanField()
    deductions = DeductionSerializer(many=True)


class GapSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    points = Number(help_text=_("可争取的分数"))
    due = serializers.DateField(help_text=_("须在此日期前完成"))
    code = serializers.CharField()
    reason = serializers.CharField()
    params = serializers.DictField()
    records = RecordRefSerializer(many=True)


class VetoSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    method = serializers.CharField()
    reason = serializers.CharField()
    records = RecordRefSerializer(many=True)


class CategoryScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    score = Number()
    max = Number()
    unrated = serializers.IntegerField()


class TemplateRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class BranchScoreSerializer(serializers.Serializer):
    branch = serializers.IntegerField(help_text=_("党支部ID"))
    year = serializers.IntegerField()
    template = TemplateRefSerializer()
    total = Number()
    max = Number()
    bonus = Number()
    grade = serializers.CharField(help_text=_("等次：demonstration 示范 / advanced 先进 / pass 达标 / fail 未达标"))
    grade_label = serializers.CharField()
    stars = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    vetoes = VetoSerializer(many=True)
    unrated = serializers.IntegerField(help_text=_("未评的人工评分项数"))
    categories = CategoryScoreSerializer(many=True)
    items = ScoreItemSerializer(many=True)
    at_stake = Number(help_text=_("还可争取的分数合计"))
    open_gaps = GapSerializer(many=True)


class ScorecardSerializer(serializers.ModelSerializer):
    published = serializers.BooleanField(source="is_published", read_only=True)
    data = serializers.JSONField(help_text=_("模板全文：类别、评分项、加分项、否决项"))

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "code",
            "version",
            "name",
            "sectors",
            "total",
            "bonus_cap",
            "thresholds",
            "published",
            "published_at",
            "data",
        ]


def _number(value):
    return None if value is None else Decimal(str(value))


def score_data(branch_id: int, values: dict) -> dict:
    """The API form of `services.branch_score_live`, with reasons."""
    year = values["year"]
    shown = explain.explained(values, branch_id=branch_id, year=year, names=record_names(values))
    return BranchScoreSerializer(
        {
            "branch": branch_id,
            "year": year,
            "template": values["template"],
            "total": _number(values["total"]),
            "max": _number(values["max"]),
            "bonus": _number(values["bonus"]),
            "grade": values["grade"],
            "grade_label": shown["grade_label"],
            "stars": values["stars"],
            "vetoed": values["vetoed"],
            "vetoes": shown["vetoes"],
            "unrated": values["unrated"],
            "categories": [{"code": k, **v} for k, v in values["category_scores"].items()],
            "items": shown["items"],
            "at_stake": _number(values["at_stake"]),
            "open_gaps": shown["open_gaps"],
        }
    ).data


class BranchScoreViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary=_("党支部得分"),
        parameters=[YEAR, BRANCH_ID],
        responses=BranchScoreSerializer,
    )
    @action(detail=True, methods=["get"], url_path="score")
    def score(self, request, pk=None):
        """A branch's score for a year from its records (the current year: so far;
        periods not yet ended cost nothing), every deduction explained."""
        year = year_from(request)
        branch = branches_visible_to(request.user).filter(pk=pk).first() if str(pk).isdigit() else None
        if branch is None:
            raise Http404
        return Response(score_data(branch.pk, services.branch_score_live(branch, year)))


class ScoreViewSet(BranchYearViewSet):
    """Scores of many branches (a page at a time), computed in one pass."""

    permission_classes = [permissions.IsAuthenticated]

    def results_for(self, branches, year):
        scored = services.branches_score(branches, year)
        return {
            pk: (
                pk,
                {
                    "year": year,
                    "template": {"id": row.pk, "code": row.code, "version": row.version, "name": row.name},
                    "bonus": str(result.bonus),
                    "at_stake": str(result.at_stake),
                    **services.snapshot_values(result),
                },
            )
            for pk, (row, _facts, result) in scored.items()
        }

    def represent(self, result, *, detail):
        return score_data(*result)

    @extend_schema(
        summary=_("党支部得分列表"),
        parameters=[YEAR, WITHIN],
        responses=paginated("BranchScoreList", BranchScoreSerializer),
    )
    def list(self, request):
        return super().list(request)

    @extend_schema(summary=_("党支部得分"), parameters=[YEAR, BRANCH_ID], responses=BranchScoreSerializer)
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)


@extend_schema_view(
    list=extend_schema(summary=_("打分表模板列表")),
    retrieve=extend_schema(summary=_("打分表模板详情")),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scorecard templates, every version (newest first per code)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ScorecardSerializer
    queryset = Scorecard.objects.order_by("code", "-version")


def register(router):
    router.register("branches", BranchScoreViewSet, basename="branch-score")
    router.register("scores", ScoreViewSet, basename="score")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
