"""An edition at the size of the whole country, simulated through the same services a person
uses: every municipality a candidacy, twenty thousand nominations confirmed by their links,
municipality contacts answering, fifteen jurors with conflicts, three rounds fully scored, a
ballot and the decision. For measuring the desk at national scale (bench/national.py) and for
rehearsing a gala; `kommunpris simulate_edition`. Every choice is drawn from a seeded generator
and every address is under .invalid (jury.demo); the messages stay in the outbox unsent.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.archive.models import Winner
from kommunpris.audit.vocabulary import CLI, MachineActor
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import close_nominations, create_edition, open_nominations
from kommunpris.mail.links import SecretLink, build
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import Candidacy
from kommunpris.nominations.questions import questions_of
from kommunpris.register.models import Municipality

from .demo import DEMO_DOMAIN, JURY, DemoJuror, answer_as_contacts, demo_answers, run_jury

# The demo's six and nine more: fifteen, the chair first.
NATIONAL_JURY = (
    *JURY,
    DemoJuror("Lina Forsberg"),
    DemoJuror("Henrik Åberg"),
    DemoJuror("Maja Engström"),
    DemoJuror("Yusuf Demir"),
    DemoJuror("Eva Lundgren"),
    DemoJuror("Olof Nyström"),
    DemoJuror("Ingrid Sjöberg"),
    DemoJuror("Tomas Karlsson"),
    DemoJuror("Amira Hassan"),
)
# Organisations that nominate across the country (a juror on Sambruk's board is conflicted out
# of what it nominates) and what local nominators belong to.
NATIONAL_ORGANISATIONS = ("Sambruk", "Företagarna", "Vision", "Dataföreningen", "SKR")
LOCAL_ORGANISATIONS = ("Hembygdsföreningen", "Företagarföreningen", "Pensionärsrådet", "")
FIRST_NAMES = ("Anna", "Lars", "Fatima", "Erik", "Maria", "Omar", "Karin", "Per", "Sofia", "Ali")
LAST_NAMES = ("Andersson", "Berg", "Lindqvist", "Nilsson", "Haddad", "Ek", "Holm", "Said", "Wik")


@dataclass(frozen=True)
class Scale:
    candidacies: int = 290
    nominations: int = 20_000
    jurors: int = 15
    nominees: int = 10
    finalists: int = 5

    def __post_init__(self) -> None:
        if not 3 <= self.candidacies <= 290:
            raise ValueError(_("Between 3 and 290 candidacies: one per municipality."))
        if self.nominations < self.candidacies:
            raise ValueError(_("At least one nomination per candidacy."))
        if not len(JURY) <= self.jurors <= len(NATIONAL_JURY):
            raise ValueError(
                _("Between %(least)s and %(most)s jury members.")
                % {"least": len(JURY), "most": len(NATIONAL_JURY)}
            )
        if not 3 <= self.finalists <= self.nominees <= self.candidacies:
            raise ValueError(_("At least three finalists, at most as many as nominees."))


@dataclass
class Simulated:
    edition: Edition
    winner: Winner
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - started


def _counts(scale: Scale, rng: random.Random) -> list[int]:
    """Nominations per candidacy: at least one each, the rest spread unevenly (a few
    municipalities draw many, most a handful), summing to scale.nominations."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(scale.candidacies)]
    rng.shuffle(weights)
    extra = rng.choices(range(scale.candidacies), weights, k=scale.nominations - scale.candidacies)
    counts = [1] * scale.candidacies
    for index in extra:
        counts[index] += 1
    return counts


class _Links:
    """The confirmation link mailed with each submission, read as its reader would click it:
    from the newest message queued to that address (the outbox is read forward only)."""

    def __init__(self) -> None:
        self.last_seen = OutgoingMail.objects.order_by("-id").values_list("id", flat=True).first()

    def token_for(self, email: str) -> str:
        mail = (
            OutgoingMail.objects.filter(
                id__gt=self.last_seen or 0, to=email, template="nominations/confirm"
            )
            .order_by("-id")
            .first()
        )
        if mail is None:
            raise RuntimeError(f"No confirmation link was queued for {email}.")
        self.last_seen = mail.pk
        ((_, link),) = mail.links.items()
        url = build(SecretLink(link["kind"], link["params"]), to=email)
        return url.rstrip("/").rsplit("/", 1)[1]


def run_national_call(
    *,
    award: Award,
    year: int,
    publish_at: datetime,
    scale: Scale,
    rng: random.Random,
    seconds: dict[str, float],
    actor: MachineActor = CLI,
    say: Callable[[str], None] = print,
) -> tuple[Edition, datetime]:
    """The call for nominations, on a simulated clock that ends months before the gala."""
    close_at = publish_at - timedelta(days=150)
    supplement_at = publish_at - timedelta(days=120)
    now = min(timezone.now(), close_at - timedelta(days=60))
    edition = create_edition(
        award=award,
        year=year,
        nominations_close_at=close_at,
        supplement_close_at=supplement_at,
        ceremony_at=publish_at,
        actor=actor,
    )
    edition = open_nominations(edition=edition, actor=actor, now=now)
    municipalities = rng.sample(list(Municipality.objects.order_by("code")), scale.candidacies)
    counts = _counts(scale, rng)
    # Each national organisation nominates one municipality in twenty-four (twelve of 290).
    reach = max(1, scale.candidacies // 24)
    national = {
        name: set(rng.sample(range(scale.candidacies), reach)) for name in NATIONAL_ORGANISATIONS
    }
    links = _Links()
    questions = questions_of(edition)
    started = time.perf_counter()
    with _timed(seconds, "nominations"):
        number = 0
        for index, (municipality, count) in enumerate(zip(municipalities, counts, strict=True)):
            organisations = [n for n, chosen in national.items() if index in chosen]
            for _each in range(count):
                number += 1
                email = f"nominerare-{number:05d}@{DEMO_DOMAIN}"
                organisation = (
                    organisations.pop() if organisations else rng.choice(LOCAL_ORGANISATIONS)
                )
                now += timedelta(seconds=rng.randint(20, 400))
                nominations.submit_nomination(
                    edition=edition,
                    municipality=municipality,
                    answers=demo_answers(questions, rng, municipality.name),
                    nominator_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    nominator_email=email,
                    nominator_organisation=organisation,
                    now=now,
                )
                nominations.confirm_nomination(token=links.token_for(email), now=now)
                if number % 2000 == 0:
                    say(
                        _("  %(count)s nominations confirmed (%(seconds)s s).")
                        % {"count": number, "seconds": f"{time.perf_counter() - started:.0f}"}
                    )
    with _timed(seconds, "contacts"):
        answer_as_contacts(
            edition,
            questions,
            rng,
            email_of=lambda m: f"digitalisering@kommun-{m.code}.{DEMO_DOMAIN}",
            actor=actor,
            now=now,
        )
    edition = close_nominations(edition=edition, actor=actor)
    say(
        _(
            "The call: %(count)s confirmed nominations, %(candidacies)s candidacies "
            "(%(seconds)s s; contacts %(contact_seconds)s s)."
        )
        % {
            "count": scale.nominations,
            "candidacies": Candidacy.objects.filter(edition=edition).count(),
            "seconds": f"{seconds['nominations']:.0f}",
            "contact_seconds": f"{seconds['contacts']:.0f}",
        }
    )
    return edition, max(timezone.now(), supplement_at + timedelta(minutes=1))


def simulate_edition(
    *,
    award: Award,
    year: int,
    publish_at: datetime,
    scale: Scale,
    rng: random.Random,
    actor: MachineActor = CLI,
    say: Callable[[str], None] = print,
) -> Simulated:
    """The whole edition; call it inside one transaction so that a failure leaves nothing."""
    seconds: dict[str, float] = {}
    # Every message stays in the outbox: nothing is handed to a mail server at commit.
    with override_settings(KOMMUNPRIS_MAIL_DELIVERY="worker"), _timed(seconds, "total"):
        edition, review_from = run_national_call(
            award=award,
            year=year,
            publish_at=publish_at,
            scale=scale,
            rng=rng,
            seconds=seconds,
            actor=actor,
            say=say,
        )
        with _timed(seconds, "jury"):
            winner = run_jury(
                edition=edition,
                publish_at=publish_at,
                rng=rng,
                actor=actor,
                say=say,
                publish_at_once=publish_at <= timezone.now(),
                review_from=review_from,
                jury=NATIONAL_JURY[: scale.jurors],
                nominees=scale.nominees,
                finalists=scale.finalists,
            )
    return Simulated(edition=edition, winner=winner, seconds=seconds)
