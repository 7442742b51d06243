"""`kommunpris register_contact`: name the address that speaks for a nominated municipality."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.management.commands._edition_options import (
    add_award_argument,
    edition_from_options,
)
from kommunpris.commands import SiteLanguageCommand
from kommunpris.nominations.services import CandidacyError, register_contact
from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolve


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Registers a municipality's contact for an edition. If the municipality already has "
        "a confirmed nomination the contact is told at once, otherwise when the first is "
        "confirmed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2027.")
        )
        add_award_argument(parser)
        parser.add_argument(
            "--municipality", required=True, help=_("The municipality, e.g. Sundsvall.")
        )
        parser.add_argument("--email", required=True, help=_("The contact's e-mail address."))
        parser.add_argument("--name", default="", help=_("The contact's name (optional)."))

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
                actor=CLI,
            )
        except CandidacyError as exc:
            raise CommandError(str(exc)) from None
        if contact.notified_at:
            done = _("%(email)s is the contact for %(name)s (has been told).")
        else:
            done = _("%(email)s is the contact for %(name)s (is told at the first nomination).")
        self.stdout.write(done % {"email": contact.email, "name": municipality.name})
