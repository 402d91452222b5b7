"""The summaries count officials (one name at one institution) by institution and sex, by topic and year, and the
average score gain over the participants who took both tests."""

import datetime
from decimal import Decimal

from django.urls import reverse

from nsm.capacity import selectors, services
from tests.capacity.conftest import make_training, person
from tests.factories import InstitutionFactory, StrategyFactory


def build(strategy, by):
    InstitutionFactory(code="AKPA")
    law = make_training(strategy, by, title="Law", topics=["migration_law", "gcm"],
                        starts_on=datetime.date(2024, 12, 30), ends_on=datetime.date(2025, 1, 2))  # fmt: skip
    gender = make_training(strategy, by, title="Gender", topics=["gender"], starts_on=datetime.date(2024, 6, 3))
    services.save_participants(law, by=by, rows=[
        person("Ana Hoxha", "MPB", "female", 40, 80),
        person("Besnik Leka", "MPB", "male", 50, 60),
        person("Cela Dema", "AKPA", "female", None, 90),
    ])  # fmt: skip
    services.save_participants(gender, by=by, rows=[
        person("ana hoxha", "MPB", "female", 60, 70),  # the same official: counts once
        person("Ana Hoxha", "AKPA", "female"),  # another institution: another official
        person("Dardan Pali", "AKPA", "other", 30, 20),
    ])  # fmt: skip
    return law, gender


def test_officials_are_counted_by_institution_and_sex_once_each(strategy, secretariat):
    build(strategy, secretariat)
    summary = selectors.summary(strategy)
    rows = {row.institution.code: row.by_sex for row in summary.institutions}
    assert rows == {"MPB": {"female": 1, "male": 1}, "AKPA": {"female": 2, "other": 1}}
    assert summary.totals_by_sex == {"female": 3, "male": 1, "other": 1}
    assert (summary.officials, summary.trainings) == (5, 2)


def test_officials_by_topic_count_in_the_year_the_training_ended(strategy, secretariat):
    build(strategy, secretariat)
    summary = selectors.summary(strategy)
    assert summary.years == [2024, 2025]
    topics = {row.topic: (row.trainings, row.counts) for row in summary.topics}
    assert topics == {"migration_law": (1, (0, 3)), "gcm": (1, (0, 3)), "gender": (1, (3, 0))}


def test_the_average_gain_is_over_the_participants_with_both_scores(strategy, secretariat):
    law, _gender = build(strategy, secretariat)
    summary = selectors.summary(strategy)
    # (80-40) + (60-50) + (70-60) + (20-30) = 50 over 4 participants
    assert (summary.average_gain, summary.scored) == (Decimal("12.5"), 4)
    scores = selectors.scores_of(law)
    assert (scores.scored, scores.average_pre, scores.average_post, scores.average_gain) == (
        2, Decimal("45.0"), Decimal("70.0"), Decimal("25.0"),
    )  # fmt: skip


def test_officials_trained_in_a_period_count_trainings_that_ended_in_it(strategy, secretariat):
    build(strategy, secretariat)
    in_2024 = selectors.officials_trained(strategy, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert (in_2024.total, in_2024.by_sex) == (3, {"female": 2, "male": 0, "other": 1})
    in_2025_h1 = selectors.officials_trained(strategy, datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    assert (in_2025_h1.total, in_2025_h1.by_sex) == (3, {"female": 2, "male": 1, "other": 0})
    other = StrategyFactory(code="AL-OTHER")
    assert selectors.officials_trained(other, datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)).total == 0


def test_the_summary_page_shows_the_numbers(client_for, viewer, strategy, secretariat):
    build(strategy, secretariat)
    text = client_for(viewer).get(reverse("capacity:summary", args=[strategy.code])).content.decode()
    assert "12.5" in text and "AKPA" in text and "Gender" in text


def test_the_list_filters_by_year_and_topic(client_for, viewer, strategy, secretariat):
    build(strategy, secretariat)
    client = client_for(viewer)
    url = reverse("capacity:trainings", args=[strategy.code])
    assert [t.title for t in client.get(url).context["trainings"]] == ["Law", "Gender"]
    assert [t.title for t in client.get(url, {"year": 2025}).context["trainings"]] == ["Law"]
    assert [t.title for t in client.get(url, {"topic": "gender"}).context["trainings"]] == ["Gender"]
    assert [t.title for t in client.get(url, {"year": 2025, "topic": "gender"}).context["trainings"]] == []
    law = client.get(url, {"topic": "gcm"}).context["trainings"][0]
    assert (law.n_participants, law.n_female, law.n_male) == (3, 2, 1)
