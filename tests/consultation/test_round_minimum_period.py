"""A consultation round lasts at least the working days Law 146/2014 gives to comment
(NSM_CONSULTATION_MIN_WORKING_DAYS, 20 by default): a shorter one is refused by the service and by the pages,
naming the law and the earliest closing date; Monday to Friday are the working days."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.consultation import rounds
from nsm.consultation.models import ConsultationRound
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2030, 1, 7)
FRIDAY_OF_THE_FOURTH_WEEK = datetime.date(2030, 2, 1)  # the 20th working day from Monday 7 January, both counted


def test_working_days_are_monday_to_friday():
    assert rounds.working_days(MONDAY, MONDAY + datetime.timedelta(days=6)) == 5
    assert rounds.working_days(MONDAY, FRIDAY_OF_THE_FOURTH_WEEK) == 20
    assert rounds.earliest_close(MONDAY) == FRIDAY_OF_THE_FOURTH_WEEK
    saturday = MONDAY - datetime.timedelta(days=2)
    assert rounds.earliest_close(saturday) == FRIDAY_OF_THE_FOURTH_WEEK  # the weekend before counts for nothing


def test_the_service_refuses_a_round_a_day_short_and_accepts_it_on_the_boundary(version, secretariat):
    with pytest.raises(ValidationError) as refused:
        rounds.create_round(
            version, by=secretariat, title="Short", opens_on=MONDAY,
            closes_on=FRIDAY_OF_THE_FOURTH_WEEK - datetime.timedelta(days=1),
        )  # fmt: skip
    message = " ".join(refused.value.message_dict["closes_on"])
    assert "Law 146/2014" in message and "20 working days" in message and "Feb. 1, 2030" in message
    made = rounds.create_round(
        version, by=secretariat, title="Long enough", opens_on=MONDAY, closes_on=FRIDAY_OF_THE_FOURTH_WEEK
    )
    assert ConsultationRound.objects.get() == made


def test_shortening_a_round_is_refused_too(version, secretariat):
    made = rounds.create_round(version, by=secretariat, title="R", opens_on=MONDAY, closes_on=FRIDAY_OF_THE_FOURTH_WEEK)
    with pytest.raises(ValidationError, match="Law 146/2014"):
        rounds.update_round(made, by=secretariat, opens_on=MONDAY + datetime.timedelta(days=1))
    made.refresh_from_db()
    assert made.opens_on == MONDAY


def test_the_setting_changes_the_minimum(version, secretariat, settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 5
    rounds.create_round(
        version, by=secretariat, title="A week", opens_on=MONDAY, closes_on=MONDAY + datetime.timedelta(4)
    )
    with pytest.raises(ValidationError, match="at least 5 working days"):
        rounds.create_round(
            version, by=secretariat, title="Less", opens_on=MONDAY, closes_on=MONDAY + datetime.timedelta(3)
        )


def test_the_form_keeps_the_refusal_and_the_typed_dates_on_screen(version, secretariat, client_for):
    url = reverse("consultation:rounds", args=[version.strategy.code])
    short = (FRIDAY_OF_THE_FOURTH_WEEK - datetime.timedelta(days=1)).isoformat()
    response = client_for(secretariat).post(
        url, {"version": version.pk, "title": "Short", "opens_on": MONDAY.isoformat(), "closes_on": short}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Law 146/2014" in page and "Feb. 1, 2030" in page
    assert f'value="{short}"' in page and not ConsultationRound.objects.exists()
    accepted = client_for(secretariat).post(
        url, {"version": version.pk, "title": "Long", "opens_on": MONDAY.isoformat(),
              "closes_on": FRIDAY_OF_THE_FOURTH_WEEK.isoformat()},
    )  # fmt: skip
    assert accepted.status_code == 302 and ConsultationRound.objects.count() == 1


def test_the_edit_page_refuses_a_short_round(private_round, secretariat, client_for):
    url = reverse("consultation:round-edit", args=[private_round.pk])
    closes_on = (private_round.opens_on + datetime.timedelta(days=3)).isoformat()
    data = {"title": private_round.title, "opens_on": private_round.opens_on.isoformat(), "closes_on": closes_on}
    data["revision"] = "1"
    response = client_for(secretariat).post(url, data)
    assert response.status_code == 200 and "Law 146/2014" in response.content.decode()
