"""API-wide pieces: pagination and JSON errors with field-level Chinese messages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from .params import FilterSet, year_param


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
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("提交的数据有误，请按提示修改。"), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "errors": {}}
    return response
