"""Who may do what with the feedback to the municipalities (kommunpris.jury.feedback).

A juror marks each of their own comments shareable with the municipality or internal (the
default); a comment of a candidacy the juror is conflicted out of never counts, and the marks
are settled when the organiser releases the reports. The organiser releases them once the
decision is public (its publication time has passed) and the jury recorded its decision here.
From then on each candidacy's contact reads the report of their own candidacy, and nobody
else's: the report names no juror and holds nothing of another candidacy.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kommunpris.awards.models import Edition, FeedbackRelease
from kommunpris.jury.models import Decision

from . import decision_is_public
from .jury import AnyUser, is_member, is_organiser
from .nominations import contact_speaks_for
from .registry import register

if TYPE_CHECKING:
    from kommunpris.nominations.models import Candidacy, MunicipalityContact


def feedback_is_released(edition: Edition) -> bool:
    return FeedbackRelease.objects.filter(edition=edition).exists()


def may_mark_comments(user: AnyUser, edition: Edition) -> bool:
    """A member marks their own comments; the service refuses once the reports are out."""
    return is_member(user, edition)


def may_release_feedback(user: AnyUser, edition: Edition) -> bool:
    """Releasing the reports is the organiser's, as is all mail to the municipalities."""
    return is_organiser(user)


def feedback_may_be_released(edition: Edition, *, now: datetime | None = None) -> bool:
    """The decision is public and was made by the jury on this platform (an edition imported
    from the archive has no scores to report)."""
    return (
        decision_is_public(edition, now=now) and Decision.objects.filter(edition=edition).exists()
    )


def contact_may_read_feedback(contact: MunicipalityContact, candidacy: Candidacy) -> bool:
    """A contact reads the report of the candidacy their municipality stands in, once released."""
    return contact_speaks_for(contact, candidacy) and feedback_is_released(candidacy.edition)


register("feedback.mark_comments", may_mark_comments)
register("feedback.release", may_release_feedback)
