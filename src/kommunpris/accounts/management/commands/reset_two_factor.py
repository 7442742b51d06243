"""`kommunpris reset_two_factor EMAIL`: remove a person's authenticator app and recovery codes.

For when the person who would reset it on the desk (an organiser) is the one who lost their
phone. The person sets two-factor sign-in up again at their next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.accounts.services import AccountError, reset_two_factor
from kommunpris.audit.vocabulary import CLI


class Command(BaseCommand):
    help = (
        "Återställer en persons tvåstegsverifiering (app och reservkoder). Personen ställer in "
        "den på nytt vid nästa inloggning."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Personens e-postadress (användarnamnet).")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["email"].strip()
        person = User.objects.filter(username__iexact=address).first()
        if person is None:
            raise CommandError(f"Ingen användare med e-postadressen {address}.")
        try:
            reset_two_factor(person=person, actor=CLI)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Tvåstegsverifieringen för {person.get_username()} är återställd. "
            "Personen ställer in den igen vid nästa inloggning."
        )
