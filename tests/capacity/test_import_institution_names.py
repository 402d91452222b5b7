"""A participants file names each person's institution as the plan workbook does: by its code or by its name in
Albanian or English, whatever the case and accents, and a near miss is refused with a "did you mean"."""

import pytest

from nsm.capacity import services
from nsm.capacity.models import Participant
from nsm.core.spreadsheet import WorkbookError
from tests.capacity.test_import import xlsx
from tests.factories import InstitutionFactory

HEADER = ["Emri", "Institucioni", "Gjinia"]


@pytest.fixture
def interior(db):
    return InstitutionFactory(code="MB", name_sq="Ministria e Brendshme", name_en="Ministry of Interior")


def test_a_participants_institution_is_found_by_its_name_in_either_language_case_and_accents_aside(
    interior, training, secretariat
):
    data = xlsx([
        HEADER,
        ["Ana Hoxha", "Ministria e Brendshme", "femër"],
        ["Besnik Leka", "ministria e brendshme", "mashkull"],
        ["Cela Dema", "Ministry of Interior", "F"],
        ["Drita Berisha", "MINISTRIA E BRENDSHME", "Femer"],
        ["Ermal Gjoka", "mb", "M"],
    ])  # fmt: skip
    saved = services.import_participants(training, by=secretariat, file=data)
    assert saved.created == 5
    assert set(Participant.objects.values_list("institution__code", flat=True)) == {"MB"}


def test_a_name_close_to_a_known_one_is_refused_with_a_suggestion(interior, training, secretariat):
    data = xlsx(
        [
            HEADER,
            ["Ana Hoxha", "Ministria e Brendshmee", "female"],
            ["Besnik Leka", "National Agency for Refugees", "M"],
        ]
    )
    with pytest.raises(WorkbookError) as refused:
        services.import_participants(training, by=secretariat, file=data)
    assert refused.value.messages == [
        'Participants!B2: "Ministria e Brendshmee" is not the code or the name of an institution: did you mean '
        "Ministry of Interior (MB)?",
        'Participants!B3: "National Agency for Refugees" is not the code or the name of an institution.',
    ]
    assert not Participant.objects.exists()


def test_a_participant_typed_on_the_page_may_name_the_institution_too(interior, training, secretariat):
    person = services.ParticipantInput("Ana Hoxha", "Ministry of interior", "female")
    services.save_participants(training, by=secretariat, rows=[person])
    assert Participant.objects.get().institution == interior


def test_a_column_named_twice_is_an_error_at_its_header(training, secretariat):
    data = xlsx([["name", "institution", "sex", "Institucioni"], ["Ana Hoxha", "MPB", "female", "MPB"]])
    with pytest.raises(WorkbookError) as refused:
        services.import_participants(training, by=secretariat, file=data)
    assert refused.value.messages == ['Participants!D1: the column "Institucioni" appears twice']
