"""The 400 handler (`handler400`): JSON in the API's error format under /api/,
the site's own page elsewhere. Django answers through it whatever raised the
400 — a middleware (an oversized body read by the CSRF check), a view's
BadRequest (a bad query parameter), or a request body over
DATA_UPLOAD_MAX_MEMORY_SIZE / DATA_UPLOAD_MAX_NUMBER_FIELDS (413)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _message(exception) -> tuple[int, str]:
    if isinstance(exception, RequestDataTooBig):
        return 413, _("提交的数据过大，超过了系统允许的上限。")
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return 413, _("提交的字段或文件过多，超过了系统允许的上限。")
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    # only our own messages (Chinese sentences from config.params and views) are shown as they are
    return 400, text if text and not text.isascii() else _("请求有误，请检查后重试。")


def bad_request(request, exception=None):
    status, message = _message(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=status)
