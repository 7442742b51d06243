"""`kommunpris simulate_edition`: an edition at the size of the whole country, through the
services, for measuring the desk and rehearsing a gala (kommunpris.jury.simulation)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.selectors import edition as find_edition
from kommunpris.awards.services import EditionError
from kommunpris.commands import SiteLanguageCommand
from kommunpris.jury.demo import DEMO_DOMAIN
from kommunpris.jury.services import JuryError
from kommunpris.jury.simulation import Scale, simulate_edition
from kommunpris.nominations.services import CandidacyError, NominationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Runs a whole made-up edition at the size of the whole country through the same services "
        "a person uses: all 290 municipalities as candidacies, 20 000 nominations confirmed "
        "through their links, contacts who answer, 15 jury members with conflicts of interest, "
        "three rounds where everything is scored, the ballot and the decision. Writes how long "
        "each part took. All or nothing; refuses to run for a year that already has an edition. "
        "Run it in a practice database: the messages to the made-up addresses stay in the outbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2031.")
        )
        parser.add_argument(
            "--publish-at",
            metavar=_("TIME"),
            help=_(
                "The gala, when the winner becomes public, in Swedish time (default: 14 November "
                "at 18 in the edition's year)."
            ),
        )
        parser.add_argument("--seed", type=int, help=_("Random seed (default: the year)."))
        defaults = Scale()
        parser.add_argument("--candidacies", type=int, default=defaults.candidacies)
        parser.add_argument("--nominations", type=int, default=defaults.nominations)
        parser.add_argument("--jurors", type=int, default=defaults.jurors)
        parser.add_argument("--nominees", type=int, default=defaults.nominees)
        parser.add_argument("--finalists", type=int, default=defaults.finalists)

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        publish_at = _moment(options["publish_at"], year)
        try:
            scale = Scale(
                candidacies=options["candidacies"],
                nominations=options["nominations"],
                jurors=options["jurors"],
                nominees=options["nominees"],
                finalists=options["finalists"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            the_award = award()
        except AwardNotFound as exc:
            raise CommandError(
                _("%(reason)s Load the archive first: kommunpris bootstrap.") % {"reason": exc}
            ) from None
        existing = find_edition(the_award, year)
        if existing is not None:
            raise CommandError(
                _(
                    "%(edition)s exists already (phase: %(phase)s); choose a year without an "
                    "edition."
                )
                % {"edition": existing.title, "phase": existing.phase}
            )
        say = self.stdout.write
        say(
            _(
                "Simulation: %(award)s %(year)s: %(candidacies)s candidacies, %(nominations)s "
                "nominations, %(jurors)s on the jury."
            )
            % {
                "award": the_award.name_in(year),
                "year": year,
                "candidacies": scale.candidacies,
                "nominations": scale.nominations,
                "jurors": scale.jurors,
            }
        )
        try:
            with transaction.atomic():
                simulated = simulate_edition(
                    award=the_award,
                    year=year,
                    publish_at=publish_at,
                    scale=scale,
                    rng=random.Random(options["seed"] if options["seed"] is not None else year),
                    say=say,
                )
        except (EditionError, NominationError, CandidacyError, JuryError) as exc:
            raise CommandError(
                _("The simulation was stopped and nothing was saved: %(reason)s") % {"reason": exc}
            ) from None
        seconds = simulated.seconds
        say(
            _(
                "Time: nominations %(nominations)s s, contacts %(contacts)s s, the jury %(jury)s "
                "s; in all %(total)s s. The messages to @%(domain)s are in the outbox."
            )
            % {
                "nominations": f"{seconds['nominations']:.0f}",
                "contacts": f"{seconds['contacts']:.0f}",
                "jury": f"{seconds['jury']:.0f}",
                "total": f"{seconds['total']:.0f}",
                "domain": DEMO_DOMAIN,
            }
        )
        say(", ".join(f"{m.code} {m.name}" for m in simulated.winner.places))


def _moment(text: str | None, year: int) -> datetime:
    if text is None:
        return datetime(year, 11, 14, 18, 0, tzinfo=STOCKHOLM)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--publish-at %(text)s: write e.g. %(example)s.")
            % {"text": text, "example": f"{year}-11-14T18:00"}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
