"""Signing in and out."""

from django.urls import reverse


def test_focal_point_signs_in_and_sees_the_strategies(public, focal_point):
    response = public.post(
        reverse("accounts:login"), {"username": "focal", "password": "correct horse battery"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == focal_point


def test_wrong_password_is_refused_with_a_message(public, focal_point):
    response = public.post(reverse("accounts:login"), {"username": "focal", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].errors


def test_sign_out_ends_the_session(client_for, focal_point):
    client = client_for(focal_point)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_home_page_lists_only_strategies_of_the_users_country(client_for, viewer, strategy):
    from tests.factories import StrategyFactory

    StrategyFactory(code="XK-NSM", country="XK", title_en="Kosovo plan", title_sq="Plani i Kosovës")
    response = client_for(viewer).get(reverse("home"))
    assert list(response.context["strategies"]) == [strategy]
