"""The Documents page: asking for a document, watching it being made, downloading it; who may do what.

Tasks run with django-tasks' ImmediateBackend here (inside the request, once the transaction commits);
tests/reports/test_tasks.py runs them through the database queue and the worker. Most tests replace `generate`
with a fast fake; one makes a real workbook end to end.
"""

import io
import logging

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.accounts.models import Membership
from nsm.analytics.periods import Period
from nsm.reports import generate
from nsm.reports.models import GeneratedDocument
from nsm.strategy import services
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT = b"PK\x03\x04 the document generate made"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fake_generate(monkeypatch):
    """`generate` replaced by a fast one that tells its progress and returns CONTENT; the calls are recorded."""
    calls = []

    def fake(kind, strategy, *, period, language, fmt, progress=None):
        calls.append((kind, strategy.code, period, language, fmt))
        progress(5, "Reading the data")
        progress(40, "Writing the document")
        name = generate.filename(kind, strategy, period=period, language=language, fmt=fmt)
        return generate.Output(CONTENT, name, generate.FORMATS[fmt][1], "7.21/1.1/9.9/20.20/4.4")

    monkeypatch.setattr(generate, "generate", fake)
    return calls


@pytest.fixture
def page_url(strategy):
    return reverse("reports:documents", args=[strategy.code])


@pytest.fixture
def request_url(strategy):
    return reverse("reports:request", args=[strategy.code])


def ask(client, url, capture, **data):
    """POST the form (an annual report for 2025 in English, as Word, unless told otherwise), running the task that
    the request queues when its transaction commits."""
    form = {"kind": "annual", "period": "2025", "language": "en", "fmt": "docx", **data}
    with capture(execute=True):
        return client.post(url, form)


def done_document(strategy, user, **fields):
    document = GeneratedDocument.objects.create(
        strategy=strategy, kind="plan", language="en", fmt="xlsx", requested_by=user, status="done", progress=100
    )
    document.file.save("AL-NSM-TEST_plan_en.xlsx", io.BytesIO(CONTENT), save=False)
    for name, value in {"filename": "AL-NSM-TEST_plan_en.xlsx", "size": len(CONTENT), "content_type": XLSX}.items():
        setattr(document, name, value)
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    return document


def test_secretariat_asks_for_a_document_and_gets_the_file_generate_made(
    secretariat, client_for, strategy, fake_generate, page_url, request_url, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    response = ask(client, request_url, django_capture_on_commit_callbacks)

    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page_url}?new={document.pk}#document-{document.pk}"
    assert fake_generate == [("annual", "AL-NSM-TEST", generate.Period.year(2025), "en", "docx")]
    assert document.status == "done" and document.progress == 100
    assert document.requested_by == secretariat
    assert document.period == "2025"
    assert document.filename == "AL-NSM-TEST_annual-2025_en.docx"
    assert document.file.name.startswith("documents/AL-NSM-TEST/")
    assert document.size == len(CONTENT) and document.content_type == DOCX
    assert document.data_stamp == "7.21/1.1/9.9/20.20/4.4"
    assert document.started_at <= document.finished_at
    with document.file.open("rb") as handle:
        assert handle.read() == CONTENT

    page = client.get(response["Location"])
    text = page.content.decode()
    assert "just asked for" in text  # the new document is marked in words, not by colour alone
    assert reverse("reports:download", args=[strategy.code, document.pk]) in text
    assert "7.21/1.1/9.9/20.20/4.4" in text and "Test Person" in text

    download = client.get(reverse("reports:download", args=[strategy.code, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX
    assert download["Content-Disposition"] == 'attachment; filename="AL-NSM-TEST_annual-2025_en.docx"'
    assert b"".join(download.streaming_content) == CONTENT


def test_the_plan_is_made_for_real_as_a_workbook(
    coordinator, client_for, strategy, request_url, django_capture_on_commit_callbacks
):
    """The real `generate` end to end: the coordinator asks for the plan as Excel and downloads a workbook."""
    client = client_for(coordinator)
    ask(client, request_url, django_capture_on_commit_callbacks, kind="plan", period="2025", fmt="xlsx")

    document = GeneratedDocument.objects.get()
    assert document.status == "done", document.error
    assert document.period == ""  # the plan has no period
    assert document.data_stamp  # what data it was made from
    assert document.filename == "AL-NSM-TEST_plan_en.xlsx"
    download = client.get(reverse("reports:download", args=[strategy.code, document.pk]))
    assert download["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames


def test_the_plan_of_one_of_several_action_plans_is_asked_for_by_its_years(
    coordinator, client_for, strategy, request_url, fake_generate, django_capture_on_commit_callbacks
):
    """With two action plans, their years are offered and the plan of one is made for them; a year that is no
    action plan's asks for the whole strategy's plan, as before (issue 15, item 9)."""
    services.add_action_plan(strategy=strategy, by=coordinator, start_year=2027, end_year=2028)
    client = client_for(coordinator)
    page = client.get(reverse("reports:documents", args=[strategy.code])).content.decode()
    assert '<option value="2027-2028">2027–2028</option>' in page
    ask(client, request_url, django_capture_on_commit_callbacks, kind="plan", period="2027-2028")
    ask(client, request_url, django_capture_on_commit_callbacks, kind="plan", period="2025", fmt="pdf")
    assert [(call[0], call[2]) for call in fake_generate] == [("plan", Period.span(2027, 2028)), ("plan", None)]
    assert list(GeneratedDocument.objects.order_by("pk").values_list("period", "filename")) == [
        ("2027-2028", "AL-NSM-TEST_plan-2027-2028_en.docx"),
        ("", "AL-NSM-TEST_plan_en.pdf"),
    ]
    with pytest.raises(generate.DocumentError, match="not the years of one of the action plans"):
        generate.check("plan", strategy, period=Period.span(2025, 2027), language="en", fmt="pdf")


def test_viewer_may_download_but_not_ask_for_a_document(
    viewer, secretariat, client_for, strategy, page_url, request_url, django_capture_on_commit_callbacks
):
    document = done_document(strategy, secretariat)
    client = client_for(viewer)

    page = client.get(page_url)
    assert page.status_code == 200
    assert "Make the document" not in page.content.decode()
    assert ask(client, request_url, django_capture_on_commit_callbacks).status_code == 404
    assert GeneratedDocument.objects.count() == 1
    download = client.get(reverse("reports:download", args=[strategy.code, document.pk]))
    assert b"".join(download.streaming_content) == CONTENT


@pytest.mark.parametrize("who", ["focal_point", "another_countrys_secretariat"])
def test_focal_points_and_other_countries_get_404(
    who, request, secretariat, client_for, strategy, page_url, request_url, django_capture_on_commit_callbacks
):
    if who == "focal_point":
        user = request.getfixturevalue("focal_point")
    else:
        user = UserFactory(username="xk-sec")
        MembershipFactory(
            user=user, institution=InstitutionFactory(code="MPB-XK", country="XK"), role=Membership.Role.SECRETARIAT
        )
    document = done_document(strategy, secretariat)
    client = client_for(user)

    assert client.get(page_url).status_code == 404
    assert client.get(reverse("reports:status", args=[strategy.code, document.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[strategy.code, document.pk])).status_code == 404
    assert ask(client, request_url, django_capture_on_commit_callbacks).status_code == 404
    assert GeneratedDocument.objects.count() == 1


def test_a_document_of_another_strategy_is_not_found_under_this_one(secretariat, client_for, strategy):
    other = StrategyFactory(code="AL-NSM-OTHER")
    document = done_document(other, secretariat)
    response = client_for(secretariat).get(reverse("reports:download", args=[strategy.code, document.pk]))
    assert response.status_code == 404


def test_the_index_goes_straight_to_the_only_strategy(viewer, client_for, strategy, page_url):
    response = client_for(viewer).get(reverse("reports:index"))
    assert response.status_code == 302 and response["Location"] == page_url


def test_the_index_says_why_a_focal_point_has_no_documents(focal_point, client_for, strategy):
    response = client_for(focal_point).get(reverse("reports:index"))
    assert response.status_code == 200
    assert "documents are for the secretariat, the coordinator and viewers" in response.content.decode()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2031", "2031 lies outside the action plan of AL-NSM-TEST (2024–2026)."),
        ("next year", "A period is a year such as 2025, a half-year such as 2025-H1 or years such as 2024-2026."),
        ("", "The monitoring report needs a period, such as 2025 or 2025-H1."),
    ],
)
def test_a_period_that_cannot_be_used_is_refused_in_words(
    period, message, secretariat, client_for, request_url, fake_generate, django_capture_on_commit_callbacks
):
    response = ask(client_for(secretariat), request_url, django_capture_on_commit_callbacks, period=period)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GeneratedDocument.objects.exists() and not fake_generate


def test_a_failure_while_making_the_document_shows_failed_with_a_message(
    secretariat, client_for, strategy, request_url, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(generate, "generate", broken)
    client = client_for(secretariat)
    with caplog.at_level(logging.ERROR, logger="nsm.reports.services"):
        response = ask(client, request_url, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == "failed" and document.finished_at is not None
    assert "could not be made because of an error on the server" in document.error
    assert "disk on fire" not in document.error  # the details go to the log, not to the page
    assert "disk on fire" in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert "Failed" in page and "could not be made because of an error on the server" in page
    assert client.get(reverse("reports:download", args=[strategy.code, document.pk])).status_code == 404


def test_a_document_error_reaches_the_user_as_it_was_written(
    secretariat, client_for, request_url, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise generate.DocumentError("There are no approved reports for 2025 yet.")

    monkeypatch.setattr(generate, "generate", refuse)
    ask(client_for(secretariat), request_url, django_capture_on_commit_callbacks)
    assert GeneratedDocument.objects.get().error == "There are no approved reports for 2025 yet."


def test_the_list_runs_in_a_constant_number_of_queries(
    secretariat, client_for, strategy, page_url, django_assert_max_num_queries
):
    client = client_for(secretariat)
    done_document(strategy, secretariat)
    client.get(page_url)  # sessions, two-factor device: read once, like any first request
    with CaptureQueriesContext(connection) as one:
        assert client.get(page_url).status_code == 200
    for number in range(4):
        done_document(strategy, UserFactory(username=f"someone{number}"), data_stamp=f"{number}.1/0.0")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(page_url)
    assert response.content.decode().count('id="document-') == 5


def test_the_status_fragment_shows_progress_and_then_the_download_link(secretariat, client_for, strategy):
    """The fragment is the document's row: when it is ready, the row also says which data it was made from."""
    document = GeneratedDocument.objects.create(
        strategy=strategy, kind="annual", period="2025-H1", language="sq", fmt="pdf", requested_by=secretariat,
        status="running", progress=40, step="Writing the document",
    )  # fmt: skip
    client = client_for(secretariat)
    url = reverse("reports:status", args=[strategy.code, document.pk])

    running = client.get(f"{url}?new={document.pk}").content.decode()
    assert f'hx-get="{url}?new={document.pk}"' in running and 'hx-trigger="every 2s"' in running
    assert "just asked for" in running  # the new document stays marked while the page asks again
    assert 'value="40"' in running and "40\u00a0%" in running and "Writing the document" in running
    assert "/download/" not in running

    done_document(strategy, secretariat)  # a file in storage to point the document at
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="done", progress=100, file=GeneratedDocument.objects.exclude(pk=document.pk).get().file.name,
        filename="AL-NSM-TEST_annual-2025-H1_sq.pdf", size=2048, content_type="application/pdf", data_stamp="9.9/1.1",
    )  # fmt: skip
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done  # finished: the page stops asking
    assert reverse("reports:download", args=[strategy.code, document.pk]) in done
    assert "Ready" in done and "2.0\xa0KB" in done
    assert "9.9/1.1" in done and "the data have changed since" in done


def test_a_waiting_document_says_it_waits_for_the_worker(secretariat, client_for, strategy):
    document = GeneratedDocument.objects.create(
        strategy=strategy, kind="plan", language="en", fmt="docx", requested_by=secretariat
    )
    text = client_for(secretariat).get(reverse("reports:status", args=[strategy.code, document.pk])).content.decode()
    assert "Waiting" in text and "nsm worker" in text and 'value="0"' in text
