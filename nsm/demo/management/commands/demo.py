"""`nsm demo`: load the illustrative demo plan and its users; `nsm demo --logins`: print the demo logins."""

import base64
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts import twofactor
from nsm.accounts.models import Membership, User
from nsm.demo import content
from nsm.demo.loader import DEMO_TOTP_SECRET, MissingReferenceData, load_demo


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Load the illustrative demo: the Albanian NSM 2024-2030 with its Action Plan 2024-2026, and one "
            "login per role. Running it again changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins", action="store_true", help=_("Only print the demo logins; load nothing."))

    def handle(self, *args: Any, logins: bool = False, **options: Any) -> None:
        if logins:
            self.stdout.write(logins_table())
            return
        try:
            load_demo(stdout=self.stdout)
        except MissingReferenceData as error:
            raise CommandError(str(error)) from error


def logins_table() -> str:
    """The demo logins as a plain-text table, with the warnings that go with them."""
    header = (_("username"), _("password"), _("role"), _("institution"))
    rows = [header] + [
        (user.username, content.PASSWORD, _role_label(user.role), user.institution or "-") for user in content.USERS
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    notes = [
        _("Demo logins. The demo plan is illustrative, not the adopted text of the strategy."),
        _("These passwords are for the demo only: never use them on a server that others can reach."),
    ]
    return "\n".join([notes[0], "", *lines, "", *_two_factor_lines(), "", notes[1]])


def _two_factor_lines() -> list[str]:
    """The demo's authenticator secret, and an otpauth:// address per login that needs it (for a phone app)."""
    names = [user.username for user in content.USERS if user.role in {"superuser", *twofactor.TWO_FACTOR_ROLES}]
    lines = [
        _(
            "Two-factor sign-in: %(names)s also enter a 6-digit code after the password. Add the secret below to an "
            "authenticator app (or open an otpauth:// address on the phone), or print the current code with "
            "`nsm totp-code USERNAME`."
        )
        % {"names": ", ".join(names)},
        _("Secret (base32): %(secret)s") % {"secret": DEMO_TOTP_SECRET},
    ]
    for name in names:
        device = TOTPDevice(user=User(username=name), key=base64.b32decode(DEMO_TOTP_SECRET).hex())
        lines.append(f"  {device.config_url}")
    return lines


def _role_label(role: str) -> str:
    return _("Superuser (administrator)") if role == "superuser" else str(Membership.Role(role).label)
