"""Login throttling (django-axes) on every login path: the login page, the
admin login, the API's session login (all Django's LoginView/AuthenticationForm,
which pass `request` to `authenticate`) and the API token endpoint below.

After AXES_FAILURE_LIMIT wrong passwords for one username from one address
within AXES_COOLOFF_TIME, every login of that username from there is refused —
even with the right password — until the cool-off ends; a successful login
resets the count. The refusal is HTTP 429 in Chinese: JSON under /api/, a
page elsewhere (`lockout_response`, settings.AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，该账号已在本机暂时锁定，请%(n)s分钟后再试；如忘记密码，请联系系统管理员。") % {
        "n": minutes
    }


def lockout_response(request, original_response=None, credentials=None):
    """JSON (the API's error format) for API clients, the lockout page for browsers."""
    if request.path.startswith("/api/") and "text/html" not in request.headers.get("Accept", ""):
        return JsonResponse(
            {"detail": lockout_message(), "errors": {}}, status=429, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "accounts/lockout.html", {"message": lockout_message()}, status=429)


class ObtainAuthTokenThrottled(ObtainAuthToken):
    """DRF's token endpoint, authenticating against the underlying HttpRequest so
    that axes records the attempt on the request its middleware answers, and
    announcing a success like any login (axes resets the count; last_login is set)."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key})


obtain_auth_token = ObtainAuthTokenThrottled.as_view()
