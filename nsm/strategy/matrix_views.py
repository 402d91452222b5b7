"""The action plan as adopted, on the web (docs/import-matrix.md, "From the web"): upload -> columns -> preview ->
confirm or cancel, as the workbook's import (workbook_views.py) does.

1. `matrix_upload` (the second form of the import page): a .xlsx or .docx for a strategy the user may change. The file
   is bounded and opened (matrix.py's bounds, each refusal one sentence) before it is kept in `default_storage` under
   `imports/<uuid>.<ext>`, its key, name, kind and strategy in the session.
2. `matrix_columns`: the first rows of the chosen sheet (or table) and a meaning per column, prefilled from the
   strategy's saved `matrix_mapping`. The mapping the form builds is checked by `load_mapping`; the matrix is then
   read through it: its errors (at the original cells) are shown on the same page, else the preview, whose mapping
   and fingerprint are kept in the session.
3. `matrix_confirm` applies it (`apply_matrix`: all or nothing, audited, the mapping saved); a plan changed since the
   preview is previewed again (PreviewOutdated). `matrix_cancel` forgets the upload.
Only plan editors import; a strategy the user may not change answers 404.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from openpyxl.utils import column_index_from_string, get_column_letter

from nsm.accounts import access
from nsm.core.spreadsheet import SheetReader, WorkbookError, as_text, bounds_for, load_sheets, read_upload
from nsm.strategy.matrix import (
    MEANINGS,
    MatrixMapping,
    MatrixRow,
    apply_matrix,
    kind_of,
    load_mapping,
    read_matrix,
    read_rows,
    sheet_rows,
    table_rows,
    word_tables,
)
from nsm.strategy.models import ActivityBudget, Strategy
from nsm.strategy.workbook import ImportSummary, ParsedPlan, plan_changes
from nsm.strategy.workbook_views import (
    MatrixUploadForm,
    UploadForm,
    confirm_kept,
    discard_kept,
    keep_upload,
    kept_upload,
    preview_page,
    purge_abandoned_uploads,
    require_editor,
    upload_page,
)

SESSION_KEY = "nsm_matrix_import"
SAMPLE_ROWS = 8
CELL_CHARS = 60
HEADER_CHARS = 40
MAX_HEADER_ROWS = 50


# ----------------------------------------------------------------------------------------------------
# The first rows of the matrix, to choose its columns
# ----------------------------------------------------------------------------------------------------


@dataclass
class SampleRow:
    number: int
    heading: str  # a heading's text (one cell across the row), else empty
    cells: list[str]


@dataclass
class Sample:
    """The chosen sheet or table: the choices of sheet/table, its first rows (truncated) and its columns."""

    kind: str  # xlsx or docx
    positions: list[tuple[str, str]]  # (value, label) of each sheet (by name) or table (by number)
    position: str
    rows: list[SampleRow]  # the first rows with a value
    width: int
    headers: dict[int, str]  # column number -> the header rows' text
    part: Any  # the chosen sheet (a SheetReader) or table, opened: read again through the mapping (matrix_rows)

    def matrix_rows(self, mapping: MatrixMapping) -> list[MatrixRow]:
        """The chosen sheet's or table's rows as the mapping reads them, without opening the file again."""
        if isinstance(self.part, SheetReader):
            return sheet_rows(self.part, mapping)
        return table_rows(self.part, mapping, bounds_for("plan"))

    @property
    def names(self) -> list[str]:
        return [self.column_name(number) for number in range(1, self.width + 1)]

    def column_name(self, number: int) -> str:
        return get_column_letter(number) if self.kind == "xlsx" else str(number)


def _short(value: Any, limit: int) -> str:
    text = " ".join(as_text(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows_of(data: bytes, kind: str, position: str) -> tuple[list[tuple[str, str]], str, Any, list[MatrixRow]]:
    """Every row (with a value) of the chosen sheet or table, read as the matrix's reader reads them, each bound
    checked first: the sheets' (or tables') choices, the position read, the sheet or table, the rows."""
    bounds = bounds_for("plan")
    everything = MatrixMapping(strategy={}, columns={}, header_rows=0)
    if kind == "xlsx":
        sheets, _charts = load_sheets(data, bounds)
        if not sheets:
            raise WorkbookError(gettext("The workbook has no sheet with a table."))
        sheet = next((s for s in sheets if s.name.casefold() == position.casefold()), sheets[0])
        everything.columns = dict.fromkeys(range(1, max(column for _row, column in sheet.cells or [(1, 1)]) + 1), "")
        return [(s.name, s.name) for s in sheets], sheet.name, sheet, sheet_rows(sheet, everything)
    tables = word_tables(data, bounds)
    if not tables:
        raise WorkbookError(gettext("The document has no table: the plan must be a table of the document."))
    number = int(position) if position.isdigit() and 1 <= int(position) <= len(tables) else 1
    everything.table = number
    table = tables[number - 1]
    rows = table_rows(table, everything, bounds)
    choices = [
        (str(n), gettext("Table %(number)s (%(rows)s rows)") % {"number": n, "rows": len(t.rows)})
        for n, t in enumerate(tables, start=1)
    ]
    return choices, str(number), table, rows


def sample_matrix(data: bytes, kind: str, *, position: str, header_rows: int) -> Sample:
    positions, chosen, part, rows = _rows_of(data, kind, position)
    width = max((max(row.values, default=0) for row in rows), default=0)
    headers: dict[int, str] = {}
    header = [r for r in rows if r.number <= header_rows and not r.heading]  # a title across the table names none
    for column in range(1, width + 1):
        texts = [as_text(r.values.get(column)) for r in header]
        headers[column] = _short(" / ".join(dict.fromkeys(t for t in texts if t)), HEADER_CHARS)
    shown = [
        SampleRow(r.number, _short(r.values.get(r.heading_column), CELL_CHARS * 2) if r.heading else "", cells)
        for r in rows[:SAMPLE_ROWS]
        for cells in [[_short(r.values.get(c), CELL_CHARS) for c in range(1, width + 1)]]
    ]
    return Sample(kind, positions, chosen, shown, width, headers, part)


# ----------------------------------------------------------------------------------------------------
# The columns' form: a mapping in load_mapping's format, every error at once
# ----------------------------------------------------------------------------------------------------

SOURCE_CODES = tuple(code for code, _label in ActivityBudget.Source.choices)


def _meanings(strategy: Strategy, saved: dict[int, str]) -> list[tuple[str, str]]:
    labels = {
        "ignore": gettext("not read"),
        "reference": gettext("reference: the action's reference"),
        "title_sq": gettext("title_sq: the action, in Albanian"),
        "title_en": gettext("title_en: the action, in English"),
        "responsible": gettext("responsible: the responsible institutions, in order (the first leads)"),
        "supporting": gettext("supporting: the supporting institutions, in order"),
        "timeframe": gettext("timeframe: as written"),
        "cost_total": gettext("cost_total: the total cost"),
        "source": gettext("source: the source of funds"),
        "indicator": gettext("indicator: the action's indicator"),
        "baseline": gettext("baseline: the indicator's baseline"),
    }
    years = sorted({*strategy.plan_years, *_saved_years(saved)})
    choices = [("ignore", labels["ignore"])]
    for meaning in MEANINGS:
        if meaning == "ignore":
            continue
        choices.append((meaning, labels[meaning]))
        if meaning == "timeframe":
            choices += [(f"cost_{y}", gettext("cost_%(year)s: the cost in %(year)s") % {"year": y}) for y in years]
        if meaning == "baseline":
            choices += [
                (f"target_{y}", gettext("target_%(year)s: the target for %(year)s") % {"year": y}) for y in years
            ]
    return choices


def _saved_years(saved: dict[int, str]) -> set[int]:
    return {int(m.rpartition("_")[2]) for m in saved.values() if re.fullmatch(r"(cost|target)_[0-9]{4}", m)}


def saved_columns(raw: dict[str, Any]) -> dict[int, str]:
    """The saved mapping's columns by number, whether it named them by letter (a sheet) or number (a table)."""
    columns = {}
    for key, meaning in (raw.get("columns") or {}).items() if isinstance(raw.get("columns"), dict) else []:
        try:
            number = int(key) if str(key).isdigit() else column_index_from_string(str(key).strip().upper())
        except ValueError:
            continue
        if isinstance(meaning, str):
            columns[number] = meaning
    return columns


class MatrixColumnsForm(forms.Form):
    """Where the table is, what each column means, the headings' patterns and the sources' words."""

    position = forms.ChoiceField(label=_("Sheet"))
    header_rows = forms.IntegerField(
        label=_("Header rows"),
        min_value=0,
        max_value=MAX_HEADER_ROWS,
        help_text=_("How many rows at the top are titles or column headers, not read."),
    )
    sources = forms.CharField(
        label=_("Sources of funds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the plan's words = state_budget, donor, other or unfunded (for example: EU = donor). "
            "An empty source is the state budget."
        ),
    )

    def __init__(self, *args: Any, sample: Sample, strategy: Strategy, saved: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sample, self.strategy = sample, strategy
        position = self.fields["position"]
        assert isinstance(position, forms.ChoiceField)  # noqa: S101 - for the type checker
        position.choices = sample.positions
        if sample.kind == "docx":
            self.fields["position"].label = _("Table")
        choices = _meanings(strategy, saved)
        for number in range(1, sample.width + 1):
            name = sample.column_name(number)
            header = sample.headers.get(number)
            label = (
                gettext("Column %(column)s: %(header)s") % {"column": name, "header": header}
                if header
                else gettext("Column %(column)s") % {"column": name}
            )
            self.fields[f"col_{number}"] = forms.ChoiceField(label=label, choices=choices, initial="ignore")
        levels = strategy.depth - 1
        for level in range(1, levels + 1):
            self.fields[f"heading_{level}"] = forms.CharField(
                label=gettext("Headings of level %(number)s (%(name)s)")
                % {"number": level, "name": strategy.level_name(level)},
                required=levels > 1,
                max_length=500,
                help_text=_("A regular expression that the heading's text starts with, for example ^PG\\s*\\d+")
                if levels > 1
                else _("Optional: by default a heading's leading number (I., 2., A), PG1) is its reference."),
            )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{number}"] for number in range(1, self.sample.width + 1)]

    @property
    def heading_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("heading_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = {n: data.get(f"col_{n}") or "ignore" for n in range(1, self.sample.width + 1)}
        chosen: dict[int, str] = {n: str(m) for n, m in given.items() if m != "ignore"}
        by_meaning: dict[str, list[int]] = defaultdict(list)
        for number, meaning in chosen.items():
            by_meaning[meaning].append(number)
        for meaning, numbers in by_meaning.items():
            if len(numbers) > 1:
                for number in numbers:
                    self.add_error(
                        f"col_{number}", gettext('Another column means "%(meaning)s" too.') % {"meaning": meaning}
                    )
        meanings = set(chosen.values())
        if len(meanings & {"title_sq", "title_en"}) != 1:
            self.add_error(None, gettext("One column must hold the action's text: title_sq or title_en, not both."))
        if "responsible" not in meanings:
            self.add_error(None, gettext('One column must be "responsible" (the lead institution).'))
        if "cost_total" in meanings and any(m.startswith("cost_") and m != "cost_total" for m in meanings):
            self.add_error(None, gettext("A cost_total column is read only when no column is a cost of a year."))
        headings = [data.get(field.name) or "" for field in self.heading_fields]
        for field, pattern in zip(self.heading_fields, headings, strict=True):
            try:
                re.compile(pattern)
            except re.error as error:
                self.add_error(field.name, gettext("This is not a regular expression: %(error)s.") % {"error": error})
        sources = self._sources(data.get("sources") or "")
        if not self.errors:
            mapping = self._mapping(chosen, [h for h in headings if h], sources, data)
            if mapping is not None:
                self.mapping = mapping
        return data

    def _sources(self, text: str) -> dict[str, str]:
        sources, wrong = {}, []
        for line in text.splitlines():
            if not line.strip():
                continue
            words, _sep, code = line.rpartition("=")
            if not words.strip() or code.strip() not in SOURCE_CODES:
                wrong.append(line.strip())
            else:
                sources[words.strip()] = code.strip()
        if wrong:
            self.add_error(
                "sources",
                gettext("These lines are not words = %(codes)s: %(lines)s.")
                % {"codes": ", ".join(SOURCE_CODES), "lines": "; ".join(wrong)},
            )
        return sources

    def _mapping(self, chosen: dict[int, str], headings: list[str], sources: dict, data: dict) -> MatrixMapping | None:
        """The mapping loaded by load_mapping from its format as saved on the strategy (its `raw`); None, with the
        form's errors, when load_mapping refuses it."""
        raw: dict[str, Any] = {
            "strategy": {"code": self.strategy.code},
            "header_rows": data["header_rows"],
            "columns": {self.sample.column_name(n): m for n, m in sorted(chosen.items())},
        }
        if self.sample.kind == "xlsx":
            raw["sheet"] = data["position"]
        else:
            raw["table"] = int(data["position"])
        if headings:
            raw["headings"] = headings
        if sources:
            raw["sources"] = sources
        try:
            return load_mapping(raw, kind=self.sample.kind, name=gettext("of the columns"))
        except WorkbookError as error:
            for message in error.messages:
                self.add_error(None, message)
            return None


def initial_of(saved: dict[str, Any], kind: str) -> dict[str, Any]:
    """The form's values from the strategy's saved mapping (whichever kind of file it was made for)."""
    initial: dict[str, Any] = {"header_rows": saved.get("header_rows", 1) if isinstance(saved, dict) else 1}
    initial["position"] = str(saved.get("sheet") or "") if kind == "xlsx" else str(saved.get("table") or 1)
    initial |= {f"col_{n}": m for n, m in saved_columns(saved).items()}
    headings = saved.get("headings") or []
    initial |= {f"heading_{level}": p for level, p in enumerate(headings, start=1) if isinstance(p, str)}
    sources = saved.get("sources") or {}
    if isinstance(sources, dict):
        initial["sources"] = "\n".join(f"{words} = {code}" for words, code in sources.items())
    return initial


# ----------------------------------------------------------------------------------------------------
# The views
# ----------------------------------------------------------------------------------------------------


def _refused(request: HttpRequest, form: MatrixUploadForm, error: WorkbookError) -> HttpResponse:
    return upload_page(
        request, UploadForm(), matrix_form=form, matrix_errors=error.messages, matrix_error_count=error.total
    )


@login_required
@require_POST
def matrix_upload(request: HttpRequest) -> HttpResponse:
    """Check the file (bounded, then opened) and keep it; then choose its columns."""
    require_editor(request)
    form = MatrixUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return upload_page(request, UploadForm(), matrix_form=form)
    upload, strategy = form.cleaned_data["file"], form.cleaned_data["strategy"]
    kind = kind_of(upload.name)
    try:
        data = read_upload(upload, bounds_for("plan"))
        sample_matrix(data, kind, position="", header_rows=0)
    except WorkbookError as error:
        return _refused(request, form, error)
    purge_abandoned_uploads()
    keep_upload(request, upload, session_key=SESSION_KEY, extension=kind, kind=kind, strategy=strategy.code)
    return redirect("strategy:import_matrix_columns")


def _number(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _read_stored(stored: dict[str, Any]) -> bytes:
    with default_storage.open(stored["key"], "rb") as file:
        return read_upload(file, bounds_for("plan"))


@login_required
def matrix_columns(request: HttpRequest) -> HttpResponse:
    """GET: the first rows and a meaning per column. POST: check the mapping, read the matrix, show the preview."""
    require_editor(request)
    stored = kept_upload(request, SESSION_KEY)
    if stored is None:
        return redirect("strategy:import")
    strategy = access.get_for_user(Strategy.objects, request.user, stored["strategy"], write=True, field="code")
    saved = strategy.matrix_mapping if isinstance(strategy.matrix_mapping, dict) else {}
    initial = initial_of(stored.get("mapping") or saved, stored["kind"])  # back from the preview: as typed
    post = request.POST if request.method == "POST" else None
    values = post or initial
    try:
        header_rows = _number(values.get("header_rows"), initial["header_rows"])
        sample = sample_matrix(
            _read_stored(stored), stored["kind"], position=str(values.get("position") or ""), header_rows=header_rows
        )
    except WorkbookError as error:
        discard_kept(request, SESSION_KEY)
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:import")
    columns = saved_columns(saved)
    if post is None or "refresh" in post:
        values = {**initial, **(post.dict() if post else {})}
        form = MatrixColumnsForm(initial=values, sample=sample, strategy=strategy, saved=columns)
        return _columns_page(request, form, stored)
    form = MatrixColumnsForm(post, sample=sample, strategy=strategy, saved=columns)
    if not form.is_valid():
        return _columns_page(request, form, stored)
    return _preview(request, form, stored)


def _preview(request: HttpRequest, form: MatrixColumnsForm, stored: dict[str, Any]) -> HttpResponse:
    """The matrix read through the form's mapping, from the sheet or table the sample opened (the same one: the
    form's position is the sample's)."""
    try:
        parsed = read_rows(form.sample.matrix_rows(form.mapping), form.mapping, name=stored["name"])
    except WorkbookError as error:
        return _columns_page(request, form, stored, errors=error.messages, error_count=error.total)
    if not parsed.is_valid:
        return _columns_page(
            request, form, stored, errors=parsed.errors.lines(), error_count=parsed.errors.total,
            warnings=parsed.warnings.lines(),
        )  # fmt: skip
    preview = plan_changes(parsed)
    if preview.has_changes:
        request.session[SESSION_KEY] = {**stored, "mapping": form.mapping.raw, "fingerprint": preview.fingerprint()}
    else:
        discard_kept(request, SESSION_KEY)
    return preview_page(request, preview, stored["name"], **_links())


def _links() -> dict[str, str]:
    """The preview's links to this import's confirmation, cancellation and columns (else the workbook's)."""
    return {
        "confirm_url": reverse("strategy:import_matrix_confirm"),
        "cancel_url": reverse("strategy:import_matrix_cancel"),
        "columns_url": reverse("strategy:import_matrix_columns"),
    }


def _columns_page(
    request: HttpRequest, form: MatrixColumnsForm, stored: dict[str, Any], **context: Any
) -> HttpResponse:
    if form.is_bound:
        for name in form.errors:
            if name in form.fields:
                css = form.fields[name].widget.attrs.get("class", "")
                form.fields[name].widget.attrs["class"] = f"{css} is-invalid"
    context = {"form": form, "sample": form.sample, "stored": stored, "strategy": form.strategy, **context}
    return render(request, "strategy/matrix_columns.html", context)


@login_required
@require_POST
def matrix_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the matrix kept at the preview through its mapping, then delete it and go to the plan."""
    require_editor(request)

    def read(stored: dict[str, Any]) -> tuple[ParsedPlan, Callable[..., ImportSummary]]:
        access.get_for_user(Strategy.objects, request.user, stored["strategy"], write=True, field="code")
        mapping = load_mapping(stored["mapping"], kind=stored["kind"], name=gettext("of the columns"))
        parsed = read_matrix(_read_stored(stored), mapping, name=stored["name"])
        return parsed, partial(apply_matrix, mapping=mapping)

    def refused(error: WorkbookError) -> HttpResponse:
        return _refused(request, MatrixUploadForm(user=request.user), error)

    return confirm_kept(request, SESSION_KEY, read=read, refused=refused, needs=("mapping",), **_links())


@login_required
@require_POST
def matrix_cancel(request: HttpRequest) -> HttpResponse:
    """Forget the matrix kept (deleting the file) and go back to the import page."""
    require_editor(request)
    discard_kept(request, SESSION_KEY)
    messages.info(request, _("The import was cancelled: nothing was saved."))
    return redirect("strategy:import")


urlpatterns = [
    path("import/matrix/", matrix_upload, name="import_matrix"),
    path("import/matrix/columns/", matrix_columns, name="import_matrix_columns"),
    path("import/matrix/confirm/", matrix_confirm, name="import_matrix_confirm"),
    path("import/matrix/cancel/", matrix_cancel, name="import_matrix_cancel"),
]
