"""The 3本6盒1证 archive (SPEC §5). Mounted at /archives/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.archive_home, name="archive_home"),
    path("<int:branch_pk>/", views.archive_shelf, name="archive_shelf"),
    path("<int:branch_pk>/<int:year>/books/", views.books_register, name="archive_books_register"),
    path("<int:branch_pk>/<int:year>/<slug:box_kind>/", views.archive_box, name="archive_box"),
    path("catalogues/<int:pk>/", views.catalogue_detail, name="archive_catalogue"),
    path("catalogues/<int:pk>/bind/", views.catalogue_bind, name="archive_catalogue_bind"),
    path("catalogues/<int:pk>/pdf/", views.catalogue_pdf, name="archive_catalogue_pdf"),
    path("documents/<int:pk>/file/", views.document_file, name="archive_document_file"),
    path("documents/<int:pk>/edit/", views.document_edit, name="archive_document_edit"),
    path("documents/<int:pk>/delete/", views.document_delete, name="archive_document_delete"),
]
