from django.urls import path

from . import views

urlpatterns = [
    path("branches/<int:branch_pk>/<int:year>/", views.branch_score, name="branch_score"),
]
