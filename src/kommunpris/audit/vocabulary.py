"""The audit log's vocabulary: every action, and how actors and targets are written.

The strings are the ones stored in the log since its first event and take part in the hash
chain, so a value here never changes: an old log must still verify and still be read. A new
kind of event gets a new member; a renamed one would be a new string beside the old one.

The audit app knows no domain models; the helpers take anything shaped like them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, Literal, Protocol

# The actors that are no person: someone on the public site who has not signed in, the
# platform itself (loads, scheduled work), the command line and the first bootstrap of a site.
PUBLIC: Final = "public"
SYSTEM: Final = "system"
CLI: Final = "cli"
BOOTSTRAP: Final = "bootstrap"
MACHINE_ACTORS: Final = frozenset({PUBLIC, SYSTEM, CLI, BOOTSTRAP})
# The type of an `actor` argument that is no person: one of the four above.
MachineActor = Literal["public", "system", "cli", "bootstrap"]


class Action(StrEnum):
    """One member per kind of event; the value is the string stored in the log."""

    ACCOUNTS_LOCKED_OUT = "accounts.locked_out"
    ACCOUNTS_RECOVERY_CODE_USED = "accounts.recovery_code_used"
    ACCOUNTS_RECOVERY_CODES_REGENERATED = "accounts.recovery_codes_regenerated"
    ACCOUNTS_SIGN_IN_FAILED = "accounts.sign_in_failed"
    ACCOUNTS_SIGNED_IN = "accounts.signed_in"
    ACCOUNTS_SIGNED_OUT = "accounts.signed_out"
    ACCOUNTS_SUPERUSER_CREATED = "accounts.superuser_created"
    ACCOUNTS_TWO_FACTOR_ENROLLED = "accounts.two_factor_enrolled"
    ACCOUNTS_TWO_FACTOR_ENROLMENT_STARTED = "accounts.two_factor_enrolment_started"
    ACCOUNTS_TWO_FACTOR_RESET = "accounts.two_factor_reset"

    ARCHIVE_PAGE_CREATED = "archive.page_created"
    ARCHIVE_PAGE_UPDATED = "archive.page_updated"
    ARCHIVE_WINNER_IMPORTED = "archive.winner_imported"
    ARCHIVE_WINNER_UPDATED = "archive.winner_updated"

    ATTACHMENT_ADDED = "attachment.added"
    ATTACHMENT_REMOVED = "attachment.removed"

    AWARD_CREATED = "award.created"

    CANDIDACY_ACCEPTED = "candidacy.accepted"
    CANDIDACY_CONTRIBUTION_SAVED = "candidacy.contribution_saved"
    CANDIDACY_CREATED = "candidacy.created"
    CANDIDACY_DECLINED = "candidacy.declined"
    CANDIDACY_IMPORTED = "candidacy.imported"
    CANDIDACY_JOINED = "candidacy.joined"
    CANDIDACY_SELF_ASSESSMENT_SAVED = "candidacy.self_assessment_saved"
    CANDIDACY_STAGE_CHANGED = "candidacy.stage_changed"
    CANDIDACY_STAGE_IMPORTED = "candidacy.stage_imported"

    CONTACT_CHANGED = "contact.changed"
    CONTACT_LINK_REQUEST_WITHOUT_CONTACT = "contact.link_request_without_contact"
    CONTACT_LINK_SENT = "contact.link_sent"
    CONTACT_NOTIFIED = "contact.notified"
    CONTACT_REGISTERED = "contact.registered"
    CONTACT_SIGNED_IN = "contact.signed_in"

    EDITION_ANNOUNCEMENT_MADE = "edition.announcement_made"
    EDITION_ANNOUNCEMENT_RESCHEDULED = "edition.announcement_rescheduled"
    EDITION_ANNOUNCEMENT_WITHDRAWN = "edition.announcement_withdrawn"
    EDITION_CEREMONY_RECORDED = "edition.ceremony_recorded"
    EDITION_CHANGED = "edition.changed"
    EDITION_CREATED = "edition.created"
    EDITION_DECIDED = "edition.decided"
    EDITION_DELIBERATION_STARTED = "edition.deliberation_started"
    EDITION_FEEDBACK_RELEASED = "edition.feedback_released"
    EDITION_IMPORTED = "edition.imported"
    EDITION_JURY_REVIEW_STARTED = "edition.jury_review_started"
    EDITION_NOMINATIONS_CLOSED = "edition.nominations_closed"
    EDITION_NOMINATIONS_OPENED = "edition.nominations_opened"
    EDITION_NOMINATIONS_REOPENED = "edition.nominations_reopened"
    EDITION_PUBLICATION_RESCHEDULED = "edition.publication_rescheduled"
    EDITION_QUESTIONS_FROZEN = "edition.questions_frozen"
    EDITION_QUESTIONS_SET = "edition.questions_set"
    EDITION_SELF_ASSESSMENT_REMOVED = "edition.self_assessment_removed"
    EDITION_SELF_ASSESSMENT_SET = "edition.self_assessment_set"

    JURY_BALLOT_CAST = "jury.ballot_cast"
    JURY_BALLOT_CHANGED = "jury.ballot_changed"
    JURY_COMMENTS_MARKED = "jury.comments_marked"
    JURY_CRITERION_ADDED = "jury.criterion_added"
    JURY_CRITERION_CHANGED = "jury.criterion_changed"
    JURY_CRITERION_REMOVED = "jury.criterion_removed"
    JURY_INVITATION_ACCEPTED = "jury.invitation_accepted"
    JURY_INVITATION_RESENT = "jury.invitation_resent"
    JURY_LANGUAGE_CHANGED = "jury.language_changed"
    JURY_MEMBER_INVITED = "jury.member_invited"
    JURY_ROUND_CLOSED = "jury.round_closed"
    JURY_ROUND_DEADLINE_CLEARED = "jury.round_deadline_cleared"
    JURY_ROUND_DEADLINE_SET = "jury.round_deadline_set"
    JURY_ROUND_OPENED = "jury.round_opened"
    JURY_ROUND_REOPENED = "jury.round_reopened"
    JURY_SCORES_REVISED = "jury.scores_revised"
    JURY_SCORES_SAVED = "jury.scores_saved"
    JURY_SCORES_SUBMITTED = "jury.scores_submitted"
    JURY_SITE_VISIT_NOTED = "jury.site_visit_noted"
    JURY_TIE_BROKEN = "jury.tie_broken"
    JURY_TIE_DECLARED = "jury.tie_declared"
    JURY_TIE_WITHDRAWN = "jury.tie_withdrawn"

    MAIL_BULK_SENT = "mail.bulk_sent"
    MAIL_RETRY_REQUESTED = "mail.retry_requested"
    MAIL_TEMPLATE_RESET = "mail.template_reset"
    MAIL_TEMPLATE_SAVED = "mail.template_saved"
    MAIL_TEST_SENT = "mail.test_sent"

    NOMINATION_CONFIRMED = "nomination.confirmed"
    NOMINATION_REJECTED = "nomination.rejected"
    NOMINATION_SUBMITTED = "nomination.submitted"
    NOMINATION_UPDATED = "nomination.updated"

    NOMINATIONS_PERSONAL_DATA_ERASED = "nominations.personal_data_erased"
    NOMINATIONS_PERSONAL_DATA_LINK_SENT = "nominations.personal_data_link_sent"
    NOMINATIONS_PERSONAL_DATA_PURGED = "nominations.personal_data_purged"
    NOMINATIONS_PERSONAL_DATA_REQUEST_WITHOUT_DATA = (
        "nominations.personal_data_request_without_data"
    )

    OPERATIONS_RESTORED = "operations.restored"

    REGISTER_LOADED = "register.loaded"

    REMINDERS_CONFIGURED = "reminders.configured"
    REMINDERS_SENT = "reminders.sent"


# --- actors ------------------------------------------------------------------------------------


class UnknownActor(TypeError):
    """A programming error: something that is no person, contact or machine actor."""


def actor_label(actor: Any) -> str:
    """How the log names who did it, exactly as it always has:

    - a signed-in user: their e-mail address, or their username when they have none;
    - an anonymous visitor (Django's AnonymousUser): `PUBLIC`;
    - a municipality contact (nominations' MunicipalityContact): `contact:<their e-mail>`;
    - `PUBLIC`, `SYSTEM`, `CLI`, `BOOTSTRAP`: the string itself.

    Anything else (another string, such as an address written by hand) is refused, so that
    a new kind of actor is added here, once, and readers of the log learn of it.
    """
    if isinstance(actor, str):
        if actor in MACHINE_ACTORS:
            return actor
        raise UnknownActor(
            f"{actor!r} is no actor of the audit log: pass the User, the contact, "
            "or one of audit.vocabulary.PUBLIC, SYSTEM, CLI, BOOTSTRAP."
        )
    meta = getattr(actor, "_meta", None)
    if meta is not None and meta.label_lower == "nominations.municipalitycontact":
        return f"contact:{actor.email}"
    if getattr(actor, "is_anonymous", False):
        return PUBLIC
    if callable(getattr(actor, "get_username", None)):
        return str(actor.email or actor.get_username())
    raise UnknownActor(f"{actor!r} is no actor of the audit log.")


# --- targets -----------------------------------------------------------------------------------
# What the event is about, as `kind:key`. Shapes, so the audit app imports no domain model.


class _Award(Protocol):
    slug: str


class _Edition(Protocol):
    year: int

    @property
    def award(self) -> _Award: ...


class _Municipality(Protocol):
    code: str


class _Row(Protocol):
    pk: Any


REGISTER: Final = "register"  # the municipality register as a whole
CONTACTS: Final = "contacts"  # the municipalities' contacts as a whole (no contact matched)
NOMINATIONS: Final = "nominations"  # the nominations' personal data as a whole


def award_target(award: _Award) -> str:
    return f"award:{award.slug}"


def edition_target(edition: _Edition) -> str:
    return edition_key_target(award_slug=edition.award.slug, year=edition.year)


def edition_key_target(*, award_slug: str, year: int) -> str:
    """The same as `edition_target`, where only the award's slug and the year are at hand."""
    return f"edition:{award_slug}:{year}"


def _key(row: _Row | int) -> Any:
    return row if isinstance(row, int) else row.pk


def candidacy_target(candidacy: _Row | int) -> str:
    return f"candidacy:{_key(candidacy)}"


def nomination_target(nomination: _Row | int) -> str:
    return f"nomination:{_key(nomination)}"


def contact_target(*, edition: _Edition, municipality: _Municipality) -> str:
    return f"contact:{edition_target(edition)}:{municipality.code}"


def user_target(username: str) -> str:
    return f"user:{username}"


def mail_target(mail: _Row | int) -> str:
    return f"mail:{_key(mail)}"


def backup_target(name: str) -> str:
    return f"backup:{name}"
