"""API-wide pieces: pagination and JSON errors with field-level Chinese messages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def django_errors_to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as a DRF one, keeping the field names."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
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
        return Response({"detail": _("数据库暂时不可用，请稍后重试。"), "errors": {}}, status=503,
                        headers={"Retry-After": "5"})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("提交的数据有误，请按提示修改。"), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "errors": {}}
    return response
