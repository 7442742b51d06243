"""Factories for the jury tests: an edition with candidacies and a jury seated through the services.

Editions and candidacies are made here directly (their own services belong to the nominations
work); everything the jury does goes through kommunpris.jury.services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.jury import services
from kommunpris.jury.models import Criterion, Membership, Role, ScoringRound, TieKind
from kommunpris.nominations.models import Candidacy, CandidacyMember, Stage

PASSWORD = "rätt-häst-batteri-häftstift"


@pytest.fixture(autouse=True)
def swedish() -> Iterator[None]:
    """Each test starts in Swedish, whatever language an earlier request left active."""
    with translation.override("sv"):
        yield


def make_candidacy(edition: Edition, *codes: str, stage: str = Stage.CANDIDACY) -> Candidacy:
    candidacy = Candidacy.objects.create(edition=edition, stage=stage)
    for position, code in enumerate(codes):
        CandidacyMember.objects.create(
            candidacy=candidacy, edition=edition, municipality_id=code, position=position
        )
    return Candidacy.objects.prefetch_related("members__municipality").get(pk=candidacy.pk)


def make_organiser(email: str = "organisator@kvalitetsmassan.se") -> User:
    return User.objects.create_user(username=email, email=email, password=PASSWORD, is_staff=True)


def seat(edition: Edition, email: str, role: str = Role.JUROR) -> User:
    """Invite a member and let them set their password, as a person would."""
    membership = services.invite_member(edition=edition, email=email, role=role, actor=CLI)
    services.accept_invitation(actor=membership.user, password=PASSWORD)
    return User.objects.get(pk=membership.user_id)


def signed_in(user: User) -> Client:
    """A browser signed in with password and second factor (jurors and organisers need both)."""
    return sign_in_verified(Client(), user)


@dataclass
class Jury:
    """The 2029 edition under jury review, its candidacies and its jury.

    - ovanaker: Ovanåker (2121, Gävleborg)
    - joint: Mora, Orsa and Älvdalen (2062, 2034, 2039, Dalarna)
    - timra: Timrå (2262, Västernorrland)
    - kiruna: Kiruna (2584, Norrbotten)
    - ljusdal: Ljusdal (2161, Gävleborg)
    Anna has no ties. Bo lives in Orsa: conflicted out of the joint candidacy.
    Cia works for Region Gävleborg (county-wide tie to 21: out of Ovanåker and Ljusdal) and
    has a summer house in Västernorrland (a county tie, not county-wide: no conflict).
    """

    edition: Edition
    organiser: User
    chair: User
    anna: User
    bo: User
    cia: User
    ovanaker: Candidacy
    joint: Candidacy
    timra: Candidacy
    kiruna: Candidacy
    ljusdal: Candidacy
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def jurors(self) -> list[User]:
        return [self.chair, self.anna, self.bo, self.cia]

    @property
    def candidacies(self) -> list[Candidacy]:
        return [self.ovanaker, self.joint, self.timra, self.kiruna, self.ljusdal]

    def refresh(self) -> None:
        self.edition.refresh_from_db()
        for c in self.candidacies:
            c.refresh_from_db()

    def criteria(self) -> list[Criterion]:
        return list(Criterion.objects.filter(edition=self.edition))

    def round(self, stage: str) -> ScoringRound:
        return ScoringRound.objects.select_related("edition__award").get(
            edition=self.edition, stage=stage
        )


def make_edition(award: Award, year: int = 2029, phase: str = Phase.NOMINATIONS_CLOSED) -> Edition:
    return Edition.objects.create(award=award, year=year, phase=phase, venue=award.venue)


@pytest.fixture
def jury(award: Award) -> Jury:
    edition = make_edition(award)
    organiser = make_organiser()
    world = Jury(
        edition=edition,
        organiser=organiser,
        chair=seat(edition, "ordforande@example.se", Role.CHAIR),
        anna=seat(edition, "anna@example.se"),
        bo=seat(edition, "bo@example.se"),
        cia=seat(edition, "cia@example.se"),
        ovanaker=make_candidacy(edition, "2121"),
        joint=make_candidacy(edition, "2062", "2034", "2039"),
        timra=make_candidacy(edition, "2262"),
        kiruna=make_candidacy(edition, "2584"),
        ljusdal=make_candidacy(edition, "2161"),
    )
    seats = {m.user_id: m for m in Membership.objects.filter(edition=edition)}
    services.declare_tie(
        seat=seats[world.bo.pk],
        kind=TieKind.HOME,
        municipality_code="2034",
        note="Bor i Orsa",
        actor=world.bo,
    )
    services.declare_tie(
        seat=seats[world.cia.pk],
        kind=TieKind.COUNTY,
        county_code="21",
        county_wide=True,
        note="Anställd av Region Gävleborg",
        actor=world.cia,
    )
    services.declare_tie(
        seat=seats[world.cia.pk],
        kind=TieKind.COUNTY,
        county_code="22",
        county_wide=False,
        note="Sommarstuga i Västernorrland",
        actor=world.cia,
    )
    services.start_jury_review(edition=edition, actor=organiser)
    world.refresh()
    return world


@pytest.fixture
def full_marks() -> Callable[[list[Criterion], int], dict[int, services.EntryInput]]:
    def sheet(
        criteria: list[Criterion], value: int, comment: str = ""
    ) -> dict[int, services.EntryInput]:
        return {c.pk: services.EntryInput(value, comment) for c in criteria}

    return sheet  # type: ignore[return-value]


def later(hours: float) -> datetime:
    return timezone.now() + timedelta(hours=hours)


@dataclass(frozen=True)
class Factories:
    make_candidacy: Callable[..., Candidacy] = make_candidacy
    make_edition: Callable[..., Edition] = make_edition
    make_organiser: Callable[..., User] = make_organiser
    seat: Callable[..., User] = seat
    signed_in: Callable[[User], Client] = signed_in
    later: Callable[[float], datetime] = later


@pytest.fixture
def factories() -> Factories:
    return Factories()
