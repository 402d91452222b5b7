"""The GCM review page: the secretariat writes, the coordinator reads, nobody else sees it; every text bounded and
refused in a sentence with the typed values kept; a stale save refused; the preview; the draft as a file."""

import pytest
from django.urls import reverse

from nsm.analytics.periods import Period
from nsm.reports import services
from nsm.reports.models import REVIEW_TEXT_CHARS, GcmReview, GcmReviewObjective
from tests.analytics.conftest import grow

YEAR_2024 = Period.year(2024)


@pytest.fixture
def page(strategy):
    return reverse("reports:gcm-review", args=[strategy.code]) + "?period=2024"


@pytest.fixture
def save_url(strategy):
    return reverse("reports:gcm-review-save", args=[strategy.code])


def posted(part="objective-5", sq="Teksti.", en="The text.", version=0, period="2024"):
    return {"part": part, "period": period, f"{part}-text_sq": sq, f"{part}-text_en": en, f"{part}-version": version}


def test_the_page_lists_the_23_objectives_with_the_data_and_a_form_each(
    approved_plan, secretariat, client_for, page, django_assert_num_queries
):
    services.write_review_objective(
        approved_plan.strategy, YEAR_2024, number=1, text_sq="", text_en="x", version=0, by=secretariat
    )
    client = client_for(secretariat)
    client.get(page)  # the session's first request reads what later ones find in it
    # 23: the page (22, whatever the size of the plan) and its remarks (one query)
    with django_assert_num_queries(23) as before:
        response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    for number in range(1, 24):
        assert f'id="objective-{number}"' in html
    assert html.count("Not addressed by the plan</span>") == 23 - 5
    assert "2 activities serve it in the period (2 completed)." in html
    assert 'name="objective-1-text_en"' in html and 'for="review-objective-1-text_en"' in html
    for number in (5, 7):  # more texts and more data: as many queries
        services.write_review_objective(
            approved_plan.strategy, YEAR_2024, number=number, text_sq="", text_en="x", version=0, by=secretariat
        )
    grow(approved_plan)
    with django_assert_num_queries(len(before.captured_queries)):
        assert client.get(page).status_code == 200


def test_the_secretariat_writes_an_objectives_text_and_it_is_kept_with_history(
    approved_plan, secretariat, client_for, page, save_url
):
    client = client_for(secretariat)
    response = client.post(save_url, posted(en="Albania **collects** data."))
    assert response.status_code == 302 and response.url.endswith("?period=2024#objective-5")
    text = GcmReviewObjective.objects.get(review__strategy=approved_plan.strategy, number=5)
    assert (text.text_en, text.text_sq, text.version) == ("Albania **collects** data.", "Teksti.", 1)
    assert text.history.count() == 1 and text.history.first().history_user == secretariat
    response = client.post(save_url, posted(en="Changed.", version=1))
    text.refresh_from_db()
    assert (text.text_en, text.version, text.history.count()) == ("Changed.", 2, 2)
    assert "Changed." in client.get(page).content.decode()


def test_a_chapter_is_written_the_same_way(approved_plan, secretariat, client_for, save_url):
    client_for(secretariat).post(save_url, posted(part="context", en="Albania, 2.4 million people."))
    review = GcmReview.objects.get(strategy=approved_plan.strategy, period="2024")
    assert review.context_en == "Albania, 2.4 million people." and review.version == 1


def test_a_stale_save_is_refused_and_the_typed_text_stays(approved_plan, secretariat, client_for, save_url):
    services.write_review_objective(
        approved_plan.strategy, YEAR_2024, number=5, text_sq="", text_en="First.", version=0, by=secretariat
    )
    response = client_for(secretariat).post(save_url, posted(en="Mine, typed on an old page.", version=0))
    assert response.status_code == 400
    html = response.content.decode()
    assert "was changed by" in html and "Mine, typed on an old page." in html
    assert GcmReviewObjective.objects.get(number=5).text_en == "First."


def test_a_text_too_long_is_refused_in_a_sentence_and_kept(approved_plan, secretariat, client_for, save_url):
    response = client_for(secretariat).post(save_url, posted(en="x" * (REVIEW_TEXT_CHARS + 1), sq="Mbajtur."))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"at most {REVIEW_TEXT_CHARS} are kept" in html
    assert "Mbajtur." in html
    assert not GcmReviewObjective.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        posted(part="objective-24"),
        posted(part="objective-0"),
        posted(part="objective-²"),  # a digit to str.isdigit(), not to int()
        posted(part="summary"),
        posted(period="2031"),
    ],
)
def test_a_forged_part_or_period_is_refused_in_a_sentence(approved_plan, secretariat, client_for, save_url, data):
    response = client_for(secretariat).post(save_url, data)
    assert response.status_code == 400 and response.content
    assert not GcmReview.objects.exists()


def test_a_control_character_is_refused(approved_plan, secretariat, client_for, save_url):
    response = client_for(secretariat).post(save_url, posted(en="bad\x00text"))
    assert response.status_code == 400 and "control character" in response.content.decode()


def test_the_coordinator_reads_the_texts_and_cannot_write(approved_plan, secretariat, coordinator, client_for, page,
                                                            save_url):  # fmt: skip
    services.write_review_objective(
        approved_plan.strategy, YEAR_2024, number=1, text_sq="", text_en="Written.", version=0, by=secretariat
    )
    client = client_for(coordinator)
    html = client.get(page).content.decode()
    assert "Written." in html and 'name="objective-1-text_en"' not in html
    assert client.post(save_url, posted()).status_code == 404
    assert not GcmReviewObjective.objects.filter(number=5).exists()


@pytest.mark.parametrize("persona", ["viewer", "focal_point"])
def test_viewers_and_focal_points_do_not_see_the_draft(approved_plan, client_for, page, persona, request):
    assert client_for(request.getfixturevalue(persona)).get(page).status_code == 404


def test_nothing_is_public(approved_plan, public, page):
    assert public.get(page).status_code == 302


def test_an_unknown_period_shows_the_default_with_a_sentence(approved_plan, secretariat, client_for, strategy):
    url = reverse("reports:gcm-review", args=[strategy.code]) + "?period=1999"
    response = client_for(secretariat).get(url)
    assert response.status_code == 200
    assert "1999 is not a year or the years of an action plan of AL-NSM-TEST" in response.content.decode()


def test_the_preview_prints_markdown_as_html(approved_plan, secretariat, client_for, strategy):
    url = reverse("reports:gcm-review-preview", args=[strategy.code])
    data = {"part": "context", "language": "en", "context-text_en": "Albania <script>x</script>\n\nMore."}
    response = client_for(secretariat).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<p>" in html and "More." in html


def test_the_preview_refuses_a_text_too_long(approved_plan, secretariat, client_for, strategy):
    url = reverse("reports:gcm-review-preview", args=[strategy.code])
    data = {"part": "context", "language": "en", "context-text_en": "x" * (REVIEW_TEXT_CHARS + 1)}
    assert "are kept" in client_for(secretariat).post(url, data).content.decode()


def test_the_coordinator_downloads_the_draft(approved_plan, coordinator, client_for, strategy):
    url = reverse("reports:gcm-review-file", args=[strategy.code, "en", "xlsx"]) + "?period=2024"
    response = client_for(coordinator).get(url)
    assert response.status_code == 200
    assert 'filename="AL-NSM-TEST_gcm-review-2024_en.xlsx"' in response["Content-Disposition"]
