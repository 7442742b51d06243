"""`kommunpris close_nominations`: the call for nominations ends (nominations_open → closed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, close_nominations
from kommunpris.commands import SiteLanguageCommand

from ._edition_options import add_award_argument, edition_from_options


class Command(SiteLanguageCommand):
    description = gettext_lazy("Closes the call for nominations to an edition.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2027.")
        )
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = close_nominations(edition=edition, actor=CLI)
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("The call for nominations to %(edition)s is closed.") % {"edition": edition.title}
        )
