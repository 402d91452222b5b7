"""The error pages (issue 17, item 8): styled, translated, with a way back; the 500 page stands alone."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_page_is_styled_with_a_way_home_and_to_sign_in(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h3">Page not found</h1>' in page and 'href="/"' in page
    assert "/accounts/login/?next=/no-such-page/" in page
    assert "nsm/favicon.svg" in page


def test_a_missing_page_speaks_albanian(client, db):
    page = client.get("/no-such-page/", headers={"accept-language": "sq"}).content.decode()
    assert '<html lang="sq">' in page and "Faqja nuk u gjet" in page


def test_a_missing_page_for_a_signed_in_user_offers_no_sign_in(client_for, focal_point):
    page = client_for(focal_point).get("/no-such-page/").content.decode()
    assert "Page not found" in page and "/accounts/login/?next=" not in page


def test_the_server_error_page_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and "Nothing you saved before is lost" in page and 'href="/"' in page
