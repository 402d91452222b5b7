"""A training's participants are officials of the training's strategy's country: an institution code resolves among
that country's institutions only (MPB of Kosovo is not MPB of Albania), and a code only another country has is
refused in a sentence at its cell."""

import pytest

from nsm.capacity import services
from nsm.capacity.models import Participant
from nsm.strategy.workbook import WorkbookError
from tests.capacity.conftest import make_training, person
from tests.capacity.test_import import HEADER, xlsx
from tests.factories import InstitutionFactory, StrategyFactory


@pytest.fixture
def kosovo_training(secretariat):
    for code in ("MPB", "AKPA"):
        InstitutionFactory(code=code, country="AL")
    strategy = StrategyFactory(code="XK-NSM", country="XK")
    return make_training(strategy, secretariat, organiser=InstitutionFactory(code="MPB", country="XK"))


def test_a_participants_code_resolves_to_the_institution_of_the_trainings_country(kosovo_training, secretariat):
    services.save_participants(kosovo_training, by=secretariat, rows=[person("Arben Krasniqi", institution="mpb")])
    assert Participant.objects.get().institution.country == "XK"


def test_a_code_only_another_country_has_is_refused_at_its_cell(kosovo_training, secretariat):
    data = xlsx([HEADER, ["Arben Krasniqi", "MPB", "male", "", None, None], ["Drita Berisha", "AKPA", "female"]])
    with pytest.raises(WorkbookError) as refused:
        services.import_participants(kosovo_training, by=secretariat, file=data)
    assert refused.value.messages == [
        "Participants!B3: AKPA is not an institution of Kosovo (XK): it is one of Albania (AL)."
    ]
    assert not Participant.objects.exists()
