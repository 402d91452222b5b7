"""The public-page switch asks first: publishing and withdrawing say in words what they mean; a POST without the
confirmation changes nothing, the confirmed POST switches the page.

Data: `approved_plan` (tests/analytics/conftest.py), not public to begin with.
"""

import re

from nsm.analytics import services
from nsm.strategy.models import Strategy

CODE = "AL-NSM-TEST"
GCM = f"/analysis/{CODE}/gcm/"
PUBLISH = f"/analysis/{CODE}/publish/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def is_public() -> bool:
    return Strategy.objects.get(code=CODE).is_public


def test_withdrawing_without_the_confirmation_keeps_the_page_and_says_what_withdrawing_does(approved_plan, client_for):
    secretariat = approved_plan.users["secretariat"]
    services.set_public(approved_plan.strategy, public=True, by=secretariat)
    client = client_for(secretariat)
    response = client.post(PUBLISH, {"public": "0", "next": GCM})
    page, html = text_of(response), response.content.decode()
    assert response.status_code == 200
    assert f"Withdraw the public page of {CODE}?" in page
    assert "stop at once" in page and "You can publish the page again at any time." in page
    assert f'href="{GCM}"' in html and 'name="confirm" value="yes"' in html  # the way back, and the confirmation
    assert is_public()

    response = client.post(PUBLISH, {"public": "0", "next": GCM, "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == GCM
    assert not is_public()


def test_publishing_without_the_confirmation_publishes_nothing(approved_plan, client_for):
    client = client_for(approved_plan.users["secretariat"])
    page = text_of(client.post(PUBLISH, {"public": "1"}))
    assert f"Publish the approved figures of {CODE} on its public page?" in page
    assert "Anyone, without signing in" in page
    assert not is_public()
    client.post(PUBLISH, {"public": "1", "confirm": "yes"})
    assert is_public()


def test_a_get_asks_about_switching_the_page_from_its_state(approved_plan, client_for):
    secretariat = approved_plan.users["secretariat"]
    client = client_for(secretariat)
    assert "Publish on the public page" in text_of(client.get(PUBLISH))
    services.set_public(approved_plan.strategy, public=True, by=secretariat)
    assert "Withdraw from the public page" in text_of(client.get(PUBLISH))
    assert is_public()
