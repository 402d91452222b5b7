"""The demo trainings: five in 2024-2025 on different topics, 10-25 officials each from several institutions, both
sexes, with scores; the same on every run, and a second run writes nothing."""

from django.db.models import Count

from nsm.capacity import selectors
from nsm.capacity.models import Participant, Training, TrainingTopic
from nsm.demo import capacity
from nsm.demo.loader import LoadSummary
from tests.demo.conftest import ensure_reference_data
from tests.factories import StrategyFactory, UserFactory


def load(strategy, admin) -> LoadSummary:
    summary = LoadSummary()
    capacity.load_trainings(strategy, admin=admin, summary=summary)
    return summary


def fingerprint(strategy):
    return sorted(
        Participant.objects.filter(training__strategy=strategy).values_list(
            "training__title", "name", "institution__code", "sex", "position", "pre_score", "post_score"
        )
    )


def test_the_demo_trainings_cover_two_years_several_topics_and_institutions(db):
    ensure_reference_data()
    strategy, admin = StrategyFactory(code="AL-NSM-2024-2030"), UserFactory(username="admin")
    summary = load(strategy, admin)
    trainings = Training.objects.filter(strategy=strategy).annotate(n=Count("participants"))
    assert summary.created["training"] == 5 and trainings.count() == 5
    assert {t.starts_on.year for t in trainings} == {2024, 2025}
    assert all(10 <= t.n <= 25 for t in trainings)
    assert TrainingTopic.objects.filter(training__strategy=strategy).values("topic").distinct().count() >= 5
    participants = Participant.objects.filter(training__strategy=strategy)
    assert participants.values("institution").distinct().count() >= 8
    assert set(participants.values_list("sex", flat=True)) == {"female", "male"}
    assert participants.filter(pre_score__isnull=False, post_score__isnull=False).count() > 0.7 * participants.count()
    summary_page = selectors.summary(strategy)
    assert summary_page.officials < participants.count()  # some officials attended more than one training
    assert summary_page.average_gain > 0
    assert Training.history.filter(history_user=admin).count() == 5


def test_the_demo_trainings_are_the_same_on_every_run_and_a_second_run_writes_nothing(db):
    ensure_reference_data()
    strategy, admin = StrategyFactory(code="AL-NSM-2024-2030"), UserFactory(username="admin")
    load(strategy, admin)
    first = fingerprint(strategy)
    history = Participant.history.count()
    again = load(strategy, admin)
    assert not again.changed and Participant.history.count() == history
    Training.objects.filter(strategy=strategy).delete()
    load(strategy, admin)
    assert fingerprint(strategy) == first
