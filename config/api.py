"""API-wide pieces: pagination, JSON errors with field-level Chinese messages,
and output serializers whose fields are built once."""

import copy

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .concurrency import STALE_MESSAGE, StaleEdit
from .params import FilterSet, year_param

VERSION_REQUIRED = gettext_lazy(
    "修改时须提供所编辑记录的版本号（请求体中的 version，或 If-Match 请求头），以免覆盖他人的修改。"
)


_PREBUILT: dict = {}


class PrebuiltFields:
    """For serializers whose fields are fixed by their declaration: DRF builds a
    serializer's fields anew for every instance — for a ModelSerializer that is
    model introspection, labels and validators, about 5 ms of the 7 ms it took to
    answer a logged meeting with its attendance, and 1–2 ms to read its input
    (issue P15). These build them once per class and language and give each
    instance shallow copies, which DRF then binds to it as usual, so `context`
    and method fields follow the instance at hand. Not for serializers whose
    fields depend on the instance, the context or the request."""

    def get_fields(self):
        key = (type(self), get_language())
        built = _PREBUILT.get(key)
        if built is None:
            built = _PREBUILT.setdefault(key, super().get_fields())
        return {name: _unbound_copy(field) for name, field in built.items()}


def _unbound_copy(field):
    """A copy of a prebuilt field for one serializer instance. A field with a
    child (a nested list, ListField) gets its own child too, whose parent is the
    copy: DRF bound the child to its list when the list was made."""
    fresh = copy.copy(field)
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        fresh.child = copy.copy(child)
        fresh.child.parent = fresh
    return fresh


def query_year(request, name: str = "year", *, default: int | None = None) -> int:
    """THE year query parameter of the API (`config.params.year_param`): 400 if invalid."""
    try:
        return year_param(request.query_params.get(name), default=default)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({name: exc.messages}) from None


class FilterBackend(DjangoFilterBackend):
    """django-filter with the project's FilterSet base (bounded `__year`
    lookups); an invalid filter value is a 400 in the error envelope."""

    filterset_base = FilterSet


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = VERSION_REQUIRED
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = STALE_MESSAGE
    default_code = "conflict"


def expected_version(request) -> int:
    """The version a PUT/PATCH edits: body `version` or `If-Match` (the ETag
    of the read, "3" or W/"3"). Missing → 428, so no blind write overwrites."""
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if raw in (None, ""):
        raise PreconditionRequired()
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"version": [_("版本号应为正整数。")]}) from None
    if value < 1:
        raise serializers.ValidationError({"version": [_("版本号应为正整数。")]})
    return value


class VersionedUpdateMixin:
    """For viewsets whose records carry a `version` (`config.concurrency`):
    updates must name the version they edit; a stale one is a 409 before any
    validation, and `self.expected_version` goes to the service, whose
    `claim_version` settles a race. Reads and writes answer with the version
    as the ETag."""

    expected_version: int | None = None

    def check_version(self, instance) -> int:
        self.expected_version = expected_version(self.request)
        if self.expected_version != instance.version:
            raise Conflict()
        return self.expected_version

    def update(self, request, *args, **kwargs):
        self.check_version(self.get_object())
        return super().update(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if self.detail and isinstance(data, dict) and isinstance(data.get("version"), int):
            response["ETag"] = f'"{data["version"]}"'
        return response


def django_errors_to_drf(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as a DRF one, keeping the field names (a
    stale edit is a 409)."""
    if isinstance(exc, StaleEdit):
        return Conflict()
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def exception_handler(exc, context):
    """Every error is JSON: {"detail": <summary>, "errors": {field: [messages]}}."""
    if isinstance(exc, DjangoValidationError):
        exc = django_errors_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到该记录，或您无权访问。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您没有执行该操作的权限。"))
    elif isinstance(exc, (OperationalError, InterfaceError)):
        # the database went away mid-request (a restart, a failover): its transaction rolled back,
        # nothing was written; the client may retry (the next request gets a new connection)
        return Response(
            {"detail": _("数据库暂时不可用，请稍后重试。"), "errors": {}}, status=503, headers={"Retry-After": "5"}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("提交的数据有误，请按提示修改。"), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "errors": {}}
    return response
