"""History rows name who made a change and why, when a service acts through `acting_as`."""

from nsm.audit import acting_as
from tests.factories import InstitutionFactory


def test_history_names_the_acting_user_and_the_reason(coordinator):
    institution = InstitutionFactory(code="TEST-AUDIT")
    with acting_as(coordinator, reason="renamed after the 2025 reorganisation"):
        institution.name_en = "Renamed institution"
        institution.save()
    latest = institution.history.first()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "renamed after the 2025 reorganisation"
    assert latest.prev_record.history_change_reason is None


def test_outside_acting_as_no_user_is_recorded(db):
    institution = InstitutionFactory(code="TEST-AUDIT-2")
    assert institution.history.first().history_user is None
