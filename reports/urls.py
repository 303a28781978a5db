from django.urls import path

from . import views

urlpatterns = [
    path("", views.download_center, name="download_center"),
    path("jobs/<int:pk>/status/", views.job_status, name="report_job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="report_job_download"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="report_job_retry"),
    path("units/<int:unit_pk>/export/<str:kind>/", views.unit_export, name="report_unit_export"),
    path("units/<int:unit_pk>/summary/", views.summary_export, name="report_summary"),
    path("branches/<int:branch_pk>/<int:year>/report.pdf", views.branch_report_pdf, name="branch_report_pdf"),
]
