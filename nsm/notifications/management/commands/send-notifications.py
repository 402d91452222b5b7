"""`nsm send-notifications [--digest]`: e-mail the notifications not sent yet; run it every few minutes, and with
`--digest` once a day (which first tells of the action points overdue that day)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.notifications.services import notify_overdue_action_points, send_digests, send_due


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "E-mail every notification due at once that is not sent yet (those whose first try failed are tried "
            "again); with --digest, send each user who chose the daily digest one e-mail of their notifications "
            "not sent yet, after telling the owners of the action points overdue today. A notification is never "
            "e-mailed twice."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--digest",
            action="store_true",
            help=_("Tell of the action points overdue today, then send the daily digests (run it once a day)."),
        )

    def handle(self, *args: Any, digest: bool = False, **options: Any) -> None:
        if digest:
            overdue = notify_overdue_action_points()
            self.stdout.write(_("Overdue action points told of: %(count)d.") % {"count": len(overdue)})
        run = send_digests() if digest else send_due()
        for user, count in run.digests:
            self.stdout.write(
                ngettext(
                    "Digest sent to %(email)s: %(count)d notification.",
                    "Digest sent to %(email)s: %(count)d notifications.",
                    count,
                )
                % {"email": user.email, "count": count}
            )
        for what, error in run.failed:
            self.stderr.write(_("Failed: %(what)s: %(error)s") % {"what": what, "error": error})
        sent = len(run.sent) + len(run.digests) + len(run.answers)
        self.stdout.write(ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", sent) % {"count": sent})
        if run.failed:
            raise CommandError(_("Some e-mails could not be sent; they will be tried again on the next run."))
