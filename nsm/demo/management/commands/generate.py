"""`nsm generate --scale national|multi`: synthetic benchmark data (see `nsm.demo.generate`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from nsm.demo.generate import SCALES, generate
from nsm.demo.loader import MissingReferenceData


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Generate synthetic benchmark data: one national strategy (BENCH-XA-2024-2030) or fifty, each with "
            "600 activities, 200 indicators and 14 reported half-year cycles. Bench data only: no history is "
            "recorded. Running it again changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", required=True, choices=sorted(SCALES), help=_("national: 1 strategy; multi: 50 strategies.")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Strategy i (from 0) uses the seed N + i."))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("First delete every benchmark strategy (BENCH-*) and the benchmark institutions."),
        )

    def handle(self, *args: Any, scale: str, seed: int = 1, replace: bool = False, **options: Any) -> None:
        try:
            generate(scale, seed, stdout=self.stdout, replace=replace)
        except (MissingReferenceData, ProtectedError) as error:
            raise CommandError(str(error)) from error
