"""In a real browser: a member of the public comments on an activity of an open public round, without an account;
the secretariat signs in and answers it, partly accepted with a reason."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nsm.consultation.models import ConsultationComment
from tests.browser.test_monitoring_loop import sign_in
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_public_comment_on_an_activity_answered_by_the_secretariat(page, open_round, activity_code, secretariat):
    activity = f"Activity {activity_code}"

    # The public: no account, straight to the round's public page.
    page.goto(reverse("consultation:public", args=[open_round.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Public consultation on v1")
    page.get_by_role("link", name=f"Comment on {activity}", exact=True).click()
    expect(page.get_by_role("combobox", name="Comment on")).to_have_value(f"activity:{activity_code}")
    page.get_by_role("textbox", name="Your name", exact=True).fill("Arta Hoxha")
    page.get_by_role("textbox", name="Organisation", exact=True).fill("Citizens' Forum")
    page.get_by_role("combobox", name="Stakeholder type", exact=True).select_option(label="Civil society")
    page.get_by_role("combobox", name="Sex", exact=True).select_option(label="Female")
    page.get_by_role("textbox", name="Email", exact=True).fill("arta@example.org")
    page.get_by_role("textbox", name="Your comment", exact=True).fill("Open the counters in Korça and Shkodër first.")
    page.get_by_role("checkbox", name=re.compile("I agree that my comment")).check()
    page.get_by_role("button", name="Send the comment").click()
    expect(page.get_by_text("Thank you: your comment was received.")).to_be_visible()
    expect(page.get_by_text("arta@example.org")).to_have_count(0)

    comment = ConsultationComment.objects.get()
    assert (comment.author, comment.target_kind, comment.target_code, comment.email) == (
        None, "activity", activity_code, "arta@example.org",
    )  # fmt: skip

    # The secretariat signs in, finds the comment under the activity and answers it.
    sign_in(page, "secretariat")
    page.goto(reverse("consultation:rounds", args=[open_round.version.strategy.code]))
    page.get_by_role("link", name="Public consultation on v1").click()
    item = page.get_by_role("region", name=re.compile(rf"^{re.escape(activity)}:"))
    expect(item).to_contain_text("Open the counters in Korça and Shkodër first.")
    expect(item).to_contain_text("arta@example.org")  # the secretariat sees the address
    item.get_by_role("combobox", name=f"Answer to comment {comment.pk}", exact=True).select_option(
        label="Partly accepted"
    )
    item.get_by_role("textbox", name=f"Reason for the answer to comment {comment.pk}").fill(
        "Korça first; Shkodër in 2026."
    )
    item.get_by_role("button", name="Answer", exact=True).click()
    expect(page.get_by_text("The answer was saved.")).to_be_visible()
    item = page.get_by_role("region", name=re.compile(rf"^{re.escape(activity)}:"))
    expect(item.get_by_role("note", name="Answer of the secretariat")).to_contain_text("Partly accepted")

    comment.refresh_from_db()
    assert (comment.answer, comment.answer_reason, comment.answered_by) == (
        "partly", "Korça first; Shkodër in 2026.", secretariat,
    )  # fmt: skip
    assert comment.answered_at is not None
    assert comment.history.first().history_user == secretariat
