"""Writes of the jury, one module per concern: membership (invitations and declared ties),
rubric, phases (the edition's jury phases and the funnel), scoring (rounds, score sheets, site
visits), ballot and decision.

Every function validates first and raises JuryError (nothing written) with a message that says
what to do instead; then writes inside one transaction, appends to the audit log and queues
mail on commit. Everything is re-exported here: callers write `services.open_round(...)`.
"""

from kommunpris.jury.labels import STAGE_WORDS
from kommunpris.jury.selectors import suggested_display_name

from ._common import (
    Conflict,
    Invalid,
    JuryError,
    NotAllowed,
    NotFound,
    ScoreSheetChanged,
    edition_locked,
)
from .ballot import break_tie, cast_ballot
from .decision import (
    CheckedDecision,
    check_decision,
    record_decision,
    reschedule_publication,
)
from .membership import (
    accept_invitation,
    check_withdraw_tie,
    declare_tie,
    invite_member,
    resend_invitation,
    set_member_language,
    tie_would_conflict,
    withdraw_tie,
)
from .phases import (
    check_start_deliberation,
    check_start_jury_review,
    move_candidacy,
    start_deliberation,
    start_jury_review,
)
from .rubric import (
    CriterionInput,
    add_criterion,
    remove_criterion,
    seed_default_rubric,
    update_criterion,
)
from .scoring import (
    SHEET_CHANGED,
    EntryInput,
    add_site_visit_note,
    check_close_round,
    check_open_round,
    close_open_round,
    close_round,
    open_round,
    reopen_round,
    save_score_sheet,
)

__all__ = [
    "SHEET_CHANGED",
    "STAGE_WORDS",
    "CheckedDecision",
    "Conflict",
    "CriterionInput",
    "EntryInput",
    "Invalid",
    "JuryError",
    "NotAllowed",
    "NotFound",
    "ScoreSheetChanged",
    "accept_invitation",
    "add_criterion",
    "add_site_visit_note",
    "break_tie",
    "cast_ballot",
    "check_close_round",
    "check_decision",
    "check_open_round",
    "check_start_deliberation",
    "check_start_jury_review",
    "check_withdraw_tie",
    "close_open_round",
    "close_round",
    "declare_tie",
    "edition_locked",
    "invite_member",
    "move_candidacy",
    "open_round",
    "record_decision",
    "remove_criterion",
    "reopen_round",
    "reschedule_publication",
    "resend_invitation",
    "save_score_sheet",
    "seed_default_rubric",
    "set_member_language",
    "start_deliberation",
    "start_jury_review",
    "suggested_display_name",
    "tie_would_conflict",
    "update_criterion",
    "withdraw_tie",
]
