"""The jury packet: everything the jury reads about a candidacy, gathered for print, PDF and ZIP.

A packet holds the confirmed nominations' answers, the municipality's own text, the list of its
attachments, its self-assessment when it has one, and the jury's site-visit notes. It holds no
score. Every read here is filtered by the conflict rule for the person asking
(`kommunpris.permissions.packet`): a candidacy they are conflicted out of is not in a round's
packets, leaves no gap in them and is not counted.

The questions are the edition's own (`kommunpris.nominations.questions`): each answer is
printed under the question it was given to. The self-assessment is printed as
`kommunpris.nominations.self_assessment.for_packets` gives it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from kommunpris.awards.models import Edition
from kommunpris.nominations.models import (
    Attachment,
    Candidacy,
    Nomination,
    NominationQuestion,
    NominationStatus,
    Stage,
)
from kommunpris.nominations.questions import Answered, answered, questions_of
from kommunpris.nominations.self_assessment import PrintedSelfAssessment, for_packets
from kommunpris.permissions.jury import AnyUser
from kommunpris.permissions.packet import may_read_packet, may_read_round_packets

from .models import SiteVisitNote
from .selectors import candidacies_for, visible_candidacy

# --- the packets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Packet:
    """One candidacy's packet."""

    candidacy: Candidacy
    # The edition's questions: each nomination's answers are printed under them.
    questions: list[NominationQuestion]
    nominations: list[Nomination]
    own_answers: list[Answered]  # the municipality's own text, answered questions only
    attachments: list[Attachment]
    self_assessment: PrintedSelfAssessment | None
    site_visit_notes: list[SiteVisitNote]


def _packets(edition: Edition, candidacies: Sequence[Candidacy]) -> list[Packet]:
    """The packets of these candidacies of `edition`, in their order, in a fixed number of
    queries."""
    questions = questions_of(edition)
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
    assessments = for_packets(candidacies) if candidacies else {}
    return [
        Packet(
            candidacy=c,
            questions=questions,
            nominations=nominations[c.pk],
            own_answers=answered(questions, c.own_answers, skip_empty=True),
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
    return _packets(edition, [found])[0]


def round_packets(edition: Edition, viewer: AnyUser, stage: str) -> list[Packet]:
    """The packets of every candidacy that has reached `stage` and the viewer may read, in the
    jury's order (furthest first, then by name). Empty for anyone not on the jury."""
    if not may_read_round_packets(viewer, edition):
        return []
    Stage(stage)  # an unknown stage is a programming error
    return _packets(edition, candidacies_for(edition, viewer, stage=stage))


def attachment_in(packet: Packet, pk: int) -> Attachment | None:
    return next((a for a in packet.attachments if a.pk == pk), None)


def fits_one_pdf(packets: Sequence[Packet]) -> bool:
    """Whether these packets can be laid out as one PDF within a request's time
    (KOMMUNPRIS_ROUND_PDF_MAX_NOMINATIONS confirmed nominations at most)."""
    nominations = sum(len(p.nominations) for p in packets)
    return nominations <= settings.KOMMUNPRIS_ROUND_PDF_MAX_NOMINATIONS
