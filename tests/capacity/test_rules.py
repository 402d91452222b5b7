"""The rules of trainings and participants hold whoever calls the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from nsm.capacity import services
from nsm.capacity.models import Participant, Training
from tests.capacity.conftest import make_training, person
from tests.factories import InstitutionFactory


def test_a_training_cannot_end_before_it_starts(strategy, secretariat):
    with pytest.raises(ValidationError) as error:
        make_training(strategy, secretariat, starts_on=datetime.date(2024, 5, 6), ends_on=datetime.date(2024, 5, 5))
    assert "ends_on" in error.value.message_dict
    assert not Training.objects.exists()


def test_a_training_has_a_topic_from_the_list(strategy, secretariat):
    with pytest.raises(ValidationError):
        make_training(strategy, secretariat, topics=())
    with pytest.raises(ValidationError):
        make_training(strategy, secretariat, topics=("astrology",))
    assert not Training.objects.exists()


def test_a_training_names_its_organiser(strategy, secretariat):
    with pytest.raises(ValidationError) as error:
        services.create_training(
            strategy=strategy, by=secretariat, title="GCM", topics=["gcm"],
            starts_on=datetime.date(2024, 3, 1), ends_on=datetime.date(2024, 3, 2),
        )  # fmt: skip
    assert "organiser" in error.value.message_dict
    training = services.create_training(
        strategy=strategy, by=secretariat, title="GCM", topics=["gcm"], organiser_name="IOM project",
        starts_on=datetime.date(2024, 3, 1), ends_on=datetime.date(2024, 3, 2),
    )  # fmt: skip
    assert training.organiser_label == "IOM project"


def test_a_training_takes_place_within_the_strategys_years(strategy, secretariat):
    with pytest.raises(ValidationError) as error:
        make_training(strategy, secretariat, starts_on=datetime.date(2019, 5, 6))
    assert "starts_on" in error.value.message_dict


def test_scores_are_whole_numbers_from_0_to_100_and_nothing_is_written_when_a_row_is_wrong(training, secretariat):
    InstitutionFactory(code="AKPA")
    rows = [person("Ana Hoxha", pre=40, post=70), person("Besa Kola", "AKPA", pre=101), person("Dritan Meta", post=-1)]
    with pytest.raises(services.ParticipantsInvalid) as error:
        services.save_participants(training, by=secretariat, rows=rows)
    assert [(e.row, e.field) for e in error.value.row_errors] == [(2, "pre_score"), (3, "post_score")]
    assert not Participant.objects.exists()


def test_a_participant_needs_a_known_institution_a_sex_and_a_name(training, secretariat):
    rows = [person("Ana", "NOPE"), person("Besa", sex="x"), person("   ")]
    with pytest.raises(services.ParticipantsInvalid) as error:
        services.save_participants(training, by=secretariat, rows=rows)
    assert [(e.row, e.field) for e in error.value.row_errors] == [(1, "institution"), (2, "sex"), (3, "name")]


def test_a_person_listed_twice_is_refused_and_a_person_listed_already_is_updated(training, secretariat):
    with pytest.raises(services.ParticipantsInvalid) as error:
        services.save_participants(training, by=secretariat, rows=[person("Ana Hoxha"), person("ana  HOXHA")])
    assert error.value.row_errors[0].row == 2
    saved = services.save_participants(training, by=secretariat, rows=[person("Ana Hoxha", pre=50)])
    assert (saved.created, saved.updated) == (1, 0)
    saved = services.save_participants(training, by=secretariat, rows=[person("ANA hoxha", pre=50, post=90)])
    assert (saved.created, saved.updated) == (0, 1)
    participant = Participant.objects.get()
    assert (participant.name, participant.post_score, participant.gain) == ("ANA hoxha", 90, 40)
    assert participant.history.count() == 2


def test_editing_a_training_on_an_old_version_is_refused(training, secretariat, coordinator):
    services.update_training(training, by=coordinator, data={"title": "International migration law"}, version=1)
    with pytest.raises(services.StaleVersion):
        services.update_training(training, by=secretariat, data={"title": "Other"}, version=1)
    training.refresh_from_db()
    assert (training.title, training.version) == ("International migration law", 2)
    assert training.history.first().history_user == coordinator


def test_changing_the_topics_of_a_training_is_recorded(training, secretariat):
    services.update_training(training, by=secretariat, data={"topics": ["gcm", "gender"]}, version=training.version)
    assert sorted(training.topics.values_list("topic", flat=True)) == ["gcm", "gender"]
    training.refresh_from_db()
    assert training.version == 2
