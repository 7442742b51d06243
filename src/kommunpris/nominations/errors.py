"""What the call for nominations refuses, as domain errors (`kommunpris.errors`) whose message
tells the reader what to do. Each keeps the name callers know, and says by its class which
HTTP answer it is when nothing catches it."""

from __future__ import annotations

from kommunpris import errors


class NominationError(ValueError, errors.Invalid):
    """A nomination that cannot be taken as sent; the message tells the nominator what to do."""


class NominationsClosed(NominationError, errors.Conflict):
    """The call does not take (or confirm) nominations now."""

    status = errors.Conflict.status


class ContributionError(ValueError, errors.Invalid):
    """A municipality's answer, text or attachment that cannot be taken."""


class NotYourCandidacy(ContributionError, errors.NotAllowed):
    """A contact (or anyone else) changing a candidacy they do not speak for."""

    status = errors.NotAllowed.status


class SupplementClosed(ContributionError, errors.Conflict):
    """The municipalities' own answers and attachments are no longer taken."""

    status = errors.Conflict.status


class AttachmentRejected(ContributionError):
    pass


class CandidacyError(ValueError, errors.Invalid):
    """An organiser's change to candidacies, nominations or contacts that cannot be made."""


class NotTheOrganiser(CandidacyError, errors.NotAllowed):
    """Someone other than an organiser (or the command line) doing the organiser's work."""

    status = errors.NotAllowed.status


class CandidacyConflict(CandidacyError, errors.Conflict):
    """Not now: the nomination is already rejected, a candidacy is gone or with the jury."""

    status = errors.Conflict.status
