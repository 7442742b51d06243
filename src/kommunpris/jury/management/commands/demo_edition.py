"""`kommunpris demo_edition`: a whole simulated edition, for organisers learning the workflow."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.selectors import edition as find_edition
from kommunpris.awards.services import EditionError
from kommunpris.jury.demo import DEMO_DOMAIN, run_call, run_jury
from kommunpris.jury.services import JuryError
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.services import CandidacyError, NominationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Command(BaseCommand):
    help = (
        "Kör en hel påhittad upplaga genom samma tjänster som en människa använder: nomineringar "
        "av riktiga kommuner, kandidaturer, en jury med jäv, poäng i varje omgång, omröstning och "
        "beslut. Sista raden är vinnarens kommunkod och namn. Vägrar köra för ett år som redan "
        "har en upplaga. Vinnaren blir offentlig vid publiceringstiden, som en riktig: kör demon "
        "i en övningsdatabas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2029.")
        parser.add_argument(
            "--publish-at",
            required=True,
            metavar="TID",
            help="Galan, då vinnaren blir offentlig, i svensk tid: t.ex. 2029-11-14T18:00.",
        )
        parser.add_argument(
            "--seed", type=int, help="Slumpfrö; samma frö ger samma upplaga (standard: året)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        publish_at = _parse_moment(options["publish_at"])
        seed: int = options["seed"] if options["seed"] is not None else year
        try:
            the_award = award()
        except AwardNotFound as exc:
            raise CommandError(f"{exc} Läs in arkivet först: kommunpris bootstrap.") from None
        existing = find_edition(the_award, year)
        if existing is not None:
            raise CommandError(
                f"{existing.title} finns redan (fas: {existing.phase}). Demon körs bara för ett år "
                "utan data; välj ett annat år."
            )
        rng = random.Random(seed)
        say = self.stdout.write
        say(f"Demo: {the_award.name_in(year)} {year}, slumpfrö {seed}.")
        first_mail = OutgoingMail.objects.order_by("-id").values_list("id", flat=True).first() or 0
        # Every address is under .invalid; the messages are kept, never handed to a mail server.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            try:
                with transaction.atomic():
                    call = run_call(
                        award=the_award, year=year, publish_at=publish_at, rng=rng, say=say
                    )
                    winner = run_jury(
                        edition=call.edition,
                        publish_at=publish_at,
                        rng=rng,
                        say=say,
                        publish_at_once=publish_at <= timezone.now(),
                        review_from=call.supplement_closed_at,
                    )
            except (EditionError, NominationError, CandidacyError, JuryError) as exc:
                raise CommandError(f"Demon avbröts och inget sparades: {exc}") from None
        mails = OutgoingMail.objects.filter(id__gt=first_mail).count()
        say(
            f"E-post: {mails} meddelanden till påhittade adresser (@{DEMO_DOMAIN}), "
            "sparade i utkorgen."
        )
        if publish_at <= timezone.now():
            say("Publiceringstiden har redan passerat: vinnaren är offentlig direkt.")
        else:
            say(
                f"Beslutet är hemligt till {publish_at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}; "
                "sedan visas vinnaren i arkivet, API:et, flödet och nedladdningarna."
            )
        say(", ".join(f"{m.code} {m.name}" for m in winner.places))


def _parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--publish-at {text}: skriv t.ex. 2029-11-14T18:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
