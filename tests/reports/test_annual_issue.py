"""The annual monitoring report issued: the secretariat writes the narrative (analysis, conclusions, recommendations,
in Albanian and English, Markdown) and issues the report; issuing freezes the narrative, the data it was made from and
the files in every language and format, which are never made again; a correction is a new issue that says why, and
both stay listed; a file that cannot be made issues nothing. Coordinators and viewers read; the public sees the issues
of a public strategy only."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from docx import Document as WordDocument
from pypdf import PdfReader

from nsm.analytics.periods import Period
from nsm.reports import generate, issued
from nsm.reports.annual import IssueMark, Narrative, build_annual
from nsm.reports.document import Paragraph, colophon
from nsm.reports.models import AnnualNarrative, IssuedAnnualFile, IssuedAnnualReport

pytestmark = pytest.mark.django_db

YEAR = Period.year(2024)
TEXTS = {
    "analysis_sq": "Analiza e vitit.",
    "analysis_en": "The year's analysis.",
    "conclusions_sq": "",
    "conclusions_en": "The conclusions, in English only.",
    "recommendations_sq": "Rekomandimet.",
    "recommendations_en": "",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fast_render(monkeypatch):
    """Rendering replaced by a fast one that names the document's language, format and issue line."""

    def fake(document, fmt):
        return f"{fmt} {document.language} {document.issue} {document.data_stamp}".encode()

    monkeypatch.setattr(generate, "render", fake)


def write(strategy, user, version=0, **texts):
    return issued.save_narrative(strategy, YEAR, by=user, texts={**TEXTS, **texts}, version=version)


def test_only_the_secretariat_writes_the_narrative_and_issues(strategy, secretariat, coordinator, viewer, fast_render):
    for user in (coordinator, viewer):
        with pytest.raises(PermissionDenied):
            write(strategy, user)
        with pytest.raises(PermissionDenied):
            issued.issue_annual_report(strategy, YEAR, by=user)
    narrative = write(strategy, secretariat)
    assert narrative.history.get().history_user == secretariat
    made = issued.issue_annual_report(strategy, YEAR, by=secretariat)
    assert (made.number, made.issued_by, made.reason) == (1, secretariat, "")
    assert made.history.get().history_user == secretariat


def test_a_narrative_changed_meanwhile_is_refused_saying_who_changed_it(strategy, secretariat):
    write(strategy, secretariat)
    write(strategy, secretariat, version=1, analysis_en="Changed by a colleague.")
    with pytest.raises(ValidationError, match="was changed by"):
        write(strategy, secretariat, version=1, analysis_en="Mine.")
    assert AnnualNarrative.objects.get().analysis_en == "Changed by a colleague."


def test_issuing_freezes_the_narrative_and_files_and_a_correction_is_a_new_issue(strategy, secretariat, fast_render):
    write(strategy, secretariat)
    first = issued.issue_annual_report(strategy, YEAR, by=secretariat)
    files = {(row.language, row.fmt): row for row in first.files.all()}
    assert set(files) == {(language, fmt) for language in ("sq", "en") for fmt in ("docx", "pdf", "xlsx")}
    with files["en", "pdf"].file.open("rb") as handle:
        assert handle.read().startswith(b"pdf en Issue 1 of ")
    assert first.analysis_en == "The year's analysis." and first.data_stamp

    write(strategy, secretariat, version=1, analysis_en="Corrected analysis.")
    with pytest.raises(ValidationError, match="say what it corrects"):
        issued.issue_annual_report(strategy, YEAR, by=secretariat)
    second = issued.issue_annual_report(strategy, YEAR, by=secretariat, reason="The analysis misread indicator I2.")
    assert (second.number, second.reason, second.analysis_en) == (
        2,
        "The analysis misread indicator I2.",
        "Corrected analysis.",
    )
    first.refresh_from_db()
    assert first.analysis_en == "The year's analysis."  # the first issue is as it was issued
    with second.files.get(language="en", fmt="docx").file.open("rb") as handle:
        assert handle.read().startswith(b"docx en Issue 2 of ") and b"correcting issue 1" in second_bytes(second)
    assert [issue.number for issue in issued.issues_of(strategy, YEAR)] == [2, 1]


def second_bytes(issue):
    with issue.files.get(language="en", fmt="pdf").file.open("rb") as handle:
        return handle.read()


def test_a_file_that_cannot_be_made_issues_nothing_and_says_which(strategy, secretariat, monkeypatch, settings):
    made = []

    def failing(document, fmt):
        if fmt == "pdf" and document.language == "en":
            raise RuntimeError("typst died")
        made.append(fmt)
        return b"bytes"

    monkeypatch.setattr(generate, "render", failing)
    with pytest.raises(ValidationError, match=r"PDF \(en\) could not be made"):
        issued.issue_annual_report(strategy, YEAR, by=secretariat)
    assert made  # some files were made before the failure ...
    assert not IssuedAnnualReport.objects.exists() and not IssuedAnnualFile.objects.exists()
    stored = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == []  # ... and their bytes went with the issue that was not made


def test_a_period_outside_the_plan_is_refused_in_words(strategy, secretariat):
    with pytest.raises(ValidationError, match="lies outside the action plan"):
        issued.issue_annual_report(strategy, Period.year(2031), by=secretariat)


# --- The document ---


def texts_of(document):
    return {section.title: [block.text for block in section.blocks if isinstance(block, Paragraph)]
            for section, _depth in document.walk()}  # fmt: skip


def test_the_report_prints_the_narrative_in_its_language_else_the_other(strategy, settings):
    narrative = Narrative(TEXTS)
    with settings_language("en"):
        english = texts_of(build_annual(strategy, YEAR, narrative=narrative))
    assert english["Analysis"] == ["The year's analysis."]
    assert english["Conclusions"] == ["The conclusions, in English only."]
    assert english["Recommendations"] == ["Rekomandimet."]  # written in Albanian only: printed as written
    titles = list(english)
    assert titles.index("Analysis") < titles.index("Conclusions") < titles.index("Recommendations")
    with settings_language("en"):
        empty = texts_of(build_annual(strategy, YEAR, narrative=Narrative({})))
    assert "Analysis" not in empty and "Conclusions" not in empty


def test_an_issue_says_its_number_day_and_what_it_corrects_on_the_cover_and_in_the_colophon(strategy):
    at = datetime.datetime(2025, 3, 12, 10, 0, tzinfo=datetime.UTC)
    with settings_language("en"):
        draft = build_annual(strategy, YEAR, narrative=Narrative({}))
        second = build_annual(strategy, YEAR, narrative=Narrative({}), issue=IssueMark(2, at, corrects=1))
    assert "Draft: not issued." in draft.cover_lines
    assert "Issue 2 of 12 March 2025, correcting issue 1" in second.cover_lines
    assert colophon(second)[0] == "Issue 2 of 12 March 2025, correcting issue 1."
    assert second.generated_at == at


def settings_language(language):
    return translation.override(language)


def test_the_issued_files_are_real_documents(approved_plan, secretariat):
    """Made for real once: the Word file carries the narrative's chapter and the issue; the PDF is a PDF."""
    strategy = approved_plan.strategy
    write(strategy, secretariat)
    made = issued.issue_annual_report(strategy, YEAR, by=secretariat)
    with made.files.get(language="en", fmt="docx").file.open("rb") as handle:
        text = "\n".join(paragraph.text for paragraph in WordDocument(io.BytesIO(handle.read())).paragraphs)
    assert "The year's analysis." in text and "Issue 1 of " in text
    with made.files.get(language="en", fmt="pdf").file.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) > 3


# --- The pages ---


def page(strategy):
    return reverse("reports:annual", args=[strategy.code, YEAR.slug])


def test_the_secretariat_saves_the_narrative_and_a_refused_form_keeps_what_was_typed(strategy, secretariat, client_for):
    client = client_for(secretariat)
    assert client.get(page(strategy)).status_code == 200
    response = client.post(page(strategy), {**TEXTS, "version": 0})
    assert response.status_code == 302
    assert AnnualNarrative.objects.get().analysis_en == "The year's analysis."
    too_long = "x" * 10_001
    refused = client.post(
        page(strategy), {**TEXTS, "analysis_sq": too_long, "analysis_en": "Kept as typed", "version": 1}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "at most 10000 characters" in text and "Kept as typed" in text
    assert AnnualNarrative.objects.get().analysis_en == "The year's analysis."


def test_the_coordinator_reads_the_narrative_but_does_not_edit_it(strategy, secretariat, coordinator, client_for):
    write(strategy, secretariat)
    client = client_for(coordinator)
    text = client.get(page(strategy)).content.decode()
    assert "The year&#x27;s analysis." in text or "The year's analysis." in text
    assert (
        'name="analysis_sq"' not in text and reverse("reports:annual-issue", args=[strategy.code, "2024"]) not in text
    )
    assert client.post(page(strategy), {**TEXTS, "version": 1}).status_code == 404
    assert (
        client.post(reverse("reports:annual-preview", args=[strategy.code, "2024"]), {"text": "x"}).status_code == 404
    )


def test_the_preview_is_sanitized_html(strategy, secretariat, client_for):
    client = client_for(secretariat)
    url = reverse("reports:annual-preview", args=[strategy.code, "2024"])
    evil = '<script>alert(1)</script> <iframe src="https://evil.example"></iframe> [click](javascript:alert(1))'
    html = client.post(url, {"field": "analysis_en", "analysis_en": evil}).content.decode().lower()
    assert "<script" not in html and "<iframe" not in html and 'href="javascript:' not in html
    assert client.post(url, {"field": "analysis_sq", "analysis_sq": "x" * 10_001}).status_code == 400
    assert client.post(url, {"field": "version", "version": "1"}).status_code == 400  # not a narrative text


def test_the_preview_shows_the_field_the_page_sends(strategy, secretariat, client_for):
    """The page's Preview button sends the field's name and its text under that name (hx-params)."""
    url = reverse("reports:annual-preview", args=[strategy.code, "2024"])
    html = client_for(secretariat).post(url, {"field": "conclusions_sq", "conclusions_sq": "**Përfundim**"})
    assert "<strong>Përfundim</strong>" in html.content.decode()
    page_html = client_for(secretariat).get(page(strategy)).content.decode()
    assert 'hx-params="csrfmiddlewaretoken,field,conclusions_sq"' in page_html


def test_a_save_refused_as_changed_meanwhile_keeps_the_text_and_the_second_save_wins(strategy, secretariat, client_for):
    write(strategy, secretariat)  # version 1, which the other page did not see
    client = client_for(secretariat)
    mine = {**TEXTS, "analysis_en": "Mine, typed on an old page.", "version": 0}
    refused = client.post(page(strategy), mine)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Mine, typed on an old page." in text and "still in the form" in text
    form = refused.context["form"]
    assert form.data["version"] == "1"
    saved = client.post(page(strategy), {**mine, "version": form.data["version"]})
    assert saved.status_code == 302
    assert AnnualNarrative.objects.get().analysis_en == "Mine, typed on an old page."


def test_issuing_asks_first_and_a_correction_asks_why(strategy, secretariat, client_for, fast_render):
    client = client_for(secretariat)
    url = reverse("reports:annual-issue", args=[strategy.code, "2024"])
    asked = client.post(url)
    assert asked.status_code == 200 and "Issue the monitoring report 2024?" in asked.content.decode()
    assert not IssuedAnnualReport.objects.exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    again = client.post(url, {"confirm": "yes", "reason": ""})
    assert again.status_code == 200 and "say what it corrects" in again.content.decode()
    assert client.post(url, {"confirm": "yes", "reason": "A figure was wrong."}).status_code == 302
    listed = client.get(page(strategy)).content.decode()
    assert "A figure was wrong." in listed and "First issue" in listed


def test_the_public_sees_the_issues_of_a_public_strategy_only(strategy, secretariat, client, fast_render):
    made = issued.issue_annual_report(strategy, YEAR, by=secretariat)
    file_url = reverse("reports:annual-file", args=[made.pk, "en", "pdf"])
    published = reverse("reports:published", args=[strategy.code])
    assert client.get(published).status_code == 404
    assert client.get(file_url).status_code == 302  # to sign in
    strategy.is_public = True
    strategy.save()
    listing = client.get(published)
    assert listing.status_code == 200 and file_url in listing.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"pdf en Issue 1")
    assert download["Content-Disposition"] == f'attachment; filename="{strategy.code}_annual-2024-issue-1_en.pdf"'


def test_the_issues_list_reads_in_constant_queries(
    strategy, secretariat, client_for, fast_render, django_assert_max_num_queries
):
    client = client_for(secretariat)
    issued.issue_annual_report(strategy, YEAR, by=secretariat)
    with django_assert_max_num_queries(40) as one:
        client.get(page(strategy))
    for number in range(2, 5):
        issued.issue_annual_report(strategy, YEAR, by=secretariat, reason=f"Correction {number}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(page(strategy))


# --- The command line ---


def test_the_command_writes_an_issued_file_as_it_was_stored(strategy, secretariat, fast_render, tmp_path):
    issued.issue_annual_report(strategy, YEAR, by=secretariat)
    target = tmp_path / "issued.pdf"
    out = io.StringIO()
    call_command("report", "annual", strategy.code, "--period", "2024", "--issue", "1", "--lang", "en",
                 "--format", "pdf", "-o", str(target), stdout=out)  # fmt: skip
    assert target.read_bytes().startswith(b"pdf en Issue 1 of ")
    with pytest.raises(CommandError, match=r"has no issue '3'\. Its issues: 1\."):
        call_command("report", "annual", strategy.code, "--period", "2024", "--issue", "3")
    with pytest.raises(CommandError, match="--issue is for the annual report only"):
        call_command("report", "plan", strategy.code, "--issue", "1")


# --- Markdown, sanitized ---

EVIL = '<script>alert(1)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n[click](javascript:alert(1)) Fine.'


def test_no_script_iframe_or_javascript_link_reaches_the_document(strategy):
    """Raw HTML is dropped with what it holds; a javascript: link is no link (its Markdown prints as plain text)."""
    with translation.override("en"):
        document = build_annual(strategy, YEAR, narrative=Narrative({"analysis_en": EVIL}))
    (analysis,) = [section for section, _depth in document.walk() if section.title == "Analysis"]
    paragraphs = [block for block in analysis.blocks if isinstance(block, Paragraph)]
    texts = " ".join(block.text for block in paragraphs).lower()
    assert "fine." in texts and "<script" not in texts and "<iframe" not in texts and "alert(1)</" not in texts
    assert [run.link for block in paragraphs for run in block.runs if run.link] == []


def test_no_script_iframe_or_javascript_link_reaches_the_page(strategy, secretariat, coordinator, client_for):
    write(strategy, secretariat, analysis_en=EVIL, analysis_sq=EVIL)
    html = client_for(coordinator).get(page(strategy)).content.decode().lower()
    assert "<script>alert" not in html and "<iframe" not in html and 'href="javascript:' not in html
