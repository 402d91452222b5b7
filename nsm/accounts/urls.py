from django.contrib.auth import views as auth_views
from django.urls import path

from nsm.accounts import views, views_passwords, views_people, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views_security.two_factor, name="two-factor"),
    path("two-factor/enroll/", views_security.two_factor_enroll, name="two-factor-enroll"),
    path("password/", views_passwords.PasswordChangeView.as_view(), name="password-change"),
    path("password/done/", views_passwords.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("password/reset/", views_passwords.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views_passwords.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views_passwords.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", views_passwords.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("institutions/", views.institutions, name="institutions"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("people/", views_people.people, name="people"),
    path("people/invite/", views_people.invite, name="people-invite"),
    path("people/<int:pk>/", views_people.person, name="person"),
    path("people/<int:pk>/deactivate/", views_people.deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views_people.reactivate, name="person-reactivate"),
    path("people/<int:pk>/reset-two-factor/", views_people.reset_two_factor, name="person-reset-two-factor"),
    path("people/invitations/<int:pk>/resend/", views_people.invitation_resend, name="invitation-resend"),
    path("people/invitations/<int:pk>/cancel/", views_people.invitation_cancel, name="invitation-cancel"),
    path("invitation/<str:token>/", views_people.accept, name="invitation"),
]
