"""The documents made from a strategy's data: /documents/<code>/..."""

from django.urls import path

from nsm.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("consultation/<int:pk>/<str:language>/<str:fmt>/", views.consultation, name="consultation"),
    path("<str:code>/", views.documents, name="documents"),
    path("<str:code>/request/", views.request_document, name="request"),
    path("<str:code>/<int:pk>/status/", views.status, name="status"),
    path("<str:code>/<int:pk>/download/", views.download, name="download"),
]
