"""三会一课 records, attendance and the compliance calendar (SPEC §4)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("due/", views.meeting_due, name="meeting_due"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="meeting_attachment_upload"),
    path("<int:pk>/grades/", views.evaluation_grades, name="meeting_grades"),
    path("attachments/<int:pk>/", views.attachment_download, name="meeting_attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="meeting_attachment_delete"),
    path("talks/", views.talk_list, name="meeting_talks"),
    path("talks/new/", views.talk_create, name="meeting_talk_create"),
    path("reports/", views.report_list, name="meeting_reports"),
    path("reports/new/", views.report_create, name="meeting_report_create"),
    path("calendar/", views.calendar_home, name="meeting_calendar_home"),
    path("calendar/<int:branch_pk>/<int:year>/", views.calendar, name="meeting_calendar"),
    path("overview/<int:unit_pk>/<int:year>/", views.overview, name="meeting_overview"),
]
