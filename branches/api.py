"""REST endpoints of the org tree: /org-units/, /branches/, /party-groups/.

Every queryset comes from `branches.scoping`, so an object outside the user's
scope is a 404; a visible object the user may not change is a 403. Writes go
through `branches.services`."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.response import Response

from config.api import VersionedUpdateMixin
from members.models import Member

from . import alert_api, scoping, services
from .filters import BranchFilter, OrgUnitFilter, PartyGroupFilter
from .selectors import branch_rule_findings, current_term_prefetch
from .serializers import (
    ApiErrorSerializer,
    BranchDetailSerializer,
    BranchListSerializer,
    OrgUnitSerializer,
    PartyGroupSerializer,
)

ERRORS = {
    400: OpenApiResponse(ApiErrorSerializer, description=_("输入有误：按字段列出的中文提示")),
    403: OpenApiResponse(ApiErrorSerializer, description=_("无权执行该操作")),
    404: OpenApiResponse(ApiErrorSerializer, description=_("记录不存在或不在您的管理范围内")),
}
READ_ERRORS = {404: ERRORS[404]}
WRITE_ERRORS = ERRORS


class ScopedWrite(permissions.BasePermission):
    """Reads need nothing more: the queryset is already scoped. Creating needs
    an editing grant somewhere (the serializer then checks the chosen branch or
    parent); changing an object asks the view's `can_edit(user, obj)`."""

    message = _("您没有执行该操作的权限。")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        return request.user.is_superuser or scoping.org_units_editable_by(request.user).exists()

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or view.can_edit(request.user, obj)


class ScopedViewSetMixin:
    permission_classes = [permissions.IsAuthenticated, ScopedWrite]
    # whole-object PUT is left out on purpose: clients send the fields they change (PATCH)
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary=_("党组织列表")),
    retrieve=extend_schema(summary=_("党组织详情"), responses={200: OrgUnitSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("设立党组织"),
        description=_("需是上级党组织的党委/党总支管理员或组织部；顶层党委只能由系统管理员设立。"),
        responses={201: OrgUnitSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(summary=_("修改党组织"), responses={200: OrgUnitSerializer, **WRITE_ERRORS}),
)
class OrgUnitViewSet(
    VersionedUpdateMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """党委、党总支、党支部 in the user's scope."""

    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    search_fields = ["name", "unit_name"]
    ordering_fields = ["name", "path", "depth", "kind", "sector", "created_at"]
    ordering = ["path"]

    can_edit = staticmethod(scoping.can_edit_org_unit)

    def get_queryset(self):
        return scoping.org_units_visible_to(self.request.user).select_related("parent")

    def perform_create(self, serializer):
        serializer.instance = services.org_unit_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.org_unit_update(
            serializer.instance, expected_version=self.expected_version, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("党支部列表"),
        description=_("含当前届委员会摘要和组织设置规则检查结果的条数。"),
    ),
    retrieve=extend_schema(
        summary=_("党支部详情"),
        description=_("含当前届委员会（在任委员）和组织设置规则检查结果（findings）。"),
        responses={200: BranchDetailSerializer, **READ_ERRORS},
    ),
)
class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    """党支部、联合党支部、临时党支部 in the user's scope, with their committee and rule findings."""

    filterset_class = BranchFilter
    search_fields = ["name", "unit_name"]
    ordering_fields = ["name", "path", "sector", "created_at", "party_member_count"]
    ordering = ["path"]

    findings: dict = {}

    def get_queryset(self):
        return (
            scoping.branches_visible_to(self.request.user)
            .select_related("parent")
            .annotate(party_member_count=Count("members", filter=Q(members__status__in=Member.PARTY_STATUSES)))
            .prefetch_related(current_term_prefetch())
        )

    def get_serializer_class(self):
        return BranchDetailSerializer if self.action == "retrieve" else BranchListSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "findings": self.findings}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.findings = branch_rule_findings(page)  # one batch for the page, fixed query count
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        branch = self.get_object()
        self.findings = branch_rule_findings([branch])
        return Response(self.get_serializer(branch).data)


@extend_schema_view(
    list=extend_schema(summary=_("党小组列表")),
    retrieve=extend_schema(summary=_("党小组详情"), responses={200: PartyGroupSerializer, **READ_ERRORS}),
    create=extend_schema(summary=_("新建党小组"), responses={201: PartyGroupSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(summary=_("修改党小组"), responses={200: PartyGroupSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(summary=_("撤销党小组"), responses={204: None, **WRITE_ERRORS}),
)
class PartyGroupViewSet(VersionedUpdateMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """党小组 of the branches in the user's scope."""

    http_method_names = [*ScopedViewSetMixin.http_method_names, "delete"]
    serializer_class = PartyGroupSerializer
    filterset_class = PartyGroupFilter
    search_fields = ["name"]
    ordering_fields = ["name", "branch", "created_at"]
    ordering = ["branch_id", "name"]

    @staticmethod
    def can_edit(user, group):
        return scoping.can_edit_org_unit(user, group.branch)

    def get_queryset(self):
        return (
            scoping.party_groups_visible_to(self.request.user)
            .select_related("branch", "leader")
            .annotate(member_count=Count("members", filter=Q(members__status__in=Member.PARTY_STATUSES)))
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        group = services.party_group_save(branch=data["branch"], name=data["name"], leader=data.get("leader"))
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_update(self, serializer):
        group, data = serializer.instance, serializer.validated_data
        group = services.party_group_save(
            group=group,
            branch=group.branch,
            name=data.get("name", group.name),
            leader=data["leader"] if "leader" in data else group.leader,
            expected_version=self.expected_version,
        )
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_destroy(self, instance):
        services.party_group_delete(group=instance)


def register(router):
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("branches", BranchViewSet, basename="branch")
    router.register("party-groups", PartyGroupViewSet, basename="party-group")
    alert_api.register(router)  # /notifications/, /alerts/ (SPEC §7)
