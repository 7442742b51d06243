"""Every state change of the call for nominations, from a nominator's form to a municipality's
attachments, one module per concern. Each function validates, writes in one transaction, records
the audit event and queues its e-mail to be sent after commit. Messages reach nominators and
municipalities in their own language, so they go through gettext.

Callers import from here; the reads that used to sit among the writes are in
`nominations.selectors` and are named here too, so older imports keep working.
"""

from __future__ import annotations

from ..errors import (
    AttachmentRejected,
    CandidacyConflict,
    CandidacyError,
    ContributionError,
    NominationError,
    NominationsClosed,
    NotTheOrganiser,
    NotYourCandidacy,
    SupplementClosed,
)
from ..links import PERSONAL_DATA_LINK_HOURS
from ..selectors import (
    LinkedText,
    contact_link_state,
    erasure_deletes_entirely,
    nomination_from_link,
    personal_data_address,
)
from ._common import site_url
from .contacts import CONTACT_PHASES, register_contact, request_contact_link, sign_in_contact
from .contributions import (
    add_attachment,
    check_remove_attachment,
    check_respond_to_candidacy,
    remove_attachment,
    respond_to_candidacy,
    save_contribution,
)
from .curation import join_candidacies, reject_nomination
from .nominating import (
    NOMINATOR_FIELDS,
    Confirmed,
    Submitted,
    confirm_nomination,
    submit_nomination,
)
from .personal_data import (
    MAIL_KEPT_DAYS,
    UNCONFIRMED_KEPT_DAYS,
    Erased,
    Purged,
    erase_personal_data,
    purge_personal_data,
    request_personal_data_link,
)

__all__ = [
    "CONTACT_PHASES",
    "MAIL_KEPT_DAYS",
    "NOMINATOR_FIELDS",
    "PERSONAL_DATA_LINK_HOURS",
    "UNCONFIRMED_KEPT_DAYS",
    "AttachmentRejected",
    "CandidacyConflict",
    "CandidacyError",
    "Confirmed",
    "ContributionError",
    "Erased",
    "LinkedText",
    "NominationError",
    "NominationsClosed",
    "NotTheOrganiser",
    "NotYourCandidacy",
    "Purged",
    "Submitted",
    "SupplementClosed",
    "add_attachment",
    "check_remove_attachment",
    "check_respond_to_candidacy",
    "confirm_nomination",
    "contact_link_state",
    "erase_personal_data",
    "erasure_deletes_entirely",
    "join_candidacies",
    "nomination_from_link",
    "personal_data_address",
    "purge_personal_data",
    "register_contact",
    "reject_nomination",
    "remove_attachment",
    "request_contact_link",
    "request_personal_data_link",
    "respond_to_candidacy",
    "save_contribution",
    "sign_in_contact",
    "site_url",
    "submit_nomination",
]
