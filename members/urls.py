from django.urls import path

from .views import development, dues, excel, inactivity, roster, study, transfers

urlpatterns = [
    path("", roster.member_list, name="member_list"),
    path("new/", roster.member_create, name="member_create"),
    path("export/", excel.member_export, name="member_export"),
    path("<int:pk>/", roster.member_detail, name="member_detail"),
    path("<int:pk>/edit/", roster.member_update, name="member_update"),
    path("<int:pk>/status/", roster.member_change_status, name="member_change_status"),
    path("<int:pk>/reveal-id/", roster.member_reveal_id, name="member_reveal_id"),
    # 党费
    path("<int:pk>/dues/", dues.dues_card, name="member_dues_card"),
    path("branch/<int:branch_pk>/dues/<int:year>/", dues.dues_grid, name="dues_grid"),
    path("branch/<int:branch_pk>/dues/<int:year>/<int:month>/", dues.dues_month, name="dues_month"),
    # 学时
    path("branch/<int:branch_pk>/study/<int:year>/", study.study_hours_page, name="study_hours"),
    path("branch/<int:branch_pk>/trainings/new/", study.training_create, name="training_create"),
    path("trainings/<int:pk>/edit/", study.training_edit, name="training_edit"),
    path("trainings/<int:pk>/delete/", study.training_delete, name="training_delete"),
    # 发展党员
    path("branch/<int:branch_pk>/development/", development.development_branch, name="development_branch"),
    path("<int:pk>/development/", development.development_timeline, name="development_timeline"),
    path("<int:pk>/development/new/", development.development_step_create, name="development_step_create"),
    path("<int:pk>/development/<int:step_pk>/edit/", development.development_step_edit,
         name="development_step_edit"),
    # 组织关系转接
    path("transfers/", transfers.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/letter/", transfers.transfer_letter, name="transfer_letter"),
    path("transfers/<int:pk>/receive/", transfers.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel, name="transfer_cancel"),
    path("<int:pk>/transfer-out/", transfers.transfer_out, name="transfer_out"),
    path("branch/<int:branch_pk>/transfer-in/", transfers.transfer_in, name="transfer_in"),
    # six-month rule
    path("branch/<int:branch_pk>/six-month/", inactivity.six_month_page, name="six_month"),
    path("<int:pk>/six-month/<str:rule>/", inactivity.inactivity_handle, name="inactivity_handle"),
    # Excel
    path("templates/<str:dataset>.xlsx", excel.import_template, name="import_template"),
    path("branch/<int:branch_pk>/import/", excel.member_import, name="member_import"),
    path("imports/<int:pk>/", excel.import_detail, name="import_detail"),
    path("imports/<int:pk>/report/", excel.import_report, name="import_report"),
]
