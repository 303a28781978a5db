from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("branches/", views.dashboard_branches, name="dashboard_branches"),
    path("branch/<int:pk>/", views.dashboard_branch, name="dashboard_branch"),
    path("refresh/", views.dashboard_refresh, name="dashboard_refresh"),
]
