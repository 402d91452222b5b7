"""Trainings on the test strategy: helpers every capacity test starts from."""

import datetime

import pytest

from nsm.capacity import services
from nsm.capacity.services import ParticipantInput
from tests.factories import InstitutionFactory


def make_training(strategy, by, *, title="Migration law", topics=("migration_law",), starts_on=None, ends_on=None,
                  organiser=None, **extra):  # fmt: skip
    starts_on = starts_on or datetime.date(2024, 5, 6)
    return services.create_training(
        strategy=strategy,
        by=by,
        title=title,
        topics=list(topics),
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        organiser=organiser or InstitutionFactory(code="MPB"),
        **extra,
    )


def person(name, institution="MPB", sex="female", pre=None, post=None, position=""):
    return ParticipantInput(name, institution, sex, position, pre, post)


@pytest.fixture
def training(strategy, secretariat):
    return make_training(strategy, secretariat)
