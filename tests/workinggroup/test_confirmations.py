"""Removing a meeting participant asks first, naming who and what changes: a POST without the confirmation removes
nobody; the confirmed POST removes the participant, and the history keeps the removal."""

import re

from django.urls import reverse

from nsm.workinggroup.models import MeetingParticipant


def url(name, *args):
    return reverse(f"workinggroup:{name}", args=args)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_removing_a_participant_without_the_confirmation_removes_nobody(client_for, secretariat, meeting):
    participant = meeting.participants.get(name="Teuta Duka")
    client = client_for(secretariat)
    response = client.post(url("participant-remove", participant.pk))
    page, html = text_of(response), response.content.decode()
    assert response.status_code == 200
    assert "Remove Teuta Duka (AKPA) from the participants?" in page
    assert "no longer counts as attending the meeting" in page and "attendance figures" in page
    assert f'href="{url("meeting", meeting.pk)}#participants"' in html  # the way back
    assert meeting.participants.count() == 3

    response = client.post(url("participant-remove", participant.pk), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == url("meeting", meeting.pk) + "#participants"
    assert not meeting.participants.filter(pk=participant.pk).exists() and meeting.participants.count() == 2
    assert MeetingParticipant.history.filter(id=participant.pk, history_type="-").exists()


def test_the_meeting_page_button_leads_to_the_confirmation(client_for, secretariat, meeting):
    participant = meeting.participants.get(name="Alma Kola")
    client = client_for(secretariat)
    assert url("participant-remove", participant.pk) in client.get(url("meeting", meeting.pk)).content.decode()
    assert "Remove the participant" in text_of(client.get(url("participant-remove", participant.pk)))
    assert meeting.participants.count() == 3


def test_others_get_404_and_no_confirmation(client_for, focal_point, viewer, meeting):
    participant = meeting.participants.first()
    for user in (focal_point, viewer):
        client = client_for(user)
        assert client.get(url("participant-remove", participant.pk)).status_code == 404
        assert client.post(url("participant-remove", participant.pk), {"confirm": "yes"}).status_code == 404
    assert meeting.participants.count() == 3
