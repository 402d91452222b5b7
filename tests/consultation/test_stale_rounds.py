"""Two people editing the same consultation round: the second save, made on a page rendered before the first, is
refused with who changed what, and the second person's typed values stay on the page."""

import pytest
from django.urls import reverse

from nsm.consultation import rounds
from nsm.core.stale import StaleVersion
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import days

pytestmark = pytest.mark.django_db


def _form(**changes):
    return {"title": "Invited only", "opens_on": days(-1).isoformat(), "closes_on": days(30).isoformat(), **changes}


def test_a_round_saved_on_a_stale_page_is_refused_with_what_changed(
    private_round, secretariat, coordinator, client_for
):
    url = reverse("consultation:round-edit", args=[private_round.pk])
    first, second = client_for(secretariat), client_for(coordinator)
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    assert 'name="revision" value="1"' in second.get(url).content.decode()

    saved = first.post(url, _form(title="Second round of comments", revision="1"))
    refused = second.post(url, _form(closes_on=days(35).isoformat(), revision="1"))

    assert saved.status_code == 302
    assert refused.status_code == 200
    page = refused.content.decode()
    name = secretariat.get_full_name() or secretariat.username
    assert "since you opened it, so your change was not saved" in page
    assert name in page and "Second round of comments" in page
    assert f'value="{days(35).isoformat()}"' in page  # the typed date is kept
    assert 'name="revision" value="2"' in page
    private_round.refresh_from_db()
    assert (private_round.title, private_round.closes_on, private_round.revision) == (
        "Second round of comments", days(30), 2,
    )  # fmt: skip

    again = second.post(url, _form(closes_on=days(35).isoformat(), revision="2"))
    assert again.status_code == 302
    private_round.refresh_from_db()
    assert (private_round.closes_on, private_round.revision) == (days(35), 3)


def test_the_service_refuses_a_stale_revision(private_round, secretariat):
    rounds.update_round(private_round, by=secretariat, revision=1, title="Renamed")
    with pytest.raises(StaleVersion) as error:
        rounds.update_round(private_round, by=secretariat, revision=1, is_public=True)
    assert error.value.current_version == 2
    private_round.refresh_from_db()
    assert (private_round.is_public, private_round.revision) == (False, 2)
