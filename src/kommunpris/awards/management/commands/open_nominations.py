"""`kommunpris open_nominations`: the call for nominations opens (draft → nominations_open)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, OffCadence, open_nominations
from kommunpris.commands import SiteLanguageCommand

from ._edition_options import add_award_argument, edition_from_options


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Opens the call for nominations to an edition (once, before the last day for nominations)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2027.")
        )
        add_award_argument(parser)
        parser.add_argument(
            "--off-cadence",
            action="store_true",
            help=_("Allow a year outside the award's cadence (every other year)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = open_nominations(
                edition=edition, actor=CLI, allow_off_cadence=options["off_cadence"]
            )
        except OffCadence as exc:
            raise CommandError(
                _("%(reason)s Give --off-cadence to make the exception.") % {"reason": exc}
            ) from None
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        assert edition.nominations_close_at is not None
        self.stdout.write(
            _("The call for nominations to %(edition)s is open up to and including %(until)s.")
            % {
                "edition": edition.title,
                "until": f"{timezone.localtime(edition.nominations_close_at):%Y-%m-%d %H:%M}",
            }
        )
