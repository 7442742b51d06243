"""`kommunpris create_edition`: a new edition in draft, with its deadlines and gala."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, OffCadence, create_edition
from kommunpris.commands import SiteLanguageCommand

from ._edition_options import add_award_argument, award_from_options, parse_moment


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Creates a new edition (phase: draft) with the last day for nominations, the last day for "
        "the municipalities' supplements and the gala. Times in Swedish time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2027.")
        )
        add_award_argument(parser)
        parser.add_argument(
            "--nominations-close",
            required=True,
            metavar=_("DATE"),
            help=_("Last day for nominations (e.g. 2027-04-29: to the end of the day)."),
        )
        parser.add_argument(
            "--supplement-close",
            required=True,
            metavar=_("DATE"),
            help=_(
                "Last day for the municipalities' own answers and attachments (e.g. 2027-05-12)."
            ),
        )
        parser.add_argument(
            "--ceremony",
            required=True,
            metavar=_("TIME"),
            help=_("The gala, e.g. 2027-11-10T18:00."),
        )
        parser.add_argument("--venue", help=_("The venue (default: the award's, Kvalitetsmässan)."))
        parser.add_argument(
            "--off-cadence",
            action="store_true",
            help=_("Allow a year outside the award's cadence (every other year)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        award = award_from_options(options)
        try:
            edition = create_edition(
                award=award,
                year=options["year"],
                nominations_close_at=parse_moment(
                    options["nominations_close"], option="--nominations-close", end_of_day=True
                ),
                supplement_close_at=parse_moment(
                    options["supplement_close"], option="--supplement-close", end_of_day=True
                ),
                ceremony_at=parse_moment(
                    options["ceremony"], option="--ceremony", end_of_day=False
                ),
                venue=options["venue"],
                allow_off_cadence=options["off_cadence"],
                actor=CLI,
            )
        except OffCadence as exc:
            raise CommandError(
                _("%(reason)s Give --off-cadence to make the exception.") % {"reason": exc}
            ) from None
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        assert edition.nominations_close_at and edition.supplement_close_at and edition.ceremony_at
        self.stdout.write(
            _(
                "%(edition)s created (draft). Nominations up to and including %(nominations)s, "
                "supplements up to and including %(supplements)s, gala %(ceremony)s. Open the "
                "call for nominations with `kommunpris open_nominations --year %(year)s`."
            )
            % {
                "edition": edition.title,
                "nominations": f"{timezone.localtime(edition.nominations_close_at):%Y-%m-%d %H:%M}",
                "supplements": f"{timezone.localtime(edition.supplement_close_at):%Y-%m-%d %H:%M}",
                "ceremony": f"{timezone.localtime(edition.ceremony_at):%Y-%m-%d %H:%M}",
                "year": edition.year,
            }
        )
