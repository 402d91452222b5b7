"""Building and rendering a document in one call: what the command line and the background task share.

`generate("annual", strategy, period=Period.year(2025), language="sq", fmt="docx")` builds the document model in the
document's language and renders it; `DocumentError` says in words why a document cannot be made (a period outside
the plan, a format the document does not come in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nsm.analytics.periods import Period, action_plan_spans
from nsm.reports.document import Document, printable
from nsm.strategy.models import Strategy

KINDS = {
    "annual": _("Annual monitoring report"),
    "plan": _("Strategy and action plan"),
    "gcm-review": _("GCM voluntary national review"),
}
PERIODIC = ("annual", "gcm-review")  # documents of a period within the action plan
FORMATS = {
    "docx": ("Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

Progress = Callable[[int, str], None]  # percent done, what is being done


class DocumentError(ValueError):
    """A document that cannot be made, with the reason in words."""


@dataclass(frozen=True)
class Output:
    content: bytes
    filename: str
    content_type: str
    data_stamp: str


@dataclass(frozen=True)
class YearDocument:
    """A document of a strategy and a year that an app above this one makes (the SDG 10.7.2 self-assessment of
    `nsm.assessment`): that app registers it when it is ready (`register_year_document`), so that the command line
    and `generate_for_year` reach it without importing upwards. `check(strategy, year, language, fmt)` raises
    DocumentError in words; `make(strategy, year, language, fmt)` builds and renders it; `years(strategy)` lists the
    years there is one for."""

    kind: str
    label: Any  # a lazy translation, read in the language of the page or document
    check: Callable[[Strategy, int, str, str], None]
    make: Callable[[Strategy, int, str, str], Output]
    years: Callable[[Strategy], list[int]]


YEAR_DOCUMENTS: dict[str, YearDocument] = {}


def register_year_document(document: YearDocument) -> None:
    YEAR_DOCUMENTS[document.kind] = document


def generate_for_year(kind: str, strategy: Strategy, *, year: int, language: str, fmt: str) -> Output:
    """Build and render a registered year document (`YEAR_DOCUMENTS`); DocumentError in words when it cannot be."""
    if kind not in YEAR_DOCUMENTS:
        raise DocumentError(_("Unknown document %(kind)s.") % {"kind": kind})
    document = YEAR_DOCUMENTS[kind]
    document.check(strategy, year, language, fmt)
    return document.make(strategy, year, language, fmt)


def action_plan_years(strategy: Strategy) -> list[tuple[int, int]]:
    """The first and last years of each of the strategy's action plans (one query); the plan's years when it has
    none recorded."""
    return action_plan_spans(strategy) or [(strategy.plan_start_year, strategy.plan_end_year)]


def is_one_action_plan(period: Period, spans: list[tuple[int, int]]) -> bool:
    """`period` is the years of one of the action plans `spans` (see `action_plan_years`)."""
    return not period.half and (period.first_year, period.last_year) in spans


def check_format(language: str, fmt: str) -> None:
    """DocumentError unless `fmt` is one of `FORMATS` and `language` one of `LANGUAGES`: the half of the check that
    every document shares (the monitoring report, the plan, the consultation report, the SDG 10.7.2 assessment)."""
    if fmt not in FORMATS:
        raise DocumentError(_("Unknown format %(format)s: choose docx, pdf or xlsx.") % {"format": fmt})
    if language not in LANGUAGES:
        raise DocumentError(_("Unknown language %(language)s: choose sq or en.") % {"language": language})


def check(kind: str, strategy: Strategy, *, period: Period | None, language: str, fmt: str) -> None:
    """DocumentError unless the document can be made. The plan takes no period (the whole strategy) or the years of
    one of its action plans."""
    if kind not in KINDS:
        raise DocumentError(_("Unknown document %(kind)s: choose annual, plan or gcm-review.") % {"kind": kind})
    check_format(language, fmt)
    if kind == "plan" and period is not None:
        spans = action_plan_years(strategy)
        if not is_one_action_plan(period, spans):
            raise DocumentError(
                _("%(period)s are not the years of one of the action plans of %(code)s (%(plans)s).")
                % {
                    "period": period,
                    "code": strategy.code,
                    "plans": ", ".join(f"{first}–{last}" for first, last in spans),
                }
            )
    if kind in PERIODIC:
        if period is None:
            if kind == "gcm-review":
                raise DocumentError(_("The GCM review needs a period, such as 2025 or 2024-2026."))
            raise DocumentError(_("The monitoring report needs a period, such as 2025 or 2025-H1."))
        if not strategy.plan_start_year <= period.first_year <= period.last_year <= strategy.plan_end_year:
            raise DocumentError(
                _("%(period)s lies outside the action plan of %(code)s (%(first)s–%(last)s).")
                % {
                    "period": period,
                    "code": strategy.code,
                    "first": strategy.plan_start_year,
                    "last": strategy.plan_end_year,
                }
            )


def build(kind: str, strategy: Strategy, *, period: Period | None, language: str) -> Document:
    """The document model, in `language`."""
    from nsm.reports.annual import build_annual
    from nsm.reports.gcm_review import build_gcm_review
    from nsm.reports.plan import build_plan

    with translation.override(language):
        if kind == "annual":
            assert period is not None  # noqa: S101 - check() refuses a monitoring report without a period
            return build_annual(strategy, period)
        if kind == "gcm-review":
            assert period is not None  # noqa: S101 - check() refuses a review without a period
            return build_gcm_review(strategy, period)
        return build_plan(strategy, period)


def render(document: Document, fmt: str) -> bytes:
    from nsm.reports.render_docx import render_docx
    from nsm.reports.render_pdf import render_pdf
    from nsm.reports.render_xlsx import render_xlsx

    renderer = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}[fmt]
    with translation.override(document.language):
        return renderer(printable(document))


def output(document: Document, fmt: str, filename: str, data_stamp: str | None = None) -> Output:
    """`document` rendered as `fmt` and named `filename`, with the format's content type; the data's stamp is the
    document's own unless told otherwise (an issued consultation report names its round and issue)."""
    return Output(
        content=render(document, fmt),
        filename=filename,
        content_type=FORMATS[fmt][1],
        data_stamp=document.data_stamp if data_stamp is None else data_stamp,
    )


def filename(kind: str, strategy: Strategy, *, period: Period | None, language: str, fmt: str) -> str:
    """`AL-NSM-2024-2030_annual-2025_sq.docx`, `AL-NSM-2024-2030_plan_en.pdf`, `..._plan-2024-2026_en.pdf`,
    `..._gcm-review-2025_en.pdf`."""
    what = f"{kind}-{period.slug}" if period is not None else kind
    return f"{strategy.code}_{what}_{language}.{fmt}"


def generate(
    kind: str,
    strategy: Strategy,
    *,
    period: Period | None,
    language: str,
    fmt: str,
    progress: Progress | None = None,
) -> Output:
    """Build and render one document. `progress(percent, step)` is told as the work advances."""
    check(kind, strategy, period=period, language=language, fmt=fmt)
    tell = progress or (lambda percent, step: None)
    tell(5, str(_("Reading the data")))
    document = build(kind, strategy, period=period, language=language)
    tell(40, str(_("Writing the document")))
    made = output(document, fmt, filename(kind, strategy, period=period, language=language, fmt=fmt))
    tell(100, str(_("Done")))
    return made
