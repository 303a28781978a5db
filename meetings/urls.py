"""三会一课 records, attendance and the compliance calendar (SPEC §4)."""

from django.urls import path

from .views import attachments, calendar, evaluation, form, meeting, records

urlpatterns = [
    path("", meeting.meeting_list, name="meeting_list"),
    path("new/", form.meeting_create, name="meeting_create"),
    path("due/", form.meeting_due, name="meeting_due"),
    path("<int:pk>/", meeting.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", form.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attachments/", attachments.attachment_upload, name="meeting_attachment_upload"),
    path("<int:pk>/grades/", evaluation.evaluation_grades, name="meeting_grades"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="meeting_attachment"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="meeting_attachment_delete"),
    path("talks/", records.talk_list, name="meeting_talks"),
    path("talks/new/", records.talk_create, name="meeting_talk_create"),
    path("reports/", records.report_list, name="meeting_reports"),
    path("reports/new/", records.report_create, name="meeting_report_create"),
    path("calendar/", calendar.calendar_home, name="meeting_calendar_home"),
    path("calendar/<int:branch_pk>/<int:year>/", calendar.calendar, name="meeting_calendar"),
    path("overview/<int:unit_pk>/<int:year>/", calendar.overview, name="meeting_overview"),
]
