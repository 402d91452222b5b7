"""The indicator performance tracking table as an Excel workbook: what the IPTT page shows, for the same filters.

Three sheets, named the same in every language so that other tools find them: "IPTT" (one row per indicator,
per year its target, actual, progress and band), "Disaggregation" (the categories of each approved actual) and
"Info" (the strategy, the filters, when it was made, and that the figures are approved data only). Headers follow
the interface's language; numbers are stored as numbers. The writer only walks the dataclasses of
`views_tracking.tracking`: it reads nothing from the database.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from nsm.analytics.views_common import Selection
from nsm.core.spreadsheet import first_sheet
from nsm.strategy.models import Strategy
from nsm.strategy.workbook import put_cell

if TYPE_CHECKING:
    from nsm.analytics.views_tracking import Tracking

_BOLD = Font(bold=True)


def iptt_file_name(strategy: Strategy, picked: Selection) -> str:
    return f"{strategy.code}-iptt-{picked.period.slug}.xlsx"


def _header(sheet: Any, headers: list[tuple[str, int]]) -> None:
    for index, (text, width) in enumerate(headers, start=1):
        sheet.cell(1, index, text).font = _BOLD
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _iptt_sheet(sheet: Any, tracking: Tracking) -> None:
    headers = [
        (_("Code"), 10),
        (_("Indicator"), 50),
        (_("Unit"), 14),
        (_("Baseline"), 12),
        (_("Baseline year"), 12),
    ]
    for year in tracking.years:
        headers += [
            (_("%(year)s target") % {"year": year}, 12),
            (_("%(year)s actual") % {"year": year}, 12),
            (_("%(year)s progress (%%)") % {"year": year}, 14),
            (_("%(year)s band") % {"year": year}, 12),
        ]
    _header(sheet, headers)
    sheet.freeze_panes = "C2"  # the header row and the indicator's code and name stay in view
    for number, row in enumerate(tracking.rows, start=2):
        indicator = row.indicator
        for column, value in enumerate(
            (indicator.code, indicator.name, indicator.unit, indicator.baseline, indicator.baseline_year), start=1
        ):
            if value not in (None, ""):
                put_cell(sheet, number, column, value)
        for offset, cell in enumerate(row.cells):
            first = 6 + offset * 4
            item = cell.achievement
            for column, value in enumerate((item.target, item.actual, item.progress), start=first):
                if value is not None:
                    put_cell(sheet, number, column, value)
            put_cell(sheet, number, first + 3, item.band_label)


def _disaggregation_sheet(sheet: Any, tracking: Tracking) -> None:
    _header(
        sheet,
        [(_("Code"), 10), (_("Indicator"), 50), (_("Year"), 8), (_("Dimension"), 20), (_("Category"), 28),
         (_("Value"), 12)],
    )  # fmt: skip
    number = 2
    for row in tracking.rows:
        for cell in row.cells:
            for part in cell.achievement.cells:
                for column, value in enumerate(
                    (row.indicator.code, row.indicator.name, cell.year, part.dimension, part.label, part.value),
                    start=1,
                ):
                    if value not in (None, ""):
                        put_cell(sheet, number, column, value)
                number += 1


def _info_sheet(sheet: Any, strategy: Strategy, picked: Selection, tracking: Tracking) -> None:
    _header(sheet, [(_("Field"), 28), (_("Value"), 80)])
    band_label = next((choice.label for choice, _count in tracking.counts if choice.key == tracking.band), "")
    rows = [
        (_("Strategy"), f"{strategy.code}: {strategy.title}"),
        (_("Action plan"), f"{strategy.plan_start_year}–{strategy.plan_end_year}"),
        (_("Selected year"), picked.period.label),
        (_("Goal"), f"{picked.goal.code} {picked.goal.title}" if picked.goal else _("All")),
        (
            _("Responsible institution"),
            f"{picked.institution.code}: {picked.institution.name}" if picked.institution else _("All"),
        ),
        (
            _("GCM objective"),
            f"{picked.gcm.number}: {picked.gcm.short_label or picked.gcm.title}" if picked.gcm else _("All"),
        ),
        (_("Band in the selected year"), band_label or _("All")),
        (_("Band width (points)"), strategy.band_width),
        (_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("Data"), _("Approved monitoring data only.")),
    ]
    for number, (label, value) in enumerate(rows, start=2):
        put_cell(sheet, number, 1, str(label))
        put_cell(sheet, number, 2, value if not isinstance(value, str) else str(value))


def iptt_workbook(strategy: Strategy, picked: Selection, tracking: Tracking) -> bytes:
    """The IPTT of the selection as the bytes of an .xlsx file."""
    workbook = Workbook()
    sheet = first_sheet(workbook)
    _iptt_sheet(sheet, tracking)
    sheet.title = "IPTT"
    _disaggregation_sheet(workbook.create_sheet("Disaggregation"), tracking)
    _info_sheet(workbook.create_sheet("Info"), strategy, picked, tracking)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
