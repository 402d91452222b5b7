"""Test URLs: the project's, with the workbook's views in the `strategy` namespace, ahead of the plan's pages.

Until `nsm/strategy/urls.py` includes `workbook_views.urlpatterns`, the workbook tests use this ROOT_URLCONF.
A stand-in `strategy:detail` is added only if the plan's pages do not provide one.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from nsm import views
from nsm.strategy import urls as strategy_urls
from nsm.strategy.workbook_views import urlpatterns as workbook_urlpatterns


def strategy_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(f"strategy {code}")


_names = {getattr(pattern, "name", None) for pattern in strategy_urls.urlpatterns}
_detail = [] if "detail" in _names else [path("<str:code>/", strategy_detail, name="detail")]
_strategy = [*workbook_urlpatterns, *strategy_urls.urlpatterns, *_detail]

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("nsm.accounts.urls")),
    path("reference/", include("nsm.reference.urls")),
    path("plan/", include((_strategy, "strategy"))),
    path("admin/", admin.site.urls),
]
