"""Public comments posted in parallel: the rate limit holds and a double-click stores one comment, on whichever
database the suite runs (SQLite and PostgreSQL), through the real page with one thread per visitor's request.

Before the counters were kept in the database under a row lock, 30 simultaneous posts from one address were all
accepted (each read the count before any wrote it)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from nsm.consultation.models import ConsultationComment
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.test_public_comments import form_data

# serialized_rollback: the reference data loaded by migrations survives the flush between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THANKS = "Thank you: your comment was received."
REFUSED = "Too many comments from your connection"


def post_all_at_once(url: str, posts: list[tuple[str, dict]]) -> list[str]:
    """POST every (address, form data) at the same moment, one thread and one client each; what each one was told."""
    barrier = threading.Barrier(len(posts))

    def post(address_and_data: tuple[str, dict]) -> str:
        address, data = address_and_data
        try:
            barrier.wait(timeout=30)
            response = Client().post(url, data, REMOTE_ADDR=address, follow=True)
            page = response.content.decode()
            if THANKS in page:
                return "thanked"
            return "refused" if REFUSED in page else f"other {response.status_code}"
        finally:
            connection.close()

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(post, posts))


def test_thirty_simultaneous_posts_from_one_address_keep_the_limit(open_round, settings):
    limit = settings.PUBLIC_COMMENT_LIMIT
    url = reverse("consultation:public", args=[open_round.pk])
    posts = [("203.0.113.30", form_data(text=f"Parallel comment {n}")) for n in range(30)]
    outcomes = post_all_at_once(url, posts)
    assert sorted(outcomes) == ["refused"] * (30 - limit) + ["thanked"] * limit
    assert ConsultationComment.objects.count() == limit


def test_other_addresses_are_not_held_back_by_a_busy_one(open_round, settings):
    settings.PUBLIC_COMMENT_LIMIT = 2
    url = reverse("consultation:public", args=[open_round.pk])
    posts = [(f"203.0.113.{40 + n % 4}", form_data(text=f"Comment {n}")) for n in range(16)]
    outcomes = post_all_at_once(url, posts)
    assert outcomes.count("thanked") == 8 and outcomes.count("refused") == 8
    per_address = {}
    for (address, _data), outcome in zip(posts, outcomes, strict=True):
        per_address.setdefault(address, []).append(outcome)
    assert all(results.count("thanked") == 2 for results in per_address.values())


def test_a_double_click_stores_the_comment_once(open_round):
    url = reverse("consultation:public", args=[open_round.pk])
    posts = [("203.0.113.50", form_data())] * 8  # one comment, sent eight times at once
    outcomes = post_all_at_once(url, posts)
    assert outcomes == ["thanked"] * 8  # every click is thanked, as if it were the first
    assert ConsultationComment.objects.count() == 1
