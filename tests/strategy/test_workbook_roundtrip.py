"""Export then import reproduces generated plans exactly: every field and every many-to-many value (an activity's
responsible institutions, its marked lead and its supporting institutions in their order included), for plans of
every shape (two to five levels, named in both languages or in one) exported with English or Albanian headers.

Generated text includes text starting with `=` (written as text, never as a formula, and read back as it was)
and text with spaces around it, which the import strips (docs/workbook.md, Values): the plan read back is the
plan with its text stripped, and importing its export into the same plan changes nothing.
"""

import io
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nsm.accounts.models import Institution
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import (
    MAX_LEVELS,
    MIN_LEVELS,
    Activity,
    ActivityBudget,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
    bodies_fields,
)
from nsm.strategy.services import set_named
from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook, write_workbook
from tests.strategy.workbook_support import (
    DIMENSIONS,
    INSTITUTIONS,
    SDG_TARGETS,
    TARGET_GROUPS,
    canonical,
    load_code_lists,
)

CODE = "AL-ROUND-TRIP"
plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyzëçABCËÇ 0123456789.,;:-'()/=+", max_size=24)
texts = st.one_of(plain, plain.map(lambda text: f"={text}"), plain.map(lambda text: f"  {text} "))
titles = texts.filter(str.strip)
references = st.just("") | texts  # a reference as written has at most 40 characters
level = st.fixed_dictionaries({"sq": texts, "en": texts}).filter(lambda names: any(map(str.strip, names.values())))
levels = st.lists(level, min_size=MIN_LEVELS, max_size=MAX_LEVELS)  # no ">" in a name: it separates them
donors = st.sampled_from(["EU", " EU ", "=EU", "GIZ", "Delegation of the EU"]) | titles
amounts = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2)
values = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4)
stage_names = plain.map(str.strip).filter(bool)  # one line of a milestone indicator's stages
examples = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def tag(data, obj, name: str, queryset, field: str, choices, most: int = 3) -> None:
    chosen = data.draw(st.sets(st.sampled_from(choices), max_size=most))
    getattr(obj, name).set(queryset.filter(**{f"{field}__in": chosen}))


def result(data, strategy: Strategy, parent: Result | None, code: str) -> Result:
    made = Result.objects.create(
        strategy=strategy,
        parent=parent,
        depth=code.count(".") + 1,
        code=code,
        reference=data.draw(references),
        title_sq=data.draw(titles),
        title_en=data.draw(texts),
    )
    tag(data, made, "gcm_objectives", GcmObjective.objects, "number", range(1, 24))
    tag(data, made, "sdg_targets", SdgTarget.objects, "code", SDG_TARGETS)
    return made


def bodies(data, institutions: list[str]) -> dict:
    """1-3 responsible institutions in a random order, one of them perhaps marked lead, and 0-2 supporting ones in a
    random order: the activity's lead, lead_place and partners."""
    responsible = data.draw(st.lists(st.sampled_from(institutions), min_size=1, max_size=3, unique=True))
    others = [code for code in institutions if code not in responsible]
    supporting = data.draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
    marked = data.draw(st.none() | st.sampled_from(responsible))
    by_code = {i.code: i for i in Institution.objects.filter(code__in=[*responsible, *supporting])}
    return bodies_fields(
        [by_code[code] for code in responsible],
        [by_code[code] for code in supporting],
        by_code[marked] if marked else None,
    )


def activity(data, measure: Result, number: int, institutions: list[str]) -> Activity:
    start_year, start_quarter = data.draw(st.integers(2024, 2030)), data.draw(st.none() | st.integers(1, 4))
    end_year, end_quarter = data.draw(st.integers(start_year, 2030)), data.draw(st.none() | st.integers(1, 4))
    if end_quarter and (end_year, end_quarter) < (start_year, start_quarter or 1):
        end_quarter = None
    named = bodies(data, institutions)
    made = Activity.objects.create(
        strategy=measure.strategy,
        measure=measure,
        code=f"{measure.code}.{number}",
        reference=data.draw(references),
        title_sq=data.draw(texts),
        title_en=data.draw(titles),
        lead=named["lead"],
        lead_place=named["lead_place"],
        start_year=start_year,
        start_quarter=start_quarter,
        end_year=end_year,
        end_quarter=end_quarter,
        gender_marker=data.draw(st.integers(0, 2)),
    )
    set_named(made, named["partners"])
    tag(data, made, "target_groups", TargetGroup.objects, "code", TARGET_GROUPS)
    tag(data, made, "gcm_objectives", GcmObjective.objects, "number", range(1, 24))
    lines = data.draw(
        st.lists(st.tuples(st.integers(2024, 2030), st.sampled_from(ActivityBudget.Source.values)), max_size=4)
    )
    identities = set()  # a line's identity in the file: year, source, donor without spaces around it
    for year, source in lines:
        donor = data.draw(donors) if source == ActivityBudget.Source.DONOR else ""
        if (year, source, donor.strip()) not in identities:
            identities.add((year, source, donor.strip()))
            amount = data.draw(amounts)
            ActivityBudget.objects.create(activity=made, year=year, source=source, donor=donor, amount=amount)
    return made


def indicator(
    data, strategy: Strategy, number: int, results: list[Result], activities: list[Activity], institutions: list[str]
) -> None:
    """An indicator of a result of any level, or of an activity (then of the result above it too)."""
    of_activity = data.draw(st.none() | st.sampled_from(activities)) if activities else None
    value_type = data.draw(st.sampled_from(Indicator.ValueType.values))
    baseline = data.draw(st.none() | (st.sampled_from([0, 1]) if value_type == "yes_no" else values))
    if value_type == Indicator.ValueType.TEXT:  # reported in words: no number as baseline or target
        baseline = None
    responsible = data.draw(st.none() | st.sampled_from(institutions))
    stages: dict[str, str] = {}  # a milestone indicator's stages: 2-4, in Albanian and (or not) in English
    target_values = values
    if value_type == Indicator.ValueType.MILESTONE:
        count = data.draw(st.integers(2, 4))
        for language in data.draw(st.sampled_from([("sq",), ("en",), ("sq", "en")])):
            stages[f"milestones_{language}"] = "\n".join(
                data.draw(st.lists(stage_names, min_size=count, max_size=count))
            )
        baseline = data.draw(st.none() | st.integers(0, count).map(Decimal))
        target_values = st.integers(1, count).map(Decimal)
    made = Indicator.objects.create(
        strategy=strategy,
        result=of_activity.measure if of_activity else data.draw(st.sampled_from(results)),
        activity=of_activity,
        code=f"I.{number}",
        name_sq=data.draw(titles),
        name_en=data.draw(texts),
        kind=data.draw(st.sampled_from(Indicator.Kind.values)),
        unit_sq=data.draw(texts),
        unit_en=data.draw(texts),
        value_type=value_type,
        **stages,
        direction="increase" if stages else data.draw(st.sampled_from(Indicator.Direction.values)),
        baseline=baseline,
        baseline_year=data.draw(st.none() | st.integers(2014, 2024)),
        data_source_sq=data.draw(texts),
        data_source_en=data.draw(texts),
        frequency=data.draw(st.sampled_from(Indicator.Frequency.values)),
        responsible=Institution.objects.get(code=responsible) if responsible else None,
    )
    if value_type != Indicator.ValueType.TEXT:  # words are not broken down
        tag(data, made, "disaggregation", DisaggregationDimension.objects, "code", DIMENSIONS)
    years = st.sets(st.integers(2024, 2030), max_size=0 if value_type == Indicator.ValueType.TEXT else 3)
    for year in data.draw(years):
        IndicatorTarget.objects.create(indicator=made, year=year, value=data.draw(target_values))


def results_tree(data, parent: Result | None, code: str, found: dict[str, list]) -> None:
    """A result and the results under it down to the level above the activities, which holds activities; at
    most two children each, and one each once the plan has eight results, so that five levels stay small."""
    strategy = found["strategy"]
    made = result(data, strategy, parent, code)
    found["results"].append(made)
    if made.depth == strategy.result_depth:
        for number in range(1, data.draw(st.integers(0, 2)) + 1):
            found["activities"].append(activity(data, made, number, found["institutions"]))
        return
    children = data.draw(st.integers(1, 2 if len(found["results"]) < 8 else 1))
    for number in range(1, children + 1):
        results_tree(data, made, f"{code}.{number}", found)


def generated_plan(data) -> Strategy:
    """A small plan of two to five levels: one or two results at the top, the results under them, activities,
    costs and indicators."""
    strategy = Strategy.objects.create(
        code=CODE,
        reference=data.draw(references),
        levels=data.draw(levels),
        title_sq=data.draw(titles),
        title_en=data.draw(texts),
        start_year=2024,
        end_year=2030,
        plan_start_year=2024,
        plan_end_year=data.draw(st.integers(2024, 2030)),
        is_illustrative=data.draw(st.booleans()),
    )
    Institution.objects.create(
        code="RT-NEW",
        name_sq=data.draw(titles),
        name_en=data.draw(texts),
        kind=data.draw(st.sampled_from(Institution.Kind.values)),
    )
    event(f"a plan of {strategy.depth} levels")  # --hypothesis-show-statistics: how many of each shape
    found: dict[str, list] = {"strategy": strategy, "institutions": [*INSTITUTIONS, "RT-NEW"]}
    found |= {"results": [], "activities": []}
    for number in range(1, data.draw(st.integers(1, 2)) + 1):
        results_tree(data, None, str(number), found)
    for number in range(1, data.draw(st.integers(0, 2)) + 1):
        indicator(data, strategy, number, found["results"], found["activities"], found["institutions"])
    return strategy


def stripped(value):
    """The canonical plan as the import reads it: every text without spaces around it."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {stripped(key): stripped(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(stripped(item) for item in value)
    return value


def exported(strategy: Strategy, language: str = "en") -> bytes:
    buffer = io.BytesIO()
    write_workbook(strategy, buffer, language=language)
    return buffer.getvalue()


languages = st.sampled_from(["en", "sq"])  # the headers, and the name each result's level is written with


@examples
@given(data=st.data())
def test_importing_an_export_into_an_empty_database_reproduces_the_plan(data):
    with transaction.atomic():
        strategy = generated_plan(data)
        before, workbook = canonical(CODE), exported(strategy, data.draw(languages))
        strategy.delete()
        Institution.objects.filter(code="RT-NEW").delete()
        parsed = read_workbook(workbook)
        assert (parsed.errors, parsed.warnings) == ([], [])
        apply_plan(parsed, by=None)
        assert canonical(CODE) == stripped(before)
        transaction.set_rollback(True)


@examples
@given(data=st.data())
def test_the_export_of_a_plan_matches_that_plan_unchanged(data):
    with transaction.atomic():
        parsed = read_workbook(exported(generated_plan(data), data.draw(languages)))
        assert parsed.errors == []
        assert plan_changes(parsed).has_changes is False
        transaction.set_rollback(True)


def test_text_starting_with_an_equals_sign_comes_back_as_text_and_spaces_around_text_are_stripped():
    strategy = Strategy.objects.create(
        code=CODE, title_sq=" =SUM(A1:A3) ", start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026
    )
    goal = Result.objects.create(strategy=strategy, depth=1, code="1", title_sq="=1+1", title_en="  Goal ")
    workbook = exported(strategy)
    strategy.delete()
    apply_plan(read_workbook(workbook), by=None)
    goal = Result.objects.get(strategy__code=CODE, code="1")
    assert (goal.strategy.title_sq, goal.title_sq, goal.title_en) == ("=SUM(A1:A3)", "=1+1", "Goal")
