"""`nsm report annual CODE --period 2025 --lang sq --format docx -o FILE` and `nsm report plan CODE --lang en
--format pdf -o FILE`: a document written straight to a file, without the worker (for scripts and cron)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from nsm.analytics.periods import Period
from nsm.reports.generate import DocumentError, check, filename, generate
from nsm.strategy.models import Strategy


class Command(BaseCommand):
    help = "Write the annual monitoring report or the strategy and action plan document to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="annual: the monitoring report; plan: the strategy and action plan.")
        parser.add_argument("code", help="The strategy's code, e.g. AL-NSM-2024-2030.")
        parser.add_argument(
            "--period",
            default="",
            help="For the annual report: a year (2025) or a half (2025-H1). For the plan: one action plan's years "
            "(2027-2029); left out, the whole strategy.",
        )
        parser.add_argument("--lang", default="sq", help="Language of the document: sq (default) or en.")
        parser.add_argument("--format", dest="fmt", default="docx", help="docx (default), pdf or xlsx.")
        parser.add_argument("-o", "--output", default="", help="The file to write (default: a name in this folder).")

    @no_translations  # messages in English, as Django's own; the document is in --lang
    def handle(self, *args, kind, code, period, lang, fmt, output, **options):
        strategy = Strategy.objects.filter(code=code).first()
        if strategy is None:
            known = ", ".join(Strategy.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No strategy has the code {code!r}. Strategies: {known}.")
        chosen = None
        if kind == "annual" and not period:
            raise CommandError("The annual report needs --period, e.g. --period 2025 or --period 2025-H1.")
        if period:
            try:
                chosen = Period.parse(period)
            except ValueError as error:
                raise CommandError(f"{period!r} is not a period. {error}") from None
        try:
            check(kind, strategy, period=chosen, language=lang, fmt=fmt)
        except DocumentError as error:
            raise CommandError(str(error)) from None
        target = Path(output or filename(kind, strategy, period=chosen, language=lang, fmt=fmt))
        if target.is_dir():
            raise CommandError(f"{str(target)!r} is a folder: give the file's name, e.g. -o {target / 'report.docx'}.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {str(target.parent)!r} does not exist.")
        started = time.perf_counter()
        result = generate(kind, strategy, period=chosen, language=lang, fmt=fmt)
        try:
            target.write_bytes(result.content)
        except OSError as error:
            raise CommandError(f"Cannot write {str(target)!r}: {error.strerror}.") from None
        self.stdout.write(
            f"Wrote {target} ({len(result.content):,} bytes) in {time.perf_counter() - started:.1f} s "
            f"from data {result.data_stamp}."
        )
