"""REST endpoints of the member roster: /members/ with the workflow actions
reveal-id-number (audited) and change-status (dated history).

Querysets come from `branches.scoping`; writes go through `members.services`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from branches.api import ERRORS, READ_ERRORS, WRITE_ERRORS, ScopedViewSetMixin
from config.api import VersionedUpdateMixin
from members import scoping

from .. import pipeline, selectors, services
from ..filters import MemberFilter
from ..serializers import IdNumberSerializer, MemberSerializer, StatusChangeSerializer, TimelineSerializer
from .records import member_export_response


@extend_schema_view(
    list=extend_schema(summary=_("党员列表"), description=_("身份证号只以掩码形式（id_number_masked）返回。")),
    retrieve=extend_schema(summary=_("党员详情"), responses={200: MemberSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("登记党员"),
        description=_("党支部须在您的管理范围内；身份证号校验位、出生日期和唯一性由系统校验。"),
        responses={201: MemberSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("修改党员信息"),
        description=_("状态变动请用 change-status 接口。"),
        responses={200: MemberSerializer, **WRITE_ERRORS},
    ),
)
class MemberViewSet(
    VersionedUpdateMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the branches in the user's scope (a 党员 sees only themself)."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    search_fields = ["name", "phone"]
    ordering_fields = ["name", "birth_date", "join_date", "full_member_date", "status", "branch", "created_at"]
    ordering = ["branch_id", "name", "id"]

    can_edit = staticmethod(scoping.can_edit_member)

    def get_queryset(self):
        return scoping.members_visible_to(self.request.user).select_related("branch", "party_group")

    def perform_create(self, serializer):
        serializer.instance = services.member_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.member_update(
            serializer.instance,
            actor=self.request.user,
            expected_version=self.expected_version,
            **serializer.validated_data,
        )

    @extend_schema(
        summary=_("查看完整身份证号"),
        description=_("仅本支部书记、上级党委/组织部和党员本人可查看；每次查看都留存审计记录。"),
        request=None,
        responses={200: IdNumberSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(
        detail=True, methods=["post"], url_path="reveal-id-number", permission_classes=[permissions.IsAuthenticated]
    )
    def reveal_id_number(self, request, pk=None):
        member = self.get_object()
        if not scoping.can_reveal_id_number(request.user, member):
            raise PermissionDenied(_("您无权查看该党员的完整身份证号。"))
        number = services.member_reveal_id_number(
            member, actor=request.user, channel="api", ip_address=request.META.get("REMOTE_ADDR")
        )
        return Response(IdNumberSerializer({"id_number": number}).data)

    @extend_schema(
        summary=_("变更党员状态"),
        description=_("如预备党员转正、转出、停止党籍；每次变动留存一条有日期的记录。"),
        request=StatusChangeSerializer,
        responses={200: OpenApiResponse(MemberSerializer), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        member = self.get_object()  # ScopedWrite: the member's branch must be editable
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_change_status(member, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(member).data)


    @extend_schema(
        summary=_("发展历程"),
        description=_("25个步骤中已登记的步骤、下一步，以及不规范或超过时限的提示。"),
        responses={200: TimelineSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def development(self, request, pk=None):
        member = self.get_object()
        stages, findings = selectors.timeline(member, on=timezone.localdate())
        records = [record for stage in stages for _d, record, _f in stage.steps if record]
        following = pipeline.next_step([r.step for r in records])
        return Response(TimelineSerializer({
            "member": member.pk,
            "status": member.status,
            "steps": records,
            "next_step": following.number if following else None,
            "findings": findings,
        }, context={"request": request}).data)

    @extend_schema(
        summary=_("导出党员名册（Excel）"),
        description=_("筛选条件同党员列表。身份证号默认脱敏；id=full 导出完整号码（须有权查看其中每一名党员，逐人留存查看记录）。"),
        parameters=[OpenApiParameter("id", str, enum=["masked", "full"], description=_("身份证号：masked 脱敏（默认）/ full 完整"))],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
                   403: ERRORS[403]},
    )
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated], pagination_class=None)
    def export(self, request):
        members = self.filter_queryset(self.get_queryset()).order_by("branch__path", "name", "pk")
        return member_export_response(request, members, reveal=request.query_params.get("id") == "full")


def register(router):
    router.register("members", MemberViewSet, basename="member")
