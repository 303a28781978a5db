"""REST endpoints of the org tree: /org-units/, /branches/ (+ `{id}/committee/?on=`),
/party-groups/, and the committee records: /committee-terms/, /role-tenures/
(+ `{id}/end/`), /elections/, /term-adjustments/, /vacancies/.

Every queryset comes from `branches.scoping`, so an object outside the user's
scope is a 404; a visible object the user may not change is a 403. Writes go
through `branches.services`."""

import django_filters
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from members.models import Member

from . import alert_api, rules, scoping, services
from .filters import BranchFilter, OrgUnitFilter, PartyGroupFilter, within_subtree
from .models import CommitteeTerm, Election, ElectionCandidate, RoleTenure, RulePolicy, TermAdjustment
from .org_serializers import (
    CommitteeOnDaySerializer,
    CommitteeOnQuerySerializer,
    CommitteeTermSerializer,
    ElectionSerializer,
    RoleTenureEndSerializer,
    RoleTenureSerializer,
    TermAdjustmentSerializer,
    VacancySerializer,
)
from .selectors import branch_facts, branch_rule_findings, committee_on, current_term_prefetch, today
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
        serializer.instance = services.org_unit_update(serializer.instance, **serializer.validated_data)


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

    @extend_schema(
        summary=_("某日的支部委员会"),
        description=_("该日在任的委员（含当日任职或离任者），如 ?on=2025-03-01；不填为今天。"),
        parameters=[CommitteeOnQuerySerializer],
        responses={200: CommitteeOnDaySerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def committee(self, request, pk=None):
        branch = get_object_or_404(scoping.branches_visible_to(request.user), pk=pk)
        query = CommitteeOnQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or today()
        tenures = committee_on(branch, on)
        return Response(CommitteeOnDaySerializer({"org_unit": branch.pk, "on": on, "tenures": tenures}).data)


@extend_schema_view(
    list=extend_schema(summary=_("党小组列表")),
    retrieve=extend_schema(summary=_("党小组详情"), responses={200: PartyGroupSerializer, **READ_ERRORS}),
    create=extend_schema(summary=_("新建党小组"), responses={201: PartyGroupSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(summary=_("修改党小组"), responses={200: PartyGroupSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(summary=_("撤销党小组"), responses={204: None, **WRITE_ERRORS}),
)
class PartyGroupViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
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
        )
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_destroy(self, instance):
        services.party_group_delete(group=instance)


# --------------------------------------------------------------------- committee records
# Terms, role tenures, elections, postponement/advance approvals and vacancies
# (SPEC §2): scoped like the branches above; writes call the same services as the pages.


def org_unit_filter(model, path_field: str, unit_field: str):
    """A FilterSet with `org_unit` (one unit) and `within` (a subtree)."""

    class Filter(django_filters.FilterSet):
        org_unit = django_filters.NumberFilter(field_name=unit_field, label=_("党组织ID"))
        within = django_filters.NumberFilter(method="filter_within", label=_("下级组织（含本级）所属组织ID"))

        class Meta:
            fields = ["org_unit", "within"]

        def filter_within(self, queryset, name, value):
            return within_subtree(queryset, self.request, value, path_field=path_field)

    Filter.Meta.model = model
    Filter.__name__ = f"{model.__name__}Filter"
    return Filter


class CreateAndReadViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Records that are history: created through a service, read, never edited in place."""

    http_method_names = ["get", "post", "head", "options"]

    def get_org_unit(self, obj):
        return obj.org_unit

    def can_edit(self, user, obj):
        return scoping.can_edit_org_unit(user, self.get_org_unit(obj))

    def created(self, serializer, obj):
        serializer.instance = self.get_queryset().get(pk=obj.pk)


@extend_schema_view(
    list=extend_schema(summary=_("委员会任期列表")),
    retrieve=extend_schema(summary=_("委员会任期详情"), responses={200: CommitteeTermSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("登记新一届任期"),
        description=_("届满日期按领域任期年限计算；进行中的上一届在新任期开始前一天结束，其委员同时离任。"),
        responses={201: CommitteeTermSerializer, **WRITE_ERRORS},
    ),
)
class CommitteeTermViewSet(CreateAndReadViewSet):
    serializer_class = CommitteeTermSerializer
    filterset_class = org_unit_filter(CommitteeTerm, "org_unit__path", "org_unit_id")
    ordering_fields = ["start_date", "number"]
    ordering = ["org_unit_id", "-start_date"]

    def get_queryset(self):
        return (
            CommitteeTerm.objects.filter(org_unit__in=scoping.org_units_visible_to(self.request.user))
            .select_related("org_unit")
            .prefetch_related(
                Prefetch("postponements", queryset=TermAdjustment.objects.order_by("approval_date", "id")),
                Prefetch("tenures", queryset=RoleTenure.objects.select_related("member").order_by("start_date", "id")),
            )
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        term = services.committee_term_open(
            org_unit=data["org_unit"], start_date=data["start_date"], seats=data["seats"], notes=data.get("notes", "")
        )
        self.created(serializer, term)


@extend_schema_view(
    list=extend_schema(summary=_("委员任职列表"), description=_("任职是历史记录：谁在何时至何时担任何职。")),
    retrieve=extend_schema(summary=_("委员任职详情"), responses={200: RoleTenureSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("委员任职"),
        description=_("只有本支部正式党员可以任职；预备党员没有被选举权（党章第七条）。"),
        responses={201: RoleTenureSerializer, **WRITE_ERRORS},
    ),
)
class RoleTenureViewSet(CreateAndReadViewSet):
    serializer_class = RoleTenureSerializer
    filterset_class = org_unit_filter(RoleTenure, "term__org_unit__path", "term__org_unit_id")
    ordering_fields = ["start_date", "end_date"]
    ordering = ["term_id", "start_date", "id"]

    def get_org_unit(self, obj):
        return obj.term.org_unit

    def get_queryset(self):
        return RoleTenure.objects.filter(
            term__org_unit__in=scoping.org_units_visible_to(self.request.user)
        ).select_related("member", "term__org_unit")

    def perform_create(self, serializer):
        data = serializer.validated_data
        tenure = services.role_tenure_start(
            term=data["term"], member=data["member"], role=data["role"], start_date=data["start_date"],
            concurrent_role=data.get("concurrent_role", ""),
        )
        self.created(serializer, tenure)

    @extend_schema(summary=_("办理离任"), request=RoleTenureEndSerializer,
                   responses={200: RoleTenureSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        tenure = self.get_object()
        if not self.can_edit(request.user, tenure):
            self.permission_denied(request)
        data = RoleTenureEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.role_tenure_end(tenure=tenure, end_date=data.validated_data["end_date"],
                                 reason=data.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=tenure.pk)).data)


@extend_schema_view(
    list=extend_schema(summary=_("选举记录列表")),
    retrieve=extend_schema(summary=_("选举记录详情"), responses={200: ElectionSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("录入选举结果"),
        description=_(
            "实到超过应到的五分之四选举有效；得票超过实到人数一半的候选人按得票从高到低当选，至应选名额为止"
            "（差额选举）；最后一个名额票数相同时该名额空缺、需另行选举。候选人须为本支部正式党员。"
        ),
        responses={201: ElectionSerializer, **WRITE_ERRORS},
    ),
)
class ElectionViewSet(CreateAndReadViewSet):
    serializer_class = ElectionSerializer
    filterset_class = org_unit_filter(Election, "org_unit__path", "org_unit_id")
    ordering_fields = ["date"]
    ordering = ["org_unit_id", "-date", "-id"]

    def get_queryset(self):
        return (
            Election.objects.filter(org_unit__in=scoping.org_units_visible_to(self.request.user))
            .select_related("org_unit", "resulting_term")
            .prefetch_related(
                Prefetch("candidates",
                         queryset=ElectionCandidate.objects.select_related("member").order_by("-votes", "id"))
            )
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        election = services.election_record(
            org_unit=data["org_unit"], kind=data.get("kind", Election.Kind.GENERAL), date=data["date"],
            voters_due=data["voters_due"], voters_present=data["voters_present"], seats=data.get("seats"),
            notes=data.get("notes", ""),
            candidates=[{"member": c["member"], "votes": c["votes"], "role": c.get("role")} for c in data["candidates"]],
        )
        self.created(serializer, election)


@extend_schema_view(
    list=extend_schema(summary=_("延期/提前换届批复列表")),
    retrieve=extend_schema(summary=_("延期/提前换届批复详情"), responses={200: TermAdjustmentSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary=_("登记延期/提前换届批复"),
        description=_("延期或提前一般不超过1年：至原届满日期次年的同一日（按日历年计算）。"),
        responses={201: TermAdjustmentSerializer, **WRITE_ERRORS},
    ),
)
class TermAdjustmentViewSet(CreateAndReadViewSet):
    serializer_class = TermAdjustmentSerializer
    filterset_class = org_unit_filter(TermAdjustment, "term__org_unit__path", "term__org_unit_id")
    ordering_fields = ["approval_date"]
    ordering = ["term_id", "approval_date", "id"]

    def get_org_unit(self, obj):
        return obj.term.org_unit

    def get_queryset(self):
        return TermAdjustment.objects.filter(
            term__org_unit__in=scoping.org_units_visible_to(self.request.user)
        ).select_related("term__org_unit")

    def perform_create(self, serializer):
        data = serializer.validated_data
        adjustment = services.term_adjustment_record(
            term=data["term"], kind=data.get("kind", TermAdjustment.Kind.POSTPONE), approver=data["approver"],
            approval_date=data["approval_date"], document_no=data["document_no"],
            new_due_end_date=data["new_due_end_date"], reason=data.get("reason", ""),
        )
        self.created(serializer, adjustment)


@extend_schema_view(
    list=extend_schema(
        summary=_("委员缺额列表"),
        description=_("您管理范围内当前任期委员未满额的党支部；overdue 表示超过规定月数（默认3个月）未补选。"),
        parameters=[OpenApiParameter("within", int, description=_("下级组织（含本级）所属组织ID"))],
    ),
)
class VacancyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Computed from the open terms' tenures by the rule engine's `vacancy_since`."""

    serializer_class = VacancySerializer
    filter_backends = []  # `within` is read by `list`; rows are computed, not a queryset

    def get_queryset(self):
        return scoping.branches_visible_to(self.request.user).filter(terms__actual_end_date__isnull=True)

    def list(self, request, *args, **kwargs):
        branches = self.get_queryset()
        within = request.query_params.get("within")
        if within and within.isdigit():
            branches = within_subtree(branches, request, int(within))
        on, policies = today(), RulePolicy.all_by_sector()
        rows = []
        for facts in sorted(branch_facts(branches.distinct()).values(), key=lambda f: f.id):
            term = facts.term
            since = rules.vacancy_since(term, on) if term else None
            if since is None:
                continue
            filled = sum(1 for t in term.tenures if t.held_on(on))
            months = RulePolicy.for_sector(facts.sector, policies).vacancy_max_months
            rows.append({
                "org_unit": facts.id, "org_unit_name": facts.name, "term": term.id, "seats": term.seats,
                "filled_seats": filled, "vacant_seats": term.seats - filled, "since": since,
                "overdue": rules.vacancy_overdue(since, on, months),
            })
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(VacancySerializer(page, many=True).data)


def register(router):
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("branches", BranchViewSet, basename="branch")
    router.register("party-groups", PartyGroupViewSet, basename="party-group")
    alert_api.register(router)  # /notifications/, /alerts/ (SPEC §7)
    router.register("committee-terms", CommitteeTermViewSet, basename="committee-term")
    router.register("role-tenures", RoleTenureViewSet, basename="role-tenure")
    router.register("elections", ElectionViewSet, basename="election")
    router.register("term-adjustments", TermAdjustmentViewSet, basename="term-adjustment")
    router.register("vacancies", VacancyViewSet, basename="vacancy")
