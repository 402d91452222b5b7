"""The working-group pages: attendance totals, the action point filters, forms that refuse bad input, and lists in
a constant number of queries."""

import datetime

from django.urls import reverse

from nsm.workinggroup import services
from nsm.workinggroup.models import Meeting
from tests.factories import InstitutionFactory
from tests.workinggroup.conftest import pdf_file

LIST_QUERIES = 6
MEETING_QUERIES = 12
HOME_QUERIES = 15  # the secretariat's home page: every list of it (tests/test_home.py pins each persona's)


def url(name, *args):
    return reverse(f"workinggroup:{name}", args=args)


def test_the_meeting_page_totals_participants_by_sex_and_institution(client_for, viewer, meeting):
    response = client_for(viewer).get(url("meeting", meeting.pk))
    attendance = response.context["attendance"]
    assert attendance.total == 3
    assert [(sex, count) for sex, _label, count in attendance.by_sex] == [("female", 2), ("male", 1), ("other", 0)]
    assert [(row.code, row.by_sex(), row.total) for row in attendance.institutions] == [
        ("AKPA", [1, 0, 0], 1),
        ("MSHMS", [1, 1, 0], 2),
    ]
    page = response.content.decode()
    assert "Approve the draft for consultation." in page
    assert "Overdue" in page  # the overdue action point says so in words


def test_the_meeting_list_sums_up_each_meeting(client_for, viewer, meeting):
    response = client_for(viewer).get(url("meetings", meeting.strategy.code))
    (row,) = response.context["meetings"]
    assert (row.n_participants, row.n_female, row.n_male, row.n_other) == (3, 2, 1, 0)
    assert (row.n_decisions, row.n_action_points, row.n_overdue) == (1, 2, 1)


def test_the_action_point_list_filters_by_owner_status_and_overdue(client_for, viewer, meeting, overdue_point):
    client = client_for(viewer)
    address = url("action-points", meeting.strategy.code)

    def texts(**query):
        return [point.text for point in client.get(address, query).context["points"]]

    assert len(texts()) == 2
    assert texts(overdue="on") == [overdue_point.text]
    assert texts(owner=overdue_point.owner_id) == [overdue_point.text]
    assert texts(status="done") == []
    assert len(texts(status="open")) == 2


def test_a_bad_participant_is_refused_with_the_errors_on_the_page(client_for, secretariat, meeting):
    response = client_for(secretariat).post(url("participant-add", meeting.pk), {"name": "", "sex": "x"})
    assert response.status_code == 400
    assert response.context["participant_form"].errors.keys() >= {"name", "sex", "institution"}
    assert meeting.participants.count() == 3


def test_minutes_of_the_wrong_type_are_refused_on_the_form(client_for, secretariat, strategy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"body": "iiwg", "held_on": "2025-01-10", "title": "With bad minutes", "agenda": "", "location": ""}
    data["minutes"] = SimpleUploadedFile("minutes.pdf", b"GIF89a not a pdf")
    response = client_for(secretariat).post(url("meeting-create", strategy.code), data)
    assert response.status_code == 200
    assert "PDF or Word" in response.content.decode()
    assert not Meeting.objects.filter(title="With bad minutes").exists()


def test_a_stale_meeting_edit_is_refused(client_for, secretariat, coordinator, meeting):
    services.update_meeting(meeting, by=coordinator, version=1, title="Renamed")
    data = {"version": 1, "body": "iiwg", "held_on": "2025-03-12", "title": "Mine", "agenda": "", "location": ""}
    response = client_for(secretariat).post(url("meeting-edit", meeting.pk), data)
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "Renamed"


def _more_meetings(strategy, by, count, first=0):
    institutions = [InstitutionFactory(code=f"Q{first + n}") for n in range(count)]
    for n, institution in enumerate(institutions):
        made = services.create_meeting(
            strategy, by=by, body="iiwg", held_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=first + n),
            title=f"Meeting {first + n}", minutes=pdf_file(),
        )  # fmt: skip
        services.add_participant(made, by=by, institution=institution, name=f"P{n}", sex="male")
        decision = services.add_decision(made, by=by, text_sq="D")
        services.add_action_point(
            made, by=by, text_sq=f"A{n}", owner=institution, due_on=made.held_on, decision=decision
        )


def test_lists_run_in_a_constant_number_of_queries(client_for, secretariat, meeting, django_assert_max_num_queries):
    client = client_for(secretariat)
    code = meeting.strategy.code
    for count, first in ((3, 0), (30, 3)):
        _more_meetings(meeting.strategy, secretariat, count, first)
        for address in (url("meetings", code), url("action-points", code), url("action-points", code) + "?overdue=on"):
            with django_assert_max_num_queries(LIST_QUERIES):
                assert client.get(address).status_code == 200
        with django_assert_max_num_queries(HOME_QUERIES):
            assert "Overdue action points" in client.get(reverse("home")).content.decode()


def test_the_meeting_page_runs_in_a_constant_number_of_queries(
    client_for, secretariat, meeting, django_assert_max_num_queries
):
    client = client_for(secretariat)
    mshms = InstitutionFactory(code="MSHMS")
    for n in range(20):
        services.add_participant(meeting, by=secretariat, institution=InstitutionFactory(code=f"R{n}"),
                                 name=f"Person {n}", sex="other")  # fmt: skip
        services.add_action_point(meeting, by=secretariat, text_sq=f"Act {n}", owner=mshms, due_on=meeting.held_on)
    with django_assert_max_num_queries(MEETING_QUERIES):
        assert client.get(url("meeting", meeting.pk)).status_code == 200
