"""The report page keeps what people type: Submit saves first, every error is shown at once with the typed values,
a stale save merges and shows only the values both people changed, evidence comes and goes without leaving the page
(htmx) or after saving the typed values (without JavaScript), unusual values are confirmed with a note."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, Evidence, IndicatorValue, ProgressReport
from tests.factories import ActivityBudgetFactory
from tests.monitoring.test_pages import PDF, filled_form, form_values, line_ids, text_of, url

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counted_indicator(report) -> int:
    return IndicatorValue.objects.get(report=report, category=None, indicator__code="1.1.1.1").indicator_id


# --- Submit saves first ---


def test_submit_saves_what_was_typed_then_submits(client_for, focal_point, report):
    client = client_for(focal_point)
    data = filled_form(client, report)  # typed, never saved
    response = client.post(url("report-submit", report.pk), data, follow=True)
    assert "Your changes were saved and the report was submitted" in text_of(response)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert not ActivityProgress.objects.filter(report=report).exclude(narrative_sq="Going well.").exists()


def test_a_refused_submit_submits_nothing_and_shows_every_typed_value_and_every_error(client_for, focal_point, report):
    client = client_for(focal_point)
    data = filled_form(client, report)
    first, second = line_ids(report)[0][:2]
    data |= {f"a{first}_status": "completed", f"a{first}_percent_complete": "60"}
    data |= {f"a{second}_narrative_sq": "A long story, typed and not saved.", f"a{second}_spent_donor": "a lot"}
    response = client.post(url("report-submit", report.pk), data)
    html, page = response.content.decode(), text_of(response)
    assert response.status_code == 200 and "Nothing was saved" in page
    assert "A completed activity is 100% complete." in page and "Enter a number." in page
    assert "A long story, typed and not saved." in html and 'value="a lot"' in html and 'value="60"' in html
    assert 'data-nsm-unsaved="true"' in html
    report.refresh_from_db()
    assert (report.status, report.version) == (ProgressReport.Status.DRAFT, 1)


def test_a_submit_with_lines_still_missing_saves_the_typing_and_says_what_is_missing(client_for, focal_point, report):
    client = client_for(focal_point)
    data = form_values(client.get(url("report", report.pk)))
    first = line_ids(report)[0][0]
    data[f"a{first}_narrative_sq"] = "Typed before pressing Submit."
    response = client.post(url("report-submit", report.pk), data, follow=True)
    page = text_of(response)
    assert "Your changes were saved, but the report was not submitted" in page and "Give the status." in page
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert ActivityProgress.objects.get(report=report, activity_id=first).narrative == "Typed before pressing Submit."


# --- Every error at once ---


def test_three_wrong_fields_show_three_errors_at_once_each_at_its_field_and_linked_from_the_summary(
    client_for, focal_point, report
):
    client = client_for(focal_point)
    data = filled_form(client, report)
    first, second = line_ids(report)[0][:2]
    counted = counted_indicator(report)
    data[f"a{first}_spent_donor"] = "many"  # cannot be read as a number (the form's error)
    data |= {f"a{second}_status": "completed", f"a{second}_percent_complete": "60"}  # a rule of the line
    data[f"i{counted}_total"] = "11"  # the breakdown adds up to 10
    response = client.post(url("report", report.pk), data)
    html = response.content.decode()
    for field in (f"id_a{first}_spent_donor", f"id_a{second}_percent_complete", f"id_i{counted}_total"):
        assert f'id="{field}_error"' in html and f'href="#{field}"' in html
        assert re.search(rf'<(input|select)[^>]*aria-describedby="{field}_error"[^>]*id="{field}"', html)
    summary = html[html.index('id="errors"') : html.index("</ul>", html.index('id="errors"'))]
    assert summary.count("<li>") == 3


# --- A stale save merges ---


def test_a_stale_save_keeps_the_other_persons_changes_and_shows_only_the_values_both_changed(
    client_for, focal_point, colleague, report
):
    client = client_for(focal_point)
    page = form_values(client.get(url("report", report.pk)))  # opened at version 1
    first, second = line_ids(report)[0][:2]
    colleague_page = client_for(colleague)
    theirs = form_values(colleague_page.get(url("report", report.pk)))
    theirs |= {f"a{first}_narrative_sq": "Their narrative.", f"a{second}_status": "delayed"}
    theirs[f"a{second}_narrative_sq"] = "Waiting for the funds."
    colleague_page.post(url("report", report.pk), theirs)
    mine = page | {f"a{first}_narrative_sq": "My narrative.", f"a{first}_status": "on_track"}
    mine[f"a{first}_percent_complete"] = "30"
    response = client.post(url("report", report.pk), mine)
    html, text = response.content.decode(), text_of(response)
    assert response.status_code == 200
    assert "Arta Kola changed the report" in text and "except the values you both changed" in text
    # Only the narrative of the first line was changed by both: theirs beside it, mine kept in the field.
    assert "Someone else changed this value meanwhile, to: Their narrative." in text
    assert re.search(rf'<textarea[^>]*id="id_a{first}_narrative_sq"[^>]*>\s*My narrative.</textarea>', html)
    assert f'data-nsm-use-value="Their narrative." data-nsm-field="id_a{first}_narrative_sq"' in html
    assert html.count('_error">Someone else changed this value meanwhile') == 1
    # Their other change, and mine where they did not change anything, are saved; the form is at the new version.
    line, other = (ActivityProgress.objects.get(report=report, activity_id=pk) for pk in (first, second))
    assert (line.narrative, line.status, line.percent_complete) == ("Their narrative.", "on_track", 30)
    assert (other.status, other.narrative) == ("delayed", "Waiting for the funds.")
    report.refresh_from_db()
    assert f'name="version" value="{report.version}"' in html
    # Saving again keeps my value (theirs is now what the page started from).
    again = client.post(url("report", report.pk), form_values(response))
    assert again.status_code == 302
    assert ActivityProgress.objects.get(report=report, activity_id=first).narrative == "My narrative."


def test_a_stale_save_of_other_lines_goes_through_and_says_what_the_other_person_did(
    client_for, focal_point, colleague, report
):
    client = client_for(focal_point)
    page = form_values(client.get(url("report", report.pk)))
    first, second = line_ids(report)[0][:2]
    services.save_report(
        report, by=colleague, version=1,
        activities=[services.ActivityLineInput(first, status="delayed", percent_complete=20, narrative_sq="Late.")],
    )  # fmt: skip
    response = client.post(url("report", report.pk), page | {f"a{second}_narrative_sq": "Mine."}, follow=True)
    text = text_of(response)
    assert "Their changes and yours were both saved" in text and "Under way, delayed" in text
    assert ActivityProgress.objects.get(report=report, activity_id=first).status == "delayed"
    assert ActivityProgress.objects.get(report=report, activity_id=second).narrative == "Mine."


# --- Evidence ---


def test_with_htmx_evidence_comes_and_goes_without_touching_the_typed_values(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    data = {"evidence": activity, "evidence_version": 1, f"evidence_file_{activity}": upload}
    response = client.post(url("evidence-add", report.pk), data, headers=HTMX)
    html = response.content.decode()
    evidence = Evidence.objects.get()
    assert response.status_code == 200
    assert f'id="evidence-block-{activity}"' in html and "minutes.pdf was uploaded." in html
    assert url("evidence", evidence.pk) in html and "<html" not in html
    assert 'id="evidence-version" name="evidence_version" value="2" hx-swap-oob="true"' in html
    removed = client.post(url("evidence-remove", evidence.pk), {"evidence_version": 2}, headers=HTMX)
    assert (
        "minutes.pdf was removed." in removed.content.decode() and 'value="3" hx-swap-oob' in removed.content.decode()
    )
    assert not Evidence.objects.exists()
    report.refresh_from_db()
    assert not ActivityProgress.objects.filter(report=report).exclude(status="").exists()


def test_with_htmx_a_refused_file_says_why_in_its_block(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    upload = SimpleUploadedFile("notes.pdf", b"just text", content_type="application/pdf")
    data = {"evidence": activity, "evidence_version": 1, f"evidence_file_{activity}": upload}
    html = client.post(url("evidence-add", report.pk), data, headers=HTMX).content.decode()
    assert 'role="alert"' in html and "Only PDF, Word (docx), Excel (xlsx), JPEG and PNG files are accepted." in html
    assert not Evidence.objects.exists()


def test_without_javascript_the_upload_button_saves_the_typed_values_first(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    data = form_values(client.get(url("report", report.pk)))
    data |= {f"a{activity}_narrative_sq": "Typed, then a file chosen.", "evidence": str(activity)}
    data[f"evidence_file_{activity}"] = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(url("report", report.pk), data)
    assert response.status_code == 302 and response.url == url("report", report.pk) + f"#activity-{activity}"
    assert ActivityProgress.objects.get(report=report, activity_id=activity).narrative == "Typed, then a file chosen."
    assert Evidence.objects.get().name == "minutes.pdf"


def test_without_javascript_a_refused_save_keeps_the_typing_and_adds_no_file(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    data = form_values(client.get(url("report", report.pk)))
    data |= {f"a{activity}_spent_other": "lots", f"a{activity}_narrative_sq": "Kept.", "evidence": str(activity)}
    data[f"evidence_file_{activity}"] = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(url("report", report.pk), data)
    html = response.content.decode()
    assert response.status_code == 200 and "The file was not changed" in text_of(response)
    assert 'value="lots"' in html and "Kept.</textarea>" in html
    assert not Evidence.objects.exists()


def test_the_report_form_warns_before_leaving_with_unsaved_changes(client_for, focal_point, report):
    html = client_for(focal_point).get(url("report", report.pk)).content.decode()
    assert re.search(r'<form method="post" id="report-form"[^>]*data-nsm-unsaved-warning', html)
    assert '<script src="/static/nsm/forms.js" defer></script>' in html


# --- Unusual values ---


@pytest.fixture
def costed(report):
    line = ActivityProgress.objects.filter(report=report).select_related("activity").order_by("pk").first()
    ActivityBudgetFactory(activity=line.activity, year=2024, amount=Decimal("6500000"))
    return line.activity_id


def test_an_unusual_value_is_asked_to_be_confirmed_then_saved_with_its_note(client_for, focal_point, report, costed):
    client = client_for(focal_point)
    data = filled_form(client, report) | {f"a{costed}_spent_state_budget": "999,999,999,999"}
    response = client.post(url("report", report.pk), data)
    html, page = response.content.decode(), text_of(response)
    assert response.status_code == 200 and "Check: an unusual value" in page
    assert "The spending reported (999,999,999,999 ALL) is above the activity&#x27;s planned cost for 2024" in page
    assert f'href="#id_a{costed}_confirm"' in html and f'id="id_a{costed}_confirm"' in html
    report.refresh_from_db()
    assert report.version == 1
    # Ticked without saying why: asked for the note; with it, saved.
    ticked = form_values(response) | {f"a{costed}_confirm": "on"}
    response = client.post(url("report", report.pk), ticked)
    assert "Say in a few words why the value is right." in text_of(response)
    confirmed = ticked | {f"a{costed}_plausibility_note": "The whole programme was paid this year."}
    assert client.post(url("report", report.pk), confirmed).status_code == 302
    line = ActivityProgress.objects.get(report=report, activity_id=costed)
    assert line.spent_state_budget == Decimal("999999999999")
    assert line.plausibility_note == "The whole programme was paid this year."


def test_the_reviewer_sees_unusual_values_flagged_with_the_note_or_as_not_confirmed(
    client_for, focal_point, secretariat, report, costed
):
    line = services.ActivityLineInput(costed, status="on_track", percent_complete=50, spent_donor=Decimal(10**10))
    services.save_report(report, by=focal_point, version=1, activities=[line])
    page = text_of(client_for(secretariat).get(url("report", report.pk)))
    assert "1 unusual value is flagged below" in page and "Not confirmed by the focal point." in page
    report.refresh_from_db()
    services.save_report(
        report, by=focal_point, version=report.version,
        activities=[services.ActivityLineInput(costed, status="on_track", percent_complete=50,
                                               spent_donor=Decimal(10**10), plausibility_note="Paid in advance.")],
    )  # fmt: skip
    page = text_of(client_for(secretariat).get(url("report", report.pk)))
    assert "Confirmed by the focal point: Paid in advance." in page
