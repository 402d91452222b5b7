"""An activity's budget lines: only donor lines name a donor, the budget form gives back what it shows, and every
problem of a budget is reported at once."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from nsm.strategy import services
from nsm.strategy.models import ActivityBudget
from nsm.strategy.services import BudgetLineInput
from tests.factories import ActivityBudgetFactory, ActivityFactory


class FormValues(HTMLParser):
    """The values a browser would send for a page's form, left as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        kind = attrs.get("type")
        if tag == "input" and name and kind not in ("submit", "button", "checkbox", "radio"):
            self.values[name] = [attrs.get("value") or ""]
        elif tag == "input" and name and kind in ("checkbox", "radio"):
            self.values.setdefault(name, []).extend([attrs.get("value") or "on"] if "checked" in attrs else [])
        elif tag in ("select", "textarea"):
            setattr(self, tag, name)
            self.values.setdefault(name, [] if tag == "select" else [""])
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select].append(attrs.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            text = self.values[self.textarea][0]
            self.values[self.textarea][0] = text[1:] if text.startswith("\n") else text  # as browsers read it
        if tag in ("select", "textarea"):
            setattr(self, tag, None)


def form_values(response) -> dict[str, str | list[str]]:
    """name -> value, or the list of values of a multiple choice."""
    parser = FormValues()
    parser.feed(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in parser.values.items()}


def budget_url(activity):
    return reverse("strategy:activity_budget", args=[activity.strategy.code, activity.pk])


def lines_of(activity) -> set[tuple]:
    return {(b.year, b.source, b.donor, b.amount) for b in ActivityBudget.objects.filter(activity=activity)}


@pytest.fixture
def budgeted(strategy):
    """An activity costed from every source, two donors in one year, a cent amount and a year after the plan."""
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    for year, source, donor, amount in [
        (2024, "state_budget", "", "1200000"), (2024, "other", "", "35000.50"), (2024, "unfunded", "", "80000"),
        (2025, "state_budget", "", "510000"), (2025, "donor", "EU", "300000"), (2025, "donor", "UNDP", "210000"),
        (2026, "unfunded", "", "0"), (2029, "state_budget", "", "5000"), (2029, "donor", "GIZ", "7000"),
    ]:  # fmt: skip
        ActivityBudgetFactory(activity=activity, year=year, source=source, donor=donor, amount=Decimal(amount))
    return activity


# --- Only donor lines name a donor ---


def test_a_state_budget_line_naming_a_donor_is_refused_next_to_the_donor(db):
    line = ActivityBudgetFactory.build(activity=ActivityFactory(), source="state_budget", donor="EU")
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == ["donor"]


@pytest.mark.parametrize(("source", "donor"), [("state_budget", "EU"), ("unfunded", "UNDP"), ("donor", "")])
def test_the_database_refuses_a_donor_name_off_a_donor_line_and_a_donor_line_without_one(db, source, donor):
    line = ActivityBudgetFactory.build(activity=ActivityFactory(), source=source, donor=donor)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_the_budget_service_refuses_a_state_budget_line_with_a_donor_and_writes_nothing(strategy, coordinator):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    lines = [
        BudgetLineInput(2025, "state_budget", Decimal(10000)),
        BudgetLineInput(2025, "state_budget", Decimal(500000), donor="EU"),
    ]
    with pytest.raises(ValidationError) as error:
        services.set_budget_lines(activity, by=coordinator, lines=lines)
    assert error.value.messages == [
        "Budget line 2025, State budget (EU): Only a donor line names a donor: leave the donor empty or choose "
        "the source donor."
    ]
    assert not ActivityBudget.objects.exists()


# --- The form gives back what it shows ---


@pytest.mark.parametrize("language", ["en", "sq"])
def test_saving_the_budget_form_untouched_keeps_every_line_as_it_was(client_for, coordinator, budgeted, language):
    client = client_for(coordinator)
    before = lines_of(budgeted)
    history = ActivityBudget.history.count()
    page = client.get(budget_url(budgeted), headers={"accept-language": language})
    response = client.post(budget_url(budgeted), form_values(page), headers={"accept-language": language})
    assert response.status_code == 302
    assert lines_of(budgeted) == before
    assert ActivityBudget.history.count() == history
    budgeted.refresh_from_db()
    assert budgeted.version == 1


# --- Every problem at once ---


def test_the_budget_form_shows_grid_errors_and_donor_line_errors_together(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    data = {
        "version": "1", "y2024_state_budget": "-5",
        "donors-TOTAL_FORMS": "3", "donors-INITIAL_FORMS": "0",
        "donors-0-year": "2025", "donors-0-donor": "EU", "donors-0-amount": "100",
        "donors-1-year": "2025", "donors-1-donor": "EU", "donors-1-amount": "200",
        "donors-2-year": "2026", "donors-2-amount": "300",
    }  # fmt: skip
    page = client_for(coordinator).post(budget_url(activity), data).content.decode()
    assert re.search(r'id="id_y2024_state_budget_error">[^<]*greater than or equal to 0', page)
    assert 'id="id_donors-1-donor_error">EU has another line for 2025.<' in page
    assert 'id="id_donors-2-donor_error">Name the donor.<' in page
    assert not ActivityBudget.objects.exists()


def test_the_budget_service_reports_every_faulty_line_at_once(strategy, coordinator):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    lines = [
        BudgetLineInput(2040, "state_budget", Decimal(1)),
        BudgetLineInput(2041, "unfunded", Decimal(2)),
        BudgetLineInput(2025, "donor", Decimal(3), donor="EU"),
        BudgetLineInput(2025, "donor", Decimal(4), donor="EU"),
    ]
    with pytest.raises(ValidationError) as error:
        services.set_budget_lines(activity, by=coordinator, lines=lines)
    assert set(error.value.messages) == {
        "Budget line 2040, State budget: The year lies outside the strategy's years.",
        "Budget line 2041, Unfunded (funding gap): The year lies outside the strategy's years.",
        "Budget line 2025, Donor (EU) is given twice.",
    }
    assert not ActivityBudget.objects.exists()
