"""The self-assessment pages: who reads and who edits, the answers form (every error at once, typed values kept),
the documents, and the queries that do not grow with the plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.assessment import services
from nsm.assessment.models import Answer, Assessment, SubCategory
from tests.assessment.conftest import answer_all
from tests.factories import ActivityFactory, MeasureFactory


def _url(name, assessment, *args):
    return reverse(f"assessment:{name}", args=[assessment.pk, *args])


def test_analysts_read_the_list_and_the_assessment(assessment, strategy, coordinator, viewer, client_for):
    for user in (coordinator, viewer):
        client = client_for(user)
        page = client.get(reverse("assessment:list", args=[strategy.code]))
        assert page.status_code == 200 and "2025" in page.content.decode()
        detail = client.get(_url("detail", assessment))
        assert detail.status_code == 200
        assert "Answer the sub-categories" not in detail.content.decode()
        assert client.get(_url("answers", assessment)).status_code == 404


def test_focal_points_and_the_public_see_nothing(assessment, strategy, focal_point, client_for, public):
    client = client_for(focal_point)
    assert client.get(reverse("assessment:list", args=[strategy.code])).status_code == 404
    assert client.get(_url("detail", assessment)).status_code == 404
    assert client.get(_url("document", assessment, "en", "pdf")).status_code == 404
    for url in (_url("detail", assessment), _url("document", assessment, "en", "xlsx")):
        response = public.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_secretariat_makes_an_assessment_and_a_refused_year_keeps_its_value(strategy, secretariat, client_for):
    client = client_for(secretariat)
    url = reverse("assessment:create", args=[strategy.code])
    refused = client.post(url, {"year": "2031"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Choose a year from 2023 to 2026" in body and 'value="2031"' in body
    made = client.post(url, {"year": "2025"})
    assessment = Assessment.objects.get(strategy=strategy, year=2025)
    assert made.status_code == 302 and made["Location"] == _url("answers", assessment)


def test_the_coordinator_cannot_make_or_answer_one(assessment, strategy, coordinator, client_for):
    client = client_for(coordinator)
    assert client.post(reverse("assessment:create", args=[strategy.code]), {"year": "2024"}).status_code == 404
    assert client.post(_url("answers", assessment), {}).status_code == 404
    assert client.post(_url("status", assessment), {"status": "final"}).status_code == 404


def _form_data(assessment, **changes):
    data = {"version": str(assessment.version)}
    for answer in Answer.objects.filter(assessment=assessment):
        data[f"level_{answer.subcategory_id}"] = answer.level
        data[f"evidence_{answer.subcategory_id}"] = answer.evidence
    data.update(changes)
    return data


def test_every_error_of_the_answers_form_is_shown_at_once_with_the_typed_values(assessment, secretariat, client_for):
    subs = {sub.number: sub.pk for sub in SubCategory.objects.all()}
    data = _form_data(
        assessment,
        **{
            f"level_{subs['2.1']}": "partial",
            f"evidence_{subs['2.2']}": "long " * 900,
            f"evidence_{subs['2.3']}": "Typed and kept",
            f"level_{subs['2.3']}": "yes",
        },
    )
    response = client_for(secretariat).post(_url("answers", assessment), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Answer to 2.1" in body and "Evidence for 2.2" in body  # both errors listed
    assert "Typed and kept" in body
    assert set(Answer.objects.filter(assessment=assessment).values_list("level", flat=True)) == {""}


def test_the_answers_are_saved_with_their_measures_and_activities(assessment, strategy, secretariat, client_for):
    activity = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))
    sub = SubCategory.objects.get(number="6.3")
    data = _form_data(
        assessment,
        **{
            f"level_{sub.pk}": "yes",
            f"evidence_{sub.pk}": "National action plan against trafficking",
            f"activities_{sub.pk}": [str(activity.pk)],
            f"measures_{sub.pk}": [str(activity.measure_id)],
        },
    )
    response = client_for(secretariat).post(_url("answers", assessment), data)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, subcategory=sub)
    assert answer.level == "yes" and list(answer.activities.all()) == [activity]
    assert list(answer.measures.all()) == [activity.measure]
    detail = client_for(secretariat).get(_url("detail", assessment)).content.decode()
    assert "National action plan against trafficking" in detail


def test_the_secretariat_makes_it_final_once_answered(assessment, secretariat, client_for):
    client = client_for(secretariat)
    client.post(_url("status", assessment), {"status": "final", "version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "draft"  # not answered yet: refused in words
    answer_all(assessment, secretariat, {})
    assessment.refresh_from_db()
    client.post(_url("status", assessment), {"status": "final", "version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.status == "final"


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_a_reader_downloads_the_document(assessment, viewer, client_for, fmt):
    response = client_for(viewer).get(_url("document", assessment, "sq", fmt))
    assert response.status_code == 200
    assert f"_sdg-1072-2025_sq.{fmt}" in response["Content-Disposition"]


def _grow_plan(strategy, activities):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    for _ in range(activities):
        ActivityFactory(measure=measure)


@pytest.mark.parametrize("page", ["list", "detail", "answers"])
def test_the_pages_take_as_many_queries_for_a_big_plan_as_for_a_small_one(
    page, assessment, strategy, secretariat, client_for, django_assert_max_num_queries
):
    client = client_for(secretariat)
    url = reverse("assessment:list", args=[strategy.code]) if page == "list" else _url(page, assessment)
    _grow_plan(strategy, 2)
    answer_all(assessment, secretariat, {})
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_plan(strategy, 40)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_the_dashboard_links_to_the_self_assessments(strategy, coordinator, client_for):
    page = client_for(coordinator).get(reverse("analytics:dashboard", args=[strategy.code]))
    assert page.status_code == 200
    assert reverse("assessment:list", args=[strategy.code]) in page.content.decode()


def test_changing_an_answers_items_leaves_one_history_row(assessment, strategy, secretariat):
    activity = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))
    sub = SubCategory.objects.get(number="6.4")
    before = Answer.history.count()
    given = {sub.pk: services.AnswerInput("yes", "", frozenset({activity.measure_id}), frozenset({activity.pk}))}
    services.save_answers(assessment, by=secretariat, version=None, answers=given)
    assert Answer.history.count() == before + 1


def test_the_remarks_are_markdown_on_the_page_and_a_chapter_of_the_document(assessment, secretariat, client_for):
    client = client_for(secretariat)
    data = _form_data(assessment, note="# Gaps\n\n- **Crises**: no plan <script>x</script>")
    assert client.post(_url("answers", assessment), data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.note.startswith("# Gaps")
    body = client.get(_url("detail", assessment)).content.decode()
    assert "<strong>Crises</strong>" in body and "<script>x" not in body


def test_remarks_too_long_are_refused_with_the_answers_kept(assessment, secretariat, client_for):
    sub = SubCategory.objects.get(number="1.1")
    data = _form_data(assessment, note="x" * 10_001, **{f"level_{sub.pk}": "yes"})
    response = client_for(secretariat).post(_url("answers", assessment), data)
    assert response.status_code == 400
    assert "Remarks" in response.content.decode()
    assert Answer.objects.get(assessment=assessment, subcategory=sub).level == ""
