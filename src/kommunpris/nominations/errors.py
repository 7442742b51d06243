"""What the call for nominations refuses, as errors whose message tells the reader what to do."""

from __future__ import annotations


class NominationError(ValueError):
    """A nomination that cannot be taken as sent; the message tells the nominator what to do."""


class NominationsClosed(NominationError):
    pass


class ContributionError(ValueError):
    """A municipality's answer, text or attachment that cannot be taken."""


class SupplementClosed(ContributionError):
    pass


class AttachmentRejected(ContributionError):
    pass


class CandidacyError(ValueError):
    """An organiser's change to candidacies or nominations that cannot be made."""
