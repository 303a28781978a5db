"""REST endpoints of the report jobs (SPEC §8, §9):

- POST /api/v1/report-jobs/ {kind, params} — start a report in the background
  (params checked against the caller's scope: a 党委 only exports its subtree);
- GET /api/v1/report-jobs/ and /{id}/ — the caller's jobs with status and progress;
- GET /api/v1/report-jobs/{id}/download/ — the file (the requester or a superuser;
  410 once it has expired and been deleted);
- POST /api/v1/report-jobs/{id}/retry/ — run a failed or expired job again.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import services
from .exporters import KIND_CHOICES
from .models import ReportJob
from .views import job_json


class ReportJobSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES, help_text=_("报表类型"))
    params = serializers.JSONField(
        help_text=_("参数：{\"unit\": 党组织ID, \"year\": 年度}；党支部验收报告用 {\"branch\": ID, \"year\": 年度}；"
                    "汇总报告可加 problems（存在问题）、plans（下步打算）")
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = ["id", "kind", "params", "status", "progress", "filename", "size", "error", "created_at",
                  "finished_at", "expires_at", "download_url"]
        read_only_fields = ["id", "status", "progress", "filename", "size", "error", "created_at", "finished_at",
                            "expires_at", "download_url"]

    def get_download_url(self, job) -> str | None:
        if not job_json(job)["download_url"]:
            return None
        url = reverse("report-job-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def to_representation(self, job):
        data = super().to_representation(job)
        if job.is_expired:
            data["status"] = ReportJob.Status.EXPIRED.value
        return data


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


@extend_schema_view(
    list=extend_schema(summary=_("我的报表任务")),
    retrieve=extend_schema(summary=_("报表任务状态与进度")),
    create=extend_schema(summary=_("生成报表（后台任务）")),
)
class ReportJobViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ReportJob.objects.none()
        user = self.request.user
        qs = ReportJob.objects.all() if user.is_superuser else ReportJob.objects.filter(requester=user)
        return qs.order_by("-created_at", "-id")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.report_job_create(
                actor=self.request.user, kind=serializer.validated_data["kind"],
                params=serializer.validated_data.get("params") or {},
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    @extend_schema(summary=_("下载报表文件"), responses={200: OpenApiTypes.BINARY, 410: OpenApiResponse(
        description=_("文件已过期并已删除")), 409: OpenApiResponse(description=_("报表尚未生成"))})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.is_expired:
            return Response({"detail": _("文件已过期并已删除，请重新生成。")}, status=status.HTTP_410_GONE)
        if job.status != ReportJob.Status.DONE or not job.file:
            return Response({"detail": _("报表尚未生成。"), "status": job.status, "progress": job.progress},
                            status=status.HTTP_409_CONFLICT)
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                            content_type=job.content_type)

    @extend_schema(summary=_("重试报表任务"), request=None, responses={202: ReportJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = self.get_object()
        try:
            job = services.report_job_retry(actor=request.user, job=job)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_202_ACCEPTED
        return response


def register(router):
    router.register("report-jobs", ReportJobViewSet, basename="report-job")
