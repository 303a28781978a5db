from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .api_urls import router
from .auth import obtain_auth_token

admin.site.site_header = "党支部标准化管理平台 · 系统管理"
admin.site.site_title = "党支部标准化管理平台"
admin.site.index_title = "系统管理"

handler400 = "config.errors.bad_request"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/dashboard/", include("assessment.dashboard_api_urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("archives/", include("archives.urls")),
    path("campaigns/", include("assessment.campaigns.urls")),
    path("assessment/", include("assessment.urls")),
    path("dashboard/", include("assessment.dashboard_urls")),
    path("reports/", include("reports.urls")),
    path("", include("assessment.home_urls")),  # each role's home, the 党员's own page
    path("", include("branches.urls")),
]
