"""The decision: the chair records the winner, and may move its publication time while the
decision is still embargoed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kommunpris import dates
from kommunpris.archive.models import Winner
from kommunpris.archive.services import set_winner_members
from kommunpris.audit.services import record_event
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.jury import (
    conflicted_candidacy_ids,
    sees_the_whole_final,
)
from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver

from .. import selectors
from ..models import (
    Decision,
    Membership,
    ScoringRound,
)
from ._common import (
    PHASE_WORDS,
    JuryError,
    NotFound,
    actor_of,
    edition_locked,
    edition_target,
    require_chair,
    require_visible,
)
from .scoring import close_open_round


def _check_publish_at(edition: Edition, publish_at: datetime, *, publish_at_once: bool) -> None:
    if timezone.is_naive(publish_at):
        raise JuryError("Ange publiceringstiden med tidszon.")
    local = timezone.localtime(publish_at)
    when = dates.moment(publish_at, swedish=True)
    if not edition.year <= local.year <= edition.year + 1:
        raise JuryError(
            f"Publiceringstiden {when} ligger utanför {edition.year}–"
            f"{edition.year + 1}. Galan hålls upplagans år eller året efter; rätta året."
        )
    if publish_at <= timezone.now() and not publish_at_once:
        raise JuryError(
            f"Publiceringstiden {when} har redan passerat: vinnaren skulle bli "
            "offentlig direkt. Ange en senare tid, eller bekräfta att beslutet ska "
            "publiceras genast."
        )


@dataclass(frozen=True)
class CheckedDecision:
    """A decision that may be recorded, as record_decision will record it."""

    display_name: str
    motivation: str
    departure_reason: str
    places: list[Municipality]
    count: selectors.BallotCount


def check_decision(
    *,
    edition: Edition,
    candidacy: Candidacy,
    display_name: str,
    motivation: str,
    publish_at: datetime,
    by: User,
    departure_reason: str = "",
    publish_at_once: bool = False,
) -> CheckedDecision:
    """Raises JuryError saying why this decision cannot be recorded; else what would be."""
    require_chair(by, edition, "registrera juryns beslut")
    if edition.phase in (Phase.DECIDED, Phase.ANNOUNCED):
        raise JuryError(
            f"Juryns beslut om {edition.title} är redan registrerat och kan inte registreras "
            "en gång till. Ladda om sidan för att se det."
        )
    if edition.phase != Phase.DELIBERATION:
        raise JuryError(
            f"{edition.title} är i fasen '{PHASE_WORDS[edition.phase]}'; beslutet fattas "
            "efter överläggningen."
        )
    if candidacy.edition_id != edition.pk:
        raise NotFound(f"Kandidatur {candidacy.pk} finns inte i {edition.title}.")
    require_visible(by, candidacy)
    shortlist = selectors.finalists(edition)
    if candidacy.pk not in {c.pk for c in shortlist}:
        hidden = conflicted_candidacy_ids(by, edition)
        raise JuryError(
            f"{candidacy.name} är inte finalist; vinnaren måste vara en av finalisterna: "
            + ", ".join(c.name for c in shortlist if c.pk not in hidden)
            + "."
        )
    name = " ".join(display_name.split())
    if not name:
        raise JuryError("Skriv vinnarens namn så som kommunen skriver det, t.ex. 'Värmdö kommun'.")
    if len(name) > 200:
        raise JuryError("Vinnarens namn får vara högst 200 tecken.")
    places = candidacy.municipalities
    try:
        named = [match.code for match in resolver().resolve_all(name)]
    except MunicipalityNotFound:
        named = []
    if sorted(named) != sorted(place.code for place in places):
        members = ", ".join(f"{place.name} ({place.code})" for place in places)
        raise JuryError(
            f"'{name}' är inte ett namn på {members}. "
            + (
                "Nämn varje kommun i den gemensamma kandidaturen, t.ex. "
                if len(places) > 1
                else "Skriv t.ex. "
            )
            + f"'{selectors.suggested_display_name(candidacy)}'."
        )
    text = motivation.strip()
    if not text:
        raise JuryError("Skriv juryns motivering.")
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    count = selectors.ballot_count(edition)
    reason = departure_reason.strip()
    if count.ballots_cast and not reason and not sees_the_whole_final(by, edition):
        # Whether the choice follows the ballot would tell where the hidden finalist placed:
        # such a chair always writes how the jury decided.
        raise JuryError(
            "Du står utanför minst en av finalisterna och ser därför inte omröstningens hela "
            "ordning. Skriv hur juryn kom fram till beslutet; omröstningens ordning sparas "
            "med det."
        )
    if count.ballots_cast and candidacy.pk not in count.leaders and not reason:
        leaders = ", ".join(c.name for c in count.finalists if c.pk in count.leaders)
        raise JuryError(
            f"Omröstningen placerade {leaders} först. Skriv varför juryn ändå väljer "
            f"{candidacy.name}, eller välj omröstningens vinnare."
        )
    return CheckedDecision(
        display_name=name, motivation=text, departure_reason=reason, places=places, count=count
    )


@edition_locked
def record_decision(
    *,
    edition: Edition,
    candidacy: Candidacy,
    display_name: str,
    motivation: str,
    publish_at: datetime,
    by: User,
    motivation_en: str = "",
    departure_reason: str = "",
    publish_at_once: bool = False,
) -> Winner:
    """The chair records the winner, the motivation and the publication time.

    Freezes scores and ballots, creates the archive's Winner and sets the edition decided;
    the embargo rule in kommunpris.permissions keeps it all hidden until `publish_at`.
    """
    checked = check_decision(
        edition=edition,
        candidacy=candidacy,
        display_name=display_name,
        motivation=motivation,
        publish_at=publish_at,
        by=by,
        departure_reason=departure_reason,
        publish_at_once=publish_at_once,
    )
    name, text, reason = checked.display_name, checked.motivation, checked.departure_reason
    places, count = checked.places, checked.count
    now = timezone.now()
    with transaction.atomic():
        for scoring_round in ScoringRound.objects.filter(edition=edition, closed_at__isnull=True):
            close_open_round(scoring_round, actor=actor_of(by))
        winner = Winner.objects.create(
            edition=edition,
            display_name=name,
            motivation=text,
            motivation_en=motivation_en.strip(),
        )
        # Every member of a joint candidacy wins, in the candidacy's order.
        set_winner_members(winner, [place.code for place in places])
        Decision.objects.create(
            edition=edition,
            candidacy=candidacy,
            decided_by=actor_of(by),
            decided_at=now,
            ballot_order=count.order,
            departure_reason=reason,
        )
        before = {"phase": edition.phase, "publish_at": edition.publish_at}
        edition.phase = Phase.DECIDED
        edition.publish_at = publish_at
        edition.save(update_fields=["phase", "publish_at"])
        record_event(
            action="edition.decided",
            actor=actor_of(by),
            target=edition_target(edition),
            before=before,
            after={
                "phase": Phase.DECIDED.value,
                "publish_at": publish_at,
                "candidacy": candidacy.pk,
                "municipalities": [place.code for place in places],
                "display_name": name,
                "motivation": text,
                "motivation_en": motivation_en.strip(),
                "ballot_order": count.order,
                "departure_reason": reason,
            },
        )
        local = timezone.localtime(publish_at)
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            queue_mail(
                to=seat.user.email,
                template="jury/decided",
                context={"edition_title": edition.title, "publish_at": local},
            )
    return winner


@edition_locked
def reschedule_publication(
    *, edition: Edition, publish_at: datetime, by: User, publish_at_once: bool = False
) -> Edition:
    """Move the publication time (the gala moved) while the decision is still embargoed."""
    require_chair(by, edition, "ändra publiceringstiden")
    if edition.phase != Phase.DECIDED:
        raise JuryError(f"{edition.title} har inget beslut att publicera.")
    if decision_is_public(edition):
        raise JuryError(f"Beslutet för {edition.title} är redan offentligt.")
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    with transaction.atomic():
        before = {"publish_at": edition.publish_at}
        edition.publish_at = publish_at
        edition.save(update_fields=["publish_at"])
        record_event(
            action="edition.publication_rescheduled",
            actor=actor_of(by),
            target=edition_target(edition),
            before=before,
            after={"publish_at": publish_at},
        )
    return edition
