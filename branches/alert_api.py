"""REST endpoints of the alerts (SPEC §7, §9):

- /notifications/ — the user's own notifications (nobody else's, whatever the
  role), with filters, `POST {id}/read/`, `POST read-all/` and `GET unread-count/`;
- /alerts/ — alerts about the org units the user may see (THE scoping
  selector decides), e.g. a 党委's overdue alerts with `?within=<id>&level=overdue`.

Registered from `branches.api.register`."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import alerts
from .filters import within_subtree
from .models import Alert, AlertKind, Notification
from .serializers import ApiErrorSerializer

NOT_FOUND = {404: OpenApiResponse(ApiErrorSerializer, description=_("记录不存在或不在您的管理范围内"))}


@extend_schema_field({"type": "string", "enum": list(AlertKind.values)}, component_name="AlertKindEnum")
class AlertKindField(serializers.ChoiceField):
    """The alert kind as its own named enum: several models have a `kind`, and
    naming the component here spares an entry in ENUM_NAME_OVERRIDES."""

    def __init__(self, **kwargs):
        super().__init__(choices=AlertKind.choices, **kwargs)


class AlertSerializer(serializers.ModelSerializer):
    kind = AlertKindField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, help_text=_("提醒类型名称"))
    level_display = serializers.CharField(source="get_level_display", read_only=True, help_text=_("级别名称"))
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True, help_text=_("党组织名称"))
    message = serializers.CharField(read_only=True, help_text=_("提醒内容"))
    url = serializers.CharField(source="target_url", read_only=True, help_text=_("相关页面"))

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "kind_display", "level", "level_display", "org_unit", "org_unit_name", "subject", "period",
            "stage", "member", "due_date", "raised_on", "message", "url", "facts",
        ]
        read_only_fields = fields


class RecipientSerializer(serializers.ModelSerializer):
    """One user an alert was delivered to."""

    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True, help_text=_("姓名"))
    is_read = serializers.BooleanField(read_only=True, help_text=_("是否已读"))

    class Meta:
        model = Notification
        fields = ["user", "username", "name", "is_read", "read_at", "emailed_at"]
        read_only_fields = fields


class AlertWithRecipientsSerializer(AlertSerializer):
    """An alert with the users it was delivered to (empty until the sweep has
    delivered it: `notified_at`)."""

    recipients = RecipientSerializer(source="notifications", many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "notified_at", "recipients"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    alert = AlertSerializer(read_only=True)
    is_read = serializers.BooleanField(read_only=True, help_text=_("是否已读"))

    class Meta:
        model = Notification
        fields = ["id", "alert", "is_read", "read_at", "created_at", "emailed_at"]
        read_only_fields = fields


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="alert__kind", choices=AlertKind.choices, label=_("提醒类型"))
    level = django_filters.ChoiceFilter(field_name="alert__level", choices=Alert.Level.choices, label=_("级别"))
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("仅未读"))
    org_unit = django_filters.NumberFilter(field_name="alert__org_unit_id", label=_("党组织ID"))

    class Meta:
        model = Notification
        fields = ["kind", "level", "unread", "org_unit"]


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, label=_("提醒类型"))
    level = django_filters.ChoiceFilter(choices=Alert.Level.choices, label=_("级别"))
    org_unit = django_filters.NumberFilter(field_name="org_unit_id", label=_("党组织ID"))
    within = django_filters.NumberFilter(method="filter_within", label=_("下级组织（含本级）所属组织ID"))
    raised_after = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=_("提醒日期起"))
    raised_before = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=_("提醒日期止"))

    class Meta:
        model = Alert
        fields = ["kind", "level", "org_unit", "within", "raised_after", "raised_before"]

    def filter_within(self, queryset, name, value):
        return within_subtree(queryset, self.request, value, path_field="org_unit__path")


class MarkReadSerializer(serializers.Serializer):
    kind = AlertKindField(required=False, help_text=_("只标记该类型"))


COUNT = inline_serializer("MarkedCount", {"count": serializers.IntegerField()})
UNREAD = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(summary=_("我的通知"), description=_("只返回当前用户自己的通知，按时间倒序。")),
    retrieve=extend_schema(summary=_("通知详情"), responses={200: NotificationSerializer, **NOT_FOUND}),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    search_fields = ["alert__org_unit__name"]
    ordering_fields = ["created_at", "read_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular documenting the view
            return Notification.objects.none()
        return alerts.notifications_of(self.request.user)

    @extend_schema(summary=_("标为已读"), request=None, responses={200: NotificationSerializer, **NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        alerts.notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary=_("全部标为已读"), request=MarkReadSerializer, responses={200: COUNT})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        n = alerts.notification_mark_read(user=request.user, kind=data.validated_data.get("kind"))
        return Response({"count": n})

    @extend_schema(summary=_("未读通知数"), responses={200: UNREAD})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": alerts.unread_count(request.user)})


@extend_schema_view(
    list=extend_schema(
        summary=_("提醒列表"),
        description=_("您管理范围内党组织的提醒；上级党委可用 within 与 level=overdue 查看下级的逾期提醒。"),
    ),
    retrieve=extend_schema(summary=_("提醒详情"), responses={200: AlertSerializer, **NOT_FOUND}),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertWithRecipientsSerializer
    filterset_class = AlertFilter
    search_fields = ["org_unit__name"]
    ordering_fields = ["raised_on", "due_date", "kind"]
    ordering = ["-raised_on", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return (
            alerts.alerts_visible_to(self.request.user)
            .select_related("org_unit")
            .prefetch_related(
                Prefetch("notifications", queryset=Notification.objects.select_related("user").order_by("id"))
            )
        )


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("alerts", AlertViewSet, basename="alert")
