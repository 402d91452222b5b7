"""Who may see and do what in the working group: the secretariat and the coordinator record, every internal user
reads, the owner's focal point reports its own action points, the public signs in first."""

import pytest
from django.urls import reverse

from nsm.workinggroup.models import ActionPoint, Meeting


def url(name, *args):
    return reverse(f"workinggroup:{name}", args=args)


@pytest.mark.parametrize("persona", ["secretariat", "coordinator", "focal_point", "other_focal_point", "viewer"])
def test_every_internal_user_reads_the_meetings(persona, request, client_for, meeting):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("meetings", meeting.strategy.code)).status_code == 200
    assert "Alma Kola" in client.get(url("meeting", meeting.pk)).content.decode()
    assert client.get(url("action-points", meeting.strategy.code)).status_code == 200
    response = client.get(url("minutes", meeting.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_public_is_sent_to_sign_in(public, meeting, overdue_point):
    for address in (
        url("index"),
        url("meetings", meeting.strategy.code),
        url("meeting", meeting.pk),
        url("minutes", meeting.pk),
        url("action-point", overdue_point.pk),
    ):
        response = public.get(address)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_another_countrys_user_gets_404(client_for, meeting):
    from nsm.accounts.models import Membership
    from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

    outsider = UserFactory(username="kosovo")
    MembershipFactory(user=outsider, institution=InstitutionFactory(code="XK-MIA", country="XK"),
                      role=Membership.Role.SECRETARIAT)  # fmt: skip
    client = client_for(outsider)
    assert client.get(url("meeting", meeting.pk)).status_code == 404
    assert client.get(url("minutes", meeting.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["secretariat", "coordinator"])
def test_secretariat_and_coordinator_record_meetings(persona, request, client_for, strategy, meeting, overdue_point):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(url("meeting-create", strategy.code), {"body": "technical_committee",
                           "held_on": "2025-05-06", "title": "TC 1", "agenda": "", "location": ""})  # fmt: skip
    assert response.status_code == 302
    made = Meeting.objects.get(title="TC 1")
    assert client.post(url("participant-add", made.pk), {"name": "Rezarta Mema", "institution":
                       overdue_point.owner_id, "sex": "female", "position": ""}).status_code == 302  # fmt: skip
    assert client.post(url("decision-add", made.pk), {"text_sq": "Agree the indicators."}).status_code == 302
    point = {"text_sq": "Draft indicators", "owner": overdue_point.owner_id, "due_on": "2025-06-30", "decision": ""}
    assert client.post(url("action-point-add", made.pk), point).status_code == 302
    assert made.participants.count() == 1 and made.decisions.count() == 1 and made.action_points.count() == 1
    response = client.post(url("action-point", overdue_point.pk), {"form": "edit", "version": 1,
                           "text_sq": "Send costs", "owner": overdue_point.owner_id, "due_on": "2030-01-01",
                           "decision": ""})  # fmt: skip
    assert response.status_code == 302
    assert ActionPoint.objects.get(pk=overdue_point.pk).text == "Send costs"


@pytest.mark.parametrize("persona", ["focal_point", "other_focal_point", "viewer"])
def test_others_cannot_record_meetings(persona, request, client_for, strategy, meeting, overdue_point):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("meeting-create", strategy.code)).status_code == 404
    assert client.get(url("meeting-edit", meeting.pk)).status_code == 404
    assert client.post(url("decision-add", meeting.pk), {"text_sq": "No."}).status_code == 404
    assert client.post(url("participant-add", meeting.pk), {"name": "X", "sex": "male"}).status_code == 404
    participant = meeting.participants.first()
    assert client.post(url("participant-remove", participant.pk), {"confirm": "yes"}).status_code == 404
    assert client.post(url("action-point-add", meeting.pk), {"text_sq": "X"}).status_code == 404
    assert meeting.decisions.count() == 1 and meeting.participants.count() == 3
    assert "Add a decision" not in client.get(url("meeting", meeting.pk)).content.decode()


def test_the_owners_focal_point_updates_its_action_point_only(client_for, focal_point, overdue_point, other_point):
    client = client_for(focal_point)
    page = client.get(url("action-point", overdue_point.pk))
    assert page.status_code == 200
    assert page.context["edit_form"] is None
    response = client.post(url("action-point", overdue_point.pk), {"form": "status", "version": 1,
                           "status": "done", "note": "Costs sent on 3 March."})  # fmt: skip
    assert response.status_code == 302
    overdue_point.refresh_from_db()
    assert overdue_point.status == "done" and overdue_point.note == "Costs sent on 3 March."
    edit = {"form": "edit", "version": 2, "text_sq": "Changed", "owner": overdue_point.owner_id, "due_on": "2030-01-01"}
    assert client.post(url("action-point", overdue_point.pk), edit).status_code == 404
    assert client.get(url("action-point", other_point.pk)).status_code == 404
    status = {"form": "status", "version": 1, "status": "done", "note": ""}
    assert client.post(url("action-point", other_point.pk), status).status_code == 404
    assert ActionPoint.objects.get(pk=other_point.pk).status == "open"


@pytest.mark.parametrize("persona", ["other_focal_point", "viewer"])
def test_other_users_get_404_on_updating_an_action_point(persona, request, client_for, overdue_point):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("action-point", overdue_point.pk)).status_code == 404
    status = {"form": "status", "version": 1, "status": "done", "note": ""}
    assert client.post(url("action-point", overdue_point.pk), status).status_code == 404
    assert ActionPoint.objects.get(pk=overdue_point.pk).status == "open"
