"""Pages of the evidence base."""

from django.urls import path

from nsm.context import views

app_name = "context"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("indicators/add/", views.indicator_add, name="indicator-add"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/values/add/", views.value_add, name="value-add"),
    path("values/<int:pk>/edit/", views.value_edit, name="value-edit"),
    path("values/<int:pk>/delete/", views.value_delete, name="value-delete"),
    path("import/", views.import_upload, name="import"),
]
