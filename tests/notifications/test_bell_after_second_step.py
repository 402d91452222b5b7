"""The bell shows only once the sign-in is complete: while a secretariat user types the code of the second step, the
page shows no bell (its requests would be sent to the code page)."""

from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in


def test_no_bell_before_the_second_step_and_a_bell_after(secretariat):
    client = Client()
    client.force_login(secretariat)  # the password step only
    page = client.get(reverse("home"), follow=True)  # sent to set up or type the code
    assert page.status_code == 200 and "two-factor" in page.request["PATH_INFO"]
    assert reverse("notifications:bell") not in page.content.decode()
    signed = sign_in(Client(), secretariat)
    assert reverse("notifications:bell") in signed.get(reverse("home")).content.decode()
