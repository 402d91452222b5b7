"""The action-plan workbook: read, check, preview, apply and write the Excel format of docs/workbook.md.

One module because the format is one vocabulary (sheets, columns, value formats) shared by import and
export: importing an export reproduces the plan exactly. Reading checks the whole file first and collects
every error with its cell (`Activities!E14: ...`); nothing is written unless the file is entirely valid.

    parsed = read_workbook(path)           # ParsedPlan with .errors, .warnings; WorkbookError for a bad file
    preview = plan_changes(parsed)         # what would be created, changed, deleted and left alone
    summary = apply_plan(parsed, by=user)  # one transaction, history recorded, unchanged rows untouched
    write_workbook(strategy, path)         # the same format

Reading the file (its bounds, the zip, the cells, numbers) is the reading kernel's, `nsm.core.spreadsheet`,
shared with the other importers; the plan's upload bounds are `settings.IMPORT_BOUNDS["plan"]`.
"""

import copy
import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import groupby
from pathlib import Path
from typing import IO, Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from nsm.accounts.models import Institution, country_label
from nsm.accounts.names import (
    InstitutionNames,
    code_from_name,
    looks_like_a_name,
    name_language,
    starts_a_name,
    suggestion,
    why_not_a_new_name,
)
from nsm.audit import acting_as
from nsm.core import limits, stale
from nsm.core.bulk import UniqueKeys
from nsm.core.importing import Headers, Problems, Row, all_or_nothing, column_twice, upload_sheets
from nsm.core.spreadsheet import (  # the reading kernel; these names are importable from here as before
    CellValueError,
    FileInput,
    SheetReader,
    WorkbookError,
    as_text,
    check_archive,
    formula_without_value,
    load_sheets,
    normalize_header,
    parse_integer,
    parse_number,
    parse_text,
    read_upload,
)
from nsm.core.text import fold
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import (
    CODE_PATTERN,
    MAX_LEVELS,
    MILESTONES_CHARS,
    TEXT_NOT_BROKEN_DOWN,
    Activity,
    ActivityBudget,
    Amendment,
    CostBasis,
    Indicator,
    IndicatorTarget,
    Named,
    Result,
    Strategy,
    bodies_fields,
    code_depth,
    converted,
    default_levels,
    is_stage,
    levels_refusals,
    parent_code,
)
from nsm.strategy.services import (
    amend,
    bump_version,
    create_many_with_history,
    create_with_history,
    full_clean_with_related,
    set_m2m_quietly,
    update_many_with_history,
)
from nsm.strategy.timeframes import Recurrence, TimeframeError, parse_timeframe, period_quarters

__all__ = [
    # the plan workbook
    "ImportPreview",
    "ImportSummary",
    "ParsedPlan",
    "PreviewOutdated",
    "apply_plan",
    "field_label",
    "format_period",
    "parse_period",
    "plan_changes",
    "put_cell",
    "read_sheets",
    "read_workbook",
    "split_list",
    "write_template",
    "write_workbook",
    # the reading kernel (nsm.core.spreadsheet), importable from here as before it moved
    "CellValueError",
    "FileInput",
    "SheetReader",
    "WorkbookError",
    "as_text",
    "check_archive",
    "load_sheets",
    "normalize_header",
    "parse_integer",
    "parse_number",
    "read_upload",
]

# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------


class PreviewOutdated(Exception):
    """The plan changed between the preview and the confirmation: `preview` is what the import would do now."""

    def __init__(self, preview: "ImportPreview") -> None:
        self.preview = preview
        super().__init__(preview.summary())


# ----------------------------------------------------------------------------------------------------
# The format: sheets and columns (English name, Albanian label)
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its field name (the English header), Albanian header, how to read it, and the
    headers earlier workbooks gave it (`aliases`, still read)."""

    field: str
    sq: str
    kind: str
    required: bool = False
    width: int = 14
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the format: its English and Albanian names and its columns, in the order written."""

    kind: str
    name: str
    sq: str
    columns: tuple[Column, ...]
    optional: bool = False
    aliases: tuple[str, ...] = ()

    @cached_property
    def headers(self) -> Headers:
        """The columns by every header that names them: the field, the Albanian header, the earlier ones."""
        return Headers({column.field: (column.sq, *column.aliases) for column in self.columns})

    def column(self, header: str) -> Column | None:
        field = self.headers.key(header)
        return next((c for c in self.columns if c.field == field), None) if field else None


def _choices(model_choices: Any) -> tuple[str, ...]:
    return tuple(value for value, _label in model_choices.choices)


# A result's level as workbooks named it before plans had levels of their own: still read, by depth.
LEGACY_LEVELS = {"goal": 1, "objective": 2, "measure": 3}
LEVELS_SEPARATOR = " > "  # between the names of the levels in the Strategy sheet: "Section > Action"


def _text(name: str, sq: str, width: int = 40, max_length: int | None = None) -> Column:
    return Column(name, sq, "text", width=width, max_length=max_length)


STRATEGY = SheetSpec(
    "strategy",
    "Strategy",
    "Strategjia",
    (
        Column("code", "kodi", "strategy_code", required=True, width=24, max_length=40),
        _text("reference", "referenca", max_length=100),
        Column("country", "shteti", "country", default="AL"),
        _text("title_sq", "titulli_sq", max_length=300),
        _text("title_en", "titulli_en", max_length=300),
        Column("levels_en", "nivelet_en", "levels"),
        Column("levels_sq", "nivelet_sq", "levels"),
        Column("start_year", "viti_i_fillimit", "int", required=True),
        Column("end_year", "viti_i_mbarimit", "int", required=True),
        Column("plan_start_year", "viti_i_fillimit_te_planit", "int", required=True),
        Column("plan_end_year", "viti_i_mbarimit_te_planit", "int", required=True),
        Column("currency", "monedha", "currency", default="ALL"),
        Column("is_illustrative", "ilustruese", "yes_no", default=False),
    ),
)
INSTITUTIONS = SheetSpec(
    "institutions",
    "Institutions",
    "Institucionet",
    (
        Column("code", "kodi", "institution_code", required=True, width=18, max_length=40),
        _text("name_sq", "emri_sq", 50, 200),
        _text("name_en", "emri_en", 50, 200),
        Column("kind", "lloji", "institution_kind", choices=_choices(Institution.Kind), default=Institution.Kind.OTHER),
    ),
    optional=True,
)
RESULTS = SheetSpec(
    "results",
    "Results",
    "Rezultatet",
    (
        Column("code", "kodi", "result_code", required=True, width=10, max_length=20),
        _text("reference", "referenca", 12, 40),
        Column("level", "niveli", "level", width=18),
        _text("title_sq", "titulli_sq", 60),
        _text("title_en", "titulli_en", 60),
        Column("gcm_objectives", "objektivat_gcm", "gcm", width=16),
        Column("sdg_targets", "synimet_ozhq", "sdg", width=16),
    ),
)
ACTIVITIES = SheetSpec(
    "activities",
    "Activities",
    "Aktivitetet",
    (
        Column("code", "kodi", "activity_code", required=True, width=12, max_length=24),
        _text("reference", "referenca", 12, 40),
        _text("title_sq", "titulli_sq", 60),
        _text("title_en", "titulli_en", 60),
        # The responsible institutions in the plan's order, one of which may be marked lead (monitoring sends the
        # line to it, else to the first named), and the supporting ones in order. Workbooks before the list had one
        # lead institution (`lead`) and `partners`: read as the responsible and the supporting institutions.
        Column(
            "responsible",
            "institucionet_pergjegjese",
            "institutions",
            required=True,
            width=24,
            aliases=("lead", "institucioni_pergjegjes"),
        ),
        Column("marked_lead", "institucioni_kryesues", "marked_lead", width=14),
        Column("supporting", "institucionet_mbeshtetese", "institutions", width=24, aliases=("partners",)),
        Column("start", "fillimi", "period", width=10),
        Column("end", "mbarimi", "period", width=10),
        _text("timeframe", "afati", 24, 200),
        Column("cost_basis", "kostoja", "cost_basis", width=16, default=CostBasis.COSTED),
        _text("cost_note", "shenim_per_koston", 30, 300),
        Column("gender_marker", "shenuesi_gjinor", "gender", width=10, default=0),
        Column("target_groups", "grupet_e_synuara", "target_groups", width=28),
        Column("gcm_objectives", "objektivat_gcm", "gcm", width=16),
    ),
)
BUDGET = SheetSpec(
    "budget",
    "Budget",
    "Buxheti",
    (
        Column("activity", "aktiviteti", "activity_code", required=True, width=12, max_length=24),
        Column("year", "viti", "int", required=True, width=8),
        Column("source", "burimi", "choice", required=True, width=14, choices=_choices(ActivityBudget.Source)),
        _text("donor", "donatori", 24, 200),
        Column("amount", "shuma", "amount", required=True, width=18),
        Column("currency", "monedha", "stated_currency", width=10),
        Column("rate", "kursi", "rate", width=12),
    ),
)
INDICATORS = SheetSpec(
    "indicators",
    "Indicators",
    "Treguesit",
    (
        Column("code", "kodi", "indicator_code", required=True, width=12, max_length=30),
        Column("result", "rezultati", "result_code", required=True, width=10, max_length=24),
        _text("name_sq", "emri_sq", 60),
        _text("name_en", "emri_en", 60),
        Column("kind", "lloji", "choice", choices=_choices(Indicator.Kind), default=Indicator.Kind.OUTPUT),
        Column("unit_sq", "njesia_sq", "text", width=14, max_length=60, aliases=("unit", "njesia")),
        _text("unit_en", "njesia_en", 14, 60),
        Column(
            "value_type",
            "lloji_i_vleres",
            "choice",
            choices=_choices(Indicator.ValueType),
            default=Indicator.ValueType.NUMBER,
        ),
        _text("milestones_sq", "piketat_sq", 30, MILESTONES_CHARS),
        _text("milestones_en", "piketat_en", 30, MILESTONES_CHARS),
        Column(
            "direction",
            "drejtimi",
            "choice",
            choices=_choices(Indicator.Direction),
            default=Indicator.Direction.INCREASE,
        ),
        Column("baseline", "vlera_baze", "value"),
        Column("baseline_year", "viti_baze", "int", width=10),
        Column(
            "data_source_sq",
            "burimi_i_te_dhenave_sq",
            "text",
            width=30,
            max_length=limits.LONG_TEXT_CHARS,
            aliases=("data_source", "burimi_i_te_dhenave"),
        ),
        _text("data_source_en", "burimi_i_te_dhenave_en", 30, limits.LONG_TEXT_CHARS),
        Column(
            "frequency",
            "frekuenca",
            "choice",
            choices=_choices(Indicator.Frequency),
            default=Indicator.Frequency.ANNUAL,
        ),
        Column(
            "aggregation",
            "mbledhja",
            "choice",
            choices=_choices(Indicator.Aggregation),
            default=Indicator.Aggregation.STOCK,
        ),
        Column("responsible", "institucioni_pergjegjes", "institution"),
        Column("disaggregation", "zberthimi", "dimensions", width=20),
    ),
)
TARGETS = SheetSpec(
    "targets",
    "Targets",
    "Synimet",
    (
        Column("indicator", "treguesi", "indicator_code", required=True, width=12, max_length=30),
        Column("year", "viti", "int", required=True, width=8),
        Column("value", "vlera", "value", required=True),
    ),
    aliases=("vlerat_e_synuara",),
)

SHEETS = (STRATEGY, INSTITUTIONS, RESULTS, ACTIVITIES, BUDGET, INDICATORS, TARGETS)
INSTRUCTION_SHEETS = {"instructions", "udhezime"}
YES, NO = {"yes", "po", "true", "1"}, {"no", "jo", "false", "0", ""}
STRATEGY_HEADER = {"field", "fusha"}  # the first cell of the Strategy sheet's optional header row


def _sheet_spec(title: str) -> SheetSpec | None:
    key = normalize_header(title)
    return next((s for s in SHEETS if key in (s.kind, normalize_header(s.sq), *s.aliases)), None)


# ----------------------------------------------------------------------------------------------------
# Values: numbers, periods, lists
# ----------------------------------------------------------------------------------------------------


def _places(number: Decimal, places: int, raw: Any, digits: int = 15) -> Decimal:
    """At most `places` decimals and `digits` digits in all (the model's max_digits: 15 is what SQLite holds
    exactly); a float cell off only by binary rounding (a formula's result) is rounded."""
    if abs(number) >= Decimal(10) ** (digits - places):
        raise CellValueError(_("the number is too large: at most %(digits)s digits in all") % {"digits": digits})
    rounded = number.quantize(Decimal(1).scaleb(-places))
    off_by_rounding = isinstance(raw, float) and math.isclose(float(rounded), raw, rel_tol=1e-12)
    if rounded != number and not off_by_rounding:
        raise CellValueError(_("at most %(places)s decimals are allowed") % {"places": places})
    return rounded


def parse_period(value: Any, *, end: bool = False) -> tuple[int, int | None]:
    """`2025-Q2` -> (2025, 2); `2025` -> (2025, None); a half-year is its first quarter, or with `end` its last
    (`2025-H2` -> (2025, 3), or (2025, 4)). Read as the timeframes read a year, half-year or quarter (`T` for
    tremujori, `Q3 2025`, "second half of 2025"); a month or a date is not a period."""
    quarters = period_quarters(as_text(value))
    if quarters is None:
        raise CellValueError(
            _('"%(value)s" is not a period: write a year (2025) or a quarter (2025-Q2)') % {"value": as_text(value)}
        )
    year, first, last = quarters
    if (first, last) == (1, 4):
        return year, None
    return year, last if end else first


def format_period(year: int, quarter: int | None) -> str:
    return f"{year}-Q{quarter}" if quarter else str(year)


# Kinds of institution as templates write them, besides the values and their names in both languages.
_KIND_WORDS = {
    "ministri": "ministry", "ministria": "ministry", "agjenci": "agency", "agjencia": "agency",
    "agjenci qeveritare": "agency", "bashki": "municipality", "bashkia": "municipality",
    "njesi e qeverisjes vendore": "municipality", "institucion i pavarur": "independent",
    "institucion kushtetues": "independent", "organizate nderkombetare": "international",
    "organizata nderkombetare": "international", "shoqeri civile": "civil_society", "ojf": "civil_society",
    "organizate e shoqerise civile": "civil_society", "akademi": "academia", "universitet": "academia",
    "shoqate e diaspores": "diaspora", "diaspore": "diaspora", "tjeter": "other", "tjetër": "other",
}  # fmt: skip


# A cost basis as plans write it, in English or Albanian (folded: no accents, lower case).
_COST_WORDS = (  # within the budget first: "pa kosto shtese" (no extra cost) is not "pa kosto" (not costed)
    (
        CostBasis.WITHIN_BUDGET,
        re.compile(
            r"\b(within( the)?( existing| approved| regular)?( [a-z]+)? budget|no (additional|extra) cost|"
            r"brenda buxhetit|pa kosto shtese|ne kuader te buxhetit)"
        ),
    ),
    (
        CostBasis.NOT_COSTED,
        re.compile(
            r"\b(not (yet )?costed|uncosted|no cost estimate|pa kosto|e pakostuar|i pakostuar|nuk (eshte )?kostuar|"
            r"pa kostim|per t'u kostuar|per tu kostuar)\b"
        ),
    ),
    (CostBasis.COSTED, re.compile(r"^(costed|kostuar|e kostuar|i kostuar)$")),
)


def _institution_kinds() -> dict[str, str]:
    """Folded value or name of every kind (English, Albanian) -> the kind's value."""
    kinds = {fold(word): kind for word, kind in _KIND_WORDS.items()}
    for value, label in Institution.Kind.choices:
        kinds[value] = value
        for language in ("en", "sq"):
            with translation.override(language):
                kinds.setdefault(fold(str(label)), value)
    return kinds


def _list_pieces(value: Any) -> list[str]:
    """The items of a list cell separated by `;` or new lines, in order, repeats kept for the caller to refuse
    (commas are left to the caller)."""
    items = [item.strip() for item in re.split(r"[;\n]", as_text(value))]
    return [item for item in items if item]


def split_list(value: Any) -> list[str]:
    """`a; b, c` -> [a, b, c]: lists are separated by `;` or `,`; repeats are dropped."""
    items = [item.strip() for item in re.split(r"[;,]", as_text(value))]
    return list(dict.fromkeys(item for item in items if item))


# ----------------------------------------------------------------------------------------------------
# The plan's levels: its shape, as the messages describe it
# ----------------------------------------------------------------------------------------------------

_EXAMPLE_NUMBERS = ("2", "1", "3", "4", "5")  # example codes by depth: 2, 2.1, 2.1.3, 2.1.3.4, 2.1.3.4.5


def _example(depth: int) -> str:
    return ".".join(_EXAMPLE_NUMBERS[:depth])


def _level_list(levels: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Levels as the file reads them and compares them: both names of each, trimmed ("" when not given)."""
    return [{"sq": _clean(level.get("sq")), "en": _clean(level.get("en"))} for level in levels]


def _levels_text(levels: list[dict[str, str]], language: str) -> str:
    """`Section > Action`: the names in one language from the top down; nothing when none has a name in it."""
    names = [level.get(language) or "" for level in levels]
    return LEVELS_SEPARATOR.join(names) if any(names) else ""


def _shape(plan: Strategy) -> str:
    """`Section 2 > Action 2.1`: each level's name with an example code, in the active language."""
    return LEVELS_SEPARATOR.join(f"{plan.level_name(depth)} {_example(depth)}" for depth in range(1, plan.depth + 1))


def _level_keys(plan: Strategy, depth: int) -> set[str]:
    """The names of level `depth` in both languages, folded (case and accents do not matter)."""
    return {fold(name) for name in plan.levels[depth - 1].values() if fold(name or "")}


def _lower_first(name: str) -> str:
    """`Measure` -> `measure` inside a sentence; an acronym (`SDG target`) stays as it is."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def _numbers(count: int) -> str:
    words = {
        1: _("one number"),
        2: _("two numbers"),
        3: _("three numbers"),
        4: _("four numbers"),
        5: _("five numbers"),
    }
    return words.get(count) or str(count)


# ----------------------------------------------------------------------------------------------------
# The parsed plan
# ----------------------------------------------------------------------------------------------------


@dataclass
class ParsedPlan:
    """Everything the file says, keyed by each row's identity, with every error and warning found."""

    file_name: str = ""
    strategy: Row | None = None
    institutions: dict[str, Row] = field(default_factory=dict)
    results: dict[str, Row] = field(default_factory=dict)
    activities: dict[str, Row] = field(default_factory=dict)
    budget: dict[tuple, Row] = field(default_factory=dict)
    indicators: dict[str, Row] = field(default_factory=dict)
    targets: dict[tuple, Row] = field(default_factory=dict)
    named_institutions: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, name as written, code)
    levels: list[dict[str, str]] = field(default_factory=default_levels)  # the plan's levels, as the file leaves them
    errors: Problems = field(default_factory=Problems)  # at most IMPORT_MAX_ERRORS kept, the rest counted
    warnings: Problems = field(default_factory=Problems)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def strategy_code(self) -> str:
        return self.strategy.values.get("code", "") if self.strategy else ""

    @property
    def country(self) -> str:
        return self.strategy.values.get("country", "") if self.strategy else ""


# ----------------------------------------------------------------------------------------------------
# The plan already in the database, read in a constant number of queries
# ----------------------------------------------------------------------------------------------------


@dataclass
class _Existing:
    """The plan in the database. `institutions` are those of the plan's country only (a code is unique within a
    country, not across countries): codes and names resolve among them alone (`names`); `names.elsewhere` tells,
    for a code that only other countries have, which ones, so that the error can say so."""

    strategy: Strategy | None
    institutions: dict[str, Institution]
    gcm: dict[int, GcmObjective]
    sdg: dict[str, SdgTarget]
    target_groups: dict[str, TargetGroup]
    dimensions: dict[str, DisaggregationDimension]
    institutions_by_id: dict[int, Institution] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    budget: dict[tuple, ActivityBudget] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    targets: dict[tuple, IndicatorTarget] = field(default_factory=dict)
    country: str = ""
    names: InstitutionNames = field(default_factory=InstitutionNames)

    def institution_code(self, pk: int | None) -> str:
        return self.institutions_by_id[pk].code if pk else ""

    def add_institution(self, institution: Institution) -> None:
        """An institution of the plan's country (one of another country is only remembered in `names.elsewhere`; its
        primary key still gives its code, for a plan written before countries were kept apart)."""
        self.institutions_by_id[institution.pk] = institution
        if self.names.keep(institution, self.country):
            self.institutions[institution.code.upper()] = institution

    def scope(self, country: str) -> None:
        """Resolve codes among the institutions of `country` from now on."""
        everyone = list(self.institutions_by_id.values())
        self.country, self.institutions, self.institutions_by_id = country, {}, {}
        self.names = InstitutionNames()
        for institution in everyone:
            self.add_institution(institution)


def _load_existing(code: str, *, country: str = "", lock: bool = False) -> _Existing:
    """The strategy with this code and its whole plan, plus the code lists, in about 17 queries. Institutions
    resolve among those of `country` (the file's), else the strategy's, else Albania's."""
    strategies = Strategy.objects.select_for_update() if lock else Strategy.objects.all()
    existing = _Existing(
        strategy=strategies.filter(code=code).first() if code else None,
        institutions={},
        gcm={g.number: g for g in GcmObjective.objects.all()},
        sdg={t.code.lower(): t for t in SdgTarget.objects.all()},
        target_groups={g.code.lower(): g for g in TargetGroup.objects.all()},
        dimensions={d.code.lower(): d for d in DisaggregationDimension.objects.all()},
    )
    existing.country = country or (existing.strategy.country if existing.strategy else "") or "AL"
    for institution in Institution.objects.all():
        existing.add_institution(institution)
    if existing.strategy is not None:
        _load_plan(existing, existing.strategy, lock=lock)
    return existing


def _load_plan(existing: _Existing, strategy: Strategy, *, lock: bool = False) -> None:
    """Each object gets the strategy instance, so that validating it later reads no strategy again.

    With `lock`, results, activities and indicators are locked for the transaction (the services lock them
    too before changing them, their budget lines or targets), so an import and a page edit do not interleave.
    """
    results = Result.objects.filter(strategy=strategy).prefetch_related("gcm_objectives", "sdg_targets")
    activities = Activity.objects.filter(strategy=strategy).prefetch_related(
        "bodies__institution", "target_groups", "gcm_objectives"
    )
    indicators = Indicator.objects.filter(strategy=strategy).prefetch_related("disaggregation")
    if lock:
        results, activities, indicators = (q.select_for_update() for q in (results, activities, indicators))
    existing.results = {r.code: r for r in results}
    existing.activities = {a.code: a for a in activities}
    items: list[Result | Activity] = [*existing.results.values(), *existing.activities.values()]
    for item in items:
        item.strategy = strategy
    for activity in existing.activities.values():  # its lead from the institutions read (not one query each)
        lead = existing.institutions_by_id.get(activity.lead_id)
        if lead is not None:
            activity.lead = lead
    codes = {a.pk: a.code for a in existing.activities.values()}
    lines = ActivityBudget.objects.filter(activity__strategy=strategy)
    existing.budget = {(codes[b.activity_id], b.year, b.source, b.donor.strip()): b for b in lines}
    existing.indicators = {i.code: i for i in indicators}
    for indicator in existing.indicators.values():
        indicator.strategy = strategy
    codes = {i.pk: i.code for i in existing.indicators.values()}
    targets = IndicatorTarget.objects.filter(indicator__strategy=strategy)
    existing.targets = {(codes[t.indicator_id], t.year): t for t in targets}


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _strategy_values(strategy: Strategy, existing: _Existing) -> dict[str, Any]:
    """The levels are one value, `levels` (the file names them in two cells, one per language)."""
    names = (c.field for c in STRATEGY.columns if c.kind != "levels")
    return {name: getattr(strategy, name) for name in names} | {
        "reference": _clean(strategy.reference),
        "title_sq": _clean(strategy.title_sq),
        "title_en": _clean(strategy.title_en),
        "levels": _level_list(strategy.levels),
    }


def _institution_values(institution: Institution, existing: _Existing) -> dict[str, Any]:
    return {
        "code": institution.code,
        "name_sq": _clean(institution.name_sq),
        "name_en": _clean(institution.name_en),
        "kind": institution.kind,
    }


def _result_values(result: Result, existing: _Existing) -> dict[str, Any]:
    return {
        "code": result.code,
        "reference": _clean(result.reference),
        "title_sq": _clean(result.title_sq),
        "title_en": _clean(result.title_en),
        "gcm_objectives": frozenset(g.number for g in result.gcm_objectives.all()),
        "sdg_targets": frozenset(t.code for t in result.sdg_targets.all()),
    }


def _activity_values(activity: Activity, existing: _Existing) -> dict[str, Any]:
    return {
        "code": activity.code,
        "reference": _clean(activity.reference),
        "title_sq": _clean(activity.title_sq),
        "title_en": _clean(activity.title_en),
        # in the plan's order: a change of order is a change
        "responsible": tuple(i.code for i in activity.responsible_bodies),
        "marked_lead": activity.lead.code if activity.lead_marked else "",
        "supporting": tuple(i.code for i in activity.supporting_bodies),
        "start": (activity.start_year, activity.start_quarter),
        "end": (activity.end_year, activity.end_quarter),
        "timeframe": activity.timeframe,
        "recurrence": activity.recurrence,
        "cost_basis": activity.cost_basis,
        "cost_note": _clean(activity.cost_note),
        "gender_marker": activity.gender_marker,
        "target_groups": frozenset(g.code for g in activity.target_groups.all()),
        "gcm_objectives": frozenset(g.number for g in activity.gcm_objectives.all()),
    }


def _budget_values(key: tuple, line: ActivityBudget) -> dict[str, Any]:
    activity, year, source, donor = key
    return {
        "activity": activity,
        "year": year,
        "source": source,
        "donor": donor,
        "amount": line.amount,
        "currency": line.currency,
        "stated_amount": line.stated_amount,
        "rate": line.rate,
    }


def _budget_row(values: dict[str, Any]) -> dict[str, Any]:
    """A budget line as the file writes it: an amount stated in another currency as stated, with its rate."""
    return {**values, "amount": values["stated_amount"]} if values["currency"] else values


def _indicator_values(
    indicator: Indicator, existing: _Existing, result_codes: dict[int, str], activity_codes: dict[int, str]
) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "result": (  # an activity's indicator names the activity; the measure follows from it
            activity_codes.get(indicator.activity_id, "")
            if indicator.activity_id
            else result_codes.get(indicator.result_id, "")
        ),
        "name_sq": _clean(indicator.name_sq),
        "name_en": _clean(indicator.name_en),
        "kind": indicator.kind,
        "unit_sq": _clean(indicator.unit_sq),
        "unit_en": _clean(indicator.unit_en),
        "value_type": indicator.value_type,
        "milestones_sq": _clean(indicator.milestones_sq),
        "milestones_en": _clean(indicator.milestones_en),
        "direction": indicator.direction,
        "baseline": indicator.baseline,
        "baseline_year": indicator.baseline_year,
        "data_source_sq": _clean(indicator.data_source_sq),
        "data_source_en": _clean(indicator.data_source_en),
        "frequency": indicator.frequency,
        "aggregation": indicator.aggregation,
        "responsible": existing.institution_code(indicator.responsible_id),
        "disaggregation": frozenset(d.code for d in indicator.disaggregation.all()),
    }


def _target_values(key: tuple, target: IndicatorTarget) -> dict[str, Any]:
    return {"indicator": key[0], "year": key[1], "value": target.value}


# ----------------------------------------------------------------------------------------------------
# Checking the file: every error, with its cell
# ----------------------------------------------------------------------------------------------------

_INSTITUTION_UNKNOWN = {
    "marked_lead": lambda code: _('lead institution "%(code)s" is not known') % {"code": code},
    "supporting": lambda code: _('supporting institution "%(code)s" is not known') % {"code": code},
    "responsible": lambda code: _('responsible institution "%(code)s" is not known') % {"code": code},
}


def _named_twice(text: str, code: str) -> str:
    """An institution a list names a second time (as written, or by another of its names)."""
    if fold(text) == fold(code):
        return _("%(code)s is named twice: name each institution once") % {"code": code}
    return _('"%(name)s" is %(code)s, named already: name each institution once') % {"name": text, "code": code}


def _not_among_responsible(name: str) -> str:
    """A marked lead that the row does not name as responsible."""
    return _(
        "the marked lead %(name)s is not one of the activity's responsible institutions: name it among them too, "
        "or leave this cell empty"
    ) % {"name": name}


def _institution_elsewhere(code: str, country: str, others: Iterable[str]) -> str:
    """A code that only other countries have: it is not the plan's country's institution."""
    return _(
        "%(code)s is not an institution of %(country)s (only of %(others)s): to add one of %(country)s, list it on "
        "the Institutions sheet"
    ) % {"code": code, "country": country_label(country), "others": ", ".join(map(country_label, sorted(others)))}


def institutions_rule(country: str) -> str:
    """What the import does with institution codes and names, said in the preview."""
    return _(
        "Institutions are looked up among those of %(country)s only, by code or by name in Albanian or English "
        "(case and accents do not matter). A code on the Institutions sheet that %(country)s does not have yet is "
        "added as a new institution of %(country)s, and so is a name written in full that the registry does not "
        "know (listed below with the code it gets); an unknown code, or a name close to a known one, is an error."
    ) % {"country": country_label(country)}


class _Reader:
    """Reads the sheets into a ParsedPlan, checking each value against the format, code lists and plan."""

    def __init__(self, sheets: list[SheetReader], file_name: str, *, charts: Iterable[str] = ()) -> None:
        self.plan = ParsedPlan(file_name=file_name)
        self.sheets: dict[str, SheetReader] = {}
        self.years: range | None = None
        self.existing = _Existing(None, {}, {}, {}, {}, {})  # the database's plan, loaded once the code is read
        self.new_names = InstitutionNames()  # institutions the file adds: its Institutions sheet, names in full
        self.known_codes: list[str] | None = None  # of both, for why_not_a_new_name: see _known_codes()
        # The plan's levels (the Strategy sheet's, else the database's, else the default four), held by an unsaved
        # Strategy for its level names; None when the file's levels are wrong: codes are then not checked against
        # them, so that one wrong cell does not make every code an error.
        self.shape: Strategy | None = Strategy(levels=default_levels())
        self.cell_ref = ""  # the cell being read, for the warnings of the values read from it
        self.headers: dict[tuple[str, str], str] = {}
        for sheet in sheets:
            self._register(sheet)
        for title in charts:
            self.warn(
                f"{title}!A1", _('the sheet "%(sheet)s" is a chart, not a table; it is ignored') % {"sheet": title}
            )

    def error(self, cell: str, message: str) -> None:
        self.plan.errors.at(cell, message)

    def warn(self, cell: str, message: str) -> None:
        self.plan.warnings.at(cell, message)

    def _register(self, sheet: SheetReader) -> None:
        spec = _sheet_spec(sheet.name)
        if spec is None:
            if normalize_header(sheet.name) not in INSTRUCTION_SHEETS and sheet.cells:
                self.warn(
                    f"{sheet.name}!A1",
                    _('the sheet "%(sheet)s" is not part of the format; it is ignored') % {"sheet": sheet.name},
                )
        elif spec.kind in self.sheets:
            self.error(
                f"{sheet.name}!A1",
                _('the sheet "%(sheet)s" repeats the sheet "%(other)s"')
                % {"sheet": sheet.name, "other": self.sheets[spec.kind].name},
            )
        else:
            self.sheets[spec.kind] = sheet

    def read(self) -> ParsedPlan:
        self.plan.strategy = self._read_strategy()
        self.existing = _load_existing(self.plan.strategy_code)
        self._strategy_defaults()
        self._read_levels()
        self._scope_to_country()
        self._read_institutions()
        self._read_results()
        self._read_activities()
        self._read_budget()
        self._read_indicators()
        self._read_targets()
        return self.plan

    # -- the Strategy sheet (field, value) -------------------------------------------------------------------

    def _read_strategy(self) -> Row | None:
        sheet = self._sheet(STRATEGY)
        if sheet is None:
            return None
        row = Row(sheet.name, 0)
        first = (sheet.rows() or [0])[0]
        for number in sheet.rows(columns=(1, 2)):
            name, raw = sheet.value(number, 1), sheet.value(number, 2)
            if number == first and normalize_header(name) in STRATEGY_HEADER:
                continue
            self._strategy_field(sheet, row, number, name, raw)
        for column in STRATEGY.columns:
            if column.field not in row.refs and column.required:
                self.error(f"{sheet.name}!A1", _('the field "%(field)s" is missing') % {"field": column.field})
        self._check_strategy(row)
        return row

    def _strategy_defaults(self) -> None:
        """Country and currency left out: the existing strategy's, else the defaults (AL, ALL)."""
        row, current = self.plan.strategy, self.existing.strategy
        for column in STRATEGY.columns:
            if row is not None and column.default is not None and column.field not in row.refs:
                row.values[column.field] = getattr(current, column.field) if current else column.default

    def _read_levels(self) -> None:
        """The plan's levels: the `levels_en` and `levels_sq` cells (either or both), else the plan's own (or the
        default four for a new plan). A name left out in one language is the plan's, when the number of levels
        stays, else empty. The number of levels of a plan that has items does not change (the model's rule)."""
        row, current = self.plan.strategy, self.existing.strategy
        base = _level_list(current.levels if current is not None else default_levels())
        self._use_levels(base)
        if row is None:
            return
        given: dict[str, list[str]] = {}
        for language in ("en", "sq"):
            names = row.values.pop(f"levels_{language}", None)
            if f"levels_{language}" in row.bad:
                self.shape = None
            elif names:
                given[language] = names
        if not given or self.shape is None:
            return
        cell = row.cell(f"levels_{next(iter(given))}")
        if not self._level_names_fit(row, given):
            return
        count = len(next(iter(given.values())))
        keep = current is not None and len(base) == count
        levels = [
            {
                language: given[language][index] if language in given else (base[index][language] if keep else "")
                for language in ("sq", "en")
            }
            for index in range(count)
        ]
        refusals = [str(refusal) for refusal in levels_refusals(levels)] + self._level_count_refusals(levels)
        for refusal in refusals:
            self.error(cell, refusal)
        if refusals:
            self.shape = None
            return
        row.values["levels"], row.refs["levels"] = levels, cell
        self._use_levels(levels)

    def _level_names_fit(self, row: Row, given: dict[str, list[str]]) -> bool:
        """Each language's names checked on its own cell (how many, how long); both languages as many."""
        fit = True
        for language, names in given.items():
            for refusal in levels_refusals([{language: name or "-"} for name in names]):  # "" is checked later
                self.error(row.cell(f"levels_{language}"), str(refusal))
                fit = False
        if fit and len({len(names) for names in given.values()}) > 1:
            self.error(
                row.cell("levels_sq"),
                _(
                    "the levels are named in English (%(en)s) and in Albanian (%(sq)s), but not as many: name "
                    "every level in both, or leave one of the two empty"
                )
                % {"en": LEVELS_SEPARATOR.join(given["en"]), "sq": LEVELS_SEPARATOR.join(given["sq"])},
            )
            fit = False
        if not fit:
            self.shape = None
        return fit

    def _level_count_refusals(self, levels: list[dict[str, str]]) -> list[str]:
        """The model's refusal to change the number of levels of a plan that has items, if it refuses."""
        current = self.existing.strategy
        if current is None or len(levels) == current.depth:
            return []
        probe = copy.copy(current)
        probe.levels = levels
        try:
            probe.clean()
        except ValidationError as error:
            return error.message_dict.get("levels", []) if hasattr(error, "error_dict") else error.messages
        return []

    def _use_levels(self, levels: list[dict[str, str]]) -> None:
        self.plan.levels = levels
        self.shape = Strategy(levels=levels)

    def _scope_to_country(self) -> None:
        """Institutions resolve among the file's country's. An existing plan keeps its country: its institutions
        are that country's."""
        row, current, country = self.plan.strategy, self.existing.strategy, self.plan.country
        if row is None:
            return
        if current is not None and country and country != current.country and "country" not in row.bad:
            self.error(
                row.cell("country"),
                _("the country of the plan %(code)s is %(country)s; an import does not change it")
                % {"code": current.code, "country": country_label(current.country)},
            )
            row.bad.add("country")
        if country and country != self.existing.country and "country" not in row.bad:
            self.existing.scope(country)

    def _strategy_field(self, sheet: SheetReader, row: Row, number: int, name: Any, raw: Any) -> None:
        column = STRATEGY.column(as_text(name))
        if column is None:
            self.warn(
                f"{sheet.name}!A{number}",
                _('the field "%(field)s" is not known; it is ignored') % {"field": as_text(name)},
            )
        elif column.field in row.refs:
            self.error(f"{sheet.name}!A{number}", _('the field "%(field)s" appears twice') % {"field": column.field})
        else:
            row.refs[column.field] = f"{sheet.name}!B{number}"
            self._cell(row, column, raw, label=as_text(name), missing_formula=(number, 2) in sheet.missing_formulas)

    def _check_strategy(self, row: Row) -> None:
        values = [row.values.get(name) for name in ("start_year", "end_year", "plan_start_year", "plan_end_year")]
        years = [year for year in values if year is not None]
        if len(years) < len(values):
            return
        start, end, plan_start, plan_end = years
        for name, year in zip(("start_year", "end_year", "plan_start_year", "plan_end_year"), years, strict=True):
            if not 1900 <= year <= 2200:
                self.error(row.cell(name), _("%(year)s is not a plausible year") % {"year": year})
                return
        if start > end:
            self.error(
                row.cell("start_year"),
                _("the first year (%(start)s) is after the last year (%(end)s)") % {"start": start, "end": end},
            )
            return
        self.years = range(start, end + 1)
        for name in ("plan_start_year", "plan_end_year"):
            self._check_year(row, name)
        if plan_start > plan_end:
            self.error(
                row.cell("plan_start_year"),
                _("the action plan starts (%(start)s) after it ends (%(end)s)")
                % {"start": plan_start, "end": plan_end},
            )

    # -- table sheets ----------------------------------------------------------------------------------------

    def _sheet(self, spec: SheetSpec) -> SheetReader | None:
        sheet = self.sheets.get(spec.kind)
        if sheet is None and not spec.optional:
            self.error(f"{spec.name}!A1", _('the sheet "%(sheet)s" is missing') % {"sheet": spec.name})
        return sheet

    def _table(self, spec: SheetSpec) -> list[Row]:
        """The sheet's rows, each cell read and checked. Rows are read even when a required column is
        missing, so that their codes are known: one missing column does not make every reference an error."""
        sheet = self._sheet(spec)
        if sheet is None:
            return []
        header = sheet.rows()[0] if sheet.rows() else 1
        columns = self._header(sheet, spec, header)
        rows = []
        for number in sheet.rows(columns=columns.values()):
            if number > header:
                rows.append(self._row(sheet, spec, number, columns))
        return rows

    def _header(self, sheet: SheetReader, spec: SheetSpec, number: int) -> dict[str, int]:
        header = spec.headers.read(sheet.row_values(number))
        for index, text in header.unknown:
            self.warn(
                sheet.cell(number, index), _('the column "%(column)s" is not known; it is ignored') % {"column": text}
            )
        for index, text in header.repeated:
            self.error(sheet.cell(number, index), column_twice(text))
        for name in header.missing(c.field for c in spec.columns if c.required):
            self.error(f"{sheet.name}!A{number}", _('the required column "%(column)s" is missing') % {"column": name})
        self.headers.update({(spec.kind, name): text for name, text in header.written.items()})
        return header.columns

    def _row(self, sheet: SheetReader, spec: SheetSpec, number: int, columns: dict[str, int]) -> Row:
        row = Row(sheet.name, number)
        for column in spec.columns:
            index = columns.get(column.field)
            if index is not None:
                row.refs[column.field] = f"{sheet.name}!{get_column_letter(index)}{number}"
                label = self.headers.get((spec.kind, column.field), column.field)
                missing = (number, index) in sheet.missing_formulas
                self._cell(row, column, sheet.value(number, index), label=label, missing_formula=missing)
        return row

    def _cell(self, row: Row, column: Column, raw: Any, *, label: str, missing_formula: bool) -> None:
        """Read one cell into row.values, or record its error and mark the field bad."""
        cell = self.cell_ref = row.refs[column.field]
        if raw is None and missing_formula:
            self.error(cell, formula_without_value())
        elif raw is None and column.required:
            self.error(cell, _('a value is required in the column "%(column)s"') % {"column": label})
        else:
            try:
                row.values[column.field] = self._parse(column, raw)
                return
            except CellValueError as error:
                self.error(cell, str(error))
        row.bad.add(column.field)

    # -- cell values -----------------------------------------------------------------------------------------

    def _parse(self, column: Column, raw: Any) -> Any:
        parser: Callable[[Column, Any], Any] = getattr(self, f"_parse_{column.kind}")
        return parser(column, raw)

    def _parse_text(self, column: Column, raw: Any) -> str:
        """Text within its column's limit (a title or name's, limits.TITLE_CHARS, when the column has none): a
        longer text is an error on its cell, never cut."""
        return parse_text(raw, column.max_length or limits.TITLE_CHARS)

    def _parse_code(self, column: Column, raw: Any, pattern: str, example: str) -> str:
        _refuse_number_with_fraction(raw)
        code = self._parse_text(column, raw)
        if not re.fullmatch(pattern, code, flags=re.ASCII):  # 0-9 only: not Arabic-Indic or other digits
            raise CellValueError(
                _('"%(code)s" is not a valid code (for example %(example)s)') % {"code": code, "example": example}
            )
        return code

    def _parse_result_code(self, column: Column, raw: Any) -> str:
        return self._parse_code(column, raw, CODE_PATTERN, _example(self.shape.result_depth if self.shape else 3))

    def _parse_activity_code(self, column: Column, raw: Any) -> str:
        return self._parse_code(column, raw, CODE_PATTERN, _example(self.shape.depth if self.shape else 4))

    def _parse_levels(self, column: Column, raw: Any) -> list[str] | None:
        """`Section > Action`: the names of the levels from the top down; an empty cell gives none."""
        names = [name.strip() for name in self._parse_text(column, raw).split(LEVELS_SEPARATOR.strip())]
        return names if any(names) else None

    def _parse_level(self, column: Column, raw: Any) -> tuple[str, frozenset[int]] | None:
        """The cell as written and the levels it may mean: a name of the plan's levels in either language (case and
        accents do not matter; the names before the file renames them too), a level's number, or goal, objective,
        measure (1, 2, 3) as workbooks wrote it."""
        key = fold(as_text(raw))
        plan, current = self.shape, self.existing.strategy
        if not key or plan is None:
            return None
        plans = [plan, current] if current is not None and current.depth == plan.depth else [plan]
        depths = {depth for depth in range(1, plan.depth + 1) for named in plans if key in _level_keys(named, depth)}
        legacy = LEGACY_LEVELS.get(normalize_header(key))
        if legacy is not None:
            depths.add(legacy)
        if re.fullmatch(r"[1-9]", key) and int(key) <= MAX_LEVELS:
            depths.add(int(key))
        if not depths:
            raise CellValueError(
                _('"%(value)s" is not a level of this plan: write its name (%(names)s) or its number (%(numbers)s)')
                % {
                    "value": as_text(raw),
                    "names": ", ".join(plan.level_name(depth) for depth in range(1, plan.depth)),
                    "numbers": "1" if plan.result_depth == 1 else f"1-{plan.result_depth}",
                }
            )
        return as_text(raw), frozenset(depths)

    def _parse_indicator_code(self, column: Column, raw: Any) -> str:
        return self._parse_code(column, raw, r"[A-Za-z0-9][A-Za-z0-9_.-]*", "I.2.1")

    def _parse_strategy_code(self, column: Column, raw: Any) -> str:
        return self._parse_code(column, raw, r"[A-Za-z0-9][A-Za-z0-9_.-]*", "AL-NSM-2024-2030")

    def _parse_institution_code(self, column: Column, raw: Any) -> str:
        return self._parse_code(column, raw, r"[^\s;,]([^;,]*[^\s;,])?", "MPB")

    def _parse_cost_basis(self, column: Column, raw: Any) -> str:
        """`costed`, `within_budget`, `not_costed`, or as plans write it: "Brenda buxhetit", "Within the approved
        budget of the institution", "Not costed", "Pa kosto"."""
        key = fold(as_text(raw)).replace("_", " ")
        if not key:
            return CostBasis.COSTED
        for basis, pattern in _COST_WORDS:
            if pattern.search(key):
                return basis
        raise CellValueError(
            _('"%(value)s" is not a cost basis: write costed, within_budget ("within the existing budget") or '
              'not_costed ("not yet costed")')
            % {"value": as_text(raw)}
        )  # fmt: skip

    def _parse_institution_kind(self, column: Column, raw: Any) -> str:
        """A kind by its value or its name in either language: `agency`, `Agjenci`, `institucion i pavarur`."""
        key = fold(as_text(raw))
        if not key:
            return column.default
        kind = self.kinds.get(key) or self.kinds.get(key.replace(" ", "_"))
        if kind is None:
            raise CellValueError(
                _('"%(value)s" is not a kind of institution: %(choices)s')
                % {"value": as_text(raw), "choices": ", ".join(column.choices)}
            )
        return kind

    @cached_property
    def kinds(self) -> dict[str, str]:
        """The kinds of institution by folded value or name: made once a read, at its first kind cell."""
        return _institution_kinds()

    def _parse_country(self, column: Column, raw: Any) -> str:
        text = as_text(raw).upper() or column.default
        if not re.fullmatch(r"[A-Z]{2}", text):
            raise CellValueError(
                _('"%(value)s" is not a country code (ISO 3166 alpha-2, such as AL)') % {"value": text}
            )
        return text

    def _parse_currency(self, column: Column, raw: Any) -> str:
        text = as_text(raw).upper() or column.default
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise CellValueError(_('"%(value)s" is not a currency code (such as ALL)') % {"value": text})
        return text

    def _parse_stated_currency(self, column: Column, raw: Any) -> str:
        return self._parse_currency(column, raw) if as_text(raw) else ""

    def _parse_rate(self, column: Column, raw: Any) -> Decimal | None:
        if raw is None or not as_text(raw):
            return None
        rate = _places(parse_number(raw), 6, raw, digits=14)
        if rate <= 0:
            raise CellValueError(_("an exchange rate is more than 0"))
        return rate

    def _parse_int(self, column: Column, raw: Any) -> int | None:
        return None if raw is None else parse_integer(raw)

    def _parse_yes_no(self, column: Column, raw: Any) -> bool:
        text = as_text(raw).lower()
        if text not in YES | NO:
            raise CellValueError(_('"%(value)s" is not yes or no') % {"value": as_text(raw)})
        return text in YES

    def _parse_amount(self, column: Column, raw: Any) -> Decimal:
        amount = _places(parse_number(raw), 2, raw)
        if amount < 0:
            raise CellValueError(_("the amount cannot be negative"))
        return amount

    def _parse_value(self, column: Column, raw: Any) -> Decimal | None:
        if raw is None:
            return None
        return _places(parse_number(raw), 3, raw)

    def _parse_choice(self, column: Column, raw: Any) -> str:
        key = normalize_header(raw)
        if not key:
            return column.default
        if key not in column.choices:
            raise CellValueError(
                _('"%(value)s" is not one of: %(choices)s')
                % {"value": as_text(raw), "choices": ", ".join(column.choices)}
            )
        return key

    def _parse_period(self, column: Column, raw: Any) -> tuple[int, int | None] | None:
        return parse_period(raw, end=column.field == "end") if as_text(raw) else None

    def _parse_gender(self, column: Column, raw: Any) -> int:
        if raw is None:
            return 0
        try:
            marker = parse_integer(raw)
        except CellValueError:
            marker = None
        if marker not in (0, 1, 2):
            raise CellValueError(_('the gender marker is 0, 1 or 2, not "%(value)s"') % {"value": as_text(raw)})
        return marker

    def _parse_institution(self, column: Column, raw: Any) -> str:
        text = as_text(raw)
        return self._institution(column.field, text) if text else ""

    def _parse_institutions(self, column: Column, raw: Any) -> tuple[str, ...]:
        """A list of institutions by code or name, in the order written, separated by `;` or new lines; commas
        separate only when every part is a known institution (a name may have a comma in it). Every unknown one,
        and every one named a second time, is reported at once; a required list names one at least."""
        codes: list[str] = []
        problems: list[str] = []
        for piece in _list_pieces(raw):
            for text in self._split_commas(piece):
                try:
                    code = self._institution(column.field, text)
                except CellValueError as error:
                    problems.append(str(error))
                    continue
                if code in codes:
                    problems.append(_named_twice(text, code))
                else:
                    codes.append(code)
        if problems:
            raise CellValueError("; ".join(problems))
        if column.required and not codes:
            raise CellValueError(_("name one institution at least"))
        return tuple(codes)

    def _parse_marked_lead(self, column: Column, raw: Any) -> str:
        """The responsible institution the plan marks lead, by code or name; empty: none is marked (the first named
        leads). It is one the row names as responsible, so a name no institution has is not a new one."""
        text = as_text(raw)
        return self._institution(column.field, text, create=False) if text else ""

    def _split_commas(self, piece: str) -> list[str]:
        """`AKPA, MPB` are two institutions; `Ministry of Tourism, Culture and Sports` is one: a part that is known
        or a code stands alone, and the parts of names between them are one name with its commas."""
        if self._known(piece):
            return [piece]
        groups: list[str] = []
        pending: list[str] = []
        for part in (part.strip() for part in piece.split(",")):
            if not part:
                continue
            if self._known(part) or not looks_like_a_name(part):
                groups += [", ".join(pending), part] if pending else [part]
                pending = []
            elif pending and starts_a_name(part):  # "Ministry of Interior, Ministry of Justice": two names
                groups.append(", ".join(pending))
                pending = [part]
            else:
                pending.append(part)
        return groups + [", ".join(pending)] if pending else groups

    def _known(self, text: str) -> bool:
        return self.existing.names.find(text) is not None or self.new_names.find(text) is not None

    def _institution(self, name: str, text: str, *, create: bool = True) -> str:
        """The code of the institution `text` names (a code, or a name in either language); a name in full that no
        institution has becomes a new institution of the plan's country, with a code made from its initials (with
        `create`; else it is an error)."""
        known = self.existing.names.find(text) or self.new_names.find(text)
        if known is not None:
            return known.code
        others = self.existing.names.elsewhere.get(fold(text))
        if others:
            countries = {institution.country for institution in others}
            raise CellValueError(_institution_elsewhere(text, self.existing.country, countries))
        near = self.existing.names.near(text) or self.new_names.near(text)
        if near is not None:
            raise CellValueError(f"{_INSTITUTION_UNKNOWN[name](text)}: {suggestion(near)}")
        if not looks_like_a_name(text):
            raise CellValueError(_INSTITUTION_UNKNOWN[name](text))
        if not create:
            raise CellValueError(_not_among_responsible(f'"{text}"'))
        refusal = why_not_a_new_name(text, self._known_codes())
        if refusal is not None:
            raise CellValueError(f"{_INSTITUTION_UNKNOWN[name](text)}: {refusal}")
        return self._new_named_institution(text)

    def _known_codes(self) -> list[str]:
        """The codes of the plan's country's institutions and of those the file adds, kept as it adds them."""
        if self.known_codes is None:
            self.known_codes = [
                *(i.code for i in self.existing.institutions.values()),
                *(i.code for i in self.new_names.by_code.values()),
            ]
        return self.known_codes

    def _add_new(self, institution: Institution) -> None:
        """An institution the file adds, from its Institutions sheet or named in full."""
        self.new_names.add(institution)
        if self.known_codes is not None:
            self.known_codes.append(institution.code)

    def _new_named_institution(self, text: str) -> str:
        taken = [*self.existing.institutions, *self.existing.names.elsewhere, *self.new_names.by_code]
        code = code_from_name(text, taken)
        language = name_language(text)
        institution = Institution(code=code, country=self.existing.country, kind=Institution.Kind.OTHER)
        setattr(institution, f"name_{language}", text)
        self._add_new(institution)
        row = Row(self.cell_ref.split("!")[0], 0, refs={"code": self.cell_ref})
        row.values = {"code": code, "name_sq": institution.name_sq, "name_en": institution.name_en, "kind": "other"}
        self.plan.institutions[code.upper()] = row
        self.plan.named_institutions.append((self.cell_ref, text, code))
        self.warn(
            self.cell_ref,
            _('"%(name)s" is not in the registry of %(country)s: it is added as a new institution with the code '
              "%(code)s")
            % {"name": text, "country": country_label(self.existing.country), "code": code},
        )  # fmt: skip
        return code

    def _parse_gcm(self, column: Column, raw: Any) -> frozenset[int]:
        numbers = set()
        for item in split_list(raw):
            try:
                number = parse_integer(item)
            except CellValueError:
                raise CellValueError(_('"%(value)s" is not a GCM objective number (1-23)') % {"value": item}) from None
            if not 1 <= number <= 23:
                raise CellValueError(_("GCM objective %(number)s is outside 1-23") % {"number": number})
            if number not in self.existing.gcm:
                raise CellValueError(_("GCM objective %(number)s is not known") % {"number": number})
            numbers.add(number)
        return frozenset(numbers)

    def _parse_lookup(self, raw: Any, table: dict[str, Any], message: str) -> frozenset[str]:
        codes = set()
        for item in split_list(raw):
            known = table.get(item.lower())
            if known is None:
                raise CellValueError(message % {"code": item})
            codes.add(known.code)
        return frozenset(codes)

    def _parse_sdg(self, column: Column, raw: Any) -> frozenset[str]:
        _refuse_number_with_fraction(raw)  # 16.10 typed as a number is stored as 16.1, another target
        return self._parse_lookup(raw, self.existing.sdg, _('SDG target "%(code)s" is not known'))

    def _parse_target_groups(self, column: Column, raw: Any) -> frozenset[str]:
        return self._parse_lookup(raw, self.existing.target_groups, _('target group "%(code)s" is not known'))

    def _parse_dimensions(self, column: Column, raw: Any) -> frozenset[str]:
        return self._parse_lookup(raw, self.existing.dimensions, _('disaggregation "%(code)s" is not known'))

    # -- per-sheet checks ------------------------------------------------------------------------------------

    def _check_year(self, row: Row, name: str, year: int | None = None) -> None:
        year = row.values.get(name) if year is None else year
        if self.years is not None and year is not None and year not in self.years:
            self.error(
                row.cell(name),
                _("the year %(year)s lies outside the strategy's years (%(start)s-%(end)s)")
                % {"year": year, "start": self.years.start, "end": self.years.stop - 1},
            )
            row.bad.add(name)

    def _unique(self, table: dict, key: Any, row: Row, name: str) -> bool:
        """Keep the first row with this identity; a later one is a duplicate naming the first."""
        if key in table:
            self.error(
                row.cell(name),
                _("duplicate: row %(row)s already has %(key)s")
                % {"row": table[key].number, "key": " / ".join(str(part) for part in _as_tuple(key))},
            )
            return False
        table[key] = row
        return True

    def _effective(self, row: Row, existing: Any, names: tuple[str, str]) -> None:
        """A title (or name) in Albanian or English, from the file or, for a column left out, the database."""
        values = [row.values.get(n, _clean(getattr(existing, n, ""))) if n not in row.bad else "x" for n in names]
        if not any(values):
            self.error(row.cell(names[0]), _("give a title or name in Albanian or in English"))

    def _read_institutions(self) -> None:
        for row in self._table(INSTITUTIONS):
            code = row.values.get("code")
            if code and self._unique(self.plan.institutions, code.upper(), row, "code"):
                self._check_institution(row, code)

    def _check_institution(self, row: Row, code: str) -> None:
        known = self.existing.institutions.get(code.upper())
        if known is None:
            self._add_new(
                Institution(code=code, name_sq=row.values.get("name_sq", ""), name_en=row.values.get("name_en", ""))
            )
            names = ("name_sq", "name_en")
            if not any(row.values.get(n) for n in names) and not any(n in row.bad for n in names):
                self.error(
                    row.cell("name_sq"),
                    _('the new institution "%(code)s" needs its name, in Albanian or in English') % {"code": code},
                )
            return
        current = _institution_values(known, self.existing)
        if any(current[name] != value for name, value in row.values.items() if name != "code"):
            self.warn(
                row.cell("code"),
                _('institution "%(code)s" already exists; an import does not change it') % {"code": known.code},
            )

    def _read_results(self) -> None:
        for row in self._table(RESULTS):
            code = row.values.get("code")
            if code and self._unique(self.plan.results, code, row, "code"):
                self._check_result(row, code)
        for code, row in self.plan.results.items():
            if code_depth(code) > 1 and not self._has_result(parent_code(code)):
                self.error(
                    row.cell("code"),
                    _('the parent "%(parent)s" of %(code)s is missing') % {"parent": parent_code(code), "code": code},
                )

    def _has_result(self, code: str) -> bool:
        return code in self.plan.results or code in self.existing.results

    def _check_result(self, row: Row, code: str) -> None:
        """The depth is the code's: on one of the plan's levels above its activities; the level cell, when
        given, only has to agree (it is not kept: the code says it)."""
        written, depths = row.values.pop("level", None) or ("", frozenset())
        plan, depth = self.shape, code_depth(code)
        if plan is not None and depth > plan.result_depth:
            self.error(
                row.cell("code"),
                _("this plan has %(count)s levels (%(shape)s): a result code has at most %(numbers)s, not %(code)s")
                % {"count": plan.depth, "shape": _shape(plan), "numbers": _numbers(plan.result_depth), "code": code},
            )
        elif plan is not None and written and depth not in depths:
            self.error(
                row.cell("level"),
                _('the level "%(level)s" does not match the code %(code)s: in this plan it is on the level '
                  '"%(expected)s" (%(shape)s)')
                % {
                    "level": written,
                    "code": code,
                    "expected": plan.level_name(depth),
                    "shape": _shape(plan),
                },
            )  # fmt: skip
        self._effective(row, self.existing.results.get(code), ("title_sq", "title_en"))

    def _read_activities(self) -> None:
        for row in self._table(ACTIVITIES):
            code = row.values.get("code")
            if code and self._unique(self.plan.activities, code, row, "code"):
                self._check_activity(row, code)

    def _check_activity(self, row: Row, code: str) -> None:
        self._check_activity_place(row, code)
        self._timeframe(row)
        for name in ("start", "end"):
            if row.values.get(name):
                self._check_year(row, name, row.values[name][0])
        start, end = row.values.get("start"), row.values.get("end")
        if start and end and (start[0], start[1] or 1) > (end[0], end[1] or 4):
            self.error(
                row.cell("start"),
                _("the activity starts (%(start)s) after it ends (%(end)s)")
                % {"start": format_period(*start), "end": format_period(*end)},
            )
        self._effective(row, self.existing.activities.get(code), ("title_sq", "title_en"))
        self._check_bodies(row)
        self._check_active(row, ("responsible", "supporting"))

    def _check_bodies(self, row: Row) -> None:
        """The marked lead is one of the responsible institutions; none is both responsible and supporting."""
        responsible = row.values.get("responsible")
        if responsible is None or "responsible" in row.bad:
            return
        marked = row.values.get("marked_lead")
        if marked and marked not in responsible:
            self.error(row.cell("marked_lead"), _not_among_responsible(marked))
            row.bad.add("marked_lead")
        both = [code for code in row.values.get("supporting") or () if code in responsible]
        for code in both:
            self.error(
                row.cell("supporting"),
                _("%(code)s is named as responsible and as supporting: name each institution once, in one column")
                % {"code": code},
            )
        if both:
            row.bad.add("supporting")

    def _check_activity_place(self, row: Row, code: str) -> None:
        """An activity is on the plan's last level, under a result of the level above it."""
        plan, measure = self.shape, parent_code(code)
        if plan is None:
            return
        if code_depth(code) != plan.depth:
            self.error(
                row.cell("code"),
                _("an activity code has %(numbers)s in this plan (%(shape)s), not %(code)s")
                % {"numbers": _numbers(plan.depth), "shape": _shape(plan), "code": code},
            )
        elif not self._has_result(measure):
            self.error(
                row.cell("code"),
                _('the %(level)s "%(measure)s" of activity %(code)s is missing')
                % {"level": _lower_first(plan.level_name(plan.result_depth)), "measure": measure, "code": code},
            )

    def _timeframe(self, row: Row) -> None:
        """A new or changed timeframe as written sets the start, the end and the recurrence; without it, start and
        end are required (the recurrence is then none)."""
        written = row.values.get("timeframe", "")
        if "timeframe" in row.bad:
            return
        if not written:
            if "timeframe" in row.refs:  # an empty cell clears the text; a file without the column leaves it
                row.values["recurrence"] = Recurrence.ONCE
            for name in ("start", "end"):
                if row.values.get(name) is None and name not in row.bad:
                    self.error(row.cell(name), _("give the timeframe as written, or the start and the end"))
                    row.bad.add(name)
            return
        stored = self.existing.activities.get(row.values.get("code", ""))
        if stored is not None and stored.timeframe.strip() == written:
            # The text as stored: its span stays as stored (or as the file's start and end say), even when the
            # action plans' years have changed since and would read "Annual" otherwise.
            for name, point in (
                ("start", (stored.start_year, stored.start_quarter)),
                ("end", (stored.end_year, stored.end_quarter)),
            ):
                if row.values.get(name) is None and name not in row.bad:
                    row.values[name] = point
            row.values["recurrence"] = stored.recurrence
            return
        try:
            timeframe = parse_timeframe(written, self._plan_years())
        except TimeframeError as error:
            self.error(row.cell("timeframe"), str(error))
            row.bad.add("timeframe")
            return
        for name, point in (("start", timeframe.start), ("end", timeframe.end)):
            if row.values.get(name) not in (None, point) and name not in row.bad:
                self.warn(
                    row.cell(name),
                    _('the %(name)s is taken from the timeframe "%(timeframe)s": %(period)s')
                    % {"name": field_label("activities", name), "timeframe": written, "period": format_period(*point)},
                )
            row.values[name] = point
            row.bad.discard(name)
        row.values["recurrence"] = timeframe.recurrence

    def _plan_years(self) -> range:
        """The action plan's years, from the file's Strategy sheet, else the plan in the database."""
        values = self.plan.strategy.values if self.plan.strategy else {}
        current = self.existing.strategy if self.existing else None
        first = values.get("plan_start_year") or (current.plan_start_year if current else None)
        last = values.get("plan_end_year") or (current.plan_end_year if current else None)
        if first is None or last is None or first > last:
            return self.years or range(1900, 1901)
        return range(first, last + 1)

    def _check_active(self, row: Row, names: tuple[str, ...]) -> None:
        """An inactive institution may still be named (an old plan), but the import does not reactivate it."""
        for name in names:
            value = row.values.get(name)
            codes = value if isinstance(value, tuple) else (value,) if value else ()
            for code in codes:
                known = self.existing.institutions.get(code.upper())
                if known is not None and not known.is_active:
                    self.warn(
                        row.cell(name),
                        _('the institution "%(code)s" is inactive (it no longer exists); it stays inactive')
                        % {"code": known.code},
                    )

    def _read_budget(self) -> None:
        for row in self._table(BUDGET):
            values = row.values
            if not {"activity", "year", "source"} <= set(values):
                continue
            key = (values["activity"], values["year"], values["source"], values.get("donor", ""))
            if self._unique(self.plan.budget, key, row, "activity"):
                self._check_budget(row)
                self._convert(row)

    def _convert(self, row: Row) -> None:
        """An amount in another currency than the plan's: kept as stated, converted at the row's rate."""
        values = row.values
        stated, rate = values.pop("currency", ""), values.pop("rate", None)
        plan_currency = self.plan.strategy.values.get("currency") if self.plan.strategy else None
        plan_currency = plan_currency or (self.existing.strategy.currency if self.existing.strategy else "ALL")
        if not stated or stated == plan_currency:
            if rate is not None and "rate" not in row.bad:
                self.error(row.cell("rate"), _("a rate is given only with an amount in another currency"))
            values.update(currency="", stated_amount=None, rate=None)
            return
        if rate is None:
            if "rate" not in row.bad:
                self.error(
                    row.cell("rate"),
                    _("the amount is in %(stated)s: give the rate to %(currency)s (%(currency)s for 1 %(stated)s)")
                    % {"stated": stated, "currency": plan_currency},
                )
            return
        if "amount" in values:
            try:  # the converted amount within the digits the database keeps, like a typed one
                amount = _places(converted(values["amount"], rate), 2, None)
            except CellValueError as error:
                self.error(row.cell("amount"), f"{error} ({stated} × {rate})")
                row.bad.add("amount")
                return
            values.update(currency=stated, stated_amount=values["amount"], rate=rate, amount=amount)

    def _check_budget(self, row: Row) -> None:
        activity = row.values["activity"]
        if activity not in self.plan.activities and activity not in self.existing.activities:
            self.error(row.cell("activity"), _('budget line for an unknown activity "%(code)s"') % {"code": activity})
        elif self._cost_basis(activity) != CostBasis.COSTED:
            label = CostBasis(self._cost_basis(activity)).label
            self.error(
                row.cell("activity"),
                _(
                    'activity %(code)s is marked "%(basis)s": it has no budget lines (mark it costed, or remove '
                    "the line)"
                )
                % {"code": activity, "basis": label},
            )
        self._check_year(row, "year")
        is_donor = row.values["source"] == ActivityBudget.Source.DONOR
        if is_donor and not row.values.get("donor"):
            self.error(row.cell("donor"), _("name the donor of a donor-funded line"))
        elif not is_donor and row.values.get("donor"):
            self.error(row.cell("donor"), _('a donor is named only on a line whose source is "donor"'))

    def _cost_basis(self, code: str) -> str:
        """The activity's cost basis as the file leaves it: the file's, else the database's."""
        row = self.plan.activities.get(code)
        if row is not None and "cost_basis" in row.values:
            return str(row.values["cost_basis"])
        existing = self.existing.activities.get(code)
        return existing.cost_basis if existing is not None else CostBasis.COSTED

    def _read_indicators(self) -> None:
        for row in self._table(INDICATORS):
            code = row.values.get("code")
            if code and self._unique(self.plan.indicators, code, row, "code"):
                self._check_indicator(row, code)

    def _check_indicator(self, row: Row, code: str) -> None:
        result = row.values.get("result")
        is_activity = result in self.plan.activities or result in self.existing.activities
        if result and not self._has_result(result) and not is_activity:
            self.error(row.cell("result"), _('unknown result or activity "%(code)s"') % {"code": result})
        year = row.values.get("baseline_year")
        if year is not None and self.years is not None and not (self.years.start - 10 <= year < self.years.stop):
            self.error(
                row.cell("baseline_year"),
                _("the baseline year %(year)s is too far from the strategy's years (%(start)s-%(end)s)")
                % {"year": year, "start": self.years.start, "end": self.years.stop - 1},
            )
        existing = self.existing.indicators.get(code)
        value_type = row.values.get("value_type", getattr(existing, "value_type", Indicator.ValueType.NUMBER))
        if value_type == Indicator.ValueType.YES_NO and row.values.get("baseline") not in (None, 0, 1):
            self.error(row.cell("baseline"), _("a yes/no indicator takes 1 (yes) or 0 (no)"))
        self._check_milestones(row, existing, value_type)
        self._effective(row, existing, ("name_sq", "name_en"))
        self._check_active(row, ("responsible",))

    def _check_milestones(self, row: Row, existing: Indicator | None, value_type: str) -> None:
        """The model's rules of a milestone indicator (its stages, direction and baseline), each at its cell."""
        names = ("milestones_sq", "milestones_en", "direction", "baseline", "aggregation")
        known = existing or Indicator()  # a new indicator's fields not written take the defaults
        probe = Indicator(value_type=value_type, **{name: row.values.get(name, getattr(known, name)) for name in names})
        for name, message in probe.value_type_errors().items():
            self.error(row.cell(name), str(message))
        if value_type == Indicator.ValueType.TEXT and row.values.get("disaggregation"):
            self.error(row.cell("disaggregation"), str(TEXT_NOT_BROKEN_DOWN))

    def _read_targets(self) -> None:
        for row in self._table(TARGETS):
            values = row.values
            if not {"indicator", "year"} <= set(values):
                continue
            if self._unique(self.plan.targets, (values["indicator"], values["year"]), row, "indicator"):
                self._check_target(row)
        self._check_baselines()

    def _check_target(self, row: Row) -> None:
        indicator = row.values["indicator"]
        if indicator not in self.plan.indicators and indicator not in self.existing.indicators:
            self.error(row.cell("indicator"), _('target for an unknown indicator "%(code)s"') % {"code": indicator})
        self._check_year(row, "year")
        written, existing = self.plan.indicators.get(indicator), self.existing.indicators.get(indicator)
        probe = Indicator(**{
            name: written.values[name] if written and name in written.values else getattr(existing, name, "")
            for name in ("value_type", "milestones_sq", "milestones_en")
        })  # fmt: skip
        value = row.values.get("value")
        milestone = probe.value_type == Indicator.ValueType.MILESTONE
        if probe.value_type == Indicator.ValueType.TEXT:
            self.error(row.cell("value"), _("a text indicator has no number as target"))
        last = probe.stage_count
        if milestone and value is not None and not is_stage(value, last, allow_none_reached=False):
            self.error(
                row.cell("value"),
                _("a target of a milestone indicator is the number of a stage, 1 to %(last)s") % {"last": last},
            )

    def _check_baselines(self) -> None:
        """A baseline year after the indicator's first target year (targets follow the file, see docs)."""
        first: dict[str, Row] = {}
        for (code, year), row in self.plan.targets.items():
            if code not in first or year < first[code].values["year"]:
                first[code] = row
        for code, target in first.items():
            indicator_row = self.plan.indicators.get(code)
            existing = self.existing.indicators.get(code)
            if indicator_row is not None and "baseline_year" in indicator_row.refs:
                baseline, cell = indicator_row.values.get("baseline_year"), indicator_row.cell("baseline_year")
            else:
                baseline, cell = getattr(existing, "baseline_year", None), target.cell("year")
            if baseline and baseline > target.values["year"]:
                self.error(
                    cell,
                    _("the baseline year %(baseline)s is after the first target year (%(year)s)")
                    % {"baseline": baseline, "year": target.values["year"]},
                )


def _refuse_number_with_fraction(raw: Any) -> None:
    """A code typed as a number: Excel keeps `2.10` as the float 2.1, so its digits cannot be trusted.

    A whole number (goal `2`) reads the same either way and is accepted.
    """
    if isinstance(raw, float) and not raw.is_integer():
        raise CellValueError(
            _(
                "the code %(value)s is stored as a number, and a number loses trailing zeros (2.10 is stored as "
                "2.1): write codes as text (format the cells as Text, or type an apostrophe before the code)"
            )
            % {"value": as_text(raw)}
        )


def _as_tuple(key: Any) -> tuple:
    return tuple(part for part in key if part != "") if isinstance(key, tuple) else (key,)


def read_workbook(file: FileInput, *, name: str | None = None) -> ParsedPlan:
    """Read and check a workbook; a file that cannot be read at all, or passes one of the plan workbook's
    upload bounds (`settings.IMPORT_BOUNDS["plan"]`), raises WorkbookError."""
    file_name = name or (
        Path(file).name if isinstance(file, str | Path) else Path(getattr(file, "name", "") or "").name
    )
    sheets, charts = upload_sheets(file, "plan")
    return _Reader(sheets, file_name, charts=charts).read()


def read_sheets(sheets: list[SheetReader], *, name: str) -> ParsedPlan:
    """Check sheets made in memory (by another importer, such as the adopted matrix's, nsm/strategy/matrix.py) as a
    workbook of those sheets is checked; their cells are named `Sheet!CELL` as in a workbook."""
    return _Reader(sheets, name).read()


# ----------------------------------------------------------------------------------------------------
# What an import would change
# ----------------------------------------------------------------------------------------------------

KINDS = ("strategy", "institutions", "results", "activities", "budget", "indicators", "targets")
_MODELS: dict[str, type[Model]] = {
    "strategy": Strategy,
    "institutions": Institution,
    "results": Result,
    "activities": Activity,
    "budget": ActivityBudget,
    "indicators": Indicator,
    "targets": IndicatorTarget,
}
# columns of the file that are not a field of the model, or whose field has no translated name
_COLUMN_LABELS = {
    "start": gettext_lazy("start"),
    "end": gettext_lazy("end"),
    "result": Result._meta.verbose_name,
    "activity": Activity._meta.verbose_name,
    "indicator": Indicator._meta.verbose_name,
}
# columns of one sheet whose name differs from the model's field of the same name (or that have none)
_SHEET_COLUMN_LABELS = {
    ("activities", "responsible"): gettext_lazy("responsible institutions"),
    ("activities", "marked_lead"): gettext_lazy("marked lead"),
    ("activities", "supporting"): gettext_lazy("supporting institutions"),
}


def field_label(kind: str, name: str) -> str:
    """The name of a column as people read it, in the active language: `title_en` -> `title (English)`."""
    if (kind, name) in _SHEET_COLUMN_LABELS:
        return str(_SHEET_COLUMN_LABELS[(kind, name)])
    if name in _COLUMN_LABELS:
        return str(_COLUMN_LABELS[name])
    try:
        return str(getattr(_MODELS[kind]._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _kind_labels() -> dict[str, str]:
    return {
        "strategy": _("strategy"),
        "institutions": _("institutions"),
        "results": _("results"),
        "activities": _("activities"),
        "budget": _("budget lines"),
        "indicators": _("indicators"),
        "targets": _("targets"),
    }


@dataclass(frozen=True)
class Change:
    """One item of the plan in a preview: its label (code, or code / year ...) and the fields that change."""

    label: str
    fields: tuple[str, ...] = ()
    kind: str = ""

    @property
    def field_labels(self) -> list[str]:
        """The changed fields' names for people (translated), for the preview page."""
        return [field_label(self.kind, name) for name in self.fields]


@dataclass
class KindChanges:
    kind: str
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    deleted: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    name: str = ""  # the plan's own name for the kind, when it has one (the results: by its levels)

    @property
    def label(self) -> str:
        return self.name or _kind_labels()[self.kind]


def _results_label(levels: list[dict[str, str]]) -> str:
    """`results (Policy goal > Specific objective > Measure)`: the plan's levels above its activities."""
    plan = Strategy(levels=levels)
    names = LEVELS_SEPARATOR.join(plan.level_name(depth) for depth in range(1, plan.depth))
    return _("results (%(levels)s)") % {"levels": names}


@dataclass
class ImportPreview:
    """What importing the file would create, change, delete and leave alone, per kind of item."""

    strategy_code: str
    kinds: list[KindChanges]
    warnings: list[str] = field(default_factory=list)
    country: str = ""

    @property
    def institutions_rule(self) -> str:
        """What the import does with institution codes (those of the plan's country only), for the preview."""
        return institutions_rule(self.country) if self.country else ""

    def count(self, action: str) -> int:
        return sum(len(getattr(kind, action)) for kind in self.kinds)

    @property
    def totals(self) -> dict[str, int]:
        """Counts per action, for templates: `preview.totals.created`."""
        return {action: self.count(action) for action in ("created", "changed", "deleted", "unchanged")}

    @property
    def has_changes(self) -> bool:
        return any(self.count(action) for action in ("created", "changed", "deleted"))

    def fingerprint(self) -> str:
        """A digest of what would be created, changed and deleted: a confirmation must still do the same."""
        parts = [
            (kind.kind, action, change.label, change.fields)
            for kind in self.kinds
            for action in ("created", "changed", "deleted")
            for change in getattr(kind, action)
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def _part(self, action: str) -> str:
        details = ", ".join(
            f"{kind.label}: {len(getattr(kind, action))}" for kind in self.kinds if getattr(kind, action)
        )
        total = self.count(action)
        return f"{total} ({details})" if details else str(total)

    def summary(self) -> str:
        """One line: what was (or will be) created, updated, deleted and left unchanged."""
        return _(
            "%(code)s: created %(created)s; updated %(updated)s; deleted %(deleted)s; left unchanged %(unchanged)s."
        ) % {
            "code": self.strategy_code,
            "created": self._part("created"),
            "updated": self._part("changed"),
            "deleted": self._part("deleted"),
            "unchanged": self.count("unchanged"),
        }


class ImportSummary(ImportPreview):
    """What an applied import created, changed, deleted and left alone."""


@dataclass
class _Op:
    kind: str
    key: Any
    action: str  # created, changed, deleted, unchanged
    row: Row | None = None
    obj: Any = None
    fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        label = " / ".join(str(part) for part in _as_tuple(self.key))
        if self.kind == "institutions" and self.action == "created" and self.row is not None:
            name = self.row.values.get("name_sq") or self.row.values.get("name_en")
            return f"{self.row.values.get('code', label)}: {name}" if name else label
        return label


def _compare(kind: str, key: Any, row: Row | None, obj: Any, current: dict[str, Any] | None) -> _Op:
    if obj is None or current is None or row is None:
        return _Op(kind, key, "created", row)
    changed = tuple(name for name, value in row.values.items() if name in current and current[name] != value)
    return _Op(kind, key, "changed" if changed else "unchanged", row, obj, changed)


def _diff(parsed: ParsedPlan, existing: _Existing) -> list[_Op]:
    """Every operation the import implies, in the order they must be applied."""
    ops: list[_Op] = []
    strategy = existing.strategy
    current = _strategy_values(strategy, existing) if strategy else None
    ops.append(_compare("strategy", parsed.strategy_code, parsed.strategy, strategy, current))
    for key, row in parsed.institutions.items():
        known = existing.institutions.get(key)
        ops.append(_Op("institutions", row.values["code"], "unchanged" if known else "created", row, known))
    for code in sorted(parsed.results, key=lambda c: (code_depth(c), c)):
        result = existing.results.get(code)
        current = _result_values(result, existing) if result else None
        ops.append(_compare("results", code, parsed.results[code], result, current))
    for code, row in parsed.activities.items():
        activity = existing.activities.get(code)
        current = _activity_values(activity, existing) if activity else None
        ops.append(_compare("activities", code, row, activity, current))
    ops += _diff_lines("budget", parsed.budget, existing.budget, set(parsed.activities), _budget_values)
    result_codes = {r.pk: r.code for r in existing.results.values()}
    activity_codes = {a.pk: a.code for a in existing.activities.values()}
    for code, row in parsed.indicators.items():
        indicator = existing.indicators.get(code)
        ops.append(
            _compare(
                "indicators",
                code,
                row,
                indicator,
                _indicator_values(indicator, existing, result_codes, activity_codes) if indicator else None,
            )
        )
    ops += _diff_lines("targets", parsed.targets, existing.targets, set(parsed.indicators), _target_values)
    return ops


def _diff_lines(
    kind: str,
    rows: dict[tuple, Row],
    current: dict[tuple, Any],
    owners: set[str],
    values: Callable[[tuple, Any], dict[str, Any]],
) -> list[_Op]:
    """Budget lines and targets follow the file for each activity/indicator the file names: others go."""
    owners = owners | {key[0] for key in rows}
    ops = [_Op(kind, key, "deleted", obj=obj) for key, obj in current.items() if key[0] in owners and key not in rows]
    for key, row in rows.items():
        obj = current.get(key)
        ops.append(_compare(kind, key, row, obj, obj and values(key, obj)))
    return ops


P = TypeVar("P", bound=ImportPreview)


def _preview(parsed: ParsedPlan, ops: list[_Op], cls: type[P]) -> P:
    kinds = {kind: KindChanges(kind) for kind in KINDS}
    kinds["results"].name = _results_label(parsed.levels)
    for op in ops:
        getattr(kinds[op.kind], op.action).append(Change(op.label, op.fields, op.kind))
    return cls(parsed.strategy_code, list(kinds.values()), parsed.warnings.lines())


def plan_changes(parsed: ParsedPlan) -> ImportPreview:
    """What importing the (valid) parsed file would do, computed in a constant number of queries."""
    parsed.errors.refuse()
    existing = _load_existing(parsed.strategy_code, country=parsed.country)
    preview = _preview(parsed, _diff(parsed, existing), ImportPreview)
    preview.country = existing.country
    return preview


# ----------------------------------------------------------------------------------------------------
# Applying an import
# ----------------------------------------------------------------------------------------------------


def apply_plan(
    parsed: ParsedPlan, *, by: Any, expected: str | None = None, amendment_reason: str = ""
) -> ImportSummary:
    """Write the file's plan in one transaction, as `by`; unchanged items are not saved (no history).

    Items of the plan that the file leaves out are left alone; the budget lines and targets of an activity or
    indicator that the file names follow the file. Any error leaves the database as it was. The plan's rows are
    locked while the import runs, so that an edit made meanwhile on a page is neither lost nor overwritten.
    With `expected` (the fingerprint of the preview the user confirmed), nothing is written and PreviewOutdated
    is raised when the plan changed since that preview so that the import would now do something else.
    An adopted plan's import is an amendment: refused without `amendment_reason`, listed with it otherwise.
    """
    reason = _("import of %(name)s") % {"name": parsed.file_name or "workbook"}
    with all_or_nothing(parsed.errors), acting_as(by, reason=reason):
        existing = _load_existing(parsed.strategy_code, country=parsed.country, lock=True)
        ops = _diff(parsed, existing)
        if expected is not None:
            now = _preview(parsed, ops, ImportPreview)
            if now.fingerprint() != expected:
                raise PreviewOutdated(now)
        _Writer(existing).run(ops)
        summary = _preview(parsed, ops, ImportSummary)
        if existing.strategy is not None and summary.has_changes:
            try:
                amend(
                    existing.strategy.pk,
                    by=by,
                    reason=amendment_reason,
                    item=_("Workbook %(name)s") % {"name": parsed.file_name or "workbook"},
                    action=Amendment.Action.IMPORTED,
                    detail=summary.summary(),
                )
            except ValidationError as error:
                raise WorkbookError(error.messages) from error
    return summary


_M2M = {
    "results": {"gcm_objectives": "gcm", "sdg_targets": "sdg"},
    "activities": {"target_groups": "target_groups", "gcm_objectives": "gcm"},  # the institutions: see _bodies
    "indicators": {"disaggregation": "dimensions"},
}
VERSIONED = ("results", "activities", "indicators")  # models with a `version` for optimistic locking
LINE_OWNERS = {"budget": "activities", "targets": "indicators"}
# model fields that a validation error may name -> the column of the file that holds them
_FIELD_COLUMNS = {
    "start_year": "start",
    "start_quarter": "start",
    "end_year": "end",
    "end_quarter": "end",
    "recurrence": "timeframe",
    "measure": "code",
    "parent": "code",
    "strategy": "code",
    "lead": "responsible",
    "lead_place": "marked_lead",
    "partners": "supporting",
}
BODIES = ("responsible", "marked_lead", "supporting")  # an activity's institutions: lead, lead_place, partners


def _cell_messages(row: Row, error: ValidationError) -> list[str]:
    """A model's validation error as `Sheet!CELL: message`, on the cell of the field it names."""
    if not hasattr(error, "error_dict"):
        return [f"{row.cell('code')}: {message}" for message in error.messages]
    return [
        f"{row.cell(_FIELD_COLUMNS.get(name, name))}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _field_values(obj: Model | None) -> dict[str, Any]:
    """A stored object's values by field name (nothing for an object not yet created)."""
    if obj is None:
        return {}
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


def _changed_fields(obj: Model, before: dict[str, Any]) -> set[str]:
    """The fields whose values differ from `before` (`_field_values` of the object as it was)."""
    return {f.name for f in obj._meta.concrete_fields if f.name in before and getattr(obj, f.attname) != before[f.name]}


def _group(op: _Op) -> tuple[str, int]:
    """What is written together: the operations of one kind (results: of one level, their parents written before)."""
    return (op.kind, code_depth(op.key) if op.kind == "results" else 0)


def _owners_to_touch(ops: list[_Op]) -> list[tuple[str, str]]:
    """Activities and indicators whose budget lines or targets change but which are not saved themselves."""
    saved = {(op.kind, op.key) for op in ops if op.action in ("created", "changed")}
    owners = {(LINE_OWNERS[op.kind], op.key[0]) for op in ops if op.kind in LINE_OWNERS and op.action != "unchanged"}
    return sorted(owners - saved)


class _Writer:
    """Applies the operations of a diff kind by kind, in the order they depend on one another (the results level by
    level): each object created or changed is checked with its model's rules, full_clean()'s, against the plan read
    once (`clean_in_memory`: no query per object), the first invalid one refused with its cells; then the kind is
    written in bulk, a few statements whatever its size.

    Each object created or changed gets exactly one history row, showing its final state (many-to-many values
    included), through the plan services' helpers; the version of a result, activity or indicator goes up by one
    when it, its budget lines or its targets change, so that a page edit begun before the import is refused as
    stale. Deleted budget lines and targets are deleted one by one, each with its own history row.
    """

    def __init__(self, existing: _Existing) -> None:
        self.existing = existing
        self.written_strategy = existing.strategy
        self._by_pk: dict[str, dict[int, Any]] = {}

    @property
    def strategy(self) -> Strategy:
        """The plan's strategy: the database's, or the one the file creates (always written first)."""
        if self.written_strategy is None:
            raise RuntimeError("the strategy is written before what belongs to it")
        return self.written_strategy

    def run(self, ops: list[_Op]) -> None:
        # Owners first, as the services do: the lines recorded after a new version's row changed with it.
        self._touch_owners(_owners_to_touch(ops))
        for _kind, group_ops in groupby(ops, key=_group):
            written = []
            for op in group_ops:
                if op.action == "deleted":
                    op.obj.delete()
                elif op.action in ("created", "changed") and op.row is not None:
                    written.append(op)
            first = written[0] if written else None
            if first is not None and first.row is not None and first.kind == "strategy":
                self._write(first, first.row)
            elif written:
                self._write_many(written[0].kind, written)

    def _touch_owners(self, owners: list[tuple[str, str]]) -> None:
        """Put up the version of the activities and indicators whose lines change, one history row each."""
        for kind in VERSIONED:
            objects = [getattr(self.existing, kind)[code] for owner, code in owners if owner == kind]
            for obj in objects:
                stale.bump_version(obj, save=False)
            update_many_with_history(_MODELS[kind], objects, [{}] * len(objects), ["version"])

    def _prepare(self, op: _Op, row: Row) -> tuple[Any, dict[str, Any]]:
        """The object with the fields that change set, and the many-to-many values to set."""
        obj = op.obj or _MODELS[op.kind]()
        names = row.values if op.action == "created" else op.fields
        values = {name: row.values[name] for name in names}
        m2m: dict[str, Any] = {
            name: {item.pk for item in self._lookup(source, values.pop(name))}
            for name, source in _M2M.get(op.kind, {}).items()
            if name in values
        }
        if isinstance(obj, Activity) and any(name in values for name in BODIES):
            for name in BODIES:  # set as the activity's lead, lead_place and partners
                values.pop(name, None)
            m2m["partners"] = self._bodies(obj, row)
        getattr(self, f"_set_{op.kind}")(obj, values, op.key)
        if op.action == "created":
            m2m = {name: ids for name, ids in m2m.items() if ids}
        return obj, m2m

    def _write(self, op: _Op, row: Row) -> None:
        """Set the fields that change, validate, then save once with the many-to-many values already set."""
        obj, m2m = self._prepare(op, row)
        try:
            if op.action == "created":
                create_with_history(obj, m2m)
            else:
                self._save_changed(op.kind, obj, m2m)
        except ValidationError as error:
            raise WorkbookError(_cell_messages(row, error)) from error
        self._remember(op.kind, obj)

    def _write_many(self, kind: str, ops: list[_Op]) -> None:
        """Validate every object of one kind against the plan read, then write them in bulk, with their history."""
        model = _MODELS[kind]
        keys = UniqueKeys(model, (obj for obj in self._stored(kind) if obj.pk is not None))
        created: list[tuple[Any, dict[str, Any]]] = []
        changed: list[tuple[Any, dict[str, Any]]] = []
        fields = {"version"} if kind in VERSIONED else set()  # those that change, the only ones updated
        for op in ops:
            assert op.row is not None  # noqa: S101 - run() writes only the operations with a row
            before = _field_values(op.obj)
            obj, m2m = self._prepare(op, op.row)
            fields |= _changed_fields(obj, before)
            try:
                full_clean_with_related(obj, m2m, keys=keys, institutions=self.existing.institutions_by_id)
            except ValidationError as error:
                raise WorkbookError(_cell_messages(op.row, error)) from error
            keys.add(obj)
            (created if op.action == "created" else changed).append((obj, m2m))
        create_many_with_history(model, [obj for obj, _m2m in created], [m2m for _obj, m2m in created])
        if kind in VERSIONED:
            for obj, _m2m in changed:
                stale.bump_version(obj, save=False)
        update_many_with_history(model, [obj for obj, _m2m in changed], [m2m for _obj, m2m in changed], sorted(fields))
        for obj, _m2m in created + changed:
            self._remember(kind, obj)

    def _stored(self, kind: str) -> Iterable[Any]:
        """The rows of the kind that a new or changed one could share a unique key with: all that were read."""
        if kind == "institutions":
            return list(self.existing.institutions_by_id.values())
        return list(getattr(self.existing, kind).values())

    def _bodies(self, activity: Activity, row: Row) -> tuple[Named, ...]:
        """Set the activity's lead and the place of a marked one from the file's responsible institutions, marked
        lead and supporting institutions; a column the file leaves out stays as the plan has it (a marked lead that
        the file no longer names as responsible is then no longer marked). Its other institutions, in order."""
        responsible: list[Institution] = []
        supporting: list[Institution] = []
        marked: Institution | None = None
        if activity.pk is not None:  # the plan's, as read (its institutions, whatever their country)
            responsible, supporting = activity.responsible_bodies, activity.supporting_bodies
            marked = activity.lead if activity.lead_marked else None
        values, find = row.values, self.existing.institutions.__getitem__
        if "responsible" in values:
            responsible = [find(code.upper()) for code in values["responsible"]]
        if "supporting" in values:
            supporting = [find(code.upper()) for code in values["supporting"]]
        if "marked_lead" in values:
            marked = find(values["marked_lead"].upper()) if values["marked_lead"] else None
        fields = bodies_fields(responsible, supporting, marked if marked in responsible else None)
        activity.lead, activity.lead_place = fields["lead"], fields["lead_place"]
        return fields["partners"]

    @staticmethod
    def _save_changed(kind: str, obj: Any, m2m: dict[str, Any]) -> None:
        full_clean_with_related(obj, m2m)
        if m2m:
            set_m2m_quietly(obj, m2m)  # no history row of its own: the save below records the final state
        if kind in VERSIONED:
            bump_version(obj)
        else:
            obj.save()

    def _lookup(self, source: str, items: frozenset) -> list[Any]:
        if source == "gcm":
            return [self.existing.gcm[number] for number in items]
        table = getattr(self.existing, source)
        return [table[code.lower()] for code in items]

    def _remember(self, kind: str, obj: Any) -> None:
        if kind == "strategy":
            self.written_strategy = obj
        elif kind == "institutions":
            self.existing.add_institution(obj)
        elif kind in ("results", "activities", "indicators"):
            getattr(self.existing, kind)[obj.code] = obj

    def _institution(self, code: str) -> Institution | None:
        return self.existing.institutions[code.upper()] if code else None

    @staticmethod
    def _assign(obj: Any, values: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
        for name, value in values.items():
            if name not in skip:
                setattr(obj, name, value)

    def _set_strategy(self, strategy: Strategy, values: dict[str, Any], key: str) -> None:
        self._assign(strategy, values)

    def _set_institutions(self, institution: Institution, values: dict[str, Any], key: str) -> None:
        self._assign(institution, values)
        institution.country = self.strategy.country

    def _set_results(self, result: Result, values: dict[str, Any], key: str) -> None:
        result.depth = code_depth(key)  # the code says the level
        self._assign(result, values)
        result.strategy = self.strategy
        result.parent = self.existing.results[parent_code(key)] if code_depth(key) > 1 else None

    def _set_activities(self, activity: Activity, values: dict[str, Any], key: str) -> None:
        for name in ("start", "end"):
            if name in values:
                year, quarter = values.pop(name)
                setattr(activity, f"{name}_year", year)
                setattr(activity, f"{name}_quarter", quarter)
        self._assign(activity, values)  # its institutions are set by _bodies
        activity.strategy = self.strategy
        activity.measure = self.existing.results[parent_code(key)]

    def _set_budget(self, line: ActivityBudget, values: dict[str, Any], key: tuple) -> None:
        self._assign(line, values, skip=("activity",))
        line.activity = self.existing.activities[key[0]]

    def _set_indicators(self, indicator: Indicator, values: dict[str, Any], key: str) -> None:
        if "result" in values:  # a result of any level; or an activity, whose result it then belongs to
            code = values.pop("result")
            activity = None if code in self.existing.results else self.existing.activities[code]
            indicator.activity = activity
            indicator.result = activity.measure if activity is not None else self.existing.results[code]
        elif indicator.pk is not None:  # its result and activity as read: checking it reads neither again
            indicator.result = self._read("results")[indicator.result_id]
            if indicator.activity_id in self._read("activities"):
                indicator.activity = self._read("activities")[indicator.activity_id]
        if "responsible" in values:
            indicator.responsible = self._institution(values.pop("responsible"))
        elif indicator.responsible_id in self.existing.institutions_by_id:
            indicator.responsible = self.existing.institutions_by_id[indicator.responsible_id]
        self._assign(indicator, values)
        indicator.strategy = self.strategy

    def _read(self, kind: str) -> dict[int, Any]:
        """The plan's results or activities as read, by primary key."""
        if kind not in self._by_pk:
            self._by_pk[kind] = {obj.pk: obj for obj in getattr(self.existing, kind).values()}
        return self._by_pk[kind]

    def _set_targets(self, target: IndicatorTarget, values: dict[str, Any], key: tuple) -> None:
        self._assign(target, values, skip=("indicator",))
        target.indicator = self.existing.indicators[key[0]]


# ----------------------------------------------------------------------------------------------------
# Writing the workbook
# ----------------------------------------------------------------------------------------------------

_BOLD = Font(bold=True)


def _header(sheet: Any, spec: SheetSpec, language: str) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(1, index, column.sq if language == "sq" else column.field)
        cell.font = _BOLD
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def put_cell(sheet: Any, row: int, column: int, value: Any, kind: str = "text") -> None:
    """One cell: codes and text as text (never a formula), amounts and years as numbers."""
    if isinstance(value, Decimal):
        if len(value.normalize().as_tuple().digits) > 15:  # more than a float holds: keep it exact as text
            value = format(value.normalize(), "f")
        else:
            cell = sheet.cell(row, column, value)
            cell.number_format = "#,##0.00" if kind == "amount" else "General"
            return
    if isinstance(value, str):
        cell = sheet.cell(row, column, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        cell.number_format = "@"
        return
    sheet.cell(row, column, value)


def _cell_value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "period":
        return format_period(*value)
    if column.kind == "gcm":
        return "; ".join(str(number) for number in sorted(value)) or None
    if isinstance(value, tuple):  # institutions, in the plan's order
        return "; ".join(value) or None
    if isinstance(value, frozenset):
        return "; ".join(sorted(value, key=lambda code: [p.zfill(4) for p in code.split(".")])) or None
    return value


def _write_rows(sheet: Any, spec: SheetSpec, rows: Iterable[dict[str, Any]]) -> None:
    for number, values in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            value = _cell_value(column, values.get(column.field))
            if value is not None:
                put_cell(sheet, number, index, value, column.kind)


def _plan_rows(existing: _Existing, plan: Strategy, language: str) -> dict[str, list[dict[str, Any]]]:
    """The plan in the file's vocabulary, sheet by sheet, in code order; a result's level by the plan's name for
    it, in the language of the headers."""
    result_codes = {r.pk: r.code for r in existing.results.values()}
    activity_codes = {a.pk: a.code for a in existing.activities.values()}
    activities = sorted(existing.activities.values(), key=lambda a: a.sort_key)
    indicators = sorted(existing.indicators.values(), key=lambda i: i.sort_key)
    used = {a.lead_id for a in activities} | {b.institution_id for a in activities for b in a.bodies.all()}
    used |= {i.responsible_id for i in indicators if i.responsible_id}
    institutions = sorted((i for i in existing.institutions.values() if i.pk in used), key=lambda i: i.code)
    return {
        "institutions": [_institution_values(i, existing) for i in institutions],
        "results": [
            {**_result_values(r, existing), "level": plan.level_name(r.depth, language)}
            for r in sorted(existing.results.values(), key=lambda r: r.sort_key)
        ],
        "activities": [_activity_values(a, existing) for a in activities],
        "budget": [
            _budget_row(_budget_values(k, line)) for k, line in sorted(existing.budget.items(), key=_line_order)
        ],
        "indicators": [_indicator_values(i, existing, result_codes, activity_codes) for i in indicators],
        "targets": [_target_values(k, t) for k, t in sorted(existing.targets.items(), key=_line_order)],
    }


def _line_order(item: tuple[tuple, Any]) -> tuple:
    key = item[0]
    return (".".join(p.zfill(4) for p in key[0].split(".")), *key[1:])


def _write_strategy(sheet: Any, values: dict[str, Any], language: str) -> None:
    for index, name in enumerate(("fusha", "vlera") if language == "sq" else ("field", "value"), start=1):
        sheet.cell(1, index, name).font = _BOLD
    for number, column in enumerate(STRATEGY.columns, start=2):
        put_cell(sheet, number, 1, column.sq if language == "sq" else column.field)
        value = values.get(column.field)
        if column.kind == "levels":  # written always, so that a re-import keeps them
            value = _levels_text(values.get("levels") or [], column.field.removeprefix("levels_"))
        if isinstance(value, bool):
            value = ("po" if value else "jo") if language == "sq" else ("yes" if value else "no")
        if value not in (None, ""):
            put_cell(sheet, number, 2, value)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "A2"


def _new_workbook(values: dict[str, Any], rows: dict[str, list[dict[str, Any]]], language: str) -> Workbook:
    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    _write_strategy(workbook.create_sheet(STRATEGY.sq if language == "sq" else STRATEGY.name), values, language)
    for spec in SHEETS[1:]:
        sheet = workbook.create_sheet(spec.sq if language == "sq" else spec.name)
        _header(sheet, spec, language)
        _write_rows(sheet, spec, rows.get(spec.kind, []))
    return workbook


def write_workbook(strategy: Strategy, file: str | Path | IO[bytes], *, language: str = "en") -> None:
    """The strategy's plan in the import format, read in a constant number of queries."""
    existing = _load_existing(strategy.code)
    plan = existing.strategy or strategy
    workbook = _new_workbook(_strategy_values(plan, existing), _plan_rows(existing, plan, language), language)
    workbook.save(file)


def write_template(file: str | Path | IO[bytes], *, language: str = "en") -> None:
    """An empty workbook with every sheet's header row, and a short instructions sheet first."""
    workbook = _new_workbook({}, {}, language)
    sheet = workbook.create_sheet("Udhezime" if language == "sq" else "Instructions", 0)
    for number, line in enumerate(_instructions(), start=1):
        sheet.cell(number, 1, line).font = _BOLD if number == 1 else Font()
    sheet.column_dimensions["A"].width = 120
    workbook.save(file)


def _instructions() -> list[str]:
    return [
        _("Action plan workbook: how to fill it in"),
        _("Fill in one sheet per kind of row; keep the header row (English or Albanian headers, any case)."),
        _("Strategy: one field per row (field, value)."),
        _(
            "Levels: a plan has 2 to 5 levels, the last one its activities, named from the top down in levels_en "
            'and levels_sq, such as "Section > Action" or "Policy goal > Specific objective > Measure > Activity" '
            "(empty: the plan's levels, or those four for a new plan)."
        ),
        _(
            "Codes are numbers separated by dots, one number per level: in a plan of four levels 2 is a policy "
            "goal, 2.1 a specific objective, 2.1.3 a measure and 2.1.3.4 an activity; in a plan of two levels 2 is "
            "a section and 2.1 an action. The reference column keeps the plan's own reference as written "
            '("PG1", "V", "ACTION 68").'
        ),
        _(
            "Results: every level above the activities, the level given by the code (the level column, when "
            "filled in, names it or gives its number). Activities: the code of the result above it and a number."
        ),
        _(
            "Activities: start and end as 2025 or 2025-Q2, or the timeframe as "
            'the plan writes it ("Second half of 2025", "2024-2026", "Annual", "Continuous", "By end of 2025"); '
            "responsible and supporting institutions are lists of institution codes or names, in the plan's order; "
            "marked_lead, when the plan marks one of the responsible institutions lead, names it (empty: the "
            "first named leads)."
        ),
        _("Budget: one line per activity, year and source (state_budget, donor, other, unfunded); name the donor."),
        _("Indicators and Targets: the indicator's result, baseline and one target per year."),
        _("Codes are text: format code columns as Text, so that 2.10 is not stored as the number 2.1."),
        _(
            "Lists are separated by ; or ,. Numbers: 1200000, 1 200 000, 1.200.000 or 1,200,000; 1.200 alone "
            "is ambiguous and refused."
        ),
        _(
            "Items left out of the file are not changed; the budget lines and targets of an activity or "
            "indicator in the file follow the file."
        ),
        _("This sheet is ignored on import. The full description of the format is in docs/workbook.md."),
    ]
