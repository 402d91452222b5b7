"""The public comments without an account: only while a public round is open, with consent, an empty honeypot and
a rate limit per address; their emails are never shown on the public page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.consultation import rounds
from nsm.consultation.models import ConsultationComment
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import PUBLIC, days

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {**PUBLIC, "consent": "on", "target": "plan:", "website": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_public_page_shows_the_items_and_posts_a_comment(open_round, public, activity_code):
    url = reverse("consultation:public", args=[open_round.pk])
    page = public.get(url).content.decode()
    assert f"Activity {activity_code}" in page and "Goal 1" in page and "Indicator 1.1.a" in page
    assert 'name="website"' in page and "Leave this field empty" in page
    response = public.post(url, form_data(target=f"activity:{activity_code}"), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert (comment.author, comment.name, comment.email, comment.consent, comment.target_kind, comment.target_code) == (
        None, "Arta Hoxha", "arta@example.org", True, "activity", activity_code,
    )  # fmt: skip
    assert (comment.stakeholder_type, comment.sex, comment.organisation) == (
        "civil_society",
        "female",
        "Citizens' Forum",
    )
    assert comment.history.get().history_user is None
    page = public.get(url).content.decode()
    assert "Thank you: your comment was received." in page
    assert "arta@example.org" not in page


@pytest.mark.parametrize(
    ("opens", "closes", "is_public"),
    [(-40, -1, True), (1, 40, True), (-1, 40, False)],
    ids=["closed", "not-open-yet", "not-public"],
)
def test_the_public_comments_only_while_a_public_round_is_open(version, secretariat, public, opens, closes, is_public):
    round_ = rounds.create_round(
        version, by=secretariat, title="R", opens_on=days(opens), closes_on=days(closes), is_public=is_public
    )
    url = reverse("consultation:public", args=[round_.pk])
    assert public.get(url).status_code == 404
    assert public.post(url, form_data()).status_code == 404
    with pytest.raises(ValidationError, match="not open to public comments"):
        rounds.post_public_comment(round_, address="203.0.113.5", **PUBLIC)
    assert not ConsultationComment.objects.exists()


def test_the_last_day_is_still_open(version, secretariat, public):
    round_ = rounds.create_round(
        version, by=secretariat, title="Last day", opens_on=days(-30), closes_on=days(0), is_public=True
    )
    assert public.post(reverse("consultation:public", args=[round_.pk]), form_data()).status_code == 302
    assert ConsultationComment.objects.count() == 1


def test_the_honeypot_must_stay_empty(open_round, public):
    url = reverse("consultation:public", args=[open_round.pk])
    response = public.post(url, form_data(website="http://spam.example"))
    assert response.status_code == 200 and "Your comment could not be accepted." in response.content.decode()
    with pytest.raises(rounds.SpamRefused):
        rounds.post_public_comment(open_round, address="203.0.113.5", honeypot="x", **PUBLIC)
    assert not ConsultationComment.objects.exists()


def test_consent_name_email_and_type_are_required(open_round, public):
    url = reverse("consultation:public", args=[open_round.pk])
    for missing in ("consent", "name", "email", "stakeholder_type", "text"):
        response = public.post(url, form_data(**{missing: None}))
        assert response.status_code == 200, missing
        assert "Please correct the errors below." in response.content.decode()
    with pytest.raises(ValidationError, match="agree"):
        rounds.post_public_comment(open_round, address="203.0.113.5", **{**PUBLIC, "consent": False})
    with pytest.raises(ValidationError):
        rounds.post_public_comment(open_round, address="203.0.113.5", **{**PUBLIC, "email": ""})
    assert not ConsultationComment.objects.exists()


def test_an_item_not_in_the_version_is_refused(open_round, public):
    response = public.post(reverse("consultation:public", args=[open_round.pk]), form_data(target="activity:9.9.9"))
    assert response.status_code == 200
    with pytest.raises(ValidationError, match="not in the version"):
        rounds.post_public_comment(
            open_round, address="203.0.113.5", target_kind="measure", target_code="7.7.7", **PUBLIC
        )
    assert not ConsultationComment.objects.exists()


def test_five_comments_per_address_then_wait(open_round, public):
    url = reverse("consultation:public", args=[open_round.pk])
    for n in range(5):
        assert public.post(url, form_data(text=f"Comment {n}"), REMOTE_ADDR="203.0.113.7").status_code == 302
    response = public.post(url, form_data(text="Sixth"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Too many comments from your connection" in response.content.decode()
    # Another address is not held back.
    assert public.post(url, form_data(text="From elsewhere"), REMOTE_ADDR="203.0.113.8").status_code == 302
    assert ConsultationComment.objects.count() == 6
    assert not ConsultationComment.objects.filter(text="Sixth").exists()


def test_refused_attempts_do_not_count(open_round):
    for _n in range(7):
        with pytest.raises(rounds.SpamRefused):
            rounds.post_public_comment(open_round, address="203.0.113.9", honeypot="x", **PUBLIC)
    rounds.post_public_comment(open_round, address="203.0.113.9", **PUBLIC)


def test_the_limit_is_a_setting(open_round, settings):
    settings.PUBLIC_COMMENT_LIMIT = 2
    settings.PUBLIC_COMMENT_WINDOW_SECONDS = 60
    for n in range(2):
        rounds.post_public_comment(open_round, address="203.0.113.10", **{**PUBLIC, "text": f"Comment {n}"})
    with pytest.raises(rounds.RateLimited):
        rounds.post_public_comment(open_round, address="203.0.113.10", **{**PUBLIC, "text": "One too many"})
    assert rounds.public_limit() == (2, 60)


def test_a_private_round_has_no_public_page(private_round, public):
    assert public.get(reverse("consultation:public", args=[private_round.pk])).status_code == 404


def test_the_public_cannot_answer_or_read_the_round(open_round, public):
    comment = rounds.post_public_comment(open_round, address="203.0.113.5", **PUBLIC)
    response = public.post(
        reverse("consultation:comment-answer", args=[comment.pk]), {f"c{comment.pk}-answer": "accepted"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert public.get(reverse("consultation:round", args=[open_round.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.answer == ""


def test_behind_a_trusted_proxy_the_rate_limit_counts_the_forwarded_address(settings, rf):
    from nsm.consultation.views_rounds import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_address(request) == "10.0.0.7"
