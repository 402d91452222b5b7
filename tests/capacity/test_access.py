"""Who sees and changes trainings: internal users of the country read; its secretariat and coordinator write."""

import pytest
from django.urls import reverse

from nsm.accounts.models import Membership
from nsm.capacity import services
from nsm.capacity.models import Participant, Training
from tests.capacity.conftest import person
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

READERS = ["focal_point", "viewer", "secretariat", "coordinator"]
WRITERS = ["secretariat", "coordinator"]


@pytest.fixture
def foreigner(db):
    """The secretariat of another country's strategy: sees nothing of Albania's."""
    institution = InstitutionFactory(code="MUP", country="XK")
    user = UserFactory(username="foreign")
    MembershipFactory(user=user, institution=institution, role=Membership.Role.SECRETARIAT)
    return user


@pytest.fixture
def stakeholder(db):
    """An external stakeholder invited to consultations: no internal page."""
    user = UserFactory(username="ngo")
    MembershipFactory(user=user, institution=InstitutionFactory(code="NGO1"), role="stakeholder")
    return user


@pytest.fixture
def participant(training, secretariat):
    services.save_participants(training, by=secretariat, rows=[person("Ana Hoxha", pre=40, post=80)])
    return Participant.objects.get()


def pages(training, strategy):
    return [
        reverse("capacity:trainings", args=[strategy.code]),
        reverse("capacity:summary", args=[strategy.code]),
        reverse("capacity:training", args=[training.pk]),
    ]


def forms(training, strategy):
    return [
        reverse("capacity:training-create", args=[strategy.code]),
        reverse("capacity:training-edit", args=[training.pk]),
        reverse("capacity:participants-add", args=[training.pk]),
        reverse("capacity:participants-import", args=[training.pk]),
    ]


@pytest.mark.parametrize("persona", READERS)
def test_internal_users_of_the_country_read_the_trainings(persona, request, client_for, training, strategy):
    client = client_for(request.getfixturevalue(persona))
    for url in pages(training, strategy):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["foreigner", "stakeholder"])
def test_others_get_404_for_every_page(persona, request, client_for, training, strategy):
    client = client_for(request.getfixturevalue(persona))
    for url in pages(training, strategy) + forms(training, strategy):
        assert client.get(url).status_code == 404, url


def test_the_public_is_sent_to_sign_in(public, training, strategy):
    for url in pages(training, strategy):
        response = public.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize("persona", WRITERS)
def test_the_secretariat_and_the_coordinator_open_the_forms(persona, request, client_for, training, strategy):
    client = client_for(request.getfixturevalue(persona))
    for url in forms(training, strategy):
        assert client.get(url).status_code == 200, url
    assert "Record a training" in client.get(pages(training, strategy)[0]).content.decode()


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_readers_cannot_change_anything(persona, request, client_for, training, strategy, participant):
    client = client_for(request.getfixturevalue(persona))
    for url in forms(training, strategy):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    remove = reverse("capacity:participant-remove", args=[participant.pk])
    assert client.post(remove, {"confirm": "yes"}).status_code == 404
    assert Participant.objects.count() == 1
    assert "Record a training" not in client.get(pages(training, strategy)[0]).content.decode()


def test_the_coordinator_records_a_training_on_the_page(client_for, coordinator, strategy):
    mpb = InstitutionFactory(code="MPB")
    response = client_for(coordinator).post(
        reverse("capacity:training-create", args=[strategy.code]),
        {"title": "GCM basics", "topics": ["gcm", "gender"], "starts_on": "2025-03-03", "ends_on": "2025-03-04",
         "organiser": mpb.pk, "location": "Tirana"},
    )  # fmt: skip
    training = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("capacity:training", args=[training.pk])
    assert training.created_by == coordinator and training.history.first().history_user == coordinator


def test_a_form_with_dates_in_the_wrong_order_shows_the_error(client_for, secretariat, strategy):
    mpb = InstitutionFactory(code="MPB")
    response = client_for(secretariat).post(
        reverse("capacity:training-create", args=[strategy.code]),
        {"title": "GCM", "topics": ["gcm"], "starts_on": "2025-03-04", "ends_on": "2025-03-03", "organiser": mpb.pk},
    )
    assert response.status_code == 200
    assert "The last day must not come before the first day." in response.content.decode()
    assert not Training.objects.exists()


def test_the_secretariat_adds_participant_rows_on_the_page(client_for, secretariat, training):
    mpb = InstitutionFactory(code="MPB")
    data = {"p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0"}
    data |= {"p-0-name": "Ana Hoxha", "p-0-institution": mpb.pk, "p-0-sex": "female", "p-0-pre_score": "40"}
    data |= {"p-2-name": "Besnik Leka", "p-2-institution": mpb.pk, "p-2-sex": "male", "p-2-post_score": "75"}
    response = client_for(secretariat).post(reverse("capacity:participants-add", args=[training.pk]), data)
    assert response.status_code == 302
    assert sorted(Participant.objects.values_list("name", flat=True)) == ["Ana Hoxha", "Besnik Leka"]


def test_a_wrong_row_on_the_page_saves_nothing_and_says_which(client_for, secretariat, training):
    mpb = InstitutionFactory(code="MPB")
    data = {"p-TOTAL_FORMS": "2", "p-INITIAL_FORMS": "0"}
    data |= {"p-0-name": "Ana Hoxha", "p-0-institution": mpb.pk, "p-0-sex": "female"}
    data |= {"p-1-name": "Besnik Leka", "p-1-institution": mpb.pk, "p-1-sex": ""}
    response = client_for(secretariat).post(reverse("capacity:participants-add", args=[training.pk]), data)
    assert response.status_code == 200
    assert "The sex is female, male or other." in response.content.decode()
    assert not Participant.objects.exists()


def test_removing_a_participant_asks_first(client_for, secretariat, participant):
    client, remove = client_for(secretariat), reverse("capacity:participant-remove", args=[participant.pk])
    asked = client.post(remove)
    assert asked.status_code == 200 and "from the training?" in asked.content.decode()
    assert "the capacity summary change with it" in asked.content.decode() and Participant.objects.exists()
    response = client.post(remove, {"confirm": "yes"})
    assert response.status_code == 302 and not Participant.objects.exists()
