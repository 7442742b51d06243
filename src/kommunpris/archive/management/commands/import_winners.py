from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.archive.announcement import AnnouncementError
from kommunpris.archive.services import import_winners
from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand

from ._common import add_award_argument, award_from_options, read_file


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Imports the winners' page (heading, introduction, winners with citations) from a text "
        "file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH")
        add_award_argument(parser)
        parser.add_argument(
            "--allow-off-cadence",
            action="store_true",
            help=_("Allow years that do not follow the award's rhythm."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        data = read_file(path)
        award = award_from_options(options)
        try:
            result = import_winners(
                data=data, award=award, allow_off_cadence=options["allow_off_cadence"], actor=CLI
            )
        except AnnouncementError as exc:
            lines = "\n".join(f"{path}: {error}" for error in exc.errors)
            raise CommandError(_("%(errors)s\nNothing was imported.") % {"errors": lines}) from None
        self.stdout.write(
            _("%(path)s: %(created)s new winners, %(updated)s changed, %(unchanged)s unchanged.")
            % {
                "path": path,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
