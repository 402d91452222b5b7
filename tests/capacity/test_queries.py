"""The capacity pages run in a fixed number of queries, whatever the number of trainings and participants."""

import datetime

from django.urls import reverse

from nsm.capacity import services
from tests.capacity.conftest import make_training, person
from tests.factories import InstitutionFactory

TOPICS = ["migration_law", "gcm", "gender", "rights_based", "data_monitoring", "other"]


def grow(strategy, by, trainings: int, participants: int, first: int = 0):
    for code in ("MPB", "AKPA", "MSHMS"):
        InstitutionFactory(code=code)
    made = []
    for number in range(first, first + trainings):
        training = make_training(
            strategy, by, title=f"Training {number}", topics=TOPICS[number % 6 : number % 6 + 2],
            starts_on=datetime.date(2024 + number % 2, 1 + number % 12, 1),
        )  # fmt: skip
        rows = [
            person(
                f"Person {n}", ("MPB", "AKPA", "MSHMS")[n % 3], ("female", "male", "other")[n % 3], n % 50, 50 + n % 50
            )
            for n in range(participants)
        ]
        services.save_participants(training, by=by, rows=rows)
        made.append(training)
    return made


def test_the_list_the_summary_and_a_training_take_the_same_queries_for_2_and_20_trainings(
    client_for, viewer, secretariat, strategy, django_assert_max_num_queries
):
    client = client_for(viewer)
    small = grow(strategy, secretariat, 2, 3)
    pages = [
        reverse("capacity:trainings", args=[strategy.code]),
        reverse("capacity:trainings", args=[strategy.code]) + "?year=2024&topic=gcm",
        reverse("capacity:summary", args=[strategy.code]),
    ]
    limits = [8, 8, 10]
    for page, limit in zip(pages, limits, strict=True):
        with django_assert_max_num_queries(limit):
            assert client.get(page).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("capacity:training", args=[small[0].pk])).status_code == 200
    large = grow(strategy, secretariat, 18, 25, first=2)
    for page, limit in zip(pages, limits, strict=True):
        with django_assert_max_num_queries(limit):
            response = client.get(page)
        assert response.status_code == 200
    with django_assert_max_num_queries(9):
        response = client.get(reverse("capacity:training", args=[large[0].pk]))
    assert "Person 24" in response.content.decode()
