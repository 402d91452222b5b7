"""Working-group pages: meetings of the IIWG and the Technical Committee, decisions and action points."""

from django.urls import path

from nsm.workinggroup import views

app_name = "workinggroup"

urlpatterns = [
    path("", views.index, name="index"),
    path("strategy/<str:code>/", views.meeting_list, name="meetings"),
    path("strategy/<str:code>/new/", views.meeting_create, name="meeting-create"),
    path("strategy/<str:code>/action-points/", views.action_point_list, name="action-points"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/minutes/", views.minutes_download, name="minutes"),
    path("meetings/<int:pk>/participants/", views.participant_add, name="participant-add"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("meetings/<int:pk>/action-points/", views.action_point_add, name="action-point-add"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant-remove"),
    path("action-points/<int:pk>/", views.action_point_page, name="action-point"),
]
