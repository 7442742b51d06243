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
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.accounts.selectors import address_is_taken
from kommunpris.accounts.services import AccountError, create_superuser
from kommunpris.audit.vocabulary import CLI


class Command(BaseCommand):
    help = (
        "Skapar en arrangör med alla rättigheter (även i admin), som loggar in med sin "
        "e-postadress och sedan en kod från en autentiseringsapp."
    )
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="E-postadressen personen loggar in med.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=(
                "Fråga inget: adressen från --email (eller DJANGO_SUPERUSER_EMAIL), lösenordet "
                "från DJANGO_SUPERUSER_PASSWORD (utan det kan kontot inte logga in förrän ett "
                "lösenord sätts med `kommunpris changepassword ADRESS`)."
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
                    raise CommandError("Ange adressen med --email när --noinput används.")
                password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
                if password is not None:
                    self._check_password(email, password)
            user = create_superuser(email=email, password=password, actor=CLI)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            self.stderr.write("\nAvbrutet; inget konto skapades.")
            sys.exit(1)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Kontot {user.email} är skapat. Logga in på /logga-in/ med adressen och "
                "lösenordet; vid första inloggningen ställer du in autentiseringsappen."
            )

    def _ask(self, given: str | None) -> tuple[str, str]:
        if not (self.stdin is not None and hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(
                "Ingen terminal att fråga i. Kör med --noinput --email ADRESS och lösenordet i "
                "DJANGO_SUPERUSER_PASSWORD."
            )
        email = self._address(given) if given else ""
        while not email:
            email = self._address(input("E-postadress: "))
        while True:
            password = getpass.getpass("Lösenord: ")
            if password != getpass.getpass("Lösenord (igen): "):
                self.stderr.write("Lösenorden är olika. Försök igen.")
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
            self.stderr.write(f"'{written}' är ingen e-postadress. Skriv t.ex. anna@example.se.")
            return ""
        if address_is_taken(address):
            self.stderr.write(f"Det finns redan ett konto för {address}. Välj en annan adress.")
            return ""
        return address

    def _check_password(self, email: str, password: str) -> None:
        if not password.strip():
            raise CommandError("Lösenordet får inte vara tomt.")
        try:
            validate_password(password, User(username=email, email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
