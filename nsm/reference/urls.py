from django.urls import path

from nsm.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("gcm/", views.gcm, name="gcm"),
    path("sdg/", views.sdg, name="sdg"),
    path("mgi/", views.mgi, name="mgi"),
    path("code-lists/", views.code_lists, name="code_lists"),
    path("territory/", views.territory, name="territory"),
]
