"""The jury packet: everything the jury reads about a candidacy, gathered for print, PDF and ZIP.

A packet holds the confirmed nominations' answers, the municipality's own text, the list of its
attachments, its self-assessment when it has one, and the jury's site-visit notes. It holds no
score. Every read here is filtered by the conflict rule for the person asking
(`kommunpris.permissions.packet`): a candidacy they are conflicted out of is not in a round's
packets, leaves no gap in them and is not counted.

The self-assessment is kept by another part of the platform; it plugs in here with
`read_self_assessments_with` (see there), and until it does no packet has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kommunpris.awards.models import Edition
from kommunpris.nominations.models import Attachment, Candidacy, Nomination, NominationStatus, Stage
from kommunpris.permissions.jury import AnyUser
from kommunpris.permissions.packet import may_read_packet, may_read_round_packets

from .models import SiteVisitNote
from .selectors import candidacies_for, visible_candidacy

# --- the self-assessment hook -------------------------------------------------------------


@dataclass(frozen=True)
class SelfAssessment:
    """A candidacy's self-assessment as the packet prints it: a heading, the questions with the
    municipality's answers in order, and an optional note (e.g. when it was filled in)."""

    title: str
    answers: list[tuple[str, str]]
    note: str = ""


# Reads the self-assessments of many candidacies at once (a round's packets take a fixed
# number of queries): candidacy id -> its self-assessment; candidacies without one are left out.
SelfAssessmentReader = Callable[[Sequence[Candidacy]], Mapping[int, SelfAssessment]]


def _no_self_assessments(candidacies: Sequence[Candidacy]) -> Mapping[int, SelfAssessment]:
    return {}


_self_assessment_reader: SelfAssessmentReader = _no_self_assessments


def read_self_assessments_with(reader: SelfAssessmentReader | None) -> None:
    """Plug in the part of the platform that keeps self-assessments: call it once from that
    app's `AppConfig.ready()`. `None` unplugs it (no packet then has a self-assessment)."""
    global _self_assessment_reader
    _self_assessment_reader = reader or _no_self_assessments


# --- the packets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Packet:
    """One candidacy's packet."""

    candidacy: Candidacy
    nominations: list[Nomination]
    own_proud: str
    own_effect: str
    own_learned: str
    attachments: list[Attachment]
    self_assessment: SelfAssessment | None
    site_visit_notes: list[SiteVisitNote]

    @property
    def has_own_text(self) -> bool:
        return bool(self.own_proud or self.own_effect or self.own_learned)


def _packets(candidacies: Sequence[Candidacy]) -> list[Packet]:
    """The packets of these candidacies, in their order, in a fixed number of queries."""
    ids = [c.pk for c in candidacies]
    nominations: defaultdict[int, list[Nomination]] = defaultdict(list)
    for nomination in (
        Nomination.objects.filter(candidacy_id__in=ids, status=NominationStatus.CONFIRMED)
        .select_related("municipality")
        .order_by("confirmed_at", "id")
    ):
        assert nomination.candidacy_id is not None
        nominations[nomination.candidacy_id].append(nomination)
    attachments: defaultdict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(candidacy_id__in=ids).order_by("id"):
        attachments[attachment.candidacy_id].append(attachment)
    notes: defaultdict[int, list[SiteVisitNote]] = defaultdict(list)
    for note in (
        SiteVisitNote.objects.filter(candidacy_id__in=ids)
        .select_related("author")
        .order_by("visited_on", "created_at", "id")
    ):
        notes[note.candidacy_id].append(note)
    assessments = _self_assessment_reader(candidacies) if candidacies else {}
    return [
        Packet(
            candidacy=c,
            nominations=nominations[c.pk],
            own_proud=c.own_proud,
            own_effect=c.own_effect,
            own_learned=c.own_learned,
            attachments=attachments[c.pk],
            self_assessment=assessments.get(c.pk),
            site_visit_notes=notes[c.pk],
        )
        for c in candidacies
    ]


def candidacy_packet(edition: Edition, viewer: AnyUser, pk: int) -> Packet | None:
    """The packet of one candidacy, or None when there is no such candidacy or the viewer may
    not read it (conflicted out of it, or not on the jury)."""
    found = visible_candidacy(edition, viewer, pk)
    if found is None or not may_read_packet(viewer, found):
        return None
    return _packets([found])[0]


def round_packets(edition: Edition, viewer: AnyUser, stage: str) -> list[Packet]:
    """The packets of every candidacy that has reached `stage` and the viewer may read, in the
    jury's order (furthest first, then by name). Empty for anyone not on the jury."""
    if not may_read_round_packets(viewer, edition):
        return []
    Stage(stage)  # an unknown stage is a programming error
    return _packets(candidacies_for(edition, viewer, stage=stage))


def attachment_in(packet: Packet, pk: int) -> Attachment | None:
    return next((a for a in packet.attachments if a.pk == pk), None)
