"""`nsm worker`: runs the background tasks (the documents asked for on the Documents page) as they are queued.

It is django-tasks' database worker (`db_worker`) under the platform's name, with the options people need.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.reports import services


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Run the background tasks as they are queued (the documents asked for on the Documents page) until "
            "stopped with Ctrl-C. Keep it running next to the web server."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help=_("Run the tasks waiting now, then stop (for cron or a test).")
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Seconds to wait before looking again when no task is waiting (default 1)."),
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help=_("Stop after running this many tasks (e.g. to free memory).")
        )
        parser.add_argument(
            "--reload", action="store_true", help=_("Restart when the code changes (development only).")
        )

    def handle(
        self, *args: Any, batch: bool, interval: float, max_tasks: int | None, reload: bool, **options: Any
    ) -> None:
        worker_options: dict[str, Any] = {
            "batch": batch,
            "interval": interval,
            "reload": reload and not batch,
            "startup_delay": not batch,
            "verbosity": options["verbosity"],
        }
        if max_tasks is not None:
            worker_options["max_tasks"] = max_tasks
        if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
            raise CommandError(
                "NSM_TASKS_BACKEND is not 'database': documents are made inside the request that asks for them, "
                "and no worker is needed."
            )
        services.fail_stalled()
        call_command("db_worker", **worker_options)
