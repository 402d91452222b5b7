"""The search reads one query per kind (and the user's memberships once), however many objects match."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.search.selectors import KIND_NAMES, search
from tests.factories import ActivityFactory, MeasureFactory

QUERIES = 1 + len(KIND_NAMES)  # the memberships, then one query per kind


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # its memberships not yet read


def test_as_many_queries_for_300_matches_as_for_a_few(world, secretariat, django_assert_num_queries):
    user = fresh(secretariat)
    with django_assert_num_queries(QUERIES):
        search(user, "deshmi")
    measure = MeasureFactory(parent__parent__strategy=world, parent__parent__code="9", parent__code="9.1", code="9.1.1")
    for _n in range(300):
        ActivityFactory(measure=measure, title_sq="Dëshmi të reja", title_en="New evidence")
    user = fresh(secretariat)
    with django_assert_num_queries(QUERIES):
        outcome = search(user, "deshmi")
    assert next(group for group in outcome.groups if group.kind == "activity").count == 301


def test_a_focal_point_and_a_stakeholder_too(world, focal_point, stakeholder, django_assert_max_num_queries):
    """At most: a door that is shut to the user (a stakeholder's to the plan) reads nothing."""
    for user in (fresh(focal_point), fresh(stakeholder)):
        with django_assert_max_num_queries(QUERIES):
            search(user, "deshmi")


def test_a_text_without_a_word_reads_nothing(world, secretariat):
    with CaptureQueriesContext(connection) as queries:
        assert search(secretariat, ' "*:&|()-  ').groups == ()
    assert len(queries) == 0
