"""`kommunpris reopen_nominations`: a call closed before its deadline opens again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris import dates
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, reopen_nominations
from kommunpris.commands import SiteLanguageCommand

from ._edition_options import add_award_argument, edition_from_options


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Opens the call for nominations to an edition again, if it was closed before the last "
        "day for nominations (the same as the button on the desk)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2027.")
        )
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = reopen_nominations(edition=edition, actor=CLI)
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "The call for nominations to %(edition)s is open again up to and including "
                "%(until)s."
            )
            % {
                "edition": edition.title,
                "until": dates.moment(edition.nominations_close_at, swedish=True),
            }
        )
