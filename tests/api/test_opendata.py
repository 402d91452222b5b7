"""Open data: a published strategy's approved figures without sign-in, as JSON and CSV with the same rows, equal to
the roll-ups; 404 for a strategy that is not published; no personal data; a fixed number of queries."""

import csv
import io
from decimal import Decimal

import pytest

from nsm.analytics import budget, indicators
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import activity_facts
from nsm.analytics.periods import Period
from tests.analytics import conftest as analytics_fixtures
from tests.api.conftest import assert_error

OPEN = "/api/v1/open/strategies"
BASE = f"{OPEN}/AL-NSM-TEST"
DOWNLOADS = ["indicators.json", "indicators.csv", "activities.json", "activities.csv"]
approved_plan = analytics_fixtures.approved_plan  # the hand-counted plan of tests/analytics/conftest.py


@pytest.fixture
def published(approved_plan):
    approved_plan.strategy.is_public = True
    approved_plan.strategy.save()
    return approved_plan


def rows_of_csv(response) -> list[dict[str, str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel shows Albanian letters right
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def as_csv(rows: list[dict]) -> list[dict[str, str]]:
    return [{key: "" if value is None else str(value) for key, value in row.items()} for row in rows]


def test_only_published_strategies_are_open(approved_plan, public):
    assert public.get(OPEN).json() == []
    for name in DOWNLOADS:
        assert_error(public.get(f"{BASE}/{name}"), 404, "not_found")
    assert_error(public.get(f"{OPEN}/NO-SUCH/indicators.json"), 404, "not_found")


def test_the_list_names_the_downloads(published, public):
    [strategy] = public.get(OPEN).json()
    assert strategy["code"] == "AL-NSM-TEST"
    assert strategy["downloads"] == {
        "indicators_json": f"{BASE}/indicators.json",
        "indicators_csv": f"{BASE}/indicators.csv",
        "activities_json": f"{BASE}/activities.json",
        "activities_csv": f"{BASE}/activities.csv",
    }
    for url in strategy["downloads"].values():
        assert public.get(url).status_code == 200, url


def test_the_indicator_figures_equal_the_achievement_roll_up(published, public):
    body = public.get(f"{BASE}/indicators.json").json()
    assert body["strategy"] == "AL-NSM-TEST"
    rows = {(row["indicator_code"], row["year"]): row for row in body["rows"]}
    assert len(body["rows"]) == 4 * 3  # four indicators, the three years of the action plan
    for year in (2024, 2025, 2026):
        for item in indicators.achievement(Filters.of(published.strategy), Period.year(year), cells=False):
            row = rows[(item.code, year)]
            assert row["band"] == item.band
            for name in ("baseline", "target", "actual", "progress"):
                value = getattr(item, name)
                assert (row[name] is None and value is None) or Decimal(row[name]) == value, (item.code, year, name)
    i1 = rows[("I.1", 2024)]
    assert (i1["target"], i1["actual"], i1["progress"], i1["band"]) == ("200", "190", "90.0", "on_track")
    assert (i1["result_code"], i1["baseline"], i1["baseline_year"]) == ("1.1.1", "100", 2023)
    assert rows[("I.4", 2024)]["actual"] == "0"  # the unapproved report's 1 does not count
    assert rows[("I.3", 2025)]["band"] == "no_target"
    assert rows[("I.1", 2025)]["band"] == "no_data"


def test_the_activity_rows_equal_the_implementation_and_budget_roll_ups(published, public):
    body = public.get(f"{BASE}/activities.json").json()
    assert (body["strategy"], body["currency"]) == ("AL-NSM-TEST", published.strategy.currency)
    rows = {(row["activity_code"], row["year"]): row for row in body["rows"]}
    assert len(body["rows"]) == 9 * 3
    codes = {activity.pk: activity.code for activity in published.activities.values()}
    filters = Filters.of(published.strategy)
    for year in (2024, 2025, 2026):
        facts = {codes[fact.activity_id]: fact.status for fact in activity_facts(filters, Period.year(year))}
        assert {code: row["status"] for (code, y), row in rows.items() if y == year} == {
            code: facts.get(code) for code in codes.values()
        }
        total = budget.budget(filters, Period.year(year), "goal").total
        assert sum(Decimal(row["planned"]) for (_c, y), row in rows.items() if y == year) == total.planned
        assert sum(Decimal(row["spent"]) for (_c, y), row in rows.items() if y == year) == total.spent
    a3 = rows[("1.1.2.1", 2024)]
    assert (a3["status"], a3["planned"], a3["spent"]) == ("on_track", "2000.00", "400.00")  # not the unapproved 9999
    assert rows[("2.1.1.2", 2024)]["status"] == "cancelled"
    assert rows[("2.1.1.5", 2024)]["status"] is None  # not under way in 2024
    assert rows[("1.1.1.1", 2024)]["lead_code"] == "MSHMS"
    assert (rows[("1.1.2.2", 2025)]["start"], rows[("1.1.2.2", 2025)]["end"]) == ("2024-Q3", "2025-Q4")


@pytest.mark.parametrize("kind", ["indicators", "activities"])
def test_the_csv_holds_the_same_rows_as_the_json(published, public, kind):
    response = public.get(f"{BASE}/{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="AL-NSM-TEST-{kind}.csv"'
    json_rows = public.get(f"{BASE}/{kind}.json").json()["rows"]
    assert rows_of_csv(response) == as_csv(json_rows)


def test_albanian_letters_survive_the_csv(published, public):
    activity = published.activities["A1"]
    activity.title_sq = "Trajnim për punonjësit e kufirit në Kakavijë (ç, ë)"
    activity.save()
    rows = rows_of_csv(public.get(f"{BASE}/activities.csv"))
    assert rows[0]["title_sq"] == activity.title_sq


def test_no_personal_data_is_published(published, public):
    served = b"".join(public.get(f"{BASE}/{name}").content for name in DOWNLOADS) + public.get(OPEN).content
    text = served.decode("utf-8-sig")
    for secret in ("Waiting for the premises.", "Merged into another programme.", "Reported.", "Records"):
        assert secret not in text
    for user in published.users.values():
        assert f'"{user.username}"' not in text and user.email not in text


def test_a_key_is_not_needed_nor_looked_at(published, public):
    from django.test import Client

    bad_key = Client(headers={"authorization": "Bearer not-a-key"})
    assert bad_key.get(f"{BASE}/indicators.json").status_code == 200


def test_the_open_operations_are_documented_without_security(public):
    paths = public.get("/api/v1/openapi.json").json()["paths"]
    for name in ["", *(f"/AL-NSM-TEST/{download}" for download in DOWNLOADS)]:
        path = f"{OPEN}{name}".replace("AL-NSM-TEST", "{code}")
        operation = paths[path]["get"]
        assert "security" not in operation, path
        media = "text/csv" if path.endswith(".csv") else "application/json"
        assert list(operation["responses"]["200"]["content"]) == [media], path
        assert operation["responses"]["500"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }


# the list: one query; indicators: strategy, the roll-up, names; activities: strategy, one per plan year (3),
# planned, spent, the activities
QUERIES = {OPEN: 1, f"{BASE}/indicators.json": 3, f"{BASE}/indicators.csv": 3}
QUERIES |= {f"{BASE}/activities.json": 7, f"{BASE}/activities.csv": 7}


@pytest.mark.parametrize("path", list(QUERIES))
def test_open_data_takes_a_fixed_number_of_queries(published, public, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(QUERIES[path]):
        small = public.get(path)
    analytics_fixtures.grow(published)
    with django_assert_max_num_queries(QUERIES[path]):
        large = public.get(path)
    assert len(large.content) > len(small.content) or path == OPEN


def test_the_public_page_links_the_downloads(published, public):
    html = public.get(f"/public/{published.strategy.code}/").content.decode()
    links = [
        f"/api/v1/open/strategies/{published.strategy.code}/{name}"
        for name in ("indicators.csv", "indicators.json", "activities.csv", "activities.json")
    ]
    for link in links:
        assert f'href="{link}"' in html
        assert public.get(link).status_code == 200
