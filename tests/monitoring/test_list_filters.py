"""The report list and a cycle's board filter (GET, without script) and page; values they do not understand are
left out in words, never an error page; a page number past the end shows the last page. Queries stay constant."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nsm.monitoring.models import ProgressReport, ReportingCycle
from tests.factories import InstitutionFactory, StrategyFactory


def text_of(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.replace("\u00a0", " "))


def institutions_on(response) -> set[str]:
    """The institution codes of the rows shown (each row's link to its report)."""
    return set(
        re.findall(r'href="/[^"]*reports/\d+/">(?:<span class="nsm-code">)?([A-Z0-9-]+)', response.content.decode())
    )


def add_reports(cycle, count: int, *, prefix: str = "Y", **fields) -> list[ProgressReport]:
    made = []
    for number in range(count):
        institution = InstitutionFactory(code=f"{prefix}{number:03}", country=cycle.strategy.country)
        made.append(ProgressReport.objects.create(cycle=cycle, institution=institution, **fields))
    return made


def past_cycle(strategy, year: int = 2023) -> ReportingCycle:
    """An open year cycle whose reports were due a month ago: its reports not submitted are overdue."""
    today = timezone.localdate()
    return ReportingCycle.objects.create(
        strategy=strategy, kind="year", year=year, opens_on=today - datetime.timedelta(days=90),
        due_on=today - datetime.timedelta(days=30), status=ReportingCycle.Status.OPEN,
    )  # fmt: skip


def get(client, name, *args, **params):
    response = client.get(reverse(f"monitoring:{name}", args=args), params)
    assert response.status_code == 200
    return response


# --- The report list ---


@pytest.fixture
def statuses(strategy, cycle, focal_point, secretariat):
    """Beside the 2024-H2 cycle (MSHMS, AKPA: not started), an overdue 2023 cycle: S-DRAFT saved, S-RET returned,
    S-SUB submitted, S-APP approved, S-NEW not started, the last three overdue or not by their status."""
    old = past_cycle(strategy)
    now = timezone.now()
    for code, status, saved in (("S-DRAFT", "draft", now), ("S-RET", "returned", now), ("S-SUB", "submitted", now),
                                ("S-APP", "approved", now), ("S-NEW", "draft", None)):  # fmt: skip
        institution = InstitutionFactory(code=code, country=strategy.country)
        ProgressReport.objects.create(cycle=old, institution=institution, status=status, first_saved_at=saved)
    return old


def test_the_report_list_has_labelled_filters_and_no_count_sentence_until_asked(client_for, secretariat, statuses):
    response = get(client_for(secretariat), "reports")
    html = response.content.decode()
    for label in ("Strategy", "Cycle", "Institution", "Status"):
        assert f">{label}</label>" in html
    assert "match the filters" not in html and "Clear filters" not in html
    assert institutions_on(response) == {"MSHMS", "AKPA", "S-DRAFT", "S-RET", "S-SUB", "S-APP", "S-NEW"}


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("overdue", {"S-DRAFT", "S-RET", "S-NEW"}),
        ("not_started", {"MSHMS", "AKPA"}),
        ("submitted", {"S-SUB"}),
        ("approved", {"S-APP"}),
        ("draft", set()),
        ("returned", set()),
    ],
)
def test_the_report_list_filters_by_board_status_overdue_included(client_for, secretariat, statuses, status, shown):
    response = get(client_for(secretariat), "reports", status=status)
    assert institutions_on(response) == shown
    assert f'<option value="{status}" selected>' in response.content.decode()
    assert f"{len(shown)} of 7 report" in text_of(response)


def test_the_board_status_in_sql_agrees_with_the_status_each_report_shows(secretariat, statuses, cycle):
    ReportingCycle.objects.filter(pk=statuses.pk).update(status=ReportingCycle.Status.CLOSED)  # closed: none overdue
    for report in ProgressReport.objects.select_related("cycle"):
        status = report.board_status()
        assert ProgressReport.objects.in_board_status(status).filter(pk=report.pk).exists(), report
        assert ProgressReport.objects.in_board_status(status).count() == sum(
            r.board_status() == status for r in ProgressReport.objects.select_related("cycle")
        )


def test_the_report_list_filters_by_cycle_institution_and_strategy(client_for, secretariat, statuses, cycle, strategy):
    client = client_for(secretariat)
    assert institutions_on(get(client, "reports", cycle=cycle.pk)) == {"MSHMS", "AKPA"}
    akpa = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA").institution
    response = get(client, "reports", institution=akpa.pk)
    assert institutions_on(response) == {"AKPA"} and "1 of 7 reports match the filters." in text_of(response)
    assert len(institutions_on(get(client, "reports", strategy=strategy.code))) == 7
    assert institutions_on(get(client, "reports", cycle=cycle.pk, status="overdue")) == set()


def test_when_no_report_matches_the_list_says_so_in_words(client_for, secretariat, statuses, cycle):
    response = get(client_for(secretariat), "reports", cycle=cycle.pk, status="approved")
    text = text_of(response)
    assert "0 of 7 reports match the filters." in text
    assert "No report matches these filters." in text and "Clear filters" in text


def test_a_focal_point_is_offered_only_what_it_may_see(client_for, focal_point, statuses, cycle):
    response = get(client_for(focal_point), "reports")
    html = response.content.decode()
    assert institutions_on(response) == {"MSHMS"}
    assert "S-DRAFT" not in html and "AKPA" not in html and "2023" not in text_of(response)


def test_a_value_of_what_the_user_may_not_see_is_left_out(client_for, focal_point, statuses, cycle):
    akpa = ProgressReport.objects.get(cycle=cycle, institution__code="AKPA").institution
    response = get(client_for(focal_point), "reports", institution=akpa.pk, cycle=statuses.pk)
    assert "Some filters were not understood and were left out" in response.content.decode()
    assert institutions_on(response) == {"MSHMS"}


def test_the_report_list_pages_by_50_keeping_the_filters(client_for, secretariat, cycle, strategy):
    add_reports(past_cycle(strategy), 120)
    client = client_for(secretariat)
    first = get(client, "reports", status="overdue")
    assert len(institutions_on(first)) == 50 and "Y000" in institutions_on(first)
    html = first.content.decode()
    assert 'aria-label="Pages of reports"' in html and 'aria-current="page"' in html
    assert 'href="?status=overdue&amp;page=3" aria-label="Page 3"' in html
    third = get(client, "reports", status="overdue", page=3)
    assert institutions_on(third) == {f"Y{n:03}" for n in range(100, 120)}
    assert "Reports 101 to 120 of 120." in text_of(third)


@pytest.mark.parametrize("number", ["99", "9" * 40, "-1", "abc", "0", "1.5", "%00", "\u0663"])
def test_a_page_number_not_understood_or_past_the_end_is_never_an_error(client_for, secretariat, cycle, number):
    add_reports(cycle, 60)
    response = get(client_for(secretariat), "reports", page=number)
    shown = institutions_on(response)
    assert shown and (len(shown) == 12 or len(shown) == 50)  # the last page (62 reports) or the first


def test_a_page_past_the_end_shows_the_last_page(client_for, secretariat, cycle):
    add_reports(cycle, 60)
    response = get(client_for(secretariat), "reports", page=99)
    assert len(institutions_on(response)) == 12 and 'aria-label="Page 2, this page"' in response.content.decode()


HOSTILE = [
    {"strategy": "<script>alert(1)</script>"},
    {"cycle": "1 OR 1=1"},
    {"cycle": "9" * 40},
    {"institution": "-1"},
    {"institution": "999999999"},
    {"status": "overdue' --"},
    {"status": "\x00"},
    {"strategy": "%", "page": "<img src=x onerror=alert(1)>"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_filter_values_on_the_report_list_are_left_out_in_words(client_for, secretariat, cycle, params):
    response = client_for(secretariat).get(reverse("monitoring:reports"), params)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    if response.status_code == 200 and set(params) - {"page"}:
        assert "Some filters were not understood and were left out" in html
        assert institutions_on(response) == {"MSHMS", "AKPA"}


# --- The board of a cycle ---


def test_the_board_filters_by_status_and_institution_text_keeping_the_whole_cycles_counts(
    client_for, secretariat, statuses
):
    client = client_for(secretariat)
    response = get(client, "cycle", statuses.pk, status="overdue")
    assert institutions_on(response) == {"S-DRAFT", "S-RET", "S-NEW"}
    text = text_of(response)
    assert "3 of 5 reports match the filters." in text
    assert re.search(
        r"Not started 0 Draft 0 Submitted 1 Returned 0 Approved 1 Overdue 3", text
    )  # the counts stay for the whole cycle
    assert "(the whole board, whatever the filters)" in text
    assert institutions_on(get(client, "cycle", statuses.pk, q="s-r")) == {"S-RET"}
    assert institutions_on(get(client, "cycle", statuses.pk, q="institution s-a", status="approved")) == {"S-APP"}


def test_the_board_keeps_its_reminder_button_and_excel_link_when_filtered(client_for, secretariat, statuses):
    client = client_for(secretariat)
    html = get(client, "cycle", statuses.pk, status="submitted").content.decode()
    assert reverse("monitoring:cycle-remind", args=[statuses.pk]) in html
    assert "Remind the 3 institutions overdue" in text_of(get(client, "cycle", statuses.pk, status="submitted"))
    workbook = client.get(reverse("monitoring:cycle-workbook", args=[statuses.pk]), {"status": "submitted"})
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxml")


def test_the_board_says_so_in_words_when_nothing_matches(client_for, secretariat, statuses):
    response = get(client_for(secretariat), "cycle", statuses.pk, q="nobody")
    text = text_of(response)
    assert "0 of 5 reports match the filters." in text and "No report of this cycle matches these filters." in text
    assert 'value="nobody"' in response.content.decode() and "Clear filters" in text


def test_the_board_pages_by_100(client_for, secretariat, strategy):
    old = past_cycle(strategy)
    add_reports(old, 230)
    client = client_for(secretariat)
    first = get(client, "cycle", old.pk)
    assert len(institutions_on(first)) == 100
    assert 'aria-label="Pages of the board"' in first.content.decode()
    assert institutions_on(get(client, "cycle", old.pk, page=3)) == {f"Y{n:03}" for n in range(200, 230)}
    assert len(institutions_on(get(client, "cycle", old.pk, page="500"))) == 30  # past the end: the last page
    assert "Overdue 230" in text_of(get(client, "cycle", old.pk, page=2, q="Y0"))


@pytest.mark.parametrize(
    "params", [{"status": "<script>alert(1)</script>"}, {"q": "x" * 201}, {"q": "a\x00b"}, {"page": "9" * 40}]
)
def test_hostile_board_filters_are_left_out_in_words(client_for, secretariat, statuses, params):
    response = client_for(secretariat).get(reverse("monitoring:cycle", args=[statuses.pk]), params)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html
    if response.status_code == 200 and "page" not in params:
        assert "Some filters were not understood and were left out" in html
        assert len(institutions_on(response)) == 5


def test_the_board_filters_do_not_open_another_countrys_cycle(client_for, secretariat):
    other = past_cycle(StrategyFactory(code="XK-OTHER", country="XK"))
    response = client_for(secretariat).get(reverse("monitoring:cycle", args=[other.pk]), {"status": "overdue"})
    assert response.status_code == 404


# --- Queries: as many for 5 reports as for 250, filtered or paged ---


def counts(client, name, args, queries: dict[str, dict]) -> dict[str, int]:
    found = {}
    for key, params in queries.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"monitoring:{name}", args=args), params).status_code == 200
        found[key] = len(captured)
    return found


def list_counts(client, cycle, institution_pk) -> dict[str, int]:
    return counts(client, "reports", [], {
        "none": {}, "status": {"status": "overdue"}, "cycle": {"cycle": cycle.pk},
        "institution": {"institution": institution_pk}, "strategy": {"strategy": cycle.strategy.code},
        "all": {"status": "overdue", "cycle": cycle.pk, "strategy": cycle.strategy.code, "page": 2},
        "page": {"page": 2}, "past": {"page": 999}, "refused": {"cycle": "x", "status": "y", "page": "z"},
    })  # fmt: skip


def board_counts(client, cycle) -> dict[str, int]:
    return counts(client, "cycle", [cycle.pk], {
        "none": {}, "status": {"status": "overdue"}, "text": {"q": "Y0"}, "page": {"page": 2},
        "past": {"page": 999}, "nothing": {"q": "nobody"}, "refused": {"status": "x", "q": "x" * 201},
    })  # fmt: skip


def test_the_report_list_and_board_run_as_many_queries_for_250_reports_as_for_5(client_for, secretariat, strategy):
    client = client_for(secretariat)
    old = past_cycle(strategy)
    first = add_reports(old, 5)[0]
    small_list, small_board = list_counts(client, old, first.institution_id), board_counts(client, old)
    add_reports(old, 245, prefix="Z")
    assert list_counts(client, old, first.institution_id) == small_list
    assert board_counts(client, old) == small_board
    assert max(small_list.values()) <= 10 and max(small_board.values()) <= 7
