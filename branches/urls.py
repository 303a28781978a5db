from django.urls import include, path

from . import views

urlpatterns = [
    path("org/", views.org_tree, name="org_tree"),
    path("alerts/", include("branches.alert_urls")),  # the notification centre (SPEC §7)
    path("org/<int:pk>/", views.org_unit_detail, name="org_unit"),
    path("org/<int:pk>/edit/", views.org_unit_update, name="org_unit_update"),
    path("org/<int:pk>/children/new/", views.org_unit_create, name="org_unit_create"),
    path("org/<int:pk>/terms/new/", views.committee_term_open, name="committee_term_open"),
    path("org/<int:pk>/tenures/new/", views.role_tenure_start, name="role_tenure_start"),
    path("org/<int:pk>/tenures/<int:tenure_pk>/end/", views.role_tenure_end, name="role_tenure_end"),
    path("org/<int:pk>/elections/new/", views.election_record, name="election_record"),
    path("org/<int:pk>/adjustments/new/", views.term_adjustment_record, name="term_adjustment_record"),
    path("org/<int:pk>/groups/new/", views.party_group_edit, name="party_group_create"),
    path("org/<int:pk>/groups/<int:group_pk>/edit/", views.party_group_edit, name="party_group_update"),
]
