"""Data for the public-face tests: an edition of 2025 whose decision is embargoed or public, and
2027 with its call for nominations open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.archive.models import Winner, WinnerMunicipality
from kommunpris.archive.services import import_winners
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.nominations.models import Candidacy, CandidacyMember, Stage
from kommunpris.register.models import Municipality

# Words no motivation of 2001–2023 uses, so a search or theme count can only find them here.
SECRET_MOTIVATION = (
    "Kiruna visar med gruvstadens flytt att medborgardialog och demokratin kan förnyas; "
    "en hemlig motivering om samverkanskultur."
)


def open_call_2027(award: Award, *, now: datetime) -> Edition:
    """2027 with its call for nominations open at `now`, made by an organiser as in the desk."""
    organiser = organiser_account("organiser@example.se")
    edition = create_edition(
        award=award,
        year=2027,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=200),
        actor=organiser,
    )
    return open_nominations(edition=edition, actor=organiser, now=now)


def _decided_2025(award: Award, *, publish_in: timedelta) -> Edition:
    """2025 decided: Kiruna wins, Gällivare and Jokkmokk are joint finalists, Arjeplog a finalist.

    Built directly as data, the way a factory would: the decision service belongs to the jury.
    """
    edition = Edition.objects.create(
        award=award,
        year=2025,
        phase=Phase.DECIDED,
        publish_at=timezone.now() + publish_in,
        venue=award.venue,
    )
    winner = Winner.objects.create(
        edition=edition, display_name="Kiruna kommun", motivation=SECRET_MOTIVATION
    )
    WinnerMunicipality.objects.create(
        winner=winner, municipality=Municipality.objects.get(code="2584")
    )
    for position_codes in (["2523", "2510"], ["2506"], ["2584"]):
        candidacy = Candidacy.objects.create(edition=edition, stage=Stage.FINALIST)
        for position, code in enumerate(position_codes):
            CandidacyMember.objects.create(
                candidacy=candidacy,
                edition=edition,
                municipality_id=code,
                position=position,
            )
    return edition


@pytest.fixture
def decided_2025(archive: Award) -> Callable[..., Edition]:
    """Make the 2025 edition, embargoed (publish_in > 0) or already public (publish_in < 0)."""

    def make(*, publish_in: timedelta) -> Edition:
        return _decided_2025(archive, publish_in=publish_in)

    return make


@pytest.fixture
def embargoed_2025(decided_2025: Callable[..., Edition]) -> Edition:
    return decided_2025(publish_in=timedelta(days=30))


@pytest.fixture
def published_2025(decided_2025: Callable[..., Edition]) -> Edition:
    return decided_2025(publish_in=-timedelta(minutes=1))


JOINT_BLOCK = (
    "Sveriges DigitaliseringsKommun 2025 tilldelades Mora kommun, Orsa kommun och Älvdalens "
    "kommun med motiveringen:\n"
    "“Tre kommuner i norra Dalarna som delar allt: en gemensam it-organisation, gemensamma "
    "e-tjänster och ett gemensamt mod.”"
)


def seed_with_joint_winner() -> str:
    """The seed document with a joint winner of 2025 first, as the winners page would show it."""
    seed = (Path(settings.DATA_DIR) / "winners-2001-2023.txt").read_text(encoding="utf-8")
    title_and_intro, rest = seed.split("\n\nSveriges DigitaliseringsKommun 2023", 1)
    return f"{title_and_intro}\n\n{JOINT_BLOCK}\n\nSveriges DigitaliseringsKommun 2023{rest}"


@pytest.fixture
def joint_winner_2025(archive: Award) -> Winner:
    """2025 won by the joint candidacy of Mora, Orsa and Älvdalen, imported like the archive."""
    import_winners(data=seed_with_joint_winner(), award=archive)
    return Winner.objects.get(edition__award=archive, edition__year=2025)
