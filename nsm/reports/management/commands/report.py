"""`nsm report annual CODE --period 2025 --lang sq --format docx -o FILE`, `nsm report plan CODE --lang en
--format pdf -o FILE`, `nsm report gcm-review CODE --period 2025 --lang en --format pdf -o FILE` (the draft GCM
voluntary national review of the period, as written so far) and `nsm report consultation CODE --round ID --lang sq
--format pdf -o FILE` (the latest consultation report issued for the round): a document written straight to a file,
without the worker (for scripts and cron). `nsm report annual CODE --period 2024 --issue 2 --lang en --format pdf`
writes an issued monitoring report's file as it was made when issued (never made again). `nsm report sdg-1072 CODE
--year 2025 --lang en --format pdf -o FILE`: the strategy's SDG 10.7.2 self-assessment of that year (a year
document, registered by the app that makes it)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from nsm.analytics.periods import Period
from nsm.consultation.issue import latest
from nsm.consultation.models import ConsultationRound
from nsm.reports.consultation import filename as consultation_filename
from nsm.reports.consultation import generate_consultation
from nsm.reports.generate import (
    YEAR_DOCUMENTS,
    DocumentError,
    Output,
    check,
    check_format,
    filename,
    generate,
    generate_for_year,
)
from nsm.reports.models import IssuedAnnualFile
from nsm.strategy.models import Strategy


def _target(name: str) -> Path:
    target = Path(name)
    if target.is_dir():
        raise CommandError(f"{str(target)!r} is a folder: give the file's name, e.g. -o {target / 'report.docx'}.")
    if not target.parent.is_dir():
        raise CommandError(f"The folder {str(target.parent)!r} does not exist.")
    return target


class Command(BaseCommand):
    help = (
        "Write the annual monitoring report, the strategy and action plan document, the GCM voluntary national review, "
        "a round's consultation report or the SDG 10.7.2 self-assessment of a year to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            help="annual: the monitoring report; plan: the strategy and action plan; gcm-review: the GCM voluntary "
            "national review (--period); consultation: the consultation report of a round (--round); sdg-1072: the "
            "SDG 10.7.2 self-assessment of a year (--year).",
        )
        parser.add_argument("code", help="The strategy's code, e.g. AL-NSM-2024-2030.")
        parser.add_argument(
            "--period",
            default="",
            help="For the annual report: a year (2025) or a half (2025-H1). For the GCM review: a year (2025) or "
            "years (2024-2026). For the plan: one action plan's years (2027-2029); left out, the whole strategy.",
        )
        parser.add_argument(
            "--round", dest="round_id", default="", help="For the consultation report: the round's number (its id)."
        )
        parser.add_argument(
            "--issue",
            default="",
            help="For the annual report: the number of an issue; its file as it was made when issued.",
        )
        parser.add_argument("--year", default="", help="For sdg-1072: the year of the self-assessment, e.g. 2025.")
        parser.add_argument("--lang", default="sq", help="Language of the document: sq (default) or en.")
        parser.add_argument("--format", dest="fmt", default="docx", help="docx (default), pdf or xlsx.")
        parser.add_argument("-o", "--output", default="", help="The file to write (default: a name in this folder).")

    @no_translations  # messages in English, as Django's own; the document is in --lang
    def handle(self, *args, kind, code, period, round_id, issue, year, lang, fmt, output, **options):
        strategy = Strategy.objects.filter(code=code).first()
        if strategy is None:
            known = ", ".join(Strategy.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No strategy has the code {code!r}. Strategies: {known}.")
        kinds = ("annual", "plan", "gcm-review", "consultation", *YEAR_DOCUMENTS)
        if kind not in kinds:
            raise CommandError(f"Unknown document {kind}: choose {', '.join(kinds[:-1])} or {kinds[-1]}.")
        if kind in YEAR_DOCUMENTS:
            if round_id or period or issue:
                raise CommandError(f"{kind} takes --year, not --period, --round or --issue.")
            self.year_document(kind, strategy, year, lang=lang, fmt=fmt, output=output)
            return
        if year:
            raise CommandError(f"--year is for {' and '.join(YEAR_DOCUMENTS) or 'no document'} only.")
        if kind == "consultation":
            self.consultation(strategy, round_id, lang=lang, fmt=fmt, output=output)
            return
        if round_id:
            raise CommandError("--round is for the consultation report only.")
        if issue and kind != "annual":
            raise CommandError("--issue is for the annual report only.")
        chosen = None
        if kind == "annual" and not period:
            raise CommandError("The annual report needs --period, e.g. --period 2025 or --period 2025-H1.")
        if kind == "gcm-review" and not period:
            raise CommandError("The GCM review needs --period, e.g. --period 2025 or --period 2024-2026.")
        if period:
            try:
                chosen = Period.parse(period)
            except ValueError as error:
                raise CommandError(f"{period!r} is not a period. {error}") from None
        try:
            check(kind, strategy, period=chosen, language=lang, fmt=fmt)
        except DocumentError as error:
            raise CommandError(str(error)) from None
        if issue:
            assert chosen is not None  # noqa: S101 - the annual report needs --period (above)
            self.issued(strategy, chosen, issue, lang=lang, fmt=fmt, output=output)
            return
        target = _target(output or filename(kind, strategy, period=chosen, language=lang, fmt=fmt))
        started = time.perf_counter()
        result = generate(kind, strategy, period=chosen, language=lang, fmt=fmt)
        self.write(target, result, started)

    def consultation(self, strategy: Strategy, round_id: str, *, lang: str, fmt: str, output: str) -> None:
        """The latest consultation report issued for one of the strategy's rounds."""
        if not round_id:
            raise CommandError("The consultation report needs --round, the round's number (its id).")
        rounds = ConsultationRound.objects.filter(version__strategy=strategy)
        round_ = rounds.filter(pk=int(round_id)).first() if round_id.isdigit() else None
        if round_ is None:
            known = ", ".join(str(pk) for pk in rounds.order_by("pk").values_list("pk", flat=True)) or "none"
            raise CommandError(f"{strategy.code} has no consultation round {round_id!r}. Its rounds: {known}.")
        issued = latest(round_)
        if issued is None:
            raise CommandError(
                f"No consultation report was issued for round {round_.pk} ({round_.title}): the secretariat issues it "
                "on the round's page once the round has closed."
            )
        try:
            check_format(lang, fmt)
        except DocumentError as error:
            raise CommandError(str(error)) from None
        target = _target(output or consultation_filename(issued, lang, fmt))
        started = time.perf_counter()
        self.write(target, generate_consultation(issued, language=lang, fmt=fmt), started)

    def issued(self, strategy: Strategy, period: Period, number: str, *, lang: str, fmt: str, output: str) -> None:
        """The stored file of issue `number` of the period's monitoring report."""
        files = IssuedAnnualFile.objects.filter(issue__strategy=strategy, issue__period=period.slug)
        of_issue = files.filter(issue__number=int(number)) if number.isdigit() else files.none()
        if not of_issue.exists():
            numbers = sorted(set(files.values_list("issue__number", flat=True)))
            known = ", ".join(str(n) for n in numbers) or "none (the secretariat issues it on the report's page)"
            raise CommandError(f"The {period} report of {strategy.code} has no issue {number!r}. Its issues: {known}.")
        row = of_issue.select_related("issue").filter(language=lang, fmt=fmt).first()
        if row is None:
            raise CommandError(f"Issue {number} has no {fmt} file in {lang!r}: choose sq or en, and docx, pdf or xlsx.")
        target = _target(output or row.filename)
        started = time.perf_counter()
        with row.file.open("rb") as handle:
            content = handle.read()
        self.write(target, Output(content, row.filename, row.content_type, row.issue.data_stamp), started)

    def year_document(self, kind: str, strategy: Strategy, year: str, *, lang: str, fmt: str, output: str) -> None:
        """A document of a strategy and a year (`YEAR_DOCUMENTS`), such as the SDG 10.7.2 self-assessment."""
        document = YEAR_DOCUMENTS[kind]
        known = ", ".join(str(one) for one in document.years(strategy)) or "none"
        if not year:
            raise CommandError(f"{kind} needs --year, e.g. --year 2025. {strategy.code} has one for: {known}.")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise CommandError(f"{year!r} is not a year: give four digits, e.g. --year 2025.")
        try:
            document.check(strategy, int(year), lang, fmt)
        except DocumentError as error:
            missing = int(year) not in document.years(strategy)
            raise CommandError(f"{error} {strategy.code} has one for: {known}." if missing else str(error)) from None
        target = _target(output or f"{strategy.code}_{kind}-{year}_{lang}.{fmt}")
        started = time.perf_counter()
        self.write(target, generate_for_year(kind, strategy, year=int(year), language=lang, fmt=fmt), started)

    def write(self, target: Path, result: Output, started: float) -> None:
        try:
            target.write_bytes(result.content)
        except OSError as error:
            raise CommandError(f"Cannot write {str(target)!r}: {error.strerror}.") from None
        self.stdout.write(
            f"Wrote {target} ({len(result.content):,} bytes) in {time.perf_counter() - started:.1f} s "
            f"from data {result.data_stamp}."
        )
