"""Drafting and consultation pages, under /consultation/."""

from django.urls import path

from nsm.consultation import views_rounds, views_versions

app_name = "consultation"

urlpatterns = [
    path("strategy/<str:code>/versions/", views_versions.version_list, name="versions"),
    path("strategy/<str:code>/versions/compare/", views_versions.version_compare, name="compare"),
    path("strategy/<str:code>/versions/<int:number>/", views_versions.version_detail, name="version"),
    path("strategy/<str:code>/versions/<int:number>/adopt/", views_versions.version_adopt, name="version_adopt"),
    path("strategy/<str:code>/quality/", views_versions.quality_check, name="quality"),
    # Consultation rounds (views_rounds)
    path("strategy/<str:code>/rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/<int:pk>/", views_rounds.round_page, name="round"),
    path("rounds/<int:pk>/edit/", views_rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/report/", views_rounds.round_report, name="round-report"),
    path("rounds/<int:pk>/issue/", views_rounds.round_issue, name="round-issue"),
    path("rounds/<int:pk>/report.xlsx", views_rounds.round_report_xlsx, name="round-report-xlsx"),
    path("comments/<int:pk>/answer/", views_rounds.comment_answer, name="comment-answer"),
    path("mine/", views_rounds.my_rounds, name="mine"),
    path("public/<int:pk>/", views_rounds.public_round, name="public"),
]
