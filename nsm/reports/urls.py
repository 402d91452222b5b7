"""The documents made from a strategy's data: /documents/<code>/...; the annual report's narrative and issues:
/documents/<code>/annual/<period>/...; the issued reports of a public strategy: /documents/published/<code>/; the
remarks on the drafts: /documents/<code>/remarks/..."""

from django.urls import path

from nsm.reports import views, views_annual, views_gcm, views_remarks

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("consultation/<int:pk>/<str:language>/<str:fmt>/", views.consultation, name="consultation"),
    path("annual/<int:pk>/<str:language>/<str:fmt>/", views_annual.issued_file, name="annual-file"),
    path("published/<str:code>/", views_annual.published, name="published"),
    path("remarks/<int:pk>/answer/", views_remarks.answer, name="remark-answer"),
    path("<str:code>/", views.documents, name="documents"),
    path("<str:code>/annual/<str:period>/", views_annual.annual, name="annual"),
    path("<str:code>/annual/<str:period>/preview/", views_annual.preview, name="annual-preview"),
    path("<str:code>/annual/<str:period>/issue/", views_annual.issue, name="annual-issue"),
    path("<str:code>/request/", views.request_document, name="request"),
    path("<str:code>/<int:pk>/status/", views.status, name="status"),
    path("<str:code>/<int:pk>/download/", views.download, name="download"),
    path("<str:code>/remarks/", views_remarks.remark_list, name="remark-list"),
    path("<str:code>/remarks/<str:subject>/", views_remarks.remarks_page, name="remarks"),
    path("<str:code>/gcm-review/", views_gcm.review, name="gcm-review"),
    path("<str:code>/gcm-review/save/", views_gcm.save, name="gcm-review-save"),
    path("<str:code>/gcm-review/preview/", views_gcm.preview, name="gcm-review-preview"),
    path("<str:code>/gcm-review/<str:language>/<str:fmt>/", views_gcm.download, name="gcm-review-file"),
]
