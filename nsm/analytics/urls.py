"""The dashboard and the activities behind its figures: /analysis/<code>/..."""

from django.urls import path

from nsm.analytics import views_dashboard

app_name = "analytics"

urlpatterns: list = [
    path("", views_dashboard.index, name="index"),
    path("<str:code>/", views_dashboard.dashboard, name="dashboard"),
    path("<str:code>/activities/", views_dashboard.activities, name="activities"),
    path("<str:code>/scorecards/", views_dashboard.scorecard_list, name="scorecards"),
    path("<str:code>/scorecards/<path:institution>/", views_dashboard.scorecard, name="scorecard"),
]
