"""REST endpoints of the campaign (/api/v1/campaigns/, /api/v1/campaign-assessments/):
reads scoped through `branches.scoping` (out of scope: 404), and the workflow
as POST actions with input serializers that call the same services as the
pages (a visible assessment the user may not act on: 403, nothing changes)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api import READ_ERRORS, WRITE_ERRORS
from config.api import django_errors_to_drf

from ..models import Assessment, Campaign, Transition
from . import selectors, services
from . import serializers as s


def call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise django_errors_to_drf(exc) from None


def _valid(serializer_class, request):
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


def _overrides(data) -> dict:
    return {o["code"]: (o["value"], o["reason"]) for o in data.get("overrides") or ()}


def _vetoes(data) -> dict:
    return {v["code"]: v["reason"] for v in data.get("vetoes") or ()}


class CampaignFilter(filters.FilterSet):
    class Meta:
        model = Campaign
        fields = ["year", "status", "org_unit"]


@extend_schema_view(
    list=extend_schema(summary=_("达标验收列表")),
    retrieve=extend_schema(summary=_("达标验收详情（含各环节进度）"), responses={200: s.CampaignDetailSerializer,
                                                                    **READ_ERRORS}),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ["year", "name", "id"]
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).select_related("org_unit").order_by("-year", "-id")

    def retrieve(self, request, *args, **kwargs):
        campaign = self.get_object()
        campaign.progress = selectors.campaign_progress(campaign)
        campaign.warnings = selectors.campaign_warnings(campaign)
        return Response(s.CampaignDetailSerializer(campaign, context={"request": request}).data)

    @extend_schema(
        summary=_("发起达标验收"),
        description=_("组织部，或党委为其所辖范围发起；为范围内每个党支部建立一份验收。"),
        request=s.CampaignOpenSerializer,
        responses={201: s.CampaignSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = dict(_valid(s.CampaignOpenSerializer, request))
        thresholds = {k: data.pop(f"threshold_{k}") for k in ("demonstration", "advanced", "pass")
                      if f"threshold_{k}" in data}
        campaign = call(services.campaign_open, actor=request.user, thresholds=thresholds, **data)
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("抽取抽验对象"),
        description=_("从审核通过的党支部中按比例抽取，示范候选必在其中；同一种子抽取结果相同。"),
        request=s.DrawSampleSerializer,
        responses={200: s.AssessmentSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="draw-sample")
    def draw_sample(self, request, pk=None):
        data = _valid(s.DrawSampleSerializer, request)
        sample = call(services.campaign_draw_sample, actor=request.user, campaign=self.get_object(), **data)
        return Response(s.AssessmentSerializer(sample, many=True).data)

    @extend_schema(summary=_("发布公示"), request=s.DateSerializer,
                   responses={200: s.CampaignSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = _valid(s.DateSerializer, request)
        campaign = call(services.campaign_publish, actor=request.user, campaign=self.get_object(), **data)
        return Response(s.CampaignSerializer(campaign).data)

    @extend_schema(
        summary=_("评定等次"),
        description=_("公示期满后评定；示范党支部少于建议比例时返回提示，不阻止评定。"),
        request=s.DateSerializer,
        responses={200: s.FinaliseResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        data = _valid(s.DateSerializer, request)
        result = call(services.campaign_finalise, actor=request.user, campaign=self.get_object(), **data)
        return Response(
            {
                "campaign": s.CampaignSerializer(result.campaign).data,
                "demonstration": [a.branch_id for a in result.demonstration],
                "warnings": result.warnings,
            }
        )


class AssessmentFilter(filters.FilterSet):
    class Meta:
        model = Assessment
        fields = ["campaign", "branch", "status", "sampled", "grade"]


def _detail(a: Assessment, request):
    a = (
        Assessment.objects.select_related("campaign", "branch", "scorecard")
        .prefetch_related(
            "item_scores__scored_by", Prefetch("transitions", queryset=Transition.objects.select_related("actor")),
            "evidence", "objections", "rectification_plans", "reinspections",
        )
        .get(pk=a.pk)
    )
    a.stages = selectors.assessment_stages(a, rows=list(a.item_scores.all()))
    return Response(s.AssessmentDetailSerializer(a, context={"request": request}).data)


WORKFLOW = _("支部书记/委员提交自评；上级党委审核、改判、退回；分配到本次验收的验收组成员抽验；"
             "组织部或上级党委制定整改方案、复检。无权操作返回403，数据不变。")


@extend_schema_view(
    list=extend_schema(summary=_("支部验收列表")),
    retrieve=extend_schema(summary=_("支部验收详情：各环节逐项得分及扣分说明、流转记录"),
                           responses={200: s.AssessmentDetailSerializer, **READ_ERRORS}),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["branch__path", "self_total", "review_total", "final_total", "submitted_at"]
    search_fields = ["branch__name"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return selectors.assessments_visible_to(self.request.user).select_related(
            "branch", "campaign", "campaign__org_unit", "scorecard"
        ).order_by("campaign", "branch__path")

    def retrieve(self, request, *args, **kwargs):
        return _detail(self.get_object(), request)

    def _run(self, request, fn, serializer_class, build):
        data = _valid(serializer_class, request)
        call(fn, actor=request.user, assessment=self.get_object(), **build(data))
        return _detail(self.get_object(), request)

    @extend_schema(summary=_("提交自评"), description=WORKFLOW, request=s.SubmitSerializer,
                   responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._run(request, services.assessment_submit, s.SubmitSerializer, lambda d: d)

    @extend_schema(summary=_("上传佐证材料"), request={"multipart/form-data": s.EvidenceUploadSerializer},
                   responses={201: s.EvidenceSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        data = _valid(s.EvidenceUploadSerializer, request)
        ev = call(services.evidence_add, actor=request.user, assessment=self.get_object(), **data)
        return Response(s.EvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("退回自评"), request=s.ReturnSerializer,
                   responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._run(request, services.assessment_return, s.ReturnSerializer, lambda d: d)

    @extend_schema(summary=_("审核评分（暂不决定）"), request=s.ScoreSerializer,
                   responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        return self._run(request, services.assessment_score, s.ScoreSerializer, lambda d: {
            "manual": d.get("manual"), "overrides": _overrides(d), "vetoes": _vetoes(d),
            "satisfaction": d.get("satisfaction"), "version": d.get("version"),
        })

    @extend_schema(summary=_("改判自动计分项"), description=_("须写明理由；理由与改判分值留痕并显示在该项旁。"),
                   request=s.OverrideOneSerializer, responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        return self._run(request, services.assessment_override, s.OverrideOneSerializer, lambda d: d)

    @extend_schema(summary=_("审核通过"), request=s.ScoreSerializer,
                   responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(request, services.assessment_approve, s.ScoreSerializer, lambda d: {
            "manual": d.get("manual"), "overrides": _overrides(d), "vetoes": _vetoes(d),
            "satisfaction": d.get("satisfaction"), "comment": d.get("comment", ""), "version": d.get("version"),
        })

    @extend_schema(summary=_("抽验评分"), description=_("抽验得分取代审核得分；可认定验收中弄虚作假（否决项）。"),
                   request=s.ScoreSerializer, responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._run(request, services.assessment_verify, s.ScoreSerializer, lambda d: {
            "manual": d.get("manual"), "overrides": _overrides(d), "vetoes": _vetoes(d),
            "comment": d.get("comment", ""), "version": d.get("version"),
        })

    @extend_schema(summary=_("按当前记录重新计分"), request=s.VersionedSerializer,
                   responses={200: s.AssessmentDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def rescore(self, request, pk=None):
        return self._run(request, services.assessment_rescore, s.VersionedSerializer, lambda d: d)

    @extend_schema(summary=_("提交后记录的变化"), description=_("比较提交时冻结的记录与当前记录，逐项列出差异。"),
                   responses={200: s.DriftSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def drift(self, request, pk=None):
        return Response(s.DriftSerializer(selectors.assessment_drift(self.get_object())).data)

    @extend_schema(summary=_("登记公示异议"), request=s.ObjectionInputSerializer,
                   responses={201: s.ObjectionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def objection(self, request, pk=None):
        data = _valid(s.ObjectionInputSerializer, request)
        obj = call(services.objection_record, actor=request.user, assessment=self.get_object(), **data)
        return Response(s.ObjectionSerializer(obj).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("制定整改方案"), request=s.RectifySerializer,
                   responses={201: s.RectificationPlanSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        data = _valid(s.RectifySerializer, request)
        plan = call(services.rectification_plan_create, actor=request.user, assessment=self.get_object(), **data)
        return Response(s.RectificationPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("复检"), request=s.ReinspectSerializer,
                   responses={201: s.ReinspectionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def reinspect(self, request, pk=None):
        data = _valid(s.ReinspectSerializer, request)
        r = call(services.assessment_reinspect, actor=request.user, assessment=self.get_object(),
                 manual=data.get("manual"), overrides=_overrides(data), note=data.get("note", ""))
        return Response(s.ReinspectionSerializer(r).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("campaign-assessments", AssessmentViewSet, basename="campaign-assessment")



