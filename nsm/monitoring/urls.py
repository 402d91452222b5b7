"""Monitoring pages: cycles and their board, reports, the review, evidence, the report workbook."""

from django.urls import path

from nsm.monitoring import views, workbook_views

app_name = "monitoring"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("shared/", views.shared_lines, name="shared-lines"),
    path("strategy/<str:code>/cycles/", views.cycle_list, name="cycles"),
    path("cycles/<int:pk>/", views.cycle_board, name="cycle"),
    path("cycles/<int:pk>/open/", views.cycle_open, name="cycle-open"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle-close"),
    path("cycles/<int:pk>/remind/", views.cycle_remind, name="cycle-remind"),
    path("cycles/<int:pk>/board.xlsx", views.cycle_workbook, name="cycle-workbook"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report-approve"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report-reopen"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report-comment"),
    path("reports/<int:pk>/history/", views.report_history, name="report-history"),
    path("reports/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("reports/<int:pk>/workbook.xlsx", workbook_views.report_workbook, name="report-workbook"),
    path("reports/<int:pk>/upload/", workbook_views.report_upload, name="report-upload"),
]
