"""Bounded comments: a public comment, an internal comment and an answer each have a length, refused in words by the
form and by the service (so that no path stores more), and control characters are refused everywhere; a public
comment posted again within the duplicate window is stored once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nsm.consultation import rounds
from nsm.consultation.models import ConsultationComment, PublicCommentCounter
from nsm.core.limits import LONG_TEXT_CHARS, PUBLIC_COMMENT_CHARS
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import PUBLIC
from tests.consultation.test_public_comments import form_data

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.20"


def public_url(round_) -> str:
    return reverse("consultation:public", args=[round_.pk])


# --- Lengths and characters ---


def test_a_five_megabyte_public_comment_is_refused_by_the_page_and_by_the_service(open_round, public):
    huge = "x" * (5 * 1024 * 1024)
    response = public.post(public_url(open_round), form_data(text=huge), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    with pytest.raises(ValidationError) as refusal:
        rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": huge})
    assert "text" in refusal.value.error_dict
    assert "at most 5,000 are kept" in " ".join(refusal.value.messages)
    assert not ConsultationComment.objects.exists()
    assert not PublicCommentCounter.objects.exists()  # a refused comment counts nothing


def test_a_public_comment_of_exactly_the_limit_is_kept(open_round):
    text = "y" * PUBLIC_COMMENT_CHARS
    comment = rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": text})
    assert len(ConsultationComment.objects.get(pk=comment.pk).text) == PUBLIC_COMMENT_CHARS


@pytest.mark.parametrize(
    ("field", "value", "refusal"),
    [
        ("name", "n" * 201, "at most 200 characters"),
        ("organisation", "o" * 201, "at most 200 characters"),
        ("email", "a" * 250 + "@example.org", "at most 254 characters"),
        ("name", "Arta\x00Hoxha", "control character"),
        ("organisation", "Forum\x1b", "control character"),
        ("text", "Count the\x00 returnees.", "control character"),
    ],
    ids=["long-name", "long-organisation", "long-email", "nul-in-name", "escape-in-organisation", "nul-in-text"],
)
def test_the_commenters_fields_are_bounded_and_plain(open_round, public, field, value, refusal):
    response = public.post(public_url(open_round), form_data(**{field: value}), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    assert refusal in response.content.decode()
    with pytest.raises(ValidationError) as error:
        rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, field: value})
    assert field in error.value.error_dict
    assert not ConsultationComment.objects.exists()


def test_tabs_and_line_breaks_are_text(open_round):
    comment = rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": "One:\n\tTwo\r\nThree"})
    assert comment.text == "One:\n\tTwo\r\nThree"


def test_an_internal_comment_is_bounded_by_the_long_text_limit(private_round, focal_point, client_for):
    too_long = "z" * (LONG_TEXT_CHARS + 1)
    with pytest.raises(ValidationError) as refusal:
        rounds.post_comment(private_round, by=focal_point, text=too_long)
    assert "at most 10,000 are kept" in " ".join(refusal.value.error_dict["text"][0].messages)
    response = client_for(focal_point).post(
        reverse("consultation:round", args=[private_round.pk]),
        {"target": "plan:", "text": too_long, "stakeholder_type": "government", "sex": "undisclosed"},
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    with pytest.raises(ValidationError, match="control character"):
        rounds.post_comment(private_round, by=focal_point, text="Bell\x07")
    assert not ConsultationComment.objects.exists()
    # A signed-in user may write more than the public: up to the long-text limit.
    kept = rounds.post_comment(private_round, by=focal_point, text="w" * LONG_TEXT_CHARS)
    assert len(kept.text) == LONG_TEXT_CHARS


def test_an_answers_reason_is_bounded(open_round, secretariat, client_for):
    comment = rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    too_long = "r" * (LONG_TEXT_CHARS + 1)
    with pytest.raises(ValidationError) as refusal:
        rounds.answer_comment(comment, by=secretariat, answer="not_accepted", reason=too_long)
    assert "answer_reason" in refusal.value.error_dict
    with pytest.raises(ValidationError, match="control character"):
        rounds.answer_comment(comment, by=secretariat, answer="not_accepted", reason="Out of scope\x00")
    response = client_for(secretariat).post(
        reverse("consultation:comment-answer", args=[comment.pk]),
        {f"c{comment.pk}-answer": "not_accepted", f"c{comment.pk}-reason": too_long},
        follow=True,
    )
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.answer, comment.answer_reason) == ("", "")


def test_a_comment_stored_before_the_limits_can_still_be_answered(open_round, secretariat):
    comment = rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    ConsultationComment.objects.filter(pk=comment.pk).update(text="w" * (PUBLIC_COMMENT_CHARS + 500))
    answered = rounds.answer_comment(comment, by=secretariat, answer="not_accepted", reason="Out of scope")
    assert answered.answer == "not_accepted" and len(answered.text) == PUBLIC_COMMENT_CHARS + 500


def test_a_round_title_refuses_control_characters(open_round, secretariat):
    with pytest.raises(ValidationError, match="control character"):
        rounds.update_round(open_round, by=secretariat, title="Round\x00")


# --- The same public comment twice ---


def test_the_same_comment_posted_twice_is_stored_once_and_thanked_twice(open_round, public):
    url = public_url(open_round)
    first = public.post(url, form_data(), REMOTE_ADDR=ADDRESS, follow=True)
    again = public.post(url, form_data(text="  Add the returnees' counters.\n"), REMOTE_ADDR=ADDRESS, follow=True)
    for response in (first, again):
        assert "Thank you: your comment was received." in response.content.decode()
    assert ConsultationComment.objects.count() == 1


def test_a_repeat_returns_the_stored_comment_and_does_not_count(open_round, settings):
    settings.PUBLIC_COMMENT_LIMIT = 2
    first = rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    for _n in range(5):  # a reload, another tab, a double-click: the same comment, not five more
        assert rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC) == first
    # The same email address from another connection, in another letter case, is the same person's comment.
    assert rounds.post_public_comment(open_round, address="198.51.100.1", **{**PUBLIC, "email": "Arta@Example.org"})
    assert ConsultationComment.objects.count() == 1
    rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": "A second thought."})
    assert ConsultationComment.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Add the returnees' counters!"},
        {"email": "besa@example.org"},
        {"target_kind": "goal", "target_code": "1"},
    ],
    ids=["other-text", "other-email", "other-item"],
)
def test_a_different_comment_is_not_a_repeat(open_round, change):
    rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, **change})
    assert ConsultationComment.objects.count() == 2


def test_after_the_window_the_same_comment_is_stored_again(open_round, settings):
    settings.PUBLIC_COMMENT_DUPLICATE_SECONDS = 60
    first = rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    ConsultationComment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    second = rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    assert second.pk != first.pk
    assert ConsultationComment.objects.count() == 2


def test_the_same_text_on_another_round_is_another_comment(open_round, version, secretariat):
    other = rounds.create_round(
        version, by=secretariat, title="Second round", opens_on=open_round.opens_on,
        closes_on=open_round.closes_on, is_public=True,
    )  # fmt: skip
    rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    rounds.post_public_comment(other, address=ADDRESS, **PUBLIC)
    assert ConsultationComment.objects.count() == 2


# --- The counters ---


def test_the_counters_store_no_address_and_old_ones_are_deleted(open_round, settings):
    rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    keys = list(PublicCommentCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any(ADDRESS in key or "arta" in key for key in keys)
    assert PublicCommentCounter.objects.get(key__startswith="address:").count == 1
    old = timezone.now() - datetime.timedelta(seconds=settings.PUBLIC_COMMENT_WINDOW_SECONDS + 1)
    PublicCommentCounter.objects.update(started=old)
    rounds.post_public_comment(open_round, address="198.51.100.2", **{**PUBLIC, "text": "Another."})
    assert PublicCommentCounter.objects.filter(started=old).count() == 0
    assert PublicCommentCounter.objects.count() == 2  # the new post's two


def test_the_window_starts_again_once_it_has_passed(open_round, settings):
    settings.PUBLIC_COMMENT_LIMIT = 1
    rounds.post_public_comment(open_round, address=ADDRESS, **PUBLIC)
    with pytest.raises(rounds.RateLimited):
        rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": "Second."})
    past = timezone.now() - datetime.timedelta(seconds=settings.PUBLIC_COMMENT_WINDOW_SECONDS)
    PublicCommentCounter.objects.update(started=past)
    rounds.post_public_comment(open_round, address=ADDRESS, **{**PUBLIC, "text": "Second."})
    assert ConsultationComment.objects.count() == 2
