"""The notification centre's pages, included under /alerts/."""

from django.urls import path

from . import alert_views

urlpatterns = [
    path("", alert_views.notification_list, name="notification_list"),
    path("read-all/", alert_views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/read/", alert_views.notification_read, name="notification_read"),
    path("<int:pk>/open/", alert_views.notification_open, name="notification_open"),
]
