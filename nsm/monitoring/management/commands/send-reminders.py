"""`nsm send-reminders [--today YYYY-MM-DD] [--dry-run]`: e-mail the reminders due today; run it once a day."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.monitoring.reminders import DueReminder, send_reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Give the date as YYYY-MM-DD, e.g. 2025-07-08.")) from error


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Send the reminders due today to the focal points of reports not yet submitted: before the due date "
            "and once overdue, each once per report. Run it daily (cron or a systemd timer)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", metavar="YYYY-MM-DD", help=_("Act as if today were this date."))
        parser.add_argument("--dry-run", action="store_true", help=_("List what would be sent; send nothing."))

    def handle(self, *args: Any, today: str | None = None, dry_run: bool = False, **options: Any) -> None:
        run = send_reminders(today=_date(today) if today else None, dry_run=dry_run)
        for item in run.sent:
            line = _("Would send: %(line)s") if dry_run else _("Sent: %(line)s")
            self.stdout.write(line % {"line": _describe(item)})
        for item in run.without_recipients:
            self.stdout.write(
                self.style.WARNING(
                    _("Not sent: %(line)s: the institution has no active focal point with an e-mail address.")
                    % {"line": _describe(item)}
                )
            )
        for item, error in run.failed:
            self.stderr.write(_("Failed: %(line)s: %(error)s") % {"line": _describe(item), "error": error})
        self.stdout.write(_summary(run.today, len(run.sent), len(run.without_recipients), len(run.failed), dry_run))
        if run.failed:
            raise CommandError(_("Some reminders could not be sent; they will be tried again on the next run."))


def _describe(item: DueReminder) -> str:
    return _("%(kind)s reminder for %(report)s to %(recipients)s") % {
        "kind": item.kind_label,
        "report": item.report,
        "recipients": ", ".join(item.emails) or "-",
    }


def _summary(today: datetime.date, sent: int, without: int, failed: int, dry_run: bool) -> str:
    if dry_run:
        done = ngettext("%(count)d reminder would be sent", "%(count)d reminders would be sent", sent)
    else:
        done = ngettext("%(count)d reminder sent", "%(count)d reminders sent", sent)
    parts = [done % {"count": sent}]
    if without:
        parts.append(
            ngettext("%(count)d report without recipients", "%(count)d reports without recipients", without)
            % {"count": without}
        )
    if failed:
        parts.append(ngettext("%(count)d failed", "%(count)d failed", failed) % {"count": failed})
    return _("%(date)s: %(parts)s.") % {"date": today.isoformat(), "parts": "; ".join(parts)}
