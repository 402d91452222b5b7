"""The indicator tracking table, GCM alignment and the public page: /analysis/<code>/indicators/, .../gcm/,
/public/<code>/."""

from django.urls import path

from nsm.analytics import views_public, views_tracking

app_name = "tracking"

urlpatterns: list = [
    path("analysis/<str:code>/indicators/", views_tracking.iptt, name="iptt"),
    path("analysis/<str:code>/indicators.xlsx", views_tracking.iptt_export, name="iptt_export"),
    path("analysis/<str:code>/gcm/", views_tracking.gcm, name="gcm"),
    path("analysis/<str:code>/publish/", views_tracking.publish, name="publish"),
    path("public/", views_public.public_index, name="public_index"),
    path("public/<str:code>/", views_public.public_page, name="public"),
]
