"""Who may read the jury packet (a candidacy's material gathered for print, PDF and ZIP).

The jury's members read the packet of every candidacy they are not conflicted out of (the
conflict rule of `permissions.jury`, to the byte: a round's packets and its ZIP leave such a
candidacy out entirely), and organisers read every packet, to print them for the jury's
meetings (a packet holds no score). Nobody else learns that a packet exists.
"""

from __future__ import annotations

from kommunpris.awards.models import Edition
from kommunpris.nominations.models import Candidacy

from .jury import AnyUser, is_member, is_organiser, may_view_candidacy
from .registry import register


def may_read_round_packets(user: AnyUser, edition: Edition) -> bool:
    """The packets of a round: each one still asks `may_read_packet`."""
    return is_member(user, edition) or is_organiser(user)


def may_read_packet(user: AnyUser, candidacy: Candidacy) -> bool:
    if is_member(user, candidacy.edition):
        return may_view_candidacy(user, candidacy)
    return is_organiser(user)


register("jury.read_round_packets", may_read_round_packets)
register("jury.read_packet", may_read_packet)
