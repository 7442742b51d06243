"""`kommunpris demo_edition`: a whole simulated edition, for organisers learning the workflow."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.selectors import edition as find_edition
from kommunpris.awards.services import EditionError
from kommunpris.commands import SiteLanguageCommand
from kommunpris.jury.demo import DEMO_DOMAIN, run_call, run_jury
from kommunpris.jury.services import JuryError
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.services import CandidacyError, NominationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Runs a whole made-up edition through the same services a person uses: nominations of "
        "real municipalities, candidacies, a jury with conflicts of interest, scores in every "
        "round, the ballot and the decision. The last line is the winner's municipality code and "
        "name. Refuses to run for a year that already has an edition. The winner becomes public "
        "at the publication time, like a real one: run the demo in a practice database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help=_("The edition's year, e.g. 2029.")
        )
        parser.add_argument(
            "--publish-at",
            required=True,
            metavar=_("TIME"),
            help=_(
                "The gala, when the winner becomes public, in Swedish time: e.g. 2029-11-14T18:00."
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            help=_("Random seed; the same seed gives the same edition (default: the year)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        publish_at = _parse_moment(options["publish_at"])
        seed: int = options["seed"] if options["seed"] is not None else year
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
                    "%(edition)s exists already (phase: %(phase)s). The demo runs only for a year "
                    "without data; choose another year."
                )
                % {"edition": existing.title, "phase": existing.phase}
            )
        rng = random.Random(seed)
        say = self.stdout.write
        say(
            _("Demo: %(award)s %(year)s, random seed %(seed)s.")
            % {"award": the_award.name_in(year), "year": year, "seed": seed}
        )
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
                raise CommandError(
                    _("The demo was stopped and nothing was saved: %(reason)s") % {"reason": exc}
                ) from None
        mails = OutgoingMail.objects.filter(id__gt=first_mail).count()
        say(
            _("E-mail: %(mails)s messages to made-up addresses (@%(domain)s), kept in the outbox.")
            % {"mails": mails, "domain": DEMO_DOMAIN}
        )
        if publish_at <= timezone.now():
            say(_("The publication time has passed already: the winner is public at once."))
        else:
            say(
                _(
                    "The decision is secret until %(moment)s; then the winner shows in the "
                    "archive, the API, the feed and the downloads."
                )
                % {"moment": f"{publish_at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"}
            )
        say(", ".join(f"{m.code} {m.name}" for m in winner.places))


def _parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--publish-at %(text)s: write e.g. %(example)s.")
            % {"text": text, "example": "2029-11-14T18:00"}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
