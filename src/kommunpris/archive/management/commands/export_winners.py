from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from kommunpris.archive.announcement import render
from kommunpris.archive.exports import winner_row, winners_csv
from kommunpris.archive.selectors import public_announcement, public_winners
from kommunpris.commands import SiteLanguageCommand

from ._common import add_award_argument, award_from_options


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Prints the announced winners as text (the winners' page), JSON or CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        award = award_from_options(options)
        fmt = options["format"]
        if fmt == "text":
            self.stdout.write(render(public_announcement(award=award)), ending="")
        elif fmt == "json":
            rows = [winner_row(w) for w in public_winners(award=award)]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(winners_csv(public_winners(award=award)), ending="")
