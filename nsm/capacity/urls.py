"""Capacity-building pages: trainings, participants, the summary."""

from django.urls import path

from nsm.capacity import views

app_name = "capacity"

urlpatterns = [
    path("", views.index, name="index"),
    path("strategy/<str:code>/", views.training_list, name="trainings"),
    path("strategy/<str:code>/new/", views.training_create, name="training-create"),
    path("strategy/<str:code>/summary/", views.summary, name="summary"),
    path("trainings/<int:pk>/", views.training_page, name="training"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("trainings/<int:pk>/participants/", views.participants_add, name="participants-add"),
    path("trainings/<int:pk>/import/", views.participants_import, name="participants-import"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant-remove"),
]
