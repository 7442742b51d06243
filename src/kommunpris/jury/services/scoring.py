"""Scoring rounds, the jurors' score sheets in them, and notes from site visits to finalists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, candidacy_target, edition_target
from kommunpris.awards.models import Edition
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions.jury import (
    JURY_PHASES,
    conflicts_by_member,
    in_round,
)

from .. import selectors
from ..labels import STAGE_WORDS
from ..models import (
    SCALE,
    Criterion,
    Membership,
    ScoreEntry,
    ScoreSheet,
    ScoringRound,
    SiteVisitNote,
)
from ._common import (
    Conflict,
    Invalid,
    ScoreSheetChanged,
    edition_locked,
    require_chair,
    require_not_frozen,
    require_visible,
    site_url,
)


def check_open_round(*, edition: Edition, stage: str, actor: User) -> list[Candidacy]:
    """Raises JuryError saying why the round cannot open; else the candidacies it takes in."""
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can open a scoring round.")
        % {"title": edition.title},
    )
    require_not_frozen(edition)
    if stage not in Stage.values:
        raise Invalid(_("Unknown stage '%(stage)s'.") % {"stage": stage})
    if edition.phase not in JURY_PHASES:
        raise Conflict(_("The jury's work on %(title)s has not begun.") % {"title": edition.title})
    if ScoringRound.objects.filter(edition=edition, stage=stage).exists():
        raise Conflict(
            _("The round for %(stage)s exists already; open it again instead.")
            % {"stage": STAGE_WORDS[stage]}
        )
    if not Criterion.objects.filter(edition=edition, weight__gt=0).exists():
        raise Conflict(_("The rubric needs at least one criterion with a weight above 0."))
    reached = selectors.candidacies_reaching(edition, stage)
    if not reached:
        raise Conflict(
            _("No candidacy has reached the stage %(stage)s yet.") % {"stage": STAGE_WORDS[stage]}
        )
    return reached


@edition_locked
def open_round(*, edition: Edition, stage: str, actor: User) -> ScoringRound:
    """Open scoring for every candidacy that has reached `stage`; locks the rubric.

    Each member is told how many candidacies they are to score: those they are not conflicted
    out of (a conflicted member never learns of a candidacy they may not see).
    """
    reached = check_open_round(edition=edition, stage=stage, actor=actor)
    conflicts = conflicts_by_member(edition)
    with transaction.atomic():
        scoring_round = ScoringRound.objects.create(
            edition=edition, stage=stage, opened_at=timezone.now(), opened_by=actor_label(actor)
        )
        record_event(
            action=Action.JURY_ROUND_OPENED,
            actor=actor_label(actor),
            target=edition_target(edition),
            after={"stage": stage, "candidacies": len(reached)},
        )
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            hidden = conflicts.get(seat.user_id, {})
            queue_mail(
                to=seat.user.email,
                template="jury/round_open",
                edition=edition,
                context={
                    "edition_title": edition.title,
                    "stage": stage,
                    "count": sum(1 for c in reached if c.pk not in hidden),
                    "link": site_url(
                        "desk:jury-round", language=seat.language, year=edition.year, stage=stage
                    ),
                },
                language=seat.language,
            )
    return scoring_round


def check_close_round(*, scoring_round: ScoringRound, actor: User) -> None:
    """Raises JuryError saying why the round cannot be closed; returns if it can."""
    require_chair(
        actor,
        scoring_round.edition,
        _("Only the chair of the jury of %(title)s can close a scoring round.")
        % {"title": scoring_round.edition.title},
    )
    if not scoring_round.is_open:
        raise Conflict(
            _("The round for %(stage)s is closed already.")
            % {"stage": STAGE_WORDS[scoring_round.stage]}
        )


@edition_locked
def close_round(*, scoring_round: ScoringRound, actor: User) -> ScoringRound:
    edition = scoring_round.edition
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can close a scoring round.")
        % {"title": edition.title},
    )
    if not scoring_round.is_open:
        return scoring_round
    with transaction.atomic():
        close_open_round(scoring_round, actor=actor)
    return scoring_round


def close_open_round(scoring_round: ScoringRound, *, actor: User) -> None:
    """Close a round as part of another write that has asked its permission (close_round, the
    decision)."""
    scoring_round.closed_at = timezone.now()
    scoring_round.save(update_fields=["closed_at"])
    record_event(
        action=Action.JURY_ROUND_CLOSED,
        actor=actor_label(actor),
        target=edition_target(scoring_round.edition),
        after={"stage": scoring_round.stage},
    )


@edition_locked
def reopen_round(*, scoring_round: ScoringRound, actor: User) -> ScoringRound:
    edition = scoring_round.edition
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can open a scoring round again.")
        % {"title": edition.title},
    )
    require_not_frozen(edition)
    if edition.phase not in JURY_PHASES:
        raise Conflict(
            _("The jury's work on %(title)s is not under way.") % {"title": edition.title}
        )
    if scoring_round.is_open:
        return scoring_round
    with transaction.atomic():
        scoring_round.closed_at = None
        scoring_round.save(update_fields=["closed_at"])
        record_event(
            action=Action.JURY_ROUND_REOPENED,
            actor=actor_label(actor),
            target=edition_target(edition),
            after={"stage": scoring_round.stage},
        )
    return scoring_round


SHEET_CHANGED = gettext_lazy(
    "The scores were changed in another tab or session since you opened them. Your changes "
    "were not saved. Reload the page to start from what is saved now (shown below), or save "
    "again if your values are to replace it."
)


@dataclass(frozen=True)
class EntryInput:
    value: int | None
    comment: str = ""


@edition_locked
def save_score_sheet(
    *,
    scoring_round: ScoringRound,
    candidacy: Candidacy,
    actor: User,
    entries: Mapping[int, EntryInput],
    comment: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Save a juror's sheet as a draft, or submit it (every criterion scored).

    A submitted sheet stays submitted; changing it while the round is open is a revision,
    recorded with its before and after in the audit log.

    `expected_version` is the sheet's version when the form was opened (0: no sheet yet). If the
    sheet has been saved since, with other content than this save would leave, nothing is
    written and ScoreSheetChanged is raised: two tabs or sessions never silently overwrite each
    other. The same content sent twice (a double click) is not a conflict.
    """
    edition = scoring_round.edition
    require_visible(actor, candidacy)
    require_not_frozen(edition)
    if not scoring_round.is_open or edition.phase not in JURY_PHASES:
        raise Conflict(
            _("The round for %(stage)s is closed; the scores can no longer change.")
            % {"stage": STAGE_WORDS[scoring_round.stage]}
        )
    if not in_round(candidacy, scoring_round):
        raise Invalid(_("%(name)s is not in this round.") % {"name": candidacy.name})
    rubric = {c.pk: c for c in Criterion.objects.filter(edition=edition)}
    unknown = [pk for pk in entries if pk not in rubric]
    if unknown:
        raise Invalid(_("Unknown criterion %(number)s in the scores.") % {"number": unknown[0]})
    for pk, entry in entries.items():
        if entry.value is not None and entry.value not in SCALE:
            raise Invalid(
                _("The score for '%(criterion)s' is to be 0–4, not %(value)s.")
                % {"criterion": rubric[pk].name, "value": entry.value}
            )
    now = timezone.now()
    with transaction.atomic():
        sheet = (
            ScoreSheet.objects.select_for_update()
            .filter(round=scoring_round, candidacy=candidacy, juror=actor)
            .first()
        )
        existing = {e.criterion_id: e for e in sheet.entries.all()} if sheet is not None else {}
        wanted: dict[int, EntryInput] = {}
        for pk in rubric:
            if pk in entries:
                wanted[pk] = entries[pk]
            elif pk in existing:
                wanted[pk] = EntryInput(existing[pk].value, existing[pk].comment)
            else:
                wanted[pk] = EntryInput(None)
        current_version = sheet.version if sheet is not None else 0
        if expected_version is not None and expected_version != current_version:
            stored = {pk: EntryInput(e.value, e.comment) for pk, e in existing.items()}
            if _content(rubric, stored, sheet.comment if sheet else None) != _content(
                rubric, wanted, comment
            ):
                raise ScoreSheetChanged(str(SHEET_CHANGED))
        was_submitted = sheet is not None and sheet.is_submitted
        if submit or was_submitted:
            missing = [rubric[pk].name for pk, e in wanted.items() if e.value is None]
            if missing:
                raise Invalid(
                    _("Score every criterion before you submit: %(missing)s.")
                    % {"missing": ", ".join(missing)}
                )
        before = _sheet_record(sheet, existing, rubric) if sheet is not None else None
        if sheet is None:
            try:
                with transaction.atomic():
                    sheet = ScoreSheet.objects.create(
                        round=scoring_round,
                        candidacy=candidacy,
                        juror=actor,
                        comment=comment.strip(),
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                # Another tab created the sheet a moment ago (where writers do not queue up).
                raise ScoreSheetChanged(str(SHEET_CHANGED)) from None
        for pk, entry in wanted.items():
            current = existing.get(pk)
            text = entry.comment.strip()
            if current is None:
                existing[pk] = ScoreEntry.objects.create(
                    sheet=sheet, criterion=rubric[pk], value=entry.value, comment=text
                )
            elif (current.value, current.comment) != (entry.value, text):
                current.value, current.comment = entry.value, text
                current.save(update_fields=["value", "comment"])
        after = _sheet_record(sheet, existing, rubric, comment=comment.strip())
        changed = before is None or before != after
        if not changed and (was_submitted or not submit):
            return sheet
        sheet.comment = comment.strip()
        sheet.updated_at = now
        sheet.version = current_version + 1
        fields = ["comment", "updated_at", "version"]
        if was_submitted:
            sheet.revised_at = now
            fields.append("revised_at")
            action = Action.JURY_SCORES_REVISED
        elif submit:
            sheet.submitted_at = now
            fields.append("submitted_at")
            action = Action.JURY_SCORES_SUBMITTED
        else:
            action = Action.JURY_SCORES_SAVED
        sheet.save(update_fields=fields)
        record_event(
            action=action,
            actor=actor_label(actor),
            target=candidacy_target(candidacy),
            before=before,
            after={"stage": scoring_round.stage, **after},
        )
    return sheet


def _content(
    rubric: Mapping[int, Criterion], entries: Mapping[int, EntryInput], comment: str | None
) -> tuple[str | None, list[tuple[int | None, str]]]:
    """What a sheet says, criterion by criterion, to tell whether two saves differ."""
    missing = EntryInput(None)
    return (
        None if comment is None else comment.strip(),
        [
            (entries.get(pk, missing).value, entries.get(pk, missing).comment.strip())
            for pk in sorted(rubric)
        ],
    )


def _sheet_record(
    sheet: ScoreSheet,
    entries: Mapping[int, ScoreEntry],
    rubric: Mapping[int, Criterion],
    *,
    comment: str | None = None,
) -> dict[str, Any]:
    return {
        "comment": sheet.comment if comment is None else comment,
        "scores": {
            rubric[pk].name: [e.value, e.comment]
            for pk, e in sorted(entries.items())
            if pk in rubric
        },
    }


def add_site_visit_note(
    *, candidacy: Candidacy, actor: User, body: str, visited_on: date | None = None
) -> SiteVisitNote:
    require_visible(actor, candidacy)
    require_not_frozen(candidacy.edition)
    if candidacy.stage != Stage.FINALIST:
        raise Invalid(
            _("Site visits are made to finalists; %(name)s is not a finalist.")
            % {"name": candidacy.name}
        )
    text = body.strip()
    if not text:
        raise Invalid(_("Write what you saw on the visit."))
    with transaction.atomic():
        note = SiteVisitNote.objects.create(
            candidacy=candidacy,
            author=actor,
            visited_on=visited_on,
            body=text,
            created_at=timezone.now(),
        )
        record_event(
            action=Action.JURY_SITE_VISIT_NOTED,
            actor=actor_label(actor),
            target=candidacy_target(candidacy),
            after={"visited_on": visited_on, "body": text},
        )
    return note
