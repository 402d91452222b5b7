"""A hand-made document for the renderers' tests: every kind of block, Albanian letters, a landscape section with
heading rows and a total row, and a chart built by the analytics chart builders."""

from __future__ import annotations

import datetime
from decimal import Decimal

from nsm.analytics import charts
from nsm.analytics.implementation import ImplementationRow, StatusCounts
from nsm.reports.document import (
    Bullets,
    Chart,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Row,
    Section,
    Table,
)

ALBANIAN = "Përmirësimi i menaxhimit të migracionit në Shqipëri: çështje të kthimit"


def sample_document(*, language: str = "sq", activities: int = 30) -> Document:
    rows = (
        ImplementationRow(key=1, label="1 " + ALBANIAN, due=StatusCounts(completed=4, delayed=2, not_started=1)),
        ImplementationRow(key=2, label="2 Integrimi i të kthyerve", due=StatusCounts(completed=1, cancelled=1)),
    )
    chart_table = Table(
        caption="Zbatimi sipas qëllimit, 2025",
        columns=(Column("Qëllimi", width=3), Column("Të përfunduara", "number"), Column("Norma", "percent")),
        rows=(Row(("1 " + ALBANIAN, 4, Decimal("57.1"))), Row(("2 Integrimi i të kthyerve", 1, Decimal(100)))),
        name="Zbatimi",
    )
    matrix_rows: list[Row] = [Row(("Qëllimi 1: " + ALBANIAN,), heading=1), Row(("Objektivi 1.1 Çështjet",), heading=2)]
    for number in range(1, activities + 1):
        matrix_rows.append(
            Row(
                (
                    f"1.1.1.{number}",
                    f"Aktiviteti {number}: trajnimi i zyrtarëve për çështjet e kthimit dhe riintegrimit",
                    "MB",
                    "MEPJ, ISSH",
                    "2025 T1–2026 T4",
                    Decimal(1_250_000) * number,
                    Decimal(0),
                    "Buxheti i shtetit",
                    None,
                )
            )
        )
    matrix_rows.append(Row(("Gjithsej", "", "", "", "", Decimal(99_000_000), Decimal(0), "", ""), total=True))
    matrix = Table(
        caption="Matrica e planit të veprimit",
        columns=(
            Column("Kodi"),
            Column("Aktiviteti", width=4),
            Column("Përgjegjës"),
            Column("Partnerë"),
            Column("Afati", width=1.4),
            Column("2025 (ALL)", "money", 1.3),
            Column("2026 (ALL)", "money", 1.3),
            Column("Burimi", width=1.4),
            Column("Progresi", "percent"),
        ),
        rows=tuple(matrix_rows),
        name="Matrica",
        note="Shumat janë në lekë.",
    )
    return Document(
        kind="annual",
        language=language,
        title="Raporti vjetor i monitorimit 2025",
        subtitle="Strategjia Kombëtare për Migracionin 2024–2030",
        cover_lines=("AL-NSM-2024-2030", "Periudha: 2025", "Sekretariati i GNPM-së, Ministria e Brendshme"),
        sections=(
            Section(
                "Përmbledhje ekzekutive",
                blocks=(
                    KeyFigures(
                        (
                            KeyFigure("Norma e zbatimit", Decimal("62.5"), "percent", "5 nga 8 aktivitete"),
                            KeyFigure("Buxheti i shpenzuar (ALL)", Decimal(12_500_000), "money"),
                            KeyFigure("Tregues në rrugë të mbarë", 7),
                        )
                    ),
                    Paragraph("Gjatë vitit 2025 u zbatuan " + ALBANIAN.lower() + "."),
                    Bullets(("Çështja e parë: vonesa në prokurim.", "Çështja e dytë: mungesë fondesh.")),
                ),
            ),
            Section(
                "Zbatimi sipas qëllimit",
                blocks=(Chart(charts.implementation_chart(rows, "Zbatimi sipas qëllimit, 2025"), chart_table),),
                subsections=(Section("Nënseksioni: çështjet", blocks=(Paragraph("Tekst i shkurtër."),)),),
            ),
            Section("Aneks: matrica", blocks=(matrix,), landscape=True),
            Section("Përfundime", blocks=(Paragraph("Fund i raportit."),)),
        ),
        strategy_code="AL-NSM-2024-2030",
        period="2025",
        generated_at=datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.UTC),
        data_stamp="12.40/3.9/120.130/600.700/200.210",
        footer="SKM 2024–2030 · Raporti vjetor i monitorimit 2025",
    )
