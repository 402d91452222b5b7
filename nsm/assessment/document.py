"""The SDG 10.7.2 self-assessment as a document (Word, PDF, Excel), built on the document model of `nsm.reports`:
the values by domain and overall, the comparison with the previous assessment, every answer with its evidence and the
plan's items it rests on, and the method with its sources and what was not verified.

`KIND` registers it with `nsm.reports.generate` (see `apps.py`), so that `nsm report sdg-1072 CODE --year 2025` makes
it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.assessment import selectors
from nsm.assessment.methodology import THRESHOLDS, Category, Level
from nsm.assessment.models import Answer, Assessment
from nsm.core.markdown import Items, parse, plain
from nsm.core.numbers import format_decimal, format_percent
from nsm.reports.document import (
    Bullets,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Row,
    Section,
    Table,
    markdown_section,
)
from nsm.reports.generate import DocumentError, Output, YearDocument, check_format, output
from nsm.strategy.models import Strategy


def _category(category: str | None) -> str:
    return str(Category(category).label) if category else _("No value yet")


def _answer(answer: Answer) -> str:
    if not answer.level:
        return _("Not answered")
    if answer.level == Level.PARTIAL and answer.subcategory.partial_answer:
        return _("Partly: %(answer)s") % {"answer": answer.subcategory.partial_answer}
    return str(Level(answer.level).label)


def _points(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"))


def build_assessment(assessment: Assessment, language: str) -> Document:
    """The document of `assessment`, in `language` (the evidence as typed). Reads in a fixed number of queries."""
    with translation.override(language):
        strategy = assessment.strategy
        scores = selectors.scores(assessment)
        comparison = selectors.comparison(scores)
        status = assessment.get_status_display()
        sections = [
            Section(
                _("Summary"),
                (
                    Paragraph(
                        _(
                            "SDG indicator 10.7.2 describes a country's migration policies in six domains, each "
                            "answered through its sub-categories, as the UN Inquiry among Governments on Population "
                            "and Development asks them. This is the secretariat's self-assessment of %(strategy)s for "
                            "%(year)s (%(status)s): %(answered)s of %(total)s sub-categories answered."
                        )
                        % {
                            "strategy": strategy.title,
                            "year": assessment.year,
                            "status": status.lower(),
                            "answered": scores.answered,
                            "total": scores.total,
                        }
                    ),
                    KeyFigures(
                        (
                            KeyFigure(_("Overall value"), _points(scores.value), "percent", _category(scores.category)),
                            KeyFigure(
                                _("Sub-categories met"),
                                sum((domain.met for domain in scores.domains), Decimal(0)),
                                "number",
                                _("of %(total)s") % {"total": scores.total},
                            ),
                            KeyFigure(
                                _("Domains that meet or fully meet"),
                                sum(1 for d in scores.domains if d.category in (Category.MEETS, Category.FULLY_MEETS)),
                                "number",
                                _("of %(total)s") % {"total": len(scores.domains)},
                            ),
                        )
                    ),
                    _values_table(scores, comparison),
                ),
            )
        ]
        if assessment.note.strip():
            sections.append(markdown_section(_("Remarks"), assessment.note))
        if comparison is not None:
            sections.append(_comparison_section(comparison))
        for domain in scores.domains:
            sections.append(
                Section(
                    _("Domain %(number)s. %(label)s") % {"number": domain.domain.number, "label": domain.domain.label},
                    (
                        Paragraph(
                            _("Value: %(value)s (%(category)s); %(met)s of %(count)s sub-categories met.")
                            % {
                                "value": format_percent(domain.value),
                                "category": _category(domain.category),
                                "met": format_decimal(domain.met.normalize()),
                                "count": len(domain.answers),
                            }
                        ),
                        _answers_table(domain),
                    ),
                    landscape=True,
                    new_page=True,
                )
            )
        sections.append(_method_section())
        year_label = _("Self-assessment %(year)s") % {"year": assessment.year}
        return Document(
            kind="sdg-1072",
            language=language,
            title=_("SDG indicator 10.7.2: migration policy self-assessment"),
            subtitle=year_label,
            cover_lines=(
                f"{strategy.title} ({strategy.code})",
                year_label + f" · {status}",
                _("Prepared by the technical secretariat"),
            ),
            sections=tuple(sections),
            strategy_code=strategy.code,
            period=str(assessment.year),
            generated_at=timezone.now(),
            data_stamp=_("self-assessment %(year)s, version %(version)s")
            % {"year": assessment.year, "version": assessment.version},
        )


def _values_table(scores: selectors.Scores, comparison: selectors.Comparison | None) -> Table:
    before = {change.domain.number: change for change in comparison.domains if change.domain} if comparison else {}
    columns = [
        Column(_("Domain"), width=3.5),
        Column(_("Sub-categories met"), "number"),
        Column(_("Value"), "percent"),
        Column(_("Category"), width=1.6),
    ]
    if comparison is not None:
        columns += [
            Column(_("Value %(year)s") % {"year": comparison.previous.year}, "percent"),
            Column(_("Change (points)"), "number"),
        ]
    rows = []
    for domain in scores.domains:
        values: list = [
            f"{domain.domain.number}. {domain.domain.label}",
            domain.met,
            _points(domain.value),
            _category(domain.category),
        ]
        if comparison is not None:
            change = before.get(domain.domain.number)
            values += [_points(change.before) if change else None, _points(change.change) if change else None]
        rows.append(Row(tuple(values)))
    total: list = [_("Overall (average of the domains)"), sum((d.met for d in scores.domains), Decimal(0)),
                   _points(scores.value), _category(scores.category)]  # fmt: skip
    if comparison is not None:
        total += [_points(comparison.overall.before), _points(comparison.overall.change)]
    rows.append(Row(tuple(total), total=True))
    return Table(
        caption=_("Values by domain"),
        columns=tuple(columns),
        rows=tuple(rows),
        name=_("Values"),
        note=_(
            "A domain's value is the share of its sub-categories met, a partial answer counting half; it has no "
            "value until every sub-category is answered."
        ),  # fmt: skip
    )


def _comparison_section(comparison: selectors.Comparison) -> Section:
    words = {"up": _("better"), "down": _("worse"), "same": _("unchanged"), "": "—"}
    rows = tuple(
        Row(
            (
                f"{change.domain.number}. {change.domain.label}" if change.domain else _("Overall"),
                _category(change.before_category),
                _category(change.after_category),
                words[change.direction],
            ),
            total=change.domain is None,
        )
        for change in [*comparison.domains, comparison.overall]
    )
    table = Table(
        caption=_("Categories against %(year)s") % {"year": comparison.previous.year},
        columns=(
            Column(_("Domain"), width=3.5),
            Column(str(comparison.previous.year), width=1.6),
            Column(_("Now"), width=1.6),
            Column(_("Category"), width=1),
        ),
        rows=rows,
        name=_("Comparison"),
    )
    changed = tuple(
        _("%(number)s %(label)s: %(before)s → %(after)s")
        % {
            "number": change.subcategory.number,
            "label": change.subcategory.label,
            "before": str(Level(change.before).label) if change.before else _("Not answered"),
            "after": str(Level(change.after).label) if change.after else _("Not answered"),
        }
        for change in comparison.answers
    )
    blocks: tuple = (
        Paragraph(
            _("Compared with the self-assessment of %(year)s (%(status)s).")
            % {"year": comparison.previous.year, "status": comparison.previous.get_status_display().lower()}
        ),
        table,
        Paragraph(_("Answers that changed:") if changed else _("No answer changed.")),
    )
    if changed:
        blocks += (Bullets(changed),)
    return Section(_("Comparison with %(year)s") % {"year": comparison.previous.year}, blocks)


def _plain(text: str) -> str:
    """A Markdown evidence as the plain text of a table's cell: each block on its own line, a list's items as
    "- item"."""
    lines = []
    for block in parse(text):
        if isinstance(block, Items):
            lines += [f"- {plain(item)}" for item in block.items]
        else:
            lines.append(block.text)
    return "\n".join(lines) or "—"


def _items(answer: Answer) -> str:
    references = [m.reference or m.code for m in answer.measures.all()]
    references += [a.reference or a.code for a in answer.activities.all()]
    return ", ".join(references) or "—"


def _answers_table(domain: selectors.DomainScore) -> Table:
    return Table(
        caption=_("Answers of domain %(number)s") % {"number": domain.domain.number},
        columns=(
            Column(_("No."), width=0.5),
            Column(_("Sub-category"), width=3),
            Column(_("Answer"), width=1.3),
            Column(_("Evidence"), width=4.5),
            Column(_("Measures and activities"), width=1.7),
        ),
        rows=tuple(
            Row((a.subcategory.number, a.subcategory.label, _answer(a), _plain(a.evidence), _items(a)))
            for a in domain.answers
        ),
        name=_("Domain %(number)s") % {"number": domain.domain.number},
    )


def _method_section() -> Section:
    floors = {category: floor for floor, category in THRESHOLDS}
    return Section(
        _("Method and sources"),
        (
            Paragraph(
                _(
                    "Each sub-category is answered yes or no; the sub-categories of the first domain also take the "
                    "Inquiry's middle answer (only for migrants in a regular situation), counted as half. A domain's "
                    "value is the share of its sub-categories met; the overall value is the average of the six "
                    "domains. Each value is classed as follows:"
                )
            ),
            Bullets(
                (
                    _("Fully meets: %(floor)s %%") % {"floor": floors[Category.FULLY_MEETS]},
                    _("Meets: %(floor)s %% to less than %(next)s %%")
                    % {"floor": floors[Category.MEETS], "next": floors[Category.FULLY_MEETS]},
                    _("Partially meets: %(floor)s %% to less than %(next)s %%")
                    % {"floor": floors[Category.PARTIALLY_MEETS], "next": floors[Category.MEETS]},
                    _("Requires further progress: less than %(next)s %%") % {"next": floors[Category.PARTIALLY_MEETS]},
                )
            ),
            Paragraph(
                _(
                    "Sources: the UN DESA and IOM metadata of SDG indicator 10.7.2 and UN DESA's SDG indicator 10.7.2 "
                    "Data Booklet (2020). The six domains were checked against the metadata; the sub-categories, the "
                    "thresholds, the half value of a partial answer and the overall average are the team's reading of "
                    "the methodology and were not verified against its text. The Albanian labels are the team's "
                    "working translation. Measures and activities are suggested from the plan's GCM objectives "
                    "through a mapping written by the team."
                )
            ),
        ),
    )


# --- Making it: the check, the file's name, the registration with nsm.reports.generate ---


def filename(assessment: Assessment, language: str, fmt: str) -> str:
    """`AL-NSM-2024-2030_sdg-1072-2025_en.pdf`."""
    return f"{assessment.strategy.code}_sdg-1072-{assessment.year}_{language}.{fmt}"


def generate_assessment(assessment: Assessment, *, language: str, fmt: str) -> Output:
    check_format(language, fmt)
    return output(build_assessment(assessment, language), fmt, filename(assessment, language, fmt))


def _years(strategy: Strategy) -> list[int]:
    return list(Assessment.objects.filter(strategy=strategy).order_by("year").values_list("year", flat=True))


def _check(strategy: Strategy, year: int, language: str, fmt: str) -> None:
    check_format(language, fmt)
    if not Assessment.objects.filter(strategy=strategy, year=year).exists():
        raise DocumentError(
            _("%(code)s has no SDG 10.7.2 self-assessment for %(year)s.") % {"code": strategy.code, "year": year}
        )


def _make(strategy: Strategy, year: int, language: str, fmt: str) -> Output:
    assessment = Assessment.objects.select_related("strategy").get(strategy=strategy, year=year)
    return generate_assessment(assessment, language=language, fmt=fmt)


KIND = YearDocument(
    kind="sdg-1072",
    label=gettext_lazy("SDG 10.7.2 self-assessment"),
    check=_check,
    make=_make,
    years=_years,
)
