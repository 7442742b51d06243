"""The organiser sets an edition's questions before its call takes nominations; the first
nomination freezes them, so every answer keeps the question it was given to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import SYSTEM, Action, actor_label, edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import lock_edition

from ..errors import CallError, CallFrozen
from ..models import Nomination, NominationQuestion
from ..questions import LENGTH_LIMITS, MAX_QUESTIONS, are_own, frozen_at, questions_of
from ._common import Actor, check_organiser

# The call's questions may change while it takes no nominations yet.
QUESTION_PHASES = (Phase.DRAFT, Phase.NOMINATIONS_OPEN)


@dataclass(frozen=True)
class QuestionText:
    """One question as the organiser writes it. `key` names an existing question whose place
    this takes (empty for a new one)."""

    text_sv: str
    text_en: str = ""
    hint_sv: str = ""
    hint_en: str = ""
    required: bool = True
    max_length: int = 3000
    key: str = ""


def _summary(questions: Sequence[NominationQuestion]) -> list[dict[str, Any]]:
    return [
        {
            "key": q.key,
            "sv": q.text_sv,
            "en": q.text_en,
            "required": q.required,
            "max_length": q.max_length,
        }
        for q in questions
    ]


def check_questions_may_change(edition: Edition) -> None:
    """Raises CallFrozen saying why the edition's questions can no longer change."""
    if edition.phase not in QUESTION_PHASES:
        raise CallFrozen(
            _(
                "The call for %(title)s has closed, so its questions stay as the nominations "
                "answered them."
            )
            % {"title": edition.title}
        )
    first = frozen_at(questions_of(edition))
    if first is None:
        first = (
            Nomination.objects.filter(edition=edition)
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
    if first is not None:
        raise CallFrozen(
            _(
                "The questions of %(title)s can no longer change: the first nomination arrived "
                "%(when)s, and every answer keeps the question it was given to."
            )
            % {"title": edition.title, "when": dates.moment(first)}
        )


def _checked(questions: Sequence[QuestionText]) -> list[QuestionText]:
    if not questions:
        raise CallError(_("The call needs at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise CallError(
            _("A call has at most %(count)s questions; remove %(extra)s.")
            % {"count": MAX_QUESTIONS, "extra": len(questions) - MAX_QUESTIONS}
        )
    low, high = LENGTH_LIMITS
    cleaned = []
    for number, given in enumerate(questions, start=1):
        texts = {
            name: " ".join(getattr(given, name).split())
            for name in ("text_sv", "text_en", "hint_sv", "hint_en")
        }
        if not texts["text_sv"]:
            raise CallError(
                _("Question %(number)s has no Swedish text. Write it, or remove the question.")
                % {"number": number}
            )
        for name, limit in (("text_sv", 300), ("text_en", 300), ("hint_sv", 500), ("hint_en", 500)):
            if len(texts[name]) > limit:
                raise CallError(
                    _("Question %(number)s: a text may be at most %(limit)s characters.")
                    % {"number": number, "limit": limit}
                )
        if not low <= given.max_length <= high:
            raise CallError(
                _(
                    "Question %(number)s: the length limit must be between %(low)s and %(high)s "
                    "characters."
                )
                % {"number": number, "low": low, "high": high}
            )
        cleaned.append(
            QuestionText(
                **texts, required=given.required, max_length=given.max_length, key=given.key
            )
        )
    if not any(q.required for q in cleaned):
        raise CallError(
            _("Make at least one question required, or a nomination could be sent empty.")
        )
    return cleaned


def set_questions(
    *,
    edition: Edition,
    questions: Sequence[QuestionText],
    actor: Actor,
) -> list[NominationQuestion]:
    """Replace the edition's questions with `questions`, in that order. Only the organiser,
    while the call takes no nominations yet; a question that keeps its `key` keeps its name,
    a new one gets one never used in the edition."""
    check_organiser(actor)
    cleaned = _checked(questions)
    with transaction.atomic():
        lock_edition(edition)
        check_questions_may_change(edition)
        before = questions_of(edition)
        known = {q.key for q in before}
        numbers = [int(k[1:]) for k in known if k[:1] == "q" and k[1:].isdigit()]
        next_number = max([len(before), *numbers]) + 1
        used: set[str] = set()
        rows = []
        for position, given in enumerate(cleaned, start=1):
            key = given.key if given.key in known and given.key not in used else ""
            if not key:
                key, next_number = f"q{next_number}", next_number + 1
            used.add(key)
            rows.append(
                NominationQuestion(
                    edition=edition,
                    position=position,
                    key=key,
                    text_sv=given.text_sv,
                    text_en=given.text_en,
                    hint_sv=given.hint_sv,
                    hint_en=given.hint_en,
                    required=given.required,
                    max_length=given.max_length,
                )
            )
        NominationQuestion.objects.filter(edition=edition).delete()
        NominationQuestion.objects.bulk_create(rows)
        saved = list(NominationQuestion.objects.filter(edition=edition).order_by("position"))
        record_event(
            action=Action.EDITION_QUESTIONS_SET,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"questions": _summary(before), "own": are_own(before)},
            after={"questions": _summary(saved)},
        )
    return saved


def freeze_questions(edition: Edition, *, now: datetime) -> list[NominationQuestion]:
    """The questions a nomination answers, stored and frozen from now if they are not yet.
    Call inside the nomination's transaction: if it is refused, nothing is frozen."""
    stored = list(NominationQuestion.objects.filter(edition=edition).order_by("position"))
    if stored and stored[0].frozen_at is not None:
        return stored
    lock_edition(edition)  # against the organiser changing them at this very moment
    questions = questions_of(edition)
    if questions and questions[0].frozen_at is not None:
        return questions  # frozen by a nomination that came first
    for question in questions:
        question.frozen_at = now
    if are_own(questions):
        NominationQuestion.objects.filter(edition=edition).update(frozen_at=now)
    else:
        NominationQuestion.objects.bulk_create(questions)
        questions = list(NominationQuestion.objects.filter(edition=edition).order_by("position"))
    record_event(
        action=Action.EDITION_QUESTIONS_FROZEN,
        actor=SYSTEM,
        target=edition_target(edition),
        after={"questions": _summary(questions), "frozen_at": now.isoformat()},
    )
    return questions
