"""REST endpoints of the member records: 党费 (ledger, a branch's month at
once, arrears, the rate table), 学时 (hours, trainings), 发展党员 (steps, the
pipeline with findings), 组织关系转接 (letters out, receipts, letters in), the
six-month rule (cases, handlings) and Excel imports.

Querysets come from `branches.scoping` (through the members selectors);
writes go through `members.services`, whose Chinese field errors come back in
the API's error envelope."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api import ERRORS, READ_ERRORS, WRITE_ERRORS, ScopedViewSetMixin
from config.api import VersionedUpdateMixin, django_errors_to_drf, query_year
from config.params import YearFilter
from members import scoping

from .. import excel, selectors, services
from ..models import DevelopmentStep, DuesMonth, DuesRate, ImportRun, InactivityHandling, Member, Training, Transfer
from ..selectors.transfers import can_issue_from, can_receive, state_q
from ..serializers import (
    DevelopmentStepSerializer,
    DuesBatchSerializer,
    DuesMonthSerializer,
    DuesRateSerializer,
    DuesStatusSerializer,
    ImportRunSerializer,
    ImportUploadSerializer,
    InactivityHandlingSerializer,
    PipelinePersonSerializer,
    SixMonthCaseSerializer,
    StudyHoursSerializer,
    TrainingSerializer,
    TransferCancelSerializer,
    TransferInSerializer,
    TransferReceiveSerializer,
    TransferSerializer,
)

XLSX_RESPONSE = {(200, excel.XLSX): OpenApiTypes.BINARY}
BRANCH_PARAM = OpenApiParameter("branch", int, description=gettext_lazy("党支部ID（默认：您能查看的全部党支部）"))


def today():
    return timezone.localdate()


def int_param(request, name: str, default=None):
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ApiValidationError({name: [_("请输入整数。")]}) from None


def bool_param(request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def visible_branch_ids(request) -> list[int]:
    """The branches a read-only list covers: ?branch= (404 out of scope) or all visible ones."""
    branches = scoping.branches_visible_to(request.user)
    branch = int_param(request, "branch")
    if branch is not None:
        if not branches.filter(pk=branch).exists():
            raise Http404
        return [branch]
    return list(branches.order_by("path").values_list("pk", flat=True))


class ListOfRowsMixin:
    """A paginated list of plain rows computed by a selector."""

    def paginated(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        data = serializer_class(page if page is not None else rows, many=True, context={"request": self.request}).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class SelectorListViewSet(ListOfRowsMixin, viewsets.GenericViewSet):
    """A read-only list computed by a selector that reads through the scoping
    itself; the queryset only names a model for the schema."""

    queryset = Member.objects.none()
    filter_backends = []


def call(fn, *args, **kwargs):
    """Run a service; its ValidationError becomes the API's 400 envelope."""
    try:
        return fn(*args, **kwargs)
    except DjangoValidationError as exc:
        raise django_errors_to_drf(exc) from None


# --------------------------------------------------------------------------- 党费


class DuesFilter(filters.FilterSet):
    member = filters.NumberFilter(field_name="member_id", label=gettext_lazy("党员ID"))
    branch = filters.NumberFilter(field_name="branch_id", label=gettext_lazy("收缴党支部ID"))
    year = YearFilter(field_name="month__year", label=gettext_lazy("年度"))
    month = filters.DateFilter(
        field_name="month", input_formats=["%Y-%m", "%Y-%m-%d"], label=gettext_lazy("月份（2026-03）")
    )
    exempt = filters.BooleanFilter(label=gettext_lazy("免交"))

    class Meta:
        model = DuesMonth
        fields = ["member", "branch", "year", "month", "exempt"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("党费台账"), description=gettext_lazy("每人每月一条；可按党员、党支部、年度、月份筛选。")
    ),
    retrieve=extend_schema(summary=gettext_lazy("党费台账详情"), responses={200: DuesMonthSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=gettext_lazy("登记一名党员某月党费"),
        description=gettext_lazy(
            "应交金额按人员类别和党费标准（含上限）自动计算，四舍五入到分；同一月份再次登记即为更正。"
        ),
        responses={201: DuesMonthSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("更正某月党费"), responses={200: DuesMonthSerializer, **WRITE_ERRORS}
    ),
)
class DuesMonthViewSet(
    VersionedUpdateMixin,
    ScopedViewSetMixin,
    ListOfRowsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DuesMonthSerializer
    filterset_class = DuesFilter
    ordering_fields = ["month", "member", "amount_due", "amount_paid", "paid_on"]
    ordering = ["member_id", "month"]

    def can_edit(self, user, obj):
        return scoping.can_edit_member(user, obj.member)

    def get_queryset(self):
        return DuesMonth.objects.filter(member__in=scoping.members_visible_to(self.request.user)).select_related(
            "member", "branch"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call(services.dues_month_record, actor=self.request.user, **data)

    def perform_update(self, serializer):
        row: DuesMonth = serializer.instance
        data = dict(serializer.validated_data)
        if data.pop("member", row.member) != row.member or data.pop("month", row.month) != row.month:
            raise ApiValidationError({"month": [_("党员和月份不能修改；请登记新的月份。")]})
        current = {
            "base_pay": row.base_pay,
            "amount_paid": row.amount_paid,
            "extra": row.extra,
            "exempt": row.exempt,
            "paid_on": row.paid_on,
            "receipt_no": row.receipt_no,
            "note": row.note,
            "fixed_amount": row.amount_due if row.percent is None and not row.exempt else None,
        }
        if data.get("paid_in_full"):
            current.pop("amount_paid")
        serializer.instance = call(
            services.dues_month_record,
            member=row.member,
            month=row.month,
            actor=self.request.user,
            expected_version=self.expected_version,
            **{**current, **data},
        )

    @extend_schema(
        summary=gettext_lazy("整支部登记某月党费"),
        description=gettext_lazy(
            "一次提交本支部多名党员的某月党费；任何一行有错则全部不保存，错误按“党员ID.字段”列出。"
        ),
        request=DuesBatchSerializer,
        responses={200: DuesMonthSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def batch(self, request):
        data = DuesBatchSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        branch = data.validated_data["branch"]
        rows = data.validated_data["rows"]
        members = {m.pk: m for m in Member.objects.filter(branch=branch, pk__in=[r["member"] for r in rows])}
        unknown = [str(r["member"]) for r in rows if r["member"] not in members]
        if unknown:
            raise ApiValidationError({"rows": [_("以下党员ID不属于该党支部：%(ids)s。") % {"ids": "、".join(unknown)}]})
        saved = call(
            services.dues_month_record_many,
            branch=branch,
            month=data.validated_data["month"],
            paid_on=data.validated_data.get("paid_on"),
            rows=[services.DuesRowIn(**{**r, "member": members[r["member"]]}) for r in rows],
            actor=request.user,
        )
        return Response(DuesMonthSerializer(saved, many=True, context={"request": request}).data)

    @extend_schema(
        summary=gettext_lazy("党费交纳情况"),
        description=gettext_lazy("每名党员：交至月份、截至上月欠缴月数和已登记的欠交金额。owing=true 只列欠缴的。"),
        parameters=[BRANCH_PARAM, OpenApiParameter("owing", bool, description=gettext_lazy("只列欠缴的党员"))],
        responses={200: DuesStatusSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def arrears(self, request):
        statuses = sorted(
            selectors.dues_status(visible_branch_ids(request), on=today()).values(),
            key=lambda s: (s.branch_id, s.name, s.member_id),
        )
        if bool_param(request, "owing"):
            statuses = [s for s in statuses if s.in_arrears]
        return self.paginated(statuses, DuesStatusSerializer)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("党费交纳标准"), description=gettext_lazy("按人员类别的分档标准；上限含本数。")
    ),
    retrieve=extend_schema(summary=gettext_lazy("党费交纳标准详情")),
)
class DuesRateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DuesRateSerializer
    queryset = DuesRate.objects.all()
    ordering = ["category", "upper_bound"]


# --------------------------------------------------------------------------- 学时


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("学时统计"),
        description=gettext_lazy("每名正式/预备党员某年的学时：会议 + 培训，要求32学时（书记、支委56学时）。"),
        parameters=[
            OpenApiParameter("year", int, description=gettext_lazy("年度（默认今年）")),
            BRANCH_PARAM,
            OpenApiParameter("short", bool, description=gettext_lazy("只列学时不足的")),
        ],
        responses={200: StudyHoursSerializer(many=True), **READ_ERRORS},
    )
)
class StudyHoursViewSet(SelectorListViewSet):
    serializer_class = StudyHoursSerializer

    def list(self, request):
        year = query_year(request)
        rows = [r for rs in selectors.study_hours(visible_branch_ids(request), year, on=today()).values() for r in rs]
        if bool_param(request, "short"):
            rows = [r for r in rows if r.is_short]
        return self.paginated(rows, StudyHoursSerializer)


class TrainingFilter(filters.FilterSet):
    branch = filters.NumberFilter(field_name="branch_id", label=gettext_lazy("党支部ID"))
    year = YearFilter(field_name="start_date__year", label=gettext_lazy("年度"))
    member = filters.NumberFilter(field_name="participants", label=gettext_lazy("参训党员ID"))

    class Meta:
        model = Training
        fields = ["branch", "year", "member"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("培训记录")),
    retrieve=extend_schema(summary=gettext_lazy("培训记录详情"), responses={200: TrainingSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=gettext_lazy("登记培训"),
        description=gettext_lazy("1天计8学时，半天计4学时，另可按学时计；学时计入每名参训人员。"),
        responses={201: TrainingSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("修改培训记录"), responses={200: TrainingSerializer, **WRITE_ERRORS}
    ),
    destroy=extend_schema(
        summary=gettext_lazy("删除培训记录"), responses={204: None, 403: ERRORS[403], 404: ERRORS[404]}
    ),
)
class TrainingViewSet(VersionedUpdateMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering = ["-start_date", "-id"]

    def can_edit(self, user, obj):
        return scoping.can_edit_org_unit(user, obj.branch)

    def get_queryset(self):
        return (
            Training.objects.filter(branch__in=scoping.branches_visible_to(self.request.user))
            .select_related("branch")
            .prefetch_related("participants")
            .distinct()
        )

    def perform_create(self, serializer):
        serializer.instance = call(services.training_record, actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if data.pop("branch", serializer.instance.branch) != serializer.instance.branch:
            raise ApiValidationError({"branch": [_("培训记录的党支部不能修改。")]})
        serializer.instance = call(
            services.training_update,
            serializer.instance,
            actor=self.request.user,
            expected_version=self.expected_version,
            **data,
        )

    def perform_destroy(self, instance):
        services.training_delete(instance, actor=self.request.user)


# --------------------------------------------------------------------------- 发展党员


class DevelopmentStepFilter(filters.FilterSet):
    member = filters.NumberFilter(field_name="member_id", label=gettext_lazy("党员ID"))
    branch = filters.NumberFilter(field_name="member__branch_id", label=gettext_lazy("党支部ID"))
    step = filters.NumberFilter(label=gettext_lazy("步骤序号（1–25）"))

    class Meta:
        model = DevelopmentStep
        fields = ["member", "branch", "step"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("发展党员步骤")),
    retrieve=extend_schema(
        summary=gettext_lazy("发展党员步骤详情"), responses={200: DevelopmentStepSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary=gettext_lazy("登记发展党员步骤"),
        description=gettext_lazy(
            "25个步骤须按顺序登记，上一步未登记的予以拒绝；确定积极分子（③）、确定发展对象（⑦）、"
            "上级党委审批接收（⑰）和转正审批（㉔）同时变更党员状态。时限不符只提示不拒绝。"
        ),
        responses={201: DevelopmentStepSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("更正发展党员步骤"), responses={200: DevelopmentStepSerializer, **WRITE_ERRORS}
    ),
)
class DevelopmentStepViewSet(
    VersionedUpdateMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DevelopmentStepSerializer
    filterset_class = DevelopmentStepFilter
    ordering = ["member_id", "step"]

    def can_edit(self, user, obj):
        return scoping.can_edit_member(user, obj.member)

    def get_queryset(self):
        return (
            DevelopmentStep.objects.filter(member__in=scoping.members_visible_to(self.request.user))
            .select_related("member")
            .prefetch_related("people")
        )

    def perform_create(self, serializer):
        serializer.instance = call(
            services.development_step_record, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if data.pop("member", serializer.instance.member) != serializer.instance.member:
            raise ApiValidationError({"member": [_("不能修改步骤所属的人员。")]})
        data.pop("step", None)
        serializer.instance = call(
            services.development_step_update,
            serializer.instance,
            actor=self.request.user,
            expected_version=self.expected_version,
            **data,
        )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("发展党员名单"),
        description=gettext_lazy(
            "入党申请人至预备党员，各自已登记的步骤、下一步，以及不规范或超过时限的提示（findings）。"
        ),
        parameters=[BRANCH_PARAM, OpenApiParameter("flagged", bool, description=gettext_lazy("只列有提示的"))],
        responses={200: PipelinePersonSerializer(many=True), **READ_ERRORS},
    )
)
class DevelopmentPeopleViewSet(SelectorListViewSet):
    serializer_class = PipelinePersonSerializer

    def list(self, request):
        rows = [r for rs in selectors.development_people(visible_branch_ids(request), on=today()).values() for r in rs]
        if bool_param(request, "flagged"):
            rows = [r for r in rows if r.findings]
        return self.paginated(rows, PipelinePersonSerializer)


# --------------------------------------------------------------------------- 组织关系转接


class TransferFilter(filters.FilterSet):
    direction = filters.ChoiceFilter(choices=Transfer.Direction.choices, label=gettext_lazy("方向"))
    state = filters.ChoiceFilter(choices=Transfer.State.choices, method="filter_state", label=gettext_lazy("状态"))
    branch = filters.NumberFilter(method="filter_branch", label=gettext_lazy("转出或接收党支部ID"))
    member = filters.NumberFilter(field_name="member_id", label=gettext_lazy("党员ID"))

    class Meta:
        model = Transfer
        fields = ["direction", "state", "branch", "member"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_q(value, today()))

    def filter_branch(self, queryset, name, value):
        return queryset.filter(from_branch_id=value) | queryset.filter(to_branch_id=value)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("组织关系介绍信")),
    retrieve=extend_schema(summary=gettext_lazy("介绍信详情"), responses={200: TransferSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=gettext_lazy("开具组织关系介绍信（转出）"),
        description=gettext_lazy(
            "编号按党支部、年度自动生成；有效期默认30天，市内10天，最长90天。开具后党员状态为“转出”。"
        ),
        responses={201: TransferSerializer, **WRITE_ERRORS},
    ),
)
class TransferViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["issued_on", "expires_on", "received_on", "serial_no"]
    ordering = ["-issued_on", "-id"]

    def can_edit(self, user, obj):
        return can_receive(user, obj) if self.action == "receive" else can_issue_from(user, obj)

    def get_queryset(self):
        return selectors.transfers_visible_to(self.request.user).select_related("member", "from_branch", "to_branch")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call(services.transfer_out_issue, actor=self.request.user, **data)

    @extend_schema(
        summary=gettext_lazy("登记回执 / 确认报到"),
        description=gettext_lazy(
            "转往系统外的，由开具支部登记回执；转往本系统内党支部的，由接收支部确认报到，党员随即转入。"
        ),
        request=TransferReceiveSerializer,
        responses={200: TransferSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        transfer = self.get_object()
        data = TransferReceiveSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        transfer = call(services.transfer_receive, transfer, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(transfer).data)

    @extend_schema(
        summary=gettext_lazy("撤销介绍信"),
        description=gettext_lazy("未使用的介绍信由开具支部撤销，党员恢复在册。"),
        request=TransferCancelSerializer,
        responses={200: TransferSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        transfer = self.get_object()
        data = TransferCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = call(services.transfer_cancel, transfer, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(transfer).data)

    @extend_schema(
        summary=gettext_lazy("登记转入（系统外来信）"),
        description=gettext_lazy(
            "登记外单位开具的介绍信，并把该党员编入本支部；曾持介绍信转出的党员按身份证号恢复原档案。"
        ),
        request=TransferInSerializer,
        responses={201: TransferSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="register-in")
    def register_in(self, request):
        data = TransferInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        transfer = call(services.transfer_in_register, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(transfer).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- six-month rule


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("连续6个月未交党费/未参加组织生活"),
        description=gettext_lazy("系统只提示，不会自动改变党员状态；handled 表示支部已登记处置。"),
        parameters=[BRANCH_PARAM, OpenApiParameter("unhandled", bool, description=gettext_lazy("只列未处置的"))],
        responses={200: SixMonthCaseSerializer(many=True), **READ_ERRORS},
    )
)
class SixMonthCaseViewSet(SelectorListViewSet):
    serializer_class = SixMonthCaseSerializer

    def list(self, request):
        found = selectors.six_month_cases(visible_branch_ids(request), on=today())
        services.six_month_cases_record(found, on=today())  # a case, once found, stays open until handled (SPEC §11)
        cases = [c for cs in found.values() for c in cs]
        if bool_param(request, "unhandled"):
            cases = [c for c in cases if not c.handled]
        return self.paginated(cases, SixMonthCaseSerializer)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("六个月情形处置记录")),
    retrieve=extend_schema(summary=gettext_lazy("处置记录详情")),
    create=extend_schema(
        summary=gettext_lazy("登记处置"),
        description=gettext_lazy("按（党员、情形、起始月份）登记；再次登记即为更正。不会改变党员状态。"),
        responses={201: InactivityHandlingSerializer, **WRITE_ERRORS},
    ),
)
class InactivityHandlingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InactivityHandlingSerializer
    http_method_names = ["get", "post", "head", "options"]
    ordering = ["member_id", "-since"]

    def can_edit(self, user, obj):
        return scoping.can_edit_member(user, obj.member)

    def get_queryset(self):
        return InactivityHandling.objects.filter(member__in=scoping.members_visible_to(self.request.user))

    def perform_create(self, serializer):
        serializer.instance = call(services.inactivity_handle, actor=self.request.user, **serializer.validated_data)


# --------------------------------------------------------------------------- Excel imports


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Excel导入记录")),
    retrieve=extend_schema(
        summary=gettext_lazy("Excel导入记录详情"), responses={200: ImportRunSerializer, **READ_ERRORS}
    ),
)
class ImportRunViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    ordering = ["-created_at", "-id"]

    def can_edit(self, user, obj):
        return scoping.can_edit_org_unit(user, obj.branch)

    def get_queryset(self):
        return ImportRun.objects.filter(branch__in=scoping.branches_visible_to(self.request.user))

    @extend_schema(
        summary=gettext_lazy("导入党员名册或党费台账（.xlsx）"),
        description=gettext_lazy(
            "全部成功才写入（201）；有任何错误则不写入任何数据，返回400，errors 按单元格（如 D3）列出中文错误，"
            "import.report_url 为标红错误单元格的错误报告。"
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportRunSerializer,
            400: OpenApiResponse(description=gettext_lazy("文件有错误，未导入")),
            403: ERRORS[403],
        },
    )
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        run = call(
            services.members_import,
            branch=upload.validated_data["branch"],
            dataset=upload.validated_data["dataset"],
            upload=upload.validated_data["file"],
            actor=request.user,
        )
        body = ImportRunSerializer(run, context={"request": request}).data
        if run.outcome == ImportRun.Outcome.COMMITTED:
            return Response(body, status=status.HTTP_201_CREATED)
        errors: dict[str, list[str]] = {}
        for e in run.errors:
            key = e["cell"] or "file"
            errors.setdefault(key, []).append(f"{e['column']}：{e['message']}" if e["column"] else e["message"])
        return Response(
            {
                "detail": _("文件有%(n)s处错误，未导入任何数据。") % {"n": run.error_count},
                "errors": errors,
                "import": body,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )

    @extend_schema(summary=gettext_lazy("下载错误报告"), responses={**XLSX_RESPONSE, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        run = self.get_object()
        if not run.report:
            raise Http404
        return FileResponse(
            run.report.open("rb"), as_attachment=True, filename=f"import-{run.pk}-errors.xlsx", content_type=excel.XLSX
        )

    @extend_schema(
        summary=gettext_lazy("下载导入模板"),
        parameters=[OpenApiParameter("dataset", str, enum=list(excel.DATASETS), required=True)],
        responses={**XLSX_RESPONSE, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def template(self, request):
        dataset = request.query_params.get("dataset")
        if dataset not in excel.DATASETS:
            raise ApiValidationError({"dataset": [_("应为 roster 或 dues。")]})
        response = FileResponse(iter([excel.template(dataset)]), content_type=excel.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{dataset}-template.xlsx"'
        return response


def member_export_response(request, members, *, reveal: bool):
    """The roster export shared by the page and the API: full ID numbers only
    if the user may see every one of them, each reveal audited."""
    members = list(members)
    if reveal:
        if not all(scoping.can_reveal_id_number(request.user, m) for m in members):
            raise PermissionDenied(_("您无权导出其中部分党员的完整身份证号。"))
        services.id_number_reveals_record(
            members=members, actor=request.user, channel="export", ip_address=request.META.get("REMOTE_ADDR")
        )
    response = FileResponse(iter([excel.export_roster(members, reveal=reveal)]), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="members.xlsx"'
    return response


def register(router):
    router.register("dues", DuesMonthViewSet, basename="dues")
    router.register("dues-rates", DuesRateViewSet, basename="dues-rate")
    router.register("study-hours", StudyHoursViewSet, basename="study-hours")
    router.register("trainings", TrainingViewSet, basename="training")
    router.register("development-steps", DevelopmentStepViewSet, basename="development-step")
    router.register("development", DevelopmentPeopleViewSet, basename="development")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("six-month-cases", SixMonthCaseViewSet, basename="six-month-case")
    router.register("inactivity-handlings", InactivityHandlingViewSet, basename="inactivity-handling")
    router.register("member-imports", ImportRunViewSet, basename="member-import")
