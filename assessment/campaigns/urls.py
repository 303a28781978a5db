from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("review/", views.review_queue, name="campaign_review_queue"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/rectification/", views.rectification, name="campaign_rectification"),
    path("<int:pk>/<slug:action>/", views.campaign_action, name="campaign_action"),
    path("assessments/<int:pk>/", views.assessment_detail, name="campaign_assessment"),
    path("assessments/<int:pk>/self/", views.assessment_self, name="campaign_assessment_self"),
    path("assessments/<int:pk>/do/<slug:action>/", views.assessment_action, name="campaign_assessment_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="campaign_evidence"),
]
