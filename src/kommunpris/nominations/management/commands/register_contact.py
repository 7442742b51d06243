"""`kommunpris register_contact`: name the address that speaks for a nominated municipality."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.awards.management.commands._edition_options import (
    add_award_argument,
    edition_from_options,
)
from kommunpris.nominations.services import CandidacyError, register_contact
from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolve


class Command(BaseCommand):
    help = (
        "Registrerar kommunens kontaktperson för en upplaga. Har kommunen redan en bekräftad "
        "nominering får kontaktpersonen besked direkt, annars när den första bekräftas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2027.")
        add_award_argument(parser)
        parser.add_argument("--municipality", required=True, help="Kommunen, t.ex. Sundsvall.")
        parser.add_argument("--email", required=True, help="Kontaktpersonens e-postadress.")
        parser.add_argument("--name", default="", help="Kontaktpersonens namn (valfritt).")

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            match = resolve(options["municipality"])
        except MunicipalityNotFound as exc:
            raise CommandError(exc.message) from None
        municipality = Municipality.objects.get(code=match.code)
        try:
            contact = register_contact(
                edition=edition,
                municipality=municipality,
                email=options["email"],
                name=options["name"],
                actor="cli",
            )
        except CandidacyError as exc:
            raise CommandError(str(exc)) from None
        told = "har fått besked" if contact.notified_at else "får besked vid första nomineringen"
        self.stdout.write(f"{contact.email} är kontakt för {municipality.name} ({told}).")
