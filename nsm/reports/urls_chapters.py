"""The narrative chapters of a strategy, under /plan/<code>/chapters/ (beside the plan's own pages)."""

from django.urls import path

from nsm.reports import views_chapters

app_name = "chapters"

urlpatterns = [
    path("<str:code>/chapters/", views_chapters.chapter_list, name="list"),
    path("<str:code>/chapters/<str:kind>/", views_chapters.chapter_edit, name="edit"),
    path("<str:code>/chapters/<str:kind>/preview/", views_chapters.chapter_preview, name="preview"),
]
