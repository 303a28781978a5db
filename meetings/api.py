"""/api/v1/ endpoints of the meetings app: meetings with attendance (create,
list, filter by branch / kind / date), compliance per branch and year,
谈心谈话, 党员汇报 and the requirement table. Every endpoint scopes through
`branches.scoping`; writes call `meetings.services`."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from branches.filters import within_subtree
from branches.scoping import branches_visible_to, can_edit_org_unit, org_units_visible_to
from branches.year_api import BRANCH_ID, WITHIN, YEAR, BranchYearViewSet, paginated
from config.api import VersionedUpdateMixin
from config.params import YearFilter

from . import selectors, services
from . import serializers as s
from .models import Meeting, MeetingRequirement, MemberReport, TalkRecord


def branch_for_write(user, branch_id):
    """Out of scope → 404; visible but read-only → 403 (the project-wide rule)."""
    branch = branches_visible_to(user).filter(pk=branch_id).first()
    if branch is None:
        raise Http404
    if not can_edit_org_unit(user, branch):
        raise PermissionDenied
    return branch


class MeetingFilter(django_filters.FilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", label=_("党支部ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("所属党组织ID（含下级）"))
    kind = django_filters.ChoiceFilter(field_name="kinds__kind", choices=Meeting.Kind.choices, label=_("计入类型"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("日期起"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("日期止"))
    year = YearFilter(field_name="date__year", label=_("年份"))
    quorum_met = django_filters.BooleanFilter(label=_("达到法定人数"))
    party_group = django_filters.NumberFilter(field_name="party_group_id", label=_("党小组ID"))

    class Meta:
        model = Meeting
        fields = ["branch", "within", "kind", "date_after", "date_before", "year", "quorum_met", "party_group"]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value, path_field="branch__path")


class MeetingViewSet(
    VersionedUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Meetings of the branches the user may see, with attendance."""

    filterset_class = MeetingFilter
    search_fields = ["topic"]
    ordering_fields = ["date", "held_at", "id"]
    ordering = ["-date", "-held_at", "-id"]

    def get_queryset(self):
        qs = selectors.meetings_visible_to(self.request.user)
        if self.action == "list":
            return selectors.meeting_list(qs)
        return selectors.meeting_detail(qs)

    def get_serializer_class(self):
        return s.MeetingListSerializer if self.action == "list" else s.MeetingDetailSerializer

    @extend_schema(request=s.MeetingInputSerializer, responses={201: s.MeetingDetailSerializer})
    def create(self, request):
        """Log a meeting: everyone due is present unless listed in `absentees`."""
        data = s.MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch = branch_for_write(request.user, data.validated_data["branch"])
        meeting = services.meeting_record(branch=branch, actor=request.user, data=data.to_input())
        services.answer_from_written(meeting)  # the rows just written: no need to read them back
        return Response(
            s.MeetingDetailSerializer(meeting, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.MeetingInputSerializer, responses=s.MeetingDetailSerializer)
    def update(self, request, pk=None):
        """Replace a meeting record (the previous state stays in its history).
        The `version` you read is required (body or If-Match): a stale one is a 409."""
        meeting = self.get_object()
        if not can_edit_org_unit(request.user, meeting.branch):
            raise PermissionDenied
        self.check_version(meeting)
        data = s.MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["branch"] != meeting.branch_id:
            raise serializers.ValidationError({"branch": [_("不能把会议记录移到其他党支部。")]})
        services.meeting_update(
            meeting, actor=request.user, expected_version=self.expected_version,
            data=data.to_input(),
        )
        meeting = selectors.meeting_detail(Meeting.objects.all()).get(pk=meeting.pk)
        return Response(s.MeetingDetailSerializer(meeting, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentInputSerializer}, responses={201: s.AttachmentSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        """Upload a photo or scanned sign-in sheet (JPG, PNG, PDF; size limited)."""
        meeting = self.get_object()
        if not can_edit_org_unit(request.user, meeting.branch):
            raise PermissionDenied
        data = s.AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            meeting, file=data.validated_data["file"], kind=data.validated_data["kind"], actor=request.user
        )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.GradesInputSerializer, responses=s.GradeSerializer(many=True))
    @action(detail=True, methods=["put"])
    def grades(self, request, pk=None):
        """民主评议党员: set the grades (one per 正式党员; 优秀 ≤ 1/3)."""
        meeting = self.get_object()
        if not can_edit_org_unit(request.user, meeting.branch):
            raise PermissionDenied
        data = s.GradesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = services.evaluation_grades_set(
            meeting, grades={g["member"]: g["grade"] for g in data.validated_data["grades"]}, actor=request.user
        )
        return Response(s.GradeSerializer(rows, many=True).data)


class ComplianceViewSet(BranchYearViewSet):
    """三会一课 compliance per branch and year (SPEC §4): per requirement and
    period held / missing / upcoming, with the meetings behind each — the same
    computation as the calendar, the scorecard and the alerts."""

    def results_for(self, branches, year):
        return selectors.branches_compliance(branches, year)

    def represent(self, result, *, detail):
        return s.compliance_data(result, detail=detail)

    @extend_schema(parameters=[YEAR, WITHIN], responses=paginated("ComplianceList", s.BranchComplianceSerializer))
    def list(self, request):
        """Summaries for many branches (per requirement: periods held / missing / upcoming)."""
        return super().list(request)

    @extend_schema(parameters=[YEAR, BRANCH_ID], responses=s.BranchComplianceSerializer)
    def retrieve(self, request, pk=None):
        """One branch (pk = 党支部ID), every requirement period by period."""
        return super().retrieve(request, pk)


class _BranchRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    input_serializer = None
    filterset_fields = {"branch": ["exact"], "date": ["gte", "lte", "year"]}
    ordering = ["-date", "-id"]

    def create(self, request):
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch = branch_for_write(request.user, data.validated_data["branch"])
        record = self.record(branch, data.validated_data, request.user)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(request=s.TalkInputSerializer, responses={201: s.TalkRecordSerializer}, methods=["POST"])
class TalkRecordViewSet(_BranchRecordViewSet):
    """谈心谈话 records: who talked with whom (each 支委 with each member ≥1 a year)."""

    serializer_class = s.TalkRecordSerializer
    input_serializer = s.TalkInputSerializer

    def get_queryset(self):
        return TalkRecord.objects.filter(branch__in=branches_visible_to(self.request.user)).select_related(
            "talker", "talkee"
        )

    def record(self, branch, d, user):
        return services.talk_record(
            branch=branch,
            date=d["date"],
            talker_id=d["talker"],
            talkee_id=d["talkee"],
            place=d["place"],
            summary=d["summary"],
            actor=user,
        )


@extend_schema(request=s.MemberReportInputSerializer, responses={201: s.MemberReportSerializer}, methods=["POST"])
class MemberReportViewSet(_BranchRecordViewSet):
    """党员向支部汇报 (each member ≥1 a year)."""

    serializer_class = s.MemberReportSerializer
    input_serializer = s.MemberReportInputSerializer

    def get_queryset(self):
        return MemberReport.objects.filter(branch__in=branches_visible_to(self.request.user)).select_related("member")

    def record(self, branch, d, user):
        return services.member_report_record(
            branch=branch, member_id=d["member"], date=d["date"], topic=d["topic"], content=d["content"], actor=user
        )


class MeetingRequirementViewSet(viewsets.ReadOnlyModelViewSet):
    """The requirement table (SPEC §4 defaults, 领域 and org-unit overrides); edited in the admin."""

    serializer_class = s.MeetingRequirementSerializer
    filterset_fields = ["code", "sector", "org_unit", "is_active"]
    pagination_class = None

    def get_queryset(self):
        visible = org_units_visible_to(self.request.user)
        return MeetingRequirement.objects.filter(Q(org_unit__isnull=True) | Q(org_unit__in=visible))


def register(router):
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("compliance", ComplianceViewSet, basename="compliance")
    router.register("talks", TalkRecordViewSet, basename="talk")
    router.register("member-reports", MemberReportViewSet, basename="member-report")
    router.register("meeting-requirements", MeetingRequirementViewSet, basename="meeting-requirement")
