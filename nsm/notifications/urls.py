"""The inbox pages."""

from django.urls import path

from nsm.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("read-all/", views.read_all, name="read-all"),
    path("settings/", views.preferences, name="settings"),
    path("bell/", views.bell, name="bell"),
]
