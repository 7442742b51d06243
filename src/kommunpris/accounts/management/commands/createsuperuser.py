"""`kommunpris createsuperuser`: an organiser with every right, who signs in with an e-mail address.

It takes the place of Django's command of the same name (kommunpris.accounts comes before
django.contrib.auth in INSTALLED_APPS): it asks for the address instead of a username, and the
address, in lower case, is the username too. The account is made by
kommunpris.accounts.services.create_superuser, which records it in the audit log.

    kommunpris createsuperuser                                   # asks for address and password
    DJANGO_SUPERUSER_PASSWORD=… kommunpris createsuperuser --noinput --email anna@example.se
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.accounts.selectors import address_is_taken
from kommunpris.accounts.services import AccountError, create_superuser
from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Creates an organiser with every right (in the admin too), who signs in with their "
        "e-mail address and then a code from an authenticator app."
    )
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help=_("The e-mail address the person signs in with."))
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=_(
                "Ask nothing: the address from --email (or DJANGO_SUPERUSER_EMAIL), the password "
                "from DJANGO_SUPERUSER_PASSWORD (without it the account cannot sign in until a "
                "password is set with `kommunpris changepassword ADDRESS`)."
            ),
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        self.stdin = options.get("stdin", sys.stdin)  # tests give their own
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None
        try:
            if options["interactive"]:
                email, password = self._ask(options.get("email"))
            else:
                email = str(options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", ""))
                if not email:
                    raise CommandError(_("Give the address with --email when --noinput is used."))
                password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
                if password is not None:
                    self._check_password(email, password)
            user = create_superuser(email=email, password=password, actor=CLI)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            self.stderr.write("\n" + _("Interrupted; no account was created."))
            sys.exit(1)
        if options["verbosity"] >= 1:
            self.stdout.write(
                _(
                    "The account %(address)s is created. Sign in at /logga-in/ with the address "
                    "and the password; at the first sign-in you set up the authenticator app."
                )
                % {"address": user.email}
            )

    def _ask(self, given: str | None) -> tuple[str, str]:
        if not (self.stdin is not None and hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(
                _(
                    "No terminal to ask in. Run with --noinput --email ADDRESS and the password in "
                    "DJANGO_SUPERUSER_PASSWORD."
                )
            )
        email = self._address(given) if given else ""
        while not email:
            email = self._address(input(_("E-mail address: ")))
        while True:
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (again): ")):
                self.stderr.write(_("The passwords differ. Try again."))
                continue
            try:
                self._check_password(email, password)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            return email, password

    def _address(self, written: str) -> str:
        """The address if it can be used, else '' after saying why."""
        address = written.strip().lower()
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            self.stderr.write(
                _("'%(written)s' is not an e-mail address. Write e.g. anna@example.se.")
                % {"written": written}
            )
            return ""
        if address_is_taken(address):
            self.stderr.write(
                _("There is already an account for %(address)s. Choose another address.")
                % {"address": address}
            )
            return ""
        return address

    def _check_password(self, email: str, password: str) -> None:
        if not password.strip():
            raise CommandError(_("The password must not be empty."))
        try:
            validate_password(password, User(username=email, email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
