from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from nsm import views
from nsm.api.api import api, not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("nsm.accounts.urls")),
    path("reference/", include("nsm.reference.urls")),
    path("plan/", include("nsm.reports.urls_chapters")),
    path("plan/", include("nsm.strategy.urls")),
    path("capacity/", include("nsm.capacity.urls")),
    path("monitoring/", include("nsm.monitoring.urls")),
    path("notifications/", include("nsm.notifications.urls")),
    path("context/", include("nsm.context.urls")),
    path("working-group/", include("nsm.workinggroup.urls")),
    path("consultation/", include("nsm.consultation.urls")),
    path("analysis/", include("nsm.analytics.urls")),
    path("", include("nsm.analytics.urls_indicators")),
    path("documents/", include("nsm.reports.urls")),
    path("sdg-1072/", include("nsm.assessment.urls")),
    path("search/", include("nsm.search.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", not_found),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - development convenience only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
