"""`kommunpris simulate_edition`: an edition at the size of the whole country, through the
services, for measuring the desk and rehearsing a gala (kommunpris.jury.simulation)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.selectors import edition as find_edition
from kommunpris.awards.services import EditionError
from kommunpris.jury.demo import DEMO_DOMAIN
from kommunpris.jury.services import JuryError
from kommunpris.jury.simulation import Scale, simulate_edition
from kommunpris.nominations.services import CandidacyError, NominationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Command(BaseCommand):
    help = (
        "Kör en hel påhittad upplaga i hela landets storlek genom samma tjänster som en människa "
        "använder: alla 290 kommuner som kandidaturer, 20 000 nomineringar bekräftade via sina "
        "länkar, kontaktpersoner som svarar, 15 jurymedlemmar med jäv, tre omgångar där allt "
        "bedöms, omröstning och beslut. Skriver hur lång tid varje del tog. Allt eller inget; "
        "vägrar köra för ett år som redan har en upplaga. Kör den i en övningsdatabas: "
        "meddelandena till de påhittade adresserna ligger kvar i utkorgen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2031.")
        parser.add_argument(
            "--publish-at",
            metavar="TID",
            help="Galan, då vinnaren blir offentlig, i svensk tid (standard: 14 november "
            "klockan 18 upplagans år).",
        )
        parser.add_argument("--seed", type=int, help="Slumpfrö (standard: året).")
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
            raise CommandError(f"{exc} Läs in arkivet först: kommunpris bootstrap.") from None
        existing = find_edition(the_award, year)
        if existing is not None:
            raise CommandError(
                f"{existing.title} finns redan (fas: {existing.phase}); välj ett år utan upplaga."
            )
        say = self.stdout.write
        say(
            f"Simulering: {the_award.name_in(year)} {year}: {scale.candidacies} kandidaturer, "
            f"{scale.nominations} nomineringar, {scale.jurors} i juryn."
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
            raise CommandError(f"Simuleringen avbröts och inget sparades: {exc}") from None
        seconds = simulated.seconds
        say(
            f"Tid: nomineringar {seconds['nominations']:.0f} s, kontakter "
            f"{seconds['contacts']:.0f} s, juryn {seconds['jury']:.0f} s; "
            f"totalt {seconds['total']:.0f} s. Meddelandena till @{DEMO_DOMAIN} ligger i "
            "utkorgen."
        )
        say(", ".join(f"{m.code} {m.name}" for m in simulated.winner.places))


def _moment(text: str | None, year: int) -> datetime:
    if text is None:
        return datetime(year, 11, 14, 18, 0, tzinfo=STOCKHOLM)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--publish-at {text}: skriv t.ex. {year}-11-14T18:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
