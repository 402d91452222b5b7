"""`nsm totp-code USERNAME`: the code a user's authenticator app shows now, for demos and support."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.accounts import twofactor
from nsm.accounts.models import User


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Print the current two-factor sign-in code of a user. It is computed from the secret of the user's "
            "device, read from the database: this command is for administrators (whoever can run it and knows the "
            "password can sign in as that user), for the demo and for support."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("The user name, e.g. secretariat."))

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(username)s.") % {"username": username})
        device = twofactor.confirmed_device(user)
        if device is None:
            raise CommandError(
                _("%(username)s has no two-factor device: they set one up at their next sign-in.")
                % {"username": username}
            )
        self.stdout.write(twofactor.current_code(device))
