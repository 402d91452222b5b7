from django.contrib.auth import views as auth_views
from django.urls import path

from nsm.accounts import views, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views_security.two_factor, name="two-factor"),
    path("two-factor/enroll/", views_security.two_factor_enroll, name="two-factor-enroll"),
    path("institutions/", views.institutions, name="institutions"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
