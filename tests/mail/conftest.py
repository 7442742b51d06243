"""An edition's people for the organiser's mail: municipality contacts at every step of the call,
and a jury with sheets left to submit in an open round. Candidacies are made directly (their
own services belong to the nominations work, as in tests/jury); contacts, their answers and
everything the jury does go through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.jury import services as jury
from kommunpris.jury.models import Criterion, Role
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import MunicipalityContact, Stage
from kommunpris.register.models import Municipality
from tests.jury.conftest import make_candidacy, seat

ORGANISER = "organisator@kvalitetsmassan.se"


@pytest.fixture(autouse=True)
def swedish() -> Iterator[None]:
    with translation.override("sv"):
        yield


@pytest.fixture
def organiser(db: None) -> User:
    return User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password="x" * 12, is_staff=True
    )


@dataclass
class Call:
    """2029, call open. Contacts: Sundsvall accepted and wrote (a finalist), Timrå accepted
    without text (a nominee), Kiruna declined, Ljusdal has not answered, Umeå is not nominated."""

    edition: Edition
    contacts: dict[str, MunicipalityContact]


def _contact(edition: Edition, code: str, email: str, name: str) -> MunicipalityContact:
    return nominations.register_contact(
        edition=edition,
        municipality=Municipality.objects.get(code=code),
        email=email,
        name=name,
        actor=CLI,
    )


@pytest.fixture
def call(award: Award) -> Call:
    return build_call(award)


def build_call(award: Award) -> Call:
    now = timezone.now()
    edition = open_nominations(
        edition=create_edition(
            award=award,
            year=2029,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor=CLI,
        ),
        actor=CLI,
    )
    sundsvall = make_candidacy(edition, "2281", stage=Stage.FINALIST)
    timra = make_candidacy(edition, "2262", stage=Stage.NOMINEE)
    kiruna = make_candidacy(edition, "2584")
    make_candidacy(edition, "2161")
    contacts = {
        "sundsvall": _contact(edition, "2281", "kontakt@sundsvall.se", "Sara Sundin"),
        "timra": _contact(edition, "2262", "kontakt@timra.se", "Tor Timell"),
        "kiruna": _contact(edition, "2584", "kontakt@kiruna.se", ""),
        "ljusdal": _contact(edition, "2161", "kontakt@ljusdal.se", "Lisa Ljung"),
        "umea": _contact(edition, "2480", "kontakt@umea.se", "Ulf Umesson"),
    }
    nominations.respond_to_candidacy(candidacy=sundsvall, actor=contacts["sundsvall"], accept=True)
    nominations.save_contribution(
        candidacy=sundsvall,
        actor=contacts["sundsvall"],
        answers={"proud": "E-tjänsterna som invånarna använder.", "effect": "", "learned": ""},
    )
    nominations.respond_to_candidacy(candidacy=timra, actor=contacts["timra"], accept=True)
    nominations.respond_to_candidacy(candidacy=kiruna, actor=contacts["kiruna"], accept=False)
    return Call(edition=edition, contacts=contacts)


@dataclass
class Scoring:
    """2031 in jury review, its first round open: Anna has submitted every sheet, Bo one of two,
    the chair none."""

    edition: Edition
    chair: User
    anna: User
    bo: User


@pytest.fixture
def scoring(award: Award) -> Scoring:
    edition = Edition.objects.create(
        award=award, year=2031, phase=Phase.NOMINATIONS_CLOSED, venue=award.venue
    )
    chair = seat(edition, "ordforande@example.se", Role.CHAIR)
    anna = seat(edition, "anna@example.se")
    bo = seat(edition, "bo@example.se")
    first = make_candidacy(edition, "2121")
    second = make_candidacy(edition, "2262")
    jury.start_jury_review(edition=edition, actor=CLI)
    scoring_round = jury.open_round(edition=edition, stage=Stage.CANDIDACY, actor=chair)
    criteria = list(Criterion.objects.filter(edition=edition))
    for juror, candidacies in ((anna, (first, second)), (bo, (first,))):
        for candidacy in candidacies:
            jury.save_score_sheet(
                scoring_round=scoring_round,
                candidacy=candidacy,
                actor=juror,
                entries={c.pk: jury.EntryInput(3, "") for c in criteria},
                submit=True,
            )
    return Scoring(edition=edition, chair=chair, anna=anna, bo=bo)
