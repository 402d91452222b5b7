"""Remarks on the drafts: the coordinator and the secretariat post remarks on a chapter, a monitoring report's
narrative, the GCM review and the SDG 10.7.2 self-assessment; the secretariat answers each, which resolves it, once.
Nobody else reads them (404, as for a page that does not exist); every text bounded and refused in a sentence with the
typed text kept; the pages read in a constant number of queries; the chapters are written by the secretariat alone."""

import dataclasses
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from nsm.accounts.models import Membership
from nsm.assessment import services as assessment_services
from nsm.reports import remarks
from nsm.reports.models import REMARK_CHARS, Remark
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xk_secretariat():
    """The secretariat of another country (Kosovo), at its own ministry of the same code."""
    user = UserFactory(username="secretariat-xk")
    institution = InstitutionFactory(code="MPB", country="XK")
    MembershipFactory(user=user, institution=institution, role=Membership.Role.SECRETARIAT)
    return user


@pytest.fixture
def second_secretariat():
    """Another member of the technical secretariat, who may answer a remark meanwhile."""
    user = UserFactory(username="secretariat2", first_name="Second", last_name="Secretary")
    MembershipFactory(user=user, institution=InstitutionFactory(code="MPB"), role=Membership.Role.SECRETARIAT)
    return user


def page(strategy, key="chapter-vision"):
    return reverse("reports:remarks", args=[strategy.code, key])


def list_page(strategy):
    return reverse("reports:remark-list", args=[strategy.code])


def answer_url(remark):
    return reverse("reports:remark-answer", args=[remark.pk])


def error_of(html: str, field_id: str) -> str:
    """The text of the error shown under the field whose id is `field_id` ("" when none is)."""
    found = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


# --- The service ---


@pytest.mark.parametrize("key", ["chapter-vision", "annual-2024", "annual-2025-H1", "gcm-2024", "gcm-2024-2026"])
def test_the_coordinator_posts_a_remark_on_each_kind_of_draft(strategy, coordinator, key):
    remark = remarks.post(strategy, key, by=coordinator, text="Say more about returnees.")
    remark.refresh_from_db()
    assert (remark.strategy, remark.subject, remark.text) == (strategy, key, "Say more about returnees.")
    assert (remark.author, remark.status, remark.answer) == (coordinator, Remark.Status.OPEN, "")
    assert remark.resolved_by is None and remark.resolved_at is None
    assert remark.history.count() == 1 and remark.history.get().history_user == coordinator
    assert remarks.remarks_on(strategy, key) == [remark]


def test_the_secretariat_posts_too_and_the_self_assessment_is_a_draft_once_made(strategy, secretariat):
    with translation.override("en"), pytest.raises(ValidationError, match="no such draft"):
        remarks.post(strategy, "sdg-2025", by=secretariat, text="Too early.")
    assessment_services.create_assessment(strategy, year=2025, by=secretariat)
    remark = remarks.post(strategy, "sdg-2025", by=secretariat, text="Check 1.2.")
    assert remark.author == secretariat and remarks.about(strategy, "sdg-2025").title.endswith("2025")


@pytest.mark.parametrize(
    "key",
    [
        "chapter-nope",
        "chapter-",
        "chapter",
        "annual-1990",  # before the plan
        "annual-2031",  # after it
        "annual-2024-h1",  # not the slug of a period
        "gcm-2024-H1",  # a review is of a year or an action plan
        "gcm-1990",
        "sdg-2025",  # no self-assessment made
        "x-1",
        "",
        "chapter-" + "v" * 25,  # over KEY_CHARS
    ],
)
def test_a_key_naming_no_draft_is_refused_in_words(strategy, coordinator, key):
    with translation.override("en"), pytest.raises(ValidationError, match="There is no such draft to remark on."):
        remarks.post(strategy, key, by=coordinator, text="A remark.")
    assert not Remark.objects.exists()


def test_a_key_over_32_characters_is_refused_even_when_its_part_would_name_a_draft(strategy, coordinator, monkeypatch):
    long_key = "chapter-" + "v" * (remarks.KEY_CHARS - len("chapter-") + 1)
    anything = dataclasses.replace(remarks.SUBJECTS["chapter"], exists=lambda strategy, part: True)
    monkeypatch.setitem(remarks.SUBJECTS, "chapter", anything)
    assert len(long_key) == remarks.KEY_CHARS + 1
    with pytest.raises(ValidationError):
        remarks.post(strategy, long_key, by=coordinator, text="A remark.")
    assert not Remark.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_a_blank_remark_is_refused(strategy, coordinator, text):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        remarks.post(strategy, "chapter-vision", by=coordinator, text=text)
    assert refused.value.message_dict == {"text": ["Write the remark."]}
    assert not Remark.objects.exists()


def test_a_remark_over_4000_characters_or_with_a_control_character_is_refused(strategy, coordinator):
    assert REMARK_CHARS == 4_000
    remarks.post(strategy, "chapter-vision", by=coordinator, text="x" * REMARK_CHARS)  # the limit itself is kept
    with pytest.raises(ValidationError) as too_long:
        remarks.post(strategy, "chapter-vision", by=coordinator, text="x" * (REMARK_CHARS + 1))
    assert "text" in too_long.value.message_dict
    with translation.override("en"), pytest.raises(ValidationError, match="control character"):
        remarks.post(strategy, "chapter-vision", by=coordinator, text="bad\x00text")
    remarks.post(strategy, "chapter-vision", by=coordinator, text="Lines\nand\ttabs are text.")
    assert Remark.objects.count() == 2


def test_a_viewer_a_focal_point_and_another_country_may_not_remark(strategy, viewer, focal_point, xk_secretariat):
    for user in (viewer, focal_point, xk_secretariat):
        with pytest.raises(PermissionDenied):
            remarks.post(strategy, "chapter-vision", by=user, text="A remark.")
    assert not Remark.objects.exists()


def test_the_secretariat_answers_which_resolves_the_remark_with_its_history(strategy, coordinator, secretariat):
    remark = remarks.post(strategy, "annual-2024", by=coordinator, text="The budget table is missing.")
    answered = remarks.answer(remark, by=secretariat, text="Added in section 3.")
    remark.refresh_from_db()
    assert (remark.status, remark.answer, remark.resolved_by) == (
        Remark.Status.RESOLVED,
        "Added in section 3.",
        secretariat,
    )
    assert remark.resolved_at is not None and remark.resolved_at >= remark.created_at
    assert answered.pk == remark.pk
    assert remark.text == "The budget table is missing." and remark.author == coordinator  # the remark unchanged
    history = list(remark.history.order_by("history_date", "history_id"))
    assert len(history) == 2
    assert [(row.status, row.history_user) for row in history] == [
        (Remark.Status.OPEN, coordinator),
        (Remark.Status.RESOLVED, secretariat),
    ]


def test_the_coordinator_and_others_cannot_answer(strategy, coordinator, viewer, xk_secretariat):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    for user in (coordinator, viewer, xk_secretariat):
        with pytest.raises(PermissionDenied):
            remarks.answer(remark, by=user, text="Done.")
    remark.refresh_from_db()
    assert remark.status == Remark.Status.OPEN and remark.history.count() == 1


def test_a_second_answer_is_refused_in_words_and_the_first_is_kept(
    strategy, coordinator, secretariat, second_secretariat
):
    remark = remarks.post(strategy, "gcm-2024", by=coordinator, text="Objective 5 needs data.")
    stale = Remark.objects.get(pk=remark.pk)  # read before the first answer, as a page shown meanwhile
    remarks.answer(remark, by=second_secretariat, text="First answer.")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        remarks.answer(stale, by=secretariat, text="Second answer.")
    assert refused.value.message_dict == {
        "answer": ["Second Secretary answered this remark meanwhile; your answer was not saved."]
    }
    remark.refresh_from_db()
    assert (remark.answer, remark.resolved_by) == ("First answer.", second_secretariat)
    assert remark.history.count() == 2


@pytest.mark.parametrize("text", ["", "  \n "])
def test_a_blank_answer_is_refused(strategy, coordinator, secretariat, text):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        remarks.answer(remark, by=secretariat, text=text)
    assert refused.value.message_dict == {"answer": ["Write the answer: what was changed, or why nothing was."]}
    remark.refresh_from_db()
    assert remark.status == Remark.Status.OPEN


def test_an_answer_over_4000_characters_or_with_a_control_character_is_refused(strategy, coordinator, secretariat):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    with pytest.raises(ValidationError) as too_long:
        remarks.answer(remark, by=secretariat, text="x" * (REMARK_CHARS + 1))
    assert "answer" in too_long.value.message_dict
    with translation.override("en"), pytest.raises(ValidationError, match="control character"):
        remarks.answer(remark, by=secretariat, text="bad\x07answer")
    remark.refresh_from_db()
    assert (remark.status, remark.answer, remark.history.count()) == (Remark.Status.OPEN, "", 1)
    remarks.answer(remark, by=secretariat, text="y" * REMARK_CHARS)  # the limit itself is kept
    remark.refresh_from_db()
    assert remark.status == Remark.Status.RESOLVED


def test_open_counts_count_the_open_remarks_of_each_draft_of_a_kind(strategy, coordinator, secretariat):
    first = remarks.post(strategy, "chapter-vision", by=coordinator, text="One.")
    remarks.post(strategy, "chapter-vision", by=coordinator, text="Two.")
    remarks.post(strategy, "chapter-context", by=coordinator, text="Three.")
    remarks.post(strategy, "annual-2024", by=coordinator, text="Not a chapter.")
    remarks.answer(first, by=secretariat, text="Done.")
    assert remarks.open_counts(strategy, "chapter") == {"vision": 1, "context": 1}


# --- The pages ---


def test_the_coordinator_and_the_secretariat_read_the_remarks_page_nobody_else(
    strategy, coordinator, secretariat, viewer, focal_point, xk_secretariat, client_for
):
    remarks.post(strategy, "chapter-vision", by=coordinator, text="A private remark.")
    for user in (coordinator, secretariat):
        response = client_for(user).get(page(strategy))
        assert response.status_code == 200
        html = response.content.decode()
        assert "A private remark." in html and 'id="draft-remarks-heading"' in html
        assert 'name="text"' in html and 'for="id_text"' in html
        listing = client_for(user).get(list_page(strategy))
        assert listing.status_code == 200 and "A private remark." in listing.content.decode()
    for user in (viewer, focal_point, xk_secretariat):
        client = client_for(user)
        assert client.get(page(strategy)).status_code == 404
        assert client.get(list_page(strategy)).status_code == 404
        assert client.post(page(strategy), {"text": "Mine."}).status_code == 404
    assert Remark.objects.count() == 1


def test_only_the_chapters_writer_is_offered_to_edit_the_chapter_from_its_remarks(
    strategy, coordinator, secretariat, client_for
):
    edit = reverse("chapters:edit", args=[strategy.code, "vision"])
    assert edit in client_for(secretariat).get(page(strategy)).content.decode()
    assert edit not in client_for(coordinator).get(page(strategy)).content.decode()


@pytest.mark.parametrize("key", ["chapter-nope", "annual-1990", "x-1", "gcm-2024-H1", "chapter-" + "v" * 25])
def test_a_page_of_no_draft_is_not_found(strategy, coordinator, client_for, key):
    client = client_for(coordinator)
    assert client.get(page(strategy, key)).status_code == 404
    assert client.post(page(strategy, key), {"text": "A remark."}).status_code == 404
    assert not Remark.objects.exists()


def test_signed_out_the_pages_ask_to_sign_in(strategy, coordinator, client):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    for url in (page(strategy), list_page(strategy)):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response.url
    assert client.post(answer_url(remark), {"answer": "Done."}).status_code == 302
    remark.refresh_from_db()
    assert remark.status == Remark.Status.OPEN


def test_a_posted_remark_goes_back_to_the_remarks_page(strategy, coordinator, client_for):
    response = client_for(coordinator).post(page(strategy), {"text": "Shorter, please.", "back": ""})
    assert response.status_code == 302
    assert response.url == page(strategy) + "#remarks"
    remark = Remark.objects.get()
    assert (remark.subject, remark.text, remark.author, remark.strategy) == (
        "chapter-vision",
        "Shorter, please.",
        coordinator,
        strategy,
    )


def test_a_remark_posted_from_the_draft_goes_back_to_the_draft(strategy, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(page(strategy, "annual-2024"), {"text": "Name the sources.", "back": "draft"})
    assert response.status_code == 302
    assert response.url == reverse("reports:annual", args=[strategy.code, "2024"]) + "#remarks"
    response = client.post(page(strategy, "gcm-2024"), {"text": "Objective 7?", "back": "draft"})
    assert response.url == reverse("reports:gcm-review", args=[strategy.code]) + "?period=2024#remarks"
    assert sorted(Remark.objects.values_list("subject", flat=True)) == ["annual-2024", "gcm-2024"]


def test_a_forged_back_stays_on_the_site(strategy, coordinator, client_for):
    response = client_for(coordinator).post(page(strategy), {"text": "A remark.", "back": "//evil"})
    assert response.status_code == 302 and response.url == page(strategy) + "#remarks"


def test_an_empty_remark_is_refused_and_the_page_says_why(strategy, coordinator, client_for):
    for text in ("", "   "):
        response = client_for(coordinator).post(page(strategy), {"text": text, "back": "draft"})
        assert response.status_code == 400
        html = response.content.decode()
        assert error_of(html, "id_text")
        assert 'name="back" value="draft"' in html  # where to go once posted, kept too
    assert not Remark.objects.exists()


def test_a_remark_too_long_is_refused_in_a_sentence_and_kept_in_the_textarea(strategy, coordinator, client_for):
    typed = "Kept as typed. " + "x" * REMARK_CHARS
    response = client_for(coordinator).post(page(strategy), {"text": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{typed}</textarea>" in html
    error = error_of(html, "id_text")
    assert str(len(typed)) in error and str(REMARK_CHARS) in error
    if response.headers.get("Content-Language") == "en":
        assert f"The text has {len(typed)} characters; at most {REMARK_CHARS} are kept." in error
    assert not Remark.objects.exists()


def test_a_control_character_is_refused_on_the_page(strategy, coordinator, client_for):
    response = client_for(coordinator).post(page(strategy), {"text": "bad\x00text"})
    assert response.status_code == 400 and error_of(response.content.decode(), "id_text")
    assert not Remark.objects.exists()


def test_the_secretariat_answers_on_the_page_which_resolves_the_remark(strategy, coordinator, secretariat, client_for):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    client = client_for(secretariat)
    html = client.get(page(strategy)).content.decode()
    assert f'action="{answer_url(remark)}"' in html and f'for="id_answer_{remark.pk}_answer"' in html
    response = client.post(answer_url(remark), {"answer": "Rewritten.", "back": ""})
    assert response.status_code == 302 and response.url == page(strategy) + "#remarks"
    remark.refresh_from_db()
    assert (remark.status, remark.answer, remark.resolved_by) == (Remark.Status.RESOLVED, "Rewritten.", secretariat)
    html = client.get(page(strategy)).content.decode()
    assert "Rewritten." in html and f'action="{answer_url(remark)}"' not in html  # answered once


def test_an_answer_from_the_draft_goes_back_to_the_draft(strategy, coordinator, secretariat, client_for):
    remark = remarks.post(strategy, "annual-2024", by=coordinator, text="A remark.")
    response = client_for(secretariat).post(answer_url(remark), {"answer": "Done.", "back": "draft"})
    assert response.status_code == 302
    assert response.url == reverse("reports:annual", args=[strategy.code, "2024"]) + "#remarks"


def test_the_coordinator_reads_the_remarks_but_may_not_answer(strategy, coordinator, client_for):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    client = client_for(coordinator)
    assert answer_url(remark) not in client.get(page(strategy)).content.decode()
    assert client.post(answer_url(remark), {"answer": "I resolve it myself."}).status_code == 403
    remark.refresh_from_db()
    assert (remark.status, remark.answer) == (Remark.Status.OPEN, "")


def test_nobody_else_answers_nor_learns_the_remark_exists(
    strategy, coordinator, viewer, focal_point, xk_secretariat, client_for
):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    for user in (viewer, focal_point, xk_secretariat):
        assert client_for(user).post(answer_url(remark), {"answer": "Done."}).status_code == 404
    assert client_for(coordinator).get(answer_url(remark)).status_code == 405  # an answer is posted
    remark.refresh_from_db()
    assert remark.status == Remark.Status.OPEN


@pytest.mark.parametrize("typed", ["", "   ", "Kept as typed " + "y" * REMARK_CHARS, "Kept\x00as typed"])
def test_a_refused_answer_answers_400_and_keeps_the_typed_text(strategy, coordinator, secretariat, client_for, typed):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    response = client_for(secretariat).post(answer_url(remark), {"answer": typed, "back": "draft"})
    assert response.status_code == 400
    html = response.content.decode()
    field = f"id_answer_{remark.pk}_answer"
    assert error_of(html, field)
    if typed.strip() and "\x00" not in typed:
        assert f"{typed}</textarea>" in html
    assert html.count(f'action="{answer_url(remark)}"') == 1
    remark.refresh_from_db()
    assert (remark.status, remark.answer) == (Remark.Status.OPEN, "")


def test_an_answer_given_meanwhile_is_kept_and_the_second_is_refused_on_the_page(
    strategy, coordinator, secretariat, second_secretariat, client_for
):
    remark = remarks.post(strategy, "chapter-vision", by=coordinator, text="A remark.")
    remarks.answer(remark, by=second_secretariat, text="First answer.")
    response = client_for(secretariat).post(answer_url(remark), {"answer": "My answer, typed meanwhile."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Second Secretary" in error_of(html, f"id_answer_{remark.pk}_answer")
    assert "My answer, typed meanwhile.</textarea>" in html and "First answer." in html
    if response.headers.get("Content-Language") == "en":
        assert "Second Secretary answered this remark meanwhile; your answer was not saved." in html
    remark.refresh_from_db()
    assert (remark.answer, remark.resolved_by) == ("First answer.", second_secretariat)


def test_the_list_shows_open_remarks_before_resolved_ones(strategy, coordinator, secretariat, client_for):
    resolved = remarks.post(strategy, "annual-2024", by=coordinator, text="Resolved remark AAA.")
    remarks.post(strategy, "gcm-2024", by=coordinator, text="Open remark on the review.")
    remarks.post(strategy, "chapter-vision", by=secretariat, text="Open remark on the vision.")
    remarks.answer(resolved, by=secretariat, text="Answer of AAA.")
    response = client_for(coordinator).get(list_page(strategy))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(text) for text in ("Open remark on", "Resolved remark AAA.", "Answer of AAA.")]
    assert positions == sorted(positions)
    assert html.index("Open remark on the vision.") < html.index("Resolved remark AAA.")
    assert html.index("Open remark on the review.") < html.index("Resolved remark AAA.")
    assert page(strategy, "chapter-vision") + "#remark-" in html  # each row links its draft's remarks
    assert [remark.status for remark in remarks.remarks_of(strategy)] == ["open", "open", "resolved"]


# --- The block on the drafts' pages ---


@pytest.fixture
def drafts(strategy, secretariat):
    """The pages of the drafts of `strategy` that show the remarks' block, by name."""
    assessment = assessment_services.create_assessment(strategy, year=2025, by=secretariat)
    return {
        "annual": (reverse("reports:annual", args=[strategy.code, "2024"]), "annual-2024"),
        "gcm": (reverse("reports:gcm-review", args=[strategy.code]) + "?period=2024", "gcm-2024"),
        "chapter": (reverse("chapters:edit", args=[strategy.code, "vision"]), "chapter-vision"),
        "sdg": (reverse("assessment:detail", args=[assessment.pk]), "sdg-2025"),
    }


@pytest.mark.parametrize("name", ["annual", "gcm", "chapter", "sdg"])
def test_the_remarks_block_is_on_each_drafts_page(strategy, coordinator, secretariat, client_for, drafts, name):
    url, key = drafts[name]
    remarks.post(strategy, key, by=coordinator, text=f"A remark on {name}.")
    readers = [secretariat] if name == "chapter" else [secretariat, coordinator]
    for user in readers:
        response = client_for(user).get(url)
        assert response.status_code == 200, (name, user.username)
        html = response.content.decode()
        assert 'id="draft-remarks-heading"' in html and f"A remark on {name}." in html
        assert f'action="{page(strategy, key)}"' in html
        with translation.override("en"):
            english = client_for(user).get(url, headers={"accept-language": "en"}).content.decode()
        assert ">Remarks\n" in english or ">Remarks<" in english


def test_the_block_on_the_monitoring_report_posts_back_to_it(strategy, coordinator, client_for):
    html = client_for(coordinator).get(reverse("reports:annual", args=[strategy.code, "2024"])).content.decode()
    form = html[html.index(f'action="{page(strategy, "annual-2024")}"') :]
    assert 'name="back" value="draft"' in form[: form.index("</form>")]


def test_a_viewer_reads_the_monitoring_report_without_the_remarks(strategy, coordinator, viewer, client_for):
    remarks.post(strategy, "annual-2024", by=coordinator, text="Private to the secretariat.")
    response = client_for(viewer).get(reverse("reports:annual", args=[strategy.code, "2024"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="draft-remarks-heading"' not in html and "Private to the secretariat." not in html
    assert page(strategy, "annual-2024") not in html


def test_the_chapters_list_counts_each_chapters_open_remarks_for_those_who_remark(
    strategy, coordinator, viewer, client_for
):
    remarks.post(strategy, "chapter-vision", by=coordinator, text="One.")
    remarks.post(strategy, "chapter-vision", by=coordinator, text="Two.")
    url = reverse("chapters:list", args=[strategy.code])
    html = client_for(coordinator).get(url, headers={"accept-language": "en"}).content.decode()
    link = html[html.index(f'href="{page(strategy, "chapter-vision")}"') :]
    assert "2 open</span>" in link[: link.index("</a>")]
    link = html[html.index(f'href="{page(strategy, "chapter-context")}"') :]
    assert "open</span>" not in link[: link.index("</a>")]
    viewed = client_for(viewer).get(url)
    assert viewed.status_code == 200 and page(strategy, "chapter-vision") not in viewed.content.decode()


# --- Constant queries ---


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _more_remarks(strategy, coordinator, secretariat, second_secretariat, key, count):
    """`count` more remarks on `key`, by different people, a third of them answered by different people."""
    authors = [coordinator, secretariat, second_secretariat]
    for number in range(count):
        remark = remarks.post(strategy, key, by=authors[number % 3], text=f"Remark {number}.")
        if number % 3 == 0:
            remarks.answer(remark, by=[secretariat, second_secretariat][number % 2], text=f"Answer {number}.")


@pytest.mark.parametrize("user_name", ["secretariat", "coordinator"])
def test_the_remarks_page_and_the_list_read_in_constant_queries(
    strategy, coordinator, secretariat, second_secretariat, client_for, user_name
):
    client = client_for({"secretariat": secretariat, "coordinator": coordinator}[user_name])
    remarks.post(strategy, "chapter-vision", by=coordinator, text="The first remark.")
    client.get(page(strategy))  # the session's first request reads what later ones find in it
    one = {url: _queries(client, url) for url in (page(strategy), list_page(strategy))}
    _more_remarks(strategy, coordinator, secretariat, second_secretariat, "chapter-vision", 9)
    for key in ("annual-2024", "gcm-2024-2026"):
        _more_remarks(strategy, coordinator, secretariat, second_secretariat, key, 3)
    assert Remark.objects.filter(subject="chapter-vision").count() == 10
    ten = {url: _queries(client, url) for url in (page(strategy), list_page(strategy))}
    assert ten == one


def test_the_annual_page_reads_its_remarks_in_constant_queries(
    strategy, coordinator, secretariat, second_secretariat, client_for
):
    client = client_for(secretariat)
    url = reverse("reports:annual", args=[strategy.code, "2024"])
    remarks.post(strategy, "annual-2024", by=coordinator, text="The first remark.")
    client.get(url)
    one = _queries(client, url)
    _more_remarks(strategy, coordinator, secretariat, second_secretariat, "annual-2024", 9)
    assert _queries(client, url) == one


# --- The chapters are the secretariat's ---


@pytest.mark.parametrize("kind", ["vision", "context", "implementation"])
def test_the_coordinator_may_not_write_a_chapter(strategy, coordinator, secretariat, client_for, kind):
    edit = reverse("chapters:edit", args=[strategy.code, kind])
    client = client_for(coordinator)
    assert client.get(edit).status_code == 403
    posted = {"body_sq": "", "body_en": "By the coordinator.", "version": 0, "action": "save"}
    assert client.post(edit, posted).status_code == 403
    assert client.post(reverse("chapters:preview", args=[strategy.code, kind]), {"language": "en"}).status_code == 403
    assert client_for(secretariat).get(edit).status_code == 200
    assert (
        "By the coordinator."
        not in client_for(secretariat).get(reverse("chapters:list", args=[strategy.code])).content.decode()
    )


# --- Found in review: hostile year digits, and the remarks of a draft gone since ---


@pytest.mark.parametrize("key", ["sdg-２０２５", "sdg-²⁰²⁵", "sdg-٢٠٢٥"])
def test_a_year_in_other_digits_names_no_self_assessment(strategy, secretariat, coordinator, client_for, key):
    """Only ASCII digits name a year: other digits are refused (404 on the page, never a 500), so that no remark on
    the same year is stored under a second key."""
    assessment_services.create_assessment(strategy, year=2025, by=secretariat)
    with pytest.raises(ValidationError):
        remarks.post(strategy, key, by=coordinator, text="A remark.")
    assert client_for(coordinator).get(page(strategy, key)).status_code == 404
    assert not Remark.objects.exists()


def test_the_remarks_of_a_period_gone_from_the_plan_are_still_read_and_answered(
    strategy, coordinator, secretariat, client_for
):
    remark = remarks.post(strategy, "annual-2024", by=coordinator, text="Name the municipalities.")
    type(strategy).objects.filter(pk=strategy.pk).update(plan_start_year=2025)  # 2024 is no longer in the plan
    strategy.refresh_from_db()
    with pytest.raises(ValidationError):
        remarks.about(strategy, "annual-2024")
    client = client_for(secretariat)
    response = client.get(page(strategy, "annual-2024"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name the municipalities." in html and f'action="{answer_url(remark)}"' in html
    assert f'action="{page(strategy, "annual-2024")}"' not in html  # no new remark on it
    assert client.post(page(strategy, "annual-2024"), {"text": "Another."}).status_code == 404
    refused = client.post(answer_url(remark), {"answer": "", "back": "draft"})
    assert refused.status_code == 400 and 'role="status"' in refused.content.decode()
    answered = client.post(answer_url(remark), {"answer": "Named.", "back": "draft"})
    assert answered.status_code == 302 and answered.url == page(strategy, "annual-2024") + "#remarks"  # no draft page
    remark.refresh_from_db()
    assert (remark.status, remark.answer) == (Remark.Status.RESOLVED, "Named.")
    assert client.get(page(strategy, "annual-2099")).status_code == 404  # no remark: no page
