from django.urls import path

from .dashboard_api import DashboardAPIView

urlpatterns = [path("", DashboardAPIView.as_view(), name="api-dashboard")]
