"""`nsm report annual CODE --period 2025 --lang sq --format docx -o FILE`, `nsm report plan CODE --lang en
--format pdf -o FILE`, `nsm report gcm-review CODE --period 2025 --lang en --format pdf -o FILE` (the draft GCM
voluntary national review of the period, as written so far) and `nsm report consultation CODE --round ID --lang sq
--format pdf -o FILE` (the latest consultation report issued for the round): a document written straight to a file,
without the worker (for scripts and cron)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from nsm.analytics.periods import Period
from nsm.consultation.issue import latest
from nsm.consultation.models import ConsultationRound
from nsm.reports.consultation import check as check_consultation
from nsm.reports.consultation import filename as consultation_filename
from nsm.reports.consultation import generate_consultation
from nsm.reports.generate import DocumentError, Output, check, filename, generate
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
        "Write the annual monitoring report, the strategy and action plan document, the GCM voluntary national review "
        "or a round's consultation report to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            help="annual: the monitoring report; plan: the strategy and action plan; gcm-review: the GCM voluntary "
            "national review (--period); consultation: the consultation report of a round (--round).",
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
        parser.add_argument("--lang", default="sq", help="Language of the document: sq (default) or en.")
        parser.add_argument("--format", dest="fmt", default="docx", help="docx (default), pdf or xlsx.")
        parser.add_argument("-o", "--output", default="", help="The file to write (default: a name in this folder).")

    @no_translations  # messages in English, as Django's own; the document is in --lang
    def handle(self, *args, kind, code, period, round_id, lang, fmt, output, **options):
        strategy = Strategy.objects.filter(code=code).first()
        if strategy is None:
            known = ", ".join(Strategy.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No strategy has the code {code!r}. Strategies: {known}.")
        if kind not in ("annual", "plan", "gcm-review", "consultation"):
            raise CommandError(f"Unknown document {kind}: choose annual, plan, gcm-review or consultation.")
        if kind == "consultation":
            self.consultation(strategy, round_id, lang=lang, fmt=fmt, output=output)
            return
        if round_id:
            raise CommandError("--round is for the consultation report only.")
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
            check_consultation(lang, fmt)
        except DocumentError as error:
            raise CommandError(str(error)) from None
        target = _target(output or consultation_filename(issued, lang, fmt))
        started = time.perf_counter()
        self.write(target, generate_consultation(issued, language=lang, fmt=fmt), started)

    def write(self, target: Path, result: Output, started: float) -> None:
        try:
            target.write_bytes(result.content)
        except OSError as error:
            raise CommandError(f"Cannot write {str(target)!r}: {error.strerror}.") from None
        self.stdout.write(
            f"Wrote {target} ({len(result.content):,} bytes) in {time.perf_counter() - started:.1f} s "
            f"from data {result.data_stamp}."
        )
