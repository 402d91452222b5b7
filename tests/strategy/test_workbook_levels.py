"""Plans of every shape in the workbook: a strategy's levels (two to five, named in both languages) on its Strategy
sheet, results on every level above the activities, activities on the last one, references as the plan writes them;
every error of the shape named at its cell. The round trip over generated plans of every shape is
test_workbook_roundtrip.py."""

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from nsm.strategy.models import Activity, Indicator, Result, Strategy
from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook, write_workbook
from tests.factories import GoalFactory, StrategyFactory
from tests.strategy.workbook_support import import_errors, load_code_lists, make_workbook, set_cell, valid_sheets

CODE = "AL-DIASPORA"
SECTION_ACTION = [{"sq": "Seksioni", "en": "Section"}, {"sq": "Veprimi", "en": "Action"}]


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def strategy_sheet(levels_en: str | None, levels_sq: str | None, code: str = CODE) -> list[list[Any]]:
    """Rows 2-8 the strategy's fields, row 9 `levels_en`, row 10 `levels_sq` (when given)."""
    rows = [
        ["field", "value"],
        ["code", code],
        ["reference", "VKM nr. 400/2024"],
        ["title_en", "Diaspora plan"],
        ["start_year", 2024],
        ["end_year", 2030],
        ["plan_start_year", 2024],
        ["plan_end_year", 2026],
    ]
    rows += [[name, value] for name, value in (("levels_en", levels_en), ("levels_sq", levels_sq)) if value]
    return rows


def two_level_sheets() -> dict[str, list[list[Any]]]:
    """A diaspora plan of sections and actions: references I, II and ACTION 1 to 5 numbered straight through,
    codes 1.1, 1.2, 2.1 ... under the sections."""
    action = ["MPB", "2024", "2025"]
    return {
        "Strategy": strategy_sheet("Section > Action", "Seksioni > Veprimi"),
        "Results": [
            ["code", "reference", "level", "title_en"],
            ["1", "I", "Section", "Engagement of the diaspora"],
            ["2", "II", "seksioni", "Investment"],
        ],
        "Activities": [
            ["code", "reference", "title_en", "lead", "start", "end"],
            ["1.1", "ACTION 1", "Register the associations", *action],
            ["1.2", "ACTION 2", "Hold a diaspora forum", *action],
            ["2.1", "ACTION 3", "Open a one-stop shop", *action],
            ["2.2", "ACTION 4", "Publish an investment guide", *action],
            ["2.3", "ACTION 5", "Match investors with municipalities", *action],
        ],
        "Budget": [["activity", "year", "source", "donor", "amount"], ["2.3", 2025, "state_budget", None, 1000]],
        "Indicators": [
            ["code", "result", "name_en"],
            ["I.1", "1", "Associations registered"],
            ["I.2", "2.3", "Investors matched"],
        ],
        "Targets": [["indicator", "year", "value"], ["I.1", 2025, 10]],
    }


def imported(sheets: dict[str, list[list[Any]]]) -> Strategy:
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert (parsed.errors, parsed.warnings) == ([], [])
    apply_plan(parsed, by=None)
    return Strategy.objects.get(code=parsed.strategy_code)


def changes(sheets: dict[str, list[list[Any]]]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """What a re-import would change, by kind: (item, fields) of the items changed or created."""
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors == []
    preview = plan_changes(parsed)
    return {
        kind.kind: [(change.label, change.fields) for change in kind.changed + kind.created]
        for kind in preview.kinds
        if kind.changed or kind.created
    }


def exported(strategy: Strategy, language: str = "en") -> bytes:
    buffer = io.BytesIO()
    write_workbook(strategy, buffer, language=language)
    return buffer.getvalue()


def sheet_rows(workbook: bytes, sheet: str) -> list[dict[str, Any]]:
    """A table sheet's rows by header."""
    rows = list(load_workbook(io.BytesIO(workbook))[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# -- plans of two, three, four and five levels ----------------------------------------------------------------


def test_a_two_level_plan_imports_its_sections_and_actions_with_their_references():
    strategy = imported(two_level_sheets())
    assert (strategy.levels, strategy.reference) == (SECTION_ACTION, "VKM nr. 400/2024")
    results = {r.code: (r.depth, r.reference) for r in Result.objects.filter(strategy=strategy)}
    assert results == {"1": (1, "I"), "2": (1, "II")}
    activities = Activity.objects.filter(strategy=strategy).select_related("measure").order_by("sort_key")
    assert [(a.code, a.reference, a.measure.code) for a in activities] == [
        ("1.1", "ACTION 1", "1"),
        ("1.2", "ACTION 2", "1"),
        ("2.1", "ACTION 3", "2"),
        ("2.2", "ACTION 4", "2"),
        ("2.3", "ACTION 5", "2"),
    ]
    assert activities.get(code="2.3").budget_lines.get().amount == 1000


def test_an_indicator_names_a_section_or_an_action_of_a_two_level_plan():
    imported(two_level_sheets())
    indicators = Indicator.objects.filter(strategy__code=CODE).select_related("result", "activity")
    by_code = {i.code: (i.result.code, i.activity.code if i.activity else None) for i in indicators}
    assert by_code == {"I.1": ("1", None), "I.2": ("2", "2.3")}


def test_a_two_level_plan_reads_albanian_sheets_headers_and_level_names():
    sheets = two_level_sheets()
    fields = {"code": "kodi", "reference": "referenca", "levels_en": "nivelet_en", "levels_sq": "Nivelet SQ"}
    albanian = {
        "Strategjia": [
            ["fusha", "vlera"],
            *[[fields.get(name, name), value] for name, value in sheets["Strategy"][1:]],
        ],
        "Rezultatet": [["kodi", "referenca", "niveli", "titulli_sq"], ["1", "I", "SEKSIONI", "Angazhimi"]],
        "Aktivitetet": [
            ["kodi", "referenca", "titulli_sq", "institucioni_pergjegjes", "fillimi", "mbarimi"],
            ["1.1", "VEPRIMI 1", "Regjistrimi", "MPB", "2024", "2025"],
        ],
        "Buxheti": [["aktiviteti", "viti", "burimi", "shuma"]],
        "Treguesit": [["kodi", "rezultati", "emri_sq"]],
        "Synimet": [["treguesi", "viti", "vlera"]],
    }
    strategy = imported(albanian)
    assert (strategy.levels, strategy.reference) == (SECTION_ACTION, "VKM nr. 400/2024")
    assert Activity.objects.get(strategy=strategy, code="1.1").reference == "VEPRIMI 1"


def test_a_three_level_plan_takes_its_own_level_names_before_the_old_words():
    """ "measure" is the second level of this plan, not the third level of the default one."""
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet("Objective > Measure > Activity", "Objektivi > Masa > Aktiviteti")
    sheets["Results"] = [
        ["code", "reference", "level", "title_en"],
        ["1", "O1", "objective", "Objective 1"],
        ["1.1", "M1.1", "measure", "Measure 1.1"],
        ["2", "O2", "Objektivi", "Objective 2"],
        ["2.1", "M2.1", 2, "Measure 2.1"],
    ]
    for row in sheets["Activities"][1:]:
        row[0] = f"{row[0][0]}.1.{row[0][-1]}"
    sheets["Budget"][1][0] = sheets["Indicators"][2][1] = "2.1.3"
    strategy = imported(sheets)
    assert strategy.depth == 3
    assert sorted(Result.objects.filter(strategy=strategy).values_list("code", "depth")) == [
        ("1", 1),
        ("1.1", 2),
        ("2", 1),
        ("2.1", 2),
    ]
    assert Activity.objects.get(strategy=strategy, code="2.1.3").measure.code == "2.1"


def test_a_five_level_plan_takes_levels_by_number_or_left_out():
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet("Area > Goal > Objective > Measure > Activity", None)
    sheets["Results"] = [
        ["code", "level", "title_en"],
        ["1", 1, "Area 1"],
        ["1.1", "2", "Goal 1.1"],
        ["1.1.1", "Objective", "Objective 1.1.1"],
        ["1.1.1.1", None, "Measure 1.1.1.1"],
    ]
    sheets["Activities"] = [sheets["Activities"][0], ["1.1.1.1.1", "A1", "Activity", "MPB", "2024", "2025"]]
    sheets["Budget"] = sheets["Budget"][:1]
    sheets["Indicators"] = [sheets["Indicators"][0], ["I.1", "1.1.1.1.1", "Done"]]
    strategy = imported(sheets)
    assert [level["en"] for level in strategy.levels] == ["Area", "Goal", "Objective", "Measure", "Activity"]
    assert [level["sq"] for level in strategy.levels] == [""] * 5  # a new plan's names left out are empty
    assert Result.objects.get(strategy=strategy, code="1.1.1.1").depth == 4
    assert Indicator.objects.get(strategy=strategy).activity.code == "1.1.1.1.1"


def test_a_plan_without_levels_has_the_default_four_and_its_results_need_no_level_column():
    sheets = valid_sheets()
    for row in sheets["Results"]:
        del row[1]
    strategy = imported(sheets)
    assert [level["en"] for level in strategy.levels] == ["Policy goal", "Specific objective", "Measure", "Activity"]
    assert sorted(Result.objects.filter(strategy=strategy).values_list("code", "depth")) == [
        ("1", 1),
        ("1.1", 2),
        ("1.1.1", 3),
    ]


@pytest.mark.parametrize(
    "written", ["goal", "GOAL", "1", 1, "Policy goal", "policy  GOAL", "Qëllimi i politikës", "qellimi i politikes"]
)
def test_a_level_is_named_by_the_old_word_its_number_or_the_plans_name_in_either_language(written):
    sheets = set_cell(valid_sheets(), "Results!B2", written)
    assert read_workbook(make_workbook(sheets)).errors == []


def test_an_existing_plan_keeps_its_levels_when_the_file_gives_none():
    StrategyFactory(code=CODE, levels=SECTION_ACTION)
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet(None, None)
    strategy = imported(sheets)
    assert strategy.levels == SECTION_ACTION
    assert Activity.objects.filter(strategy=strategy).count() == 5


def test_an_empty_plan_may_change_its_number_of_levels():
    StrategyFactory(code=CODE)  # the default four levels, nothing in them yet
    assert imported(two_level_sheets()).levels == SECTION_ACTION


def test_renaming_the_levels_of_a_plan_with_items_keeps_the_names_left_out_and_reads_the_old_ones():
    """The Results sheet still says "Section": a level cell may name the level as the plan named it before."""
    imported(two_level_sheets())
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet("Part > Step", None)
    assert changes(sheets) == {"strategy": [(CODE, ("levels",))]}
    strategy = imported(sheets)
    assert strategy.levels == [{"sq": "Seksioni", "en": "Part"}, {"sq": "Veprimi", "en": "Step"}]


def test_a_changed_reference_is_a_change_of_that_item_alone():
    imported(two_level_sheets())
    sheets = set_cell(two_level_sheets(), "Activities!B2", "ACTION 01")
    set_cell(sheets, "Results!B3", "")
    set_cell(sheets, "Strategy!B3", "VKM nr. 401/2024")
    assert changes(sheets) == {
        "strategy": [(CODE, ("reference",))],
        "results": [("2", ("reference",))],
        "activities": [("1.1", ("reference",))],
    }


def test_the_preview_names_the_results_by_the_plans_levels():
    preview = plan_changes(read_workbook(make_workbook(two_level_sheets())))
    results = next(kind for kind in preview.kinds if kind.kind == "results")
    assert (results.label, len(results.created)) == ("results (Section)", 2)
    assert "results (Section): 2" in preview.summary()


# -- the export -------------------------------------------------------------------------------------------------


def test_the_export_writes_the_levels_references_and_each_results_level_name_in_the_headers_language():
    strategy = imported(two_level_sheets())
    english, albanian = exported(strategy), exported(strategy, "sq")
    fields = {row[0]: row[1] for row in load_workbook(io.BytesIO(english))["Strategy"].iter_rows(values_only=True)}
    assert (fields["reference"], fields["levels_en"], fields["levels_sq"]) == (
        "VKM nr. 400/2024",
        "Section > Action",
        "Seksioni > Veprimi",
    )
    assert [(r["code"], r["reference"], r["level"]) for r in sheet_rows(english, "Results")] == [
        ("1", "I", "Section"),
        ("2", "II", "Section"),
    ]
    assert [r["niveli"] for r in sheet_rows(albanian, "Rezultatet")] == ["Seksioni", "Seksioni"]
    assert [r["referenca"] for r in sheet_rows(albanian, "Aktivitetet")][:2] == ["ACTION 1", "ACTION 2"]


@pytest.mark.parametrize(
    ("language", "sheet", "column", "names"),
    [
        ("en", "Results", "level", ["Policy goal", "Specific objective", "Measure"]),
        ("sq", "Rezultatet", "niveli", ["Qëllimi i politikës", "Objektivi specifik", "Masa"]),
    ],
)
def test_the_export_of_a_plan_imported_with_the_old_level_words_imports_unchanged(language, sheet, column, names):
    workbook = exported(imported(valid_sheets()), language)
    assert [row[column] for row in sheet_rows(workbook, sheet)] == names
    parsed = read_workbook(workbook)
    assert parsed.errors == []
    assert plan_changes(parsed).has_changes is False


# -- every error of the shape, at its cell -------------------------------------------------------------------------


def without_levels_sq(levels_en: str) -> dict[str, list[list[Any]]]:
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet(levels_en, None)
    return sheets


def test_levels_named_in_two_languages_but_not_as_many_are_an_error_at_the_albanian_cell():
    sheets = two_level_sheets()
    set_cell(sheets, "Strategy!B10", "Seksioni > Nënseksioni > Veprimi")
    assert import_errors(sheets) == [
        "Strategy!B10: the levels are named in English (Section > Action) and in Albanian (Seksioni > Nënseksioni > "
        "Veprimi), but not as many: name every level in both, or leave one of the two empty"
    ]


@pytest.mark.parametrize(
    ("levels_en", "message"),
    [
        ("Action", "A plan has from 2 to 5 levels, the last one its activities; this one has 1."),
        ("A > B > C > D > E > F", "A plan has from 2 to 5 levels, the last one its activities; this one has 6."),
        (f"Section > {'x' * 61}", "Level 2: a name has at most 60 characters."),
        ("Section >  > Action", "Level 2 has no name: give it in Albanian or in English."),
    ],
)
def test_levels_the_model_refuses_are_an_error_at_their_cell(levels_en, message):
    assert import_errors(without_levels_sq(levels_en)) == [f"Strategy!B9: {message}"]


def test_a_level_refused_in_albanian_is_an_error_at_the_albanian_cell():
    sheets = two_level_sheets()
    set_cell(sheets, "Strategy!B10", f"Seksioni > {'ë' * 61}")
    assert import_errors(sheets) == ["Strategy!B10: Level 2: a name has at most 60 characters."]


def test_changing_the_number_of_levels_of_a_plan_with_items_is_an_error_at_the_levels_cell():
    imported(two_level_sheets())
    errors = import_errors(without_levels_sq("Section > Subsection > Action"))
    assert errors == [
        "Strategy!B9: The plan already has items on 2 levels: rename its levels, but change their number only on an "
        "empty plan (or import the plan again into a new strategy)."
    ]


def test_a_result_code_deeper_than_the_plans_results_is_an_error_at_the_code():
    sheets = two_level_sheets()
    sheets["Results"].append(["1.1", None, None, "Not a section"])
    assert import_errors(sheets) == [
        "Results!A4: this plan has 2 levels (Section 2 > Action 2.1): a result code has at most one number, not 1.1"
    ]


def test_a_level_that_disagrees_with_the_code_is_an_error_naming_the_expected_level():
    sheets = set_cell(two_level_sheets(), "Results!C3", "Action")
    assert import_errors(sheets) == [
        'Results!C3: the level "Action" does not match the code 2: in this plan it is on the level "Section" '
        "(Section 2 > Action 2.1)"
    ]


def test_an_old_level_word_that_is_not_the_codes_level_is_an_error():
    sheets = set_cell(two_level_sheets(), "Results!C2", "objective")
    assert import_errors(sheets) == [
        'Results!C2: the level "objective" does not match the code 1: in this plan it is on the level "Section" '
        "(Section 2 > Action 2.1)"
    ]


def test_a_level_the_plan_does_not_have_is_an_error_at_its_cell():
    sheets = set_cell(two_level_sheets(), "Results!C2", "Chapter")
    assert import_errors(sheets) == [
        'Results!C2: "Chapter" is not a level of this plan: write its name (Section) or its number (1)'
    ]


def test_an_activity_code_of_another_shape_is_an_error_naming_the_plans_shape():
    sheets = set_cell(two_level_sheets(), "Activities!A2", "1.1.1")
    sheets["Indicators"] = sheets["Indicators"][:2]
    assert import_errors(sheets) == [
        "Activities!A2: an activity code has two numbers in this plan (Section 2 > Action 2.1), not 1.1.1"
    ]


def test_an_activity_whose_result_is_missing_is_an_error_naming_the_plans_level():
    sheets = set_cell(two_level_sheets(), "Activities!A2", "3.1")
    assert import_errors(sheets) == ['Activities!A2: the section "3" of activity 3.1 is missing']


def test_an_activity_code_is_checked_against_the_levels_of_the_plan_in_the_database():
    GoalFactory(strategy=StrategyFactory(code=CODE, levels=SECTION_ACTION), code="1")
    sheets = two_level_sheets()
    sheets["Strategy"] = strategy_sheet(None, None)
    set_cell(sheets, "Activities!A3", "1.1.1.1")
    assert import_errors(sheets) == [
        "Activities!A3: an activity code has two numbers in this plan (Section 2 > Action 2.1), not 1.1.1.1"
    ]


@pytest.mark.parametrize(("cell", "limit"), [("Strategy!B3", 100), ("Results!B2", 40), ("Activities!B2", 40)])
def test_a_reference_longer_than_its_limit_is_an_error_at_its_cell(cell, limit):
    sheets = set_cell(two_level_sheets(), cell, "R" * (limit + 1))
    assert import_errors(sheets) == [f"{cell}: the text has {limit + 1} characters; at most {limit} are allowed"]


def test_a_wrong_levels_cell_does_not_make_every_code_an_error():
    sheets = without_levels_sq("A > B > C > D > E > F")
    assert len(import_errors(sheets)) == 1
