"""The SDG 10.7.2 self-assessment pages: /sdg-1072/<code>/ (a strategy's) and /sdg-1072/assessment/<pk>/..."""

from django.urls import path

from nsm.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/<int:pk>/", views.detail, name="detail"),
    path("assessment/<int:pk>/answers/", views.answers, name="answers"),
    path("assessment/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("assessment/<int:pk>/status/", views.status, name="status"),
    path("assessment/<int:pk>/<str:language>/<str:fmt>/", views.document, name="document"),
    path("<str:code>/", views.assessment_list, name="list"),
    path("<str:code>/new/", views.create, name="create"),
]
